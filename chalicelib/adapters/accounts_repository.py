"""Accounts in DynamoDB: one item per user (Cognito ``sub``) with their role and their role's profile."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, PutError, QueryError

from chalicelib.adapters.dynamo import AccountModel
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.accounts import Account, CreditorProfile, LawyerProfile, PostalAddress, Role
from chalicelib.domain.errors import AlreadyExists, ConcurrentUpdate, NotFound


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], (), {})}


def _profile_data(account: Account) -> dict[str, Any] | None:
    if account.creditor is not None:
        data = asdict(account.creditor)
        data["address"] = _without_empty(data["address"]) if data["address"] else None
        return _without_empty(data)
    if account.lawyer is not None:
        data = asdict(account.lawyer)
        data["courts"], data["regions"] = list(data["courts"]), list(data["regions"])
        data["departements"] = list(data["departements"])
        return _without_empty(data)
    return None


def _to_domain(item: AccountModel) -> Account:
    role = Role(item.role)
    data: dict[str, Any] = item.profile.as_dict() if item.profile else {}
    creditor = lawyer = None
    if role is Role.CREDITOR and data:
        address = data.pop("address", None)
        creditor = CreditorProfile(
            **{key: str(value) for key, value in data.items() if key in CreditorProfile.__dataclass_fields__},
            address=PostalAddress(**{k: str(v) for k, v in address.items()}) if address else None,
        )
    elif role is Role.LAWYER and data:
        lawyer = LawyerProfile(
            name=str(data.get("name", "")),
            barreau=str(data.get("barreau", "")),
            firm=str(data.get("firm", "")),
            phone=str(data.get("phone", "")),
            courts=tuple(str(court) for court in data.get("courts", [])),
            regions=tuple(str(region) for region in data.get("regions", [])),
            departements=tuple(str(code) for code in data.get("departements", [])),
            active=bool(data.get("active", True)),
            capacity=int(data["capacity"]) if data.get("capacity") is not None else None,
        )
    return Account(
        user_id=item.user_id,
        email=item.email,
        role=role,
        creditor=creditor,
        lawyer=lawyer,
        created_at=item.created_at,
        cgv_version=item.cgv_version,
        cgv_accepted_at=item.cgv_accepted_at,
    )


class AccountRepository:
    def get(self, user_id: str) -> Account:
        try:
            return _to_domain(AccountModel.get(user_id, consistent_read=True))
        except DoesNotExist:
            raise NotFound("Ce compte est introuvable.") from None
        except GetError as error:
            raise TransientError(f"accounts table unavailable: {error}") from error

    def find(self, user_id: str) -> Account | None:
        try:
            return self.get(user_id)
        except NotFound:
            return None

    def create(self, account: Account) -> Account:
        now = datetime.now(UTC)
        item = AccountModel(
            account.user_id,
            role=account.role.value,
            email=account.email,
            created_at=account.created_at or now,
            updated_at=now,
            profile=_profile_data(account),
        )
        try:
            item.save(condition=AccountModel.user_id.does_not_exist())
        except PutError as error:
            raise AlreadyExists("Ce compte existe déjà.") from error
        return _to_domain(item)

    def save_profile(self, account: Account) -> Account:
        """Replace the profile of an existing account (the role and the email do not change here)."""
        try:
            item = AccountModel.get(account.user_id, consistent_read=True)
        except DoesNotExist:
            raise NotFound("Ce compte est introuvable.") from None
        item.profile = _profile_data(account)
        item.updated_at = datetime.now(UTC)
        try:
            item.save()  # guarded by the version attribute
        except PutError as error:
            raise ConcurrentUpdate(
                "Ce profil a été modifié en même temps ailleurs ; veuillez recharger la page."
            ) from error
        return _to_domain(item)

    def accept_terms(self, user_id: str, version: str, at: datetime) -> Account:
        """Record that the account accepted the conditions générales de vente ``version`` at ``at``."""
        try:
            item = AccountModel.get(user_id, consistent_read=True)
        except DoesNotExist:
            raise NotFound("Ce compte est introuvable.") from None
        except GetError as error:
            raise TransientError(f"accounts table unavailable: {error}") from error
        item.cgv_version = version
        item.cgv_accepted_at = at
        item.updated_at = datetime.now(UTC)
        try:
            item.save()  # guarded by the version attribute
        except PutError as error:
            raise ConcurrentUpdate(
                "Ce compte a été modifié en même temps ailleurs ; veuillez réessayer."
            ) from error
        return _to_domain(item)

    def list_by_role(self, role: Role) -> list[Account]:
        try:
            return [_to_domain(item) for item in AccountModel.by_role.query(role.value)]
        except QueryError as error:
            raise TransientError(f"accounts table unavailable: {error}") from error
