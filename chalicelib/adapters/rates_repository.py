"""The semesters of rates an operator added over the packaged tables, in DynamoDB (written once each), and
the proposals of the rate feed waiting for an operator."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import DoesNotExist, GetError, PutError, ScanError, UpdateError

from chalicelib.adapters.dynamo import OutboxModel, RateProposalModel, RateSemesterModel
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import AlreadyExists, NotFound
from chalicelib.legal.dates import Semester
from chalicelib.legal.rates import AddedSemester

if TYPE_CHECKING:
    from chalicelib.domain.notifications import Notification


class RateRepository:
    def added(self) -> tuple[AddedSemester, ...]:
        """Every semester added, oldest first (a handful of items: two a year)."""
        try:
            items = list(RateSemesterModel.scan(consistent_read=True))
        except ScanError as error:
            raise TransientError(f"rates table unavailable: {error}") from error
        return tuple(
            sorted(
                (
                    AddedSemester(
                        semester=Semester.parse(item.semester),
                        ecb_mro=Decimal(item.ecb_mro),
                        particuliers=Decimal(item.particuliers),
                        autres_cas=Decimal(item.autres_cas),
                        source=item.source,
                        arrete=item.arrete,
                    )
                    for item in items
                ),
                key=lambda row: row.semester,
            )
        )

    def details(self) -> list[dict[str, str | None]]:
        """The stored rows with who added them and when (the operator page's audit)."""
        try:
            items = sorted(RateSemesterModel.scan(consistent_read=True), key=lambda i: i.semester)
        except ScanError as error:
            raise TransientError(f"rates table unavailable: {error}") from error
        return [
            {
                "semester": i.semester,
                "ecb_mro": i.ecb_mro,
                "particuliers": i.particuliers,
                "autres_cas": i.autres_cas,
                "source": i.source,
                "arrete": i.arrete,
                "published_on": i.published_on,
                "added_by": i.added_by,
                "added_at": i.added_at.isoformat(),
            }
            for i in items
        ]

    def add(self, row: AddedSemester, *, published_on: str | None, added_by: str, now: datetime) -> None:
        item = RateSemesterModel(
            str(row.semester),
            ecb_mro=str(row.ecb_mro),
            particuliers=str(row.particuliers),
            autres_cas=str(row.autres_cas),
            source=row.source,
            arrete=row.arrete,
            published_on=published_on,
            added_by=added_by,
            added_at=now,
        )
        try:
            item.save(condition=RateSemesterModel.semester.does_not_exist())
        except PutError as error:
            if getattr(error, "cause_response_code", "") == "ConditionalCheckFailedException":
                raise AlreadyExists(
                    f"Le semestre {row.semester} a déjà été ajouté.", field="semester"
                ) from None
            raise TransientError(f"rates table unavailable: {error}") from error


class RateProposalRepository:
    """The proposals of the rate feed (``RateProposalModel``): created once each (with the operator's email in
    the same transaction), then confirmed, rejected or superseded once."""

    def __init__(self) -> None:
        from chalicelib.adapters.aws import transactions_connection
        from chalicelib.settings import get_settings

        self._connection = transactions_connection(get_settings().region)

    def create(self, row: RateProposalModel, *, notification: Notification | None, now: datetime) -> bool:
        """Store a pending proposal and queue its email; False when it already exists (same values)."""
        from pynamodb.exceptions import TransactWriteError
        from pynamodb.transactions import TransactWrite

        from chalicelib.adapters.outbox_repository import new_platform_item
        from chalicelib.domain.notifications import RATE_PROPOSALS_SUBJECT

        queued = (
            [new_platform_item(RATE_PROPOSALS_SUBJECT, row.proposal_id, notification, now)]
            if notification
            else []
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                transaction.save(row, condition=RateProposalModel.proposal_id.does_not_exist())
                for item in queued:
                    transaction.save(item, condition=OutboxModel.outbox_id.does_not_exist())
        except (TransactWriteError, PutError) as error:
            if getattr(error, "cause_response_code", "") in {
                "TransactionCanceledException",
                "ConditionalCheckFailedException",
            }:
                return False
            raise TransientError(f"rate proposals table unavailable: {error}") from error
        return True

    def all(self) -> list[RateProposalModel]:
        """Every proposal, newest first (a handful: two semesters a year)."""
        try:
            items = list(RateProposalModel.scan(consistent_read=True))
        except ScanError as error:
            raise TransientError(f"rate proposals table unavailable: {error}") from error
        return sorted(items, key=lambda i: (i.created_at, i.proposal_id), reverse=True)

    def get(self, proposal_id: str) -> RateProposalModel:
        try:
            return RateProposalModel.get(proposal_id, consistent_read=True)
        except DoesNotExist:
            raise NotFound("Cette proposition de taux est introuvable.") from None
        except GetError as error:
            raise TransientError(f"rate proposals table unavailable: {error}") from error

    def decide(
        self, proposal_id: str, *, status: str, by: str, now: datetime, reason: str | None = None
    ) -> bool:
        """Move a pending proposal to ``status``; False when it was no longer pending."""
        actions: list[Any] = [
            RateProposalModel.status.set(status),
            RateProposalModel.decided_at.set(now),
            RateProposalModel.decided_by.set(by),
        ]
        if reason:
            actions.append(RateProposalModel.reason.set(reason))
        try:
            RateProposalModel(proposal_id).update(
                actions=actions,
                condition=(RateProposalModel.status == "pending") & RateProposalModel.proposal_id.exists(),
            )
        except UpdateError as error:
            if getattr(error, "cause_response_code", "") == "ConditionalCheckFailedException":
                return False
            raise TransientError(f"rate proposals table unavailable: {error}") from error
        return True
