"""The local journal's format (infra/local/journal.py): versioned, checked on load, a torn last record dropped
and reported — never a crash, never a half-applied write."""

from __future__ import annotations

from pathlib import Path

import pytest

from infra.local.journal import HEADER, frame, read

PUT = {"op": "ddb.put", "table": "claims-local-claims", "item": {"claim_id": {"S": "c1"}}}
DELETE = {"op": "ddb.delete", "table": "claims-local-claims", "key": {"claim_id": {"S": "c1"}}}


def test_frames_are_read_back_in_order(tmp_path: Path):
    path = tmp_path / "journal-000001.log"
    path.write_bytes(HEADER + frame([PUT]) + frame([DELETE, PUT]))
    found = read(path)
    assert found.ops == [PUT, DELETE, PUT] and found.frames == 2 and found.dropped == ""


@pytest.mark.parametrize("cut", [1, 5, 12, -2, -1])
def test_a_torn_last_frame_is_dropped_and_said(tmp_path: Path, cut: int):
    path = tmp_path / "journal-000001.log"
    last = frame([DELETE])
    path.write_bytes(HEADER + frame([PUT]) + last[:cut])
    found = read(path)
    assert found.ops == [PUT]
    assert found.dropped


def test_a_corrupt_frame_ends_the_journal_and_a_foreign_file_is_refused(tmp_path: Path):
    path = tmp_path / "journal-000001.log"
    good, bad = frame([PUT]), bytearray(frame([DELETE]))
    bad[-3] ^= 0x01  # one bit of the payload
    path.write_bytes(HEADER + good + bytes(bad) + frame([PUT]))
    found = read(path)
    assert found.ops == [PUT] and "corrompu" in found.dropped
    path.write_bytes(b"claims-local-journal 0\n" + good)
    with pytest.raises(ValueError, match="autre format"):
        read(path)
    path.write_bytes(HEADER[:7])  # a crash while the header was being written
    assert read(path).ops == [] and read(path).dropped
