"""The creditors' data exports (:mod:`chalicelib.services.data_export`), kept in the documents bucket:

``exports/<creditor id>/<export id>/statut.json``    the job record (a few hundred bytes of JSON)
``exports/<creditor id>/<export id>/mes-donnees.json``  the document, once built
``exports/<creditor id>/apres-<export id>.txt``         the id of the export started after that one
                                                        (``apres-aucun.txt``: after none), written once

Why the bucket and not a table: the record is small, written by one function at a time (the export's own,
about once a second) and read by its owner only; it lives exactly as long as the document it describes
(the bucket's ``exports/`` lifecycle rule removes both after 7 days, infra/aws/stack/data.py), and nothing
queries across creditors. The owner is in the key itself: a creditor can only name keys under their own
prefix, so another's export is simply not found. S3 reads its writes (strong consistency), and the export
ids sort by creation time, so the latest exports are the last keys listed.
"""

from __future__ import annotations

import json

from chalicelib.adapters.document_store import DocumentStore
from chalicelib.domain.data_export import EXPORT_NOT_FOUND_FR, ExportJob
from chalicelib.domain.errors import NotFound

STATUS_NAME = "statut.json"
DOCUMENT_NAME = "mes-donnees.json"
MAX_STATUS_BYTES = 64 * 1024


def export_prefix(creditor_id: str) -> str:
    return f"exports/{creditor_id}/"


def status_key(creditor_id: str, export_id: str) -> str:
    return f"{export_prefix(creditor_id)}{export_id}/{STATUS_NAME}"


def document_key(creditor_id: str, export_id: str) -> str:
    return f"{export_prefix(creditor_id)}{export_id}/{DOCUMENT_NAME}"


class ExportJobStore:
    def __init__(self, files: DocumentStore | None = None) -> None:
        self._files = files or DocumentStore()

    def save(self, job: ExportJob) -> ExportJob:
        content = json.dumps(job.to_json(), ensure_ascii=False).encode()
        self._files.put(status_key(job.creditor_id, job.export_id), content, "application/json")
        return job

    def get(self, creditor_id: str, export_id: str) -> ExportJob:
        """``NotFound`` when this creditor has no such export (another's included)."""
        try:
            data = self._files.get(status_key(creditor_id, export_id), MAX_STATUS_BYTES)
        except NotFound:
            raise NotFound(EXPORT_NOT_FOUND_FR) from None
        job = ExportJob.from_json(json.loads(data))
        if job.creditor_id != creditor_id or job.export_id != export_id:  # never: the key says so
            raise NotFound(EXPORT_NOT_FOUND_FR)
        return job

    def latest(self, creditor_id: str, *, limit: int) -> list[ExportJob]:
        """The creditor's ``limit`` latest exports, newest first."""
        keys = [
            key
            for key in self._files.keys_under(export_prefix(creditor_id))
            if key.endswith(f"/{STATUS_NAME}")
        ]
        jobs = []
        for key in sorted(keys, reverse=True)[:limit]:
            export_id = key.removeprefix(export_prefix(creditor_id)).split("/", 1)[0]
            try:
                jobs.append(self.get(creditor_id, export_id))
            except NotFound:  # expired between the listing and the read
                continue
        return jobs

    def take_turn(self, creditor_id: str, after: str, export_id: str) -> str:
        """The export that follows ``after`` (an export id, or "" for none) in this creditor's sequence:
        ``export_id`` if this call is the first to claim the turn (a conditional write), else the id the
        first claimant wrote. Two requests in the same instant that both saw ``after`` as the latest thus
        agree on one export."""
        key = f"{export_prefix(creditor_id)}apres-{after or 'aucun'}.txt"
        if self._files.put_new(key, export_id.encode(), "text/plain"):
            return export_id
        return self._files.get(key, MAX_STATUS_BYTES).decode().strip()

    def delete(self, job: ExportJob) -> None:
        """Remove a job record that lost its turn (never started)."""
        self._files.delete(status_key(job.creditor_id, job.export_id))

    def put_document(self, job: ExportJob, content: bytes) -> None:
        self._files.put(document_key(job.creditor_id, job.export_id), content, "application/json")

    def download_url(self, job: ExportJob, *, expires_in: int) -> str:
        """A link that saves the document as ``mes-donnees.json`` (``Content-Disposition: attachment``)."""
        return self._files.presigned_get(
            document_key(job.creditor_id, job.export_id),
            DOCUMENT_NAME,
            expires_in=expires_in,
            content_type="application/json",
        )
