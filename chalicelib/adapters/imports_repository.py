"""Bulk-import jobs in DynamoDB: created by the API, advanced by the ``import_claims`` Lambda."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from pynamodb.exceptions import DoesNotExist, GetError, PutError, QueryError, UpdateError

from chalicelib.adapters.dynamo import ImportJobModel, newest_first_page
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.errors import NotFound
from chalicelib.domain.imports import ImportJob, ImportStatus


def _to_domain(item: ImportJobModel) -> ImportJob:
    return ImportJob(
        import_id=item.import_id,
        creditor_id=item.creditor_id,
        filename=item.filename,
        storage_key=item.storage_key,
        status=ImportStatus(item.status),
        created_at=item.created_at,
        updated_at=item.updated_at,
        total_lines=int(item.total_lines),
        lines_read=int(item.lines_read),
        drafts_total=int(item.drafts_total),
        drafts_created=int(item.drafts_created),
        lines_rejected=int(item.lines_rejected),
        error=item.error,
        report_key=item.report_key,
        report=_legacy_report(item),
    )


def _legacy_report(item: ImportJobModel) -> dict[str, Any] | None:
    """The report of a job finished before reports moved to S3 (kept on the item, with the drafts' ids)."""
    if item.report is None:
        return None
    report = dict(item.report)
    if "claims" not in report and item.claim_ids:
        report["claims"] = [{"claim_id": claim_id} for claim_id in item.claim_ids]
    return report


_MISSING = "Cet import est introuvable."


class ImportRepository:
    def create(self, job: ImportJob) -> ImportJob:
        item = ImportJobModel(
            job.import_id,
            creditor_id=job.creditor_id,
            filename=job.filename,
            storage_key=job.storage_key,
            status=job.status.value,
            created_at=job.created_at,
            updated_at=job.updated_at,
        )
        try:
            item.save(condition=ImportJobModel.import_id.does_not_exist())
        except PutError as error:
            raise TransientError(f"imports table unavailable: {error}") from error
        return _to_domain(item)

    def get(self, import_id: str) -> ImportJob:
        try:
            return _to_domain(ImportJobModel.get(import_id, consistent_read=True))
        except DoesNotExist:
            raise NotFound(_MISSING) from None
        except GetError as error:
            raise TransientError(f"imports table unavailable: {error}") from error

    def get_for_creditor(self, creditor_id: str, import_id: str) -> ImportJob:
        job = self.get(import_id)
        if job.creditor_id != creditor_id:
            raise NotFound(_MISSING)
        return job

    def list_for_creditor(self, creditor_id: str, limit: int = 20) -> list[ImportJob]:
        return self.page_for_creditor(creditor_id, limit=limit)[0]

    def page_for_creditor(
        self, creditor_id: str, *, limit: int, after: Mapping[str, Any] | None = None
    ) -> tuple[list[ImportJob], dict[str, Any] | None]:
        """One page of the creditor's imports, newest first, and the key of the next (None: the last)."""
        try:
            rows, last_key = newest_first_page(
                ImportJobModel.by_creditor, creditor_id, limit=limit, after=after
            )
        except QueryError as error:
            raise TransientError(f"imports table unavailable: {error}") from error
        return [_to_domain(row) for row in rows], last_key

    def update(
        self,
        import_id: str,
        *,
        status: ImportStatus | None = None,
        **counters: int | str | None,
    ) -> None:
        """Progress and results (counts, error, report key): plain attribute sets (the job has one writer,
        the Lambda). The item stays small: the line report itself is stored in S3."""
        item = ImportJobModel(import_id)
        actions: list[Any] = [ImportJobModel.updated_at.set(datetime.now(UTC))]
        if status is not None:
            actions.append(ImportJobModel.status.set(status.value))
        for name, value in counters.items():
            attribute = getattr(ImportJobModel, name)
            actions.append(attribute.set(value) if value is not None else attribute.remove())
        try:
            item.update(actions=actions, condition=ImportJobModel.import_id.exists())
        except UpdateError as error:
            raise TransientError(f"imports table unavailable: {error}") from error
