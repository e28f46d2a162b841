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


def test_rebuild_totals_sets_the_dashboard_rows_from_the_claims(aws, capsys):
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import ClaimTotalsModel
    from chalicelib.domain.claim import Claim, ClaimStatus

    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    ClaimRepository().create(
        Claim("c-1", "creditor-1", ClaimStatus.DRAFT, "Débiteur", 12_300, now, now), actor="t"
    )
    for row in ClaimTotalsModel.scan():
        row.delete()
    assert main(["rebuild-totals"]) == 0
    assert "Totaux recalculés : 2 ligne(s) corrigée(s)." in capsys.readouterr().out
    assert ClaimRepository().totals("creditor-1") == {"due#none": (1, 12_300), "status#draft": (1, 12_300)}


def test_backfill_lawyer_due_places_a_dossier_written_without_its_key(aws, capsys):
    import datetime as dt

    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import ClaimModel
    from chalicelib.domain.claim import Claim, ClaimStatus

    now = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    repository = ClaimRepository(wake_sender=None)
    repository.create(Claim("c-1", "creditor-1", ClaimStatus.DRAFT, "Débiteur", 12_300, now, now), actor="t")
    row = ClaimModel.get("c-1")
    row.update(actions=[ClaimModel.assigned_lawyer_id.set("lawyer-1")])  # as older code wrote it: no key
    assert ClaimModel.get("c-1").lawyer_due is None
    assert main(["backfill-lawyer-due"]) == 0
    assert "Listes des avocats : 1 dossier(s) replacé(s)." in capsys.readouterr().out
    assert ClaimModel.get("c-1").lawyer_due == "9999-12-31#c-1"
    assert main(["backfill-lawyer-due"]) == 0
    assert "Listes des avocats : 0 dossier(s) replacé(s)." in capsys.readouterr().out
