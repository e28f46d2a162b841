import pytest

from infra.admin import main
from tests.integration.accounts_helpers import mailbox

pytestmark = pytest.mark.integration


def test_create_operator_invites_the_first_operator(aws, api, capsys):
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.domain.accounts import Role

    assert main(["create-operator", "Premier.Operateur@example.fr", "--user-pool-id", aws.user_pool_id]) == 0
    assert "Opérateur créé : Premier.Operateur@example.fr" in capsys.readouterr().out
    [operator] = AccountRepository().list_by_role(Role.OPERATOR)
    assert operator.email == "premier.operateur@example.fr"
    [invitation] = mailbox("premier.operateur@example.fr")
    assert "opérateur de la plateforme" in invitation["body"]
    assert main(["create-operator", "premier.operateur@example.fr", "--user-pool-id", aws.user_pool_id]) == 1
