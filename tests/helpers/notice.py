"""The notice record as the repository stores it (JSON), for tests that check what was written."""

from __future__ import annotations

from typing import Any

from chalicelib.domain.claim import Claim


def notice_json(claim: Claim) -> dict[str, Any]:
    return claim.notice.to_json() if claim.notice is not None else {}
