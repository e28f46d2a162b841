"""The semesters of rates an operator added over the packaged tables, in DynamoDB (written once each)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pynamodb.exceptions import PutError, ScanError

from chalicelib.adapters.dynamo import RateSemesterModel
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import AlreadyExists
from chalicelib.legal.dates import Semester
from chalicelib.legal.rates import AddedSemester


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
