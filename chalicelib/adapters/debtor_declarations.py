"""What debtors declared from their page, in DynamoDB (``DebtorDeclarationModel``): one item per
declaration, under its claim, in the order they came."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from pynamodb.exceptions import DoesNotExist, PutError, QueryError, UpdateError

from chalicelib.adapters.errors import TransientError
from chalicelib.domain.debtor_declaration import Declaration
from chalicelib.domain.errors import NotFound


def _declaration(item: Any) -> Declaration:
    return Declaration(
        claim_id=item.claim_id,
        declaration_id=item.declaration_id,
        kind=item.kind,
        status=item.status,
        declared_at=item.declared_at,
        details=dict(item.details or {}),
        decided_at=item.decided_at,
        decided_by=item.decided_by,
    )


class DebtorDeclarations:
    def add(self, claim_id: str, kind: str, details: dict[str, Any], now: dt.datetime) -> Declaration:
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        item = DebtorDeclarationModel(
            claim_id,
            f"dcl_{stamp}_{secrets.token_hex(4)}",
            kind=kind,
            status="pending" if kind in ("payment", "plan") else "recorded",
            declared_at=now,
            details=details,
        )
        try:
            item.save()
        except PutError as error:
            raise TransientError(f"debtor declaration not saved: {error}") from error
        return _declaration(item)

    def of_claim(self, claim_id: str) -> list[Declaration]:
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            return [_declaration(item) for item in DebtorDeclarationModel.query(claim_id)]
        except QueryError as error:
            raise TransientError(f"debtor declarations unavailable: {error}") from error

    def get(self, claim_id: str, declaration_id: str) -> Declaration | None:
        """One declaration of the claim, by its key (None when it is not this claim's)."""
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            return _declaration(DebtorDeclarationModel.get(claim_id, declaration_id))
        except DoesNotExist:
            return None

    def decide(
        self, claim_id: str, declaration_id: str, status: str, actor: str, now: dt.datetime
    ) -> Declaration:
        """Move a pending declaration to ``status`` (only once: a decided one is refused with NotFound)."""
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            item = DebtorDeclarationModel.get(claim_id, declaration_id)
        except DoesNotExist:
            raise NotFound("Cette déclaration du débiteur n'existe pas.") from None
        try:
            item.update(
                actions=[
                    DebtorDeclarationModel.status.set(status),
                    DebtorDeclarationModel.decided_at.set(now),
                    DebtorDeclarationModel.decided_by.set(actor),
                ],
                condition=DebtorDeclarationModel.status == "pending",
            )
        except UpdateError as error:
            if "ConditionalCheckFailed" in str(error):
                raise NotFound("Cette déclaration a déjà été traitée.", code="already_decided") from None
            raise TransientError(f"debtor declaration not updated: {error}") from error
        return _declaration(item)

    def add_file(self, claim_id: str, declaration_id: str, entry: dict[str, Any]) -> Declaration:
        """Append a checked file to the declaration's ``details["files"]``."""
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            item = DebtorDeclarationModel.get(claim_id, declaration_id)
        except DoesNotExist:
            raise NotFound("Cette déclaration du débiteur n'existe pas.") from None
        details = dict(item.details or {})
        details["files"] = [*details.get("files", []), entry]
        try:
            item.update(actions=[DebtorDeclarationModel.details.set(details)])
        except UpdateError as error:
            raise TransientError(f"debtor declaration not updated: {error}") from error
        return _declaration(item)

    def accepted_plans(self) -> list[Declaration]:
        """Every payment plan a creditor accepted (a scan: the table holds what debtors declared only)."""
        from pynamodb.exceptions import ScanError

        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            found = DebtorDeclarationModel.scan(
                (DebtorDeclarationModel.kind == "plan") & (DebtorDeclarationModel.status == "accepted")
            )
            return [_declaration(item) for item in found]
        except ScanError as error:
            raise TransientError(f"debtor declarations unavailable: {error}") from error

    def set_details(self, claim_id: str, declaration_id: str, details: dict[str, Any]) -> None:
        from chalicelib.adapters.dynamo import DebtorDeclarationModel

        try:
            DebtorDeclarationModel(claim_id, declaration_id).update(
                actions=[DebtorDeclarationModel.details.set(details)]
            )
        except UpdateError as error:
            raise TransientError(f"debtor declaration not updated: {error}") from error
