"""Every worked case of ../shared/legal/cases must be reproduced exactly (rulebook section 8).

Only the keys present in ``expected`` are compared (cases/README.md, "Comparison rule"): objects key by
key, money as exact decimals, dates as ISO strings, booleans and strings exactly.
"""

from __future__ import annotations

import importlib.util
import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from chalicelib.legal.assess import assess

from .helpers import CASES_DIR, load_case

COURTS_AVAILABLE = importlib.util.find_spec("chalicelib.legal.courts") is not None


def _case_files() -> list[Path]:
    if not CASES_DIR.is_dir():
        raise RuntimeError(f"shared legal cases folder missing: {CASES_DIR.resolve()}")
    files = sorted(CASES_DIR.glob("*.json"))
    if not files:
        raise RuntimeError(f"no case file in {CASES_DIR.resolve()}")
    return files


MONEY = re.compile(r"^-?\d+\.\d{2}$")


def _equal(want: Any, got: Any) -> bool:
    """Money as exact decimals; everything else (dates, strings, booleans, null) exactly."""
    if isinstance(want, str) and MONEY.match(want):
        return isinstance(got, str) and MONEY.match(got) is not None and Decimal(want) == Decimal(got)
    return type(want) is type(got) and want == got


def _differences(expected: dict[str, Any], actual: dict[str, Any], path: str = "") -> list[str]:
    out = []
    for key, want in expected.items():
        where = f"{path}{key}"
        if key == "court_city" and not COURTS_AVAILABLE:
            continue  # the court look-up module is written separately
        if key not in actual:
            out.append(f"{where}: missing (expected {want!r})")
        elif isinstance(want, dict):
            got = actual[key]
            if not isinstance(got, dict):
                out.append(f"{where}: expected an object, got {got!r}")
            else:
                out += _differences(want, got, f"{where}.")
        elif not _equal(want, actual[key]):
            out.append(f"{where}: expected {want!r}, got {actual[key]!r}")
    return out


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda p: p.stem)
def test_shared_case_is_reproduced_exactly(case_file: Path) -> None:
    case = load_case(case_file)
    result = json.loads(json.dumps(assess(case)))  # exactly what the CLI prints
    for key in ("prescription", "amounts", "route", "findings"):
        assert key in result
    assert _differences(case["expected"], result) == []


def test_case_folder_is_not_empty() -> None:
    assert len(_case_files()) >= 17


@pytest.mark.parametrize("case_file", _case_files(), ids=lambda p: p.stem)
def test_every_finding_cites_an_article_in_french(case_file: Path) -> None:
    result = assess(load_case(case_file))
    assert result["findings"]
    for finding in result["findings"]:
        assert finding["code"] and finding["code"] == finding["code"].lower()
        assert finding["article"], finding
        assert finding["message"] and finding["message"][0].isupper(), finding
