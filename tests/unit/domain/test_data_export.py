"""The data export's job as data: its progress, when its function is taken for dead, how often it is started
again, and its record read back as written (chalicelib/domain/data_export.py)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from chalicelib.domain.data_export import (
    EXPORT_ID,
    MAX_ATTEMPTS,
    STALE_AFTER,
    ExportJob,
    ExportStatus,
    is_stale,
    may_restart,
)

AT = dt.datetime(2026, 12, 4, 10, 15, tzinfo=dt.UTC)
RUNNING = ExportJob("exp_20261204101500000000_0123abcd", "user-1", ExportStatus.RUNNING, AT, AT)


def test_progress_counts_the_claims_and_reaches_100_only_once_stored() -> None:
    assert RUNNING.percent == 0  # nothing counted yet
    assert dataclasses.replace(RUNNING, claims_done=1, claims_total=3).percent == 33
    assert dataclasses.replace(RUNNING, claims_done=3, claims_total=3).percent == 99
    done = dataclasses.replace(RUNNING, status=ExportStatus.DONE, finished_at=AT)
    assert done.percent == 100 and done.finished and not RUNNING.finished


def test_a_running_export_without_progress_for_5_minutes_is_stale_and_restarted_at_most_twice() -> None:
    assert not is_stale(RUNNING, AT + STALE_AFTER)
    assert is_stale(RUNNING, AT + STALE_AFTER + dt.timedelta(seconds=1))
    done = dataclasses.replace(RUNNING, status=ExportStatus.DONE)
    assert not is_stale(done, AT + dt.timedelta(days=1))
    assert may_restart(RUNNING) and not may_restart(dataclasses.replace(RUNNING, attempt=MAX_ATTEMPTS))


def test_the_record_reads_back_as_written_and_ids_sort_by_time() -> None:
    job = dataclasses.replace(
        RUNNING, status=ExportStatus.FAILED, finished_at=AT, error="échec", attempt=2, size_bytes=12
    )
    assert ExportJob.from_json(job.to_json()) == job
    assert ExportJob.from_json(RUNNING.to_json()) == RUNNING
    assert EXPORT_ID.fullmatch(RUNNING.export_id)
    assert not EXPORT_ID.fullmatch("../claims/x") and not EXPORT_ID.fullmatch("exp_2026_x")
