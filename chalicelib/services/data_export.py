"""The creditor's data export (GDPR art. 15 and 20), prepared in the background as the bulk import is.

``POST /v1/me/exports`` records a job and starts the ``export_data`` function (:func:`start_export`); the
function builds the document of :func:`chalicelib.services.privacy.export_for`, writing its progress about
once a second, stores it (``mes-donnees.json``), marks the job done and emails the creditor that it is
ready, on their profile page (:func:`run_export`; the email never carries the data). The creditor follows
it (:func:`export_status`, :func:`recent_exports`) and downloads it through a link valid 15 minutes.

One export runs at a time per account: asking again while one runs gives the running one. Two requests in
the same instant that both find no export running agree on one through a conditional write (the export that
follows the latest one, :meth:`~chalicelib.adapters.export_jobs.ExportJobStore.take_turn`): the other's
record is removed and it answers with the first's. A running export whose progress has not moved for
5 minutes lost its function (a timeout, memory): the next look at it, or the next request for an export,
starts it again under the same id, rebuilt from the start, at most
:data:`~chalicelib.domain.data_export.MAX_ATTEMPTS` times.

The job records (a JSON object beside the document in the documents bucket, and why there):
:mod:`chalicelib.adapters.export_jobs`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from chalicelib.clock import Throttle
from chalicelib.domain.accounts import Identity, Role
from chalicelib.domain.data_export import (
    EXPORT_ID,
    EXPORT_NOT_FOUND_FR,
    MAX_ATTEMPTS,
    ExportJob,
    ExportStatus,
    is_stale,
    may_restart,
)
from chalicelib.domain.errors import Forbidden, NotFound
from chalicelib.domain.notifications import Notification

if TYPE_CHECKING:
    from chalicelib.adapters.export_jobs import ExportJobStore

logger = logging.getLogger("claims.privacy")

EXPORT_FUNCTION = "export_data"  # app.py's @app.lambda_function
READY_EMAIL = "data_export_ready"  # chalicelib/domain/email_kinds.py
DOWNLOAD_SECONDS = 900  # the download link's life
LISTED = 10  # exports shown on the profile page
KEPT_DAYS = 7  # the bucket's lifecycle rule on exports/ (infra/aws/stack/data.py)
PROGRESS_SECONDS = 1.0
FAILED_FR = "L'export n'a pas pu être préparé ; l'équipe a été prévenue. Vous pouvez en demander un nouveau."
NOT_STARTED_FR = "La préparation de l'export n'a pas pu démarrer. Réessayez dans un instant."
GIVEN_UP_FR = (
    f"L'export n'a pas abouti après {MAX_ATTEMPTS} tentatives ; l'équipe a été prévenue. "
    "Vous pouvez en demander un nouveau."
)

# Starts the export function for a job (asynchronously): bootstrap.start_data_export.
StartWorker = Callable[[ExportJob], None]


def _creditor_id(identity: Identity) -> str:
    if identity.role is not Role.CREDITOR or not identity.creditor_id:
        raise Forbidden("Seul un compte créancier peut exporter ses données.")
    return identity.creditor_id


def new_export_id(now: dt.datetime) -> str:
    return f"exp_{now.astimezone(dt.UTC):%Y%m%d%H%M%S%f}_{uuid.uuid4().hex[:8]}"


def start_export(
    identity: Identity, *, jobs: ExportJobStore, start_worker: StartWorker, now: dt.datetime
) -> ExportJob:
    """A new export, started; or the one already running for this account (started again if it died)."""
    creditor_id = _creditor_id(identity)
    latest = ""
    for job in jobs.latest(creditor_id, limit=1):
        job = _looked_after(job, jobs=jobs, start_worker=start_worker, now=now)
        if job.status is ExportStatus.RUNNING:
            return job
        latest = job.export_id
    # Recorded first, then its turn claimed: the winner's record exists before anyone reads its id.
    job = jobs.save(
        ExportJob(
            export_id=new_export_id(now),
            creditor_id=creditor_id,
            status=ExportStatus.RUNNING,
            created_at=now,
            updated_at=now,
        )
    )
    winner = jobs.take_turn(creditor_id, latest, job.export_id)
    if winner != job.export_id:  # another request started one at the same instant: that one it is
        jobs.delete(job)
        return jobs.get(creditor_id, winner)
    return _started(job, jobs=jobs, start_worker=start_worker, now=now)


def export_status(
    identity: Identity, export_id: str, *, jobs: ExportJobStore, start_worker: StartWorker, now: dt.datetime
) -> ExportJob:
    """One export of the caller's (``NotFound`` for anyone else's), started again if its function died."""
    creditor_id = _creditor_id(identity)
    if not EXPORT_ID.fullmatch(export_id):
        raise NotFound(EXPORT_NOT_FOUND_FR)
    job = jobs.get(creditor_id, export_id)
    return _looked_after(job, jobs=jobs, start_worker=start_worker, now=now)


def recent_exports(
    identity: Identity, *, jobs: ExportJobStore, start_worker: StartWorker, now: dt.datetime
) -> list[ExportJob]:
    """The caller's :data:`LISTED` latest exports, newest first (a dead running one started again)."""
    creditor_id = _creditor_id(identity)
    return [
        _looked_after(job, jobs=jobs, start_worker=start_worker, now=now)
        for job in jobs.latest(creditor_id, limit=LISTED)
    ]


def download_url(job: ExportJob, jobs: ExportJobStore) -> str | None:
    """A 15-minute link to the document, once it is ready."""
    if job.status is not ExportStatus.DONE:
        return None
    return jobs.download_url(job, expires_in=DOWNLOAD_SECONDS)


def _looked_after(
    job: ExportJob, *, jobs: ExportJobStore, start_worker: StartWorker, now: dt.datetime
) -> ExportJob:
    """The job, or, when its function died, the job started again (or given up after the last attempt)."""
    if not is_stale(job, now):
        return job
    if not may_restart(job):
        logger.error(
            "export %s of %s: given up after %d attempts", job.export_id, job.creditor_id, job.attempt
        )
        return jobs.save(_ended(job, ExportStatus.FAILED, now, error=GIVEN_UP_FR))
    logger.warning("export %s of %s: its function died, started again", job.export_id, job.creditor_id)
    restarted = dataclasses.replace(job, attempt=job.attempt + 1, updated_at=now, claims_done=0)
    return _started(jobs.save(restarted), jobs=jobs, start_worker=start_worker, now=now)


def _started(
    job: ExportJob, *, jobs: ExportJobStore, start_worker: StartWorker, now: dt.datetime
) -> ExportJob:
    try:
        start_worker(job)
    except Exception:  # the job must not wait forever for a function that was never started
        logger.exception("export %s: the export function could not be started", job.export_id)
        return jobs.save(_ended(job, ExportStatus.FAILED, now, error=NOT_STARTED_FR))
    return job


def _ended(job: ExportJob, status: ExportStatus, now: dt.datetime, **changes: Any) -> ExportJob:
    return dataclasses.replace(job, status=status, updated_at=now, finished_at=now, **changes)


# ---------------------------------------------------------------------------------------------------
# the export function
# ---------------------------------------------------------------------------------------------------


class _Progress:
    """Keeps the job's counters and writes them when about :data:`PROGRESS_SECONDS` have passed."""

    def __init__(
        self, job: ExportJob, jobs: ExportJobStore, now: Callable[[], dt.datetime], clock: Callable[[], float]
    ) -> None:
        self.job = job
        self._jobs = jobs
        self._now = now
        self._every = Throttle(PROGRESS_SECONDS, clock)

    def __call__(self, done: int, total: int) -> None:
        self.job = dataclasses.replace(self.job, claims_done=done, claims_total=total)
        if self._every.due():
            self.job = self._jobs.save(dataclasses.replace(self.job, updated_at=self._now()))
            self._every.done()


def run_export(
    creditor_id: str,
    export_id: str,
    attempt: int,
    *,
    jobs: ExportJobStore,
    build: Callable[[Callable[[int, int], None]], dict[str, Any]],
    notify: Callable[[ExportJob], None] | None = None,
    now: Callable[[], dt.datetime],
    clock: Callable[[], float] = time.monotonic,
) -> ExportJob:
    """Build the document (``build(progress)``: :func:`~chalicelib.services.privacy.export_for`), store it,
    mark the job done, then ``notify`` the creditor. A finished job, or a start superseded by a restart
    (``attempt``), does nothing. An error while building ends the job as failed (the creditor may ask
    again); a function that dies leaves it running, and the next look at it starts it again."""
    job = jobs.get(creditor_id, export_id)
    if job.finished or job.attempt != attempt:
        return job
    progress = _Progress(job, jobs, now, clock)
    try:
        document = build(progress)
        content = json.dumps(document, ensure_ascii=False).encode()
        jobs.put_document(job, content)
    except Exception:
        logger.exception("export %s of %s: the document could not be built", export_id, creditor_id)
        return jobs.save(_ended(progress.job, ExportStatus.FAILED, now(), error=FAILED_FR))
    done = jobs.save(_ended(progress.job, ExportStatus.DONE, now(), size_bytes=len(content)))
    if notify is not None:
        try:
            notify(done)
        except Exception:  # the document is stored and shown on the profile: a lost email must not undo it
            logger.exception("export %s: the creditor could not be notified", export_id)
    return done


def ready_email(job: ExportJob, *, base_url: str) -> Notification | None:
    """The « export prêt » email (``data_export_ready``) of a finished export, None before. It links to the
    profile page; the data is never attached. The outbox finds the account's address when it sends it."""
    if job.status is not ExportStatus.DONE:
        return None
    base = base_url.rstrip("/")
    context: dict[str, Any] = {
        "base_url": base,
        "profile_url": f"{base}/#/profil",
        "available_days": KEPT_DAYS,
        "claims_count": job.claims_total,
    }
    return Notification(READY_EMAIL, context)
