"""``claims-legal assess FILE`` / ``-``: JSON on standard output, JSON errors, exit statuses."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalicelib.legal.cli import EXIT_INVALID, EXIT_OK, main

from .helpers import CASES_DIR, REPO_ROOT, b2b_claim


def run(args: list[str], stdin: str = "") -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    status = main(args, stdin=io.StringIO(stdin), stdout=out)
    return status, json.loads(out.getvalue())


def test_assess_a_case_file() -> None:
    status, result = run(["assess", str(CASES_DIR / "01-b2b-basic.json")])
    assert status == EXIT_OK
    assert result["amounts"]["total"] == "1061.26"
    assert set(result) >= {"prescription", "amounts", "route", "findings", "decompte"}


def test_assess_standard_input() -> None:
    status, result = run(["assess", "-"], json.dumps(b2b_claim()))
    assert status == EXIT_OK
    assert result["route"]["injonction_de_payer"] == "admissible"


def test_invalid_input_prints_a_json_error_and_exits_non_zero() -> None:
    data = b2b_claim()
    data["debtor"]["category"] = "inconnu"
    status, result = run(["assess", "-"], json.dumps(data))
    assert status == EXIT_INVALID
    assert result["error"]["code"] == "invalid_input"
    assert result["error"]["fields"][0]["field"] == "debtor.category"
    assert result["findings"][0]["detail"] == "debtor.category"
    assert result["findings"][0]["article"] and result["findings"][0]["message"]


def test_malformed_json_and_missing_file_are_json_errors() -> None:
    status, result = run(["assess", "-"], "{not json")
    assert (status, result["error"]["code"]) == (EXIT_INVALID, "invalid_json")
    status, result = run(["assess", "/nonexistent/claim.json"])
    assert (status, result["error"]["code"]) == (EXIT_INVALID, "file_unreadable")


def test_missing_rate_still_prints_the_other_parts() -> None:
    status, result = run(["assess", "-"], json.dumps(b2b_claim(as_of="2026-09-30")))
    assert status == EXIT_OK
    assert result["complete"] is True
    assert result["amounts"]["a_parfaire"] is True
    assert result["prescription"]["status"] == "not_barred"


def test_urgency_days_option() -> None:
    data = json.dumps(b2b_claim(as_of="2029-09-01"))
    assert run(["assess", "-"], data)[1]["prescription"]["urgent"] is False
    assert run(["assess", "-", "--urgency-days", "200"], data)[1]["prescription"]["urgent"] is True


def test_module_runs_as_a_command(tmp_path: Path) -> None:
    claim = tmp_path / "claim.json"
    claim.write_text(json.dumps(b2b_claim()), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "chalicelib.legal.cli", "assess", str(claim), "--compact"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["amounts"]["interest"] == "21.26"
    assert done.stderr == ""
