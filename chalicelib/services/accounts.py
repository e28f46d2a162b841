"""Use cases of accounts: a creditor signs up and keeps their profile; an operator invites lawyers.

The identity provider (Cognito) and the account store (DynamoDB) are passed in as ports.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from chalicelib.domain.accounts import Account, CreditorProfile, Identity, LawyerProfile, Role
from chalicelib.domain.errors import AlreadyExists, NotFound
from chalicelib.services.ports import AccountStore, IdentityProvider


def normalise_email(email: str) -> str:
    return email.strip().lower()


def me(identity: Identity, *, accounts: AccountStore) -> Account:
    """The caller's account; created on first use when the user was made outside the API (an operator
    created with ``python -m infra.admin create-operator``)."""
    found = accounts.find(identity.user_id)
    if found is not None:
        return found
    return _ensure_account(
        accounts, Account(user_id=identity.user_id, email=identity.email, role=identity.role)
    )


def update_creditor_profile(
    identity: Identity, profile: CreditorProfile, *, accounts: AccountStore
) -> Account:
    account = me(identity, accounts=accounts)
    return accounts.save_profile(replace(account, creditor=profile))


def invite_account(
    email: str,
    role: Role,
    *,
    users: IdentityProvider,
    accounts: AccountStore,
    lawyer: LawyerProfile | None = None,
) -> Account:
    """Create a user of ``role`` whom the identity provider invites by email (temporary password)."""
    email = normalise_email(email)
    user_id = users.invite(email, role)
    account = Account(user_id=user_id, email=email, role=role, lawyer=lawyer, created_at=datetime.now(UTC))
    try:
        return accounts.create(account)
    except Exception:
        users.delete(email)  # no half-made lawyer: a Cognito user without an account item
        raise


def update_lawyer(user_id: str, changes: dict[str, object], *, accounts: AccountStore) -> Account:
    """The operator's changes to a partner lawyer: active, courts, départements, capacity, firm, phone."""
    account = accounts.get(user_id)
    if account.role is not Role.LAWYER or account.lawyer is None:
        raise NotFound("Cet avocat partenaire est introuvable.")
    allowed = {"active", "courts", "departements", "capacity", "firm", "phone"}
    updates = {key: value for key, value in changes.items() if key in allowed and value is not None}
    if "capacity" in changes and changes["capacity"] is None:
        updates["capacity"] = None
    return accounts.save_profile(replace(account, lawyer=replace(account.lawyer, **updates)))  # type: ignore[arg-type]


def list_lawyers(*, accounts: AccountStore) -> list[Account]:
    return sorted(accounts.list_by_role(Role.LAWYER), key=lambda account: account.email)


def _ensure_account(accounts: AccountStore, account: Account) -> Account:
    try:
        return accounts.create(account)
    except AlreadyExists:
        return accounts.get(account.user_id)
