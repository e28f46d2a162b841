"""The notice step's ports (what it needs from storage, accounts and claims), keys and constants."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Literal, Protocol

from chalicelib.domain.accounts import Account, Identity
from chalicelib.domain.claim import AuditEvent, Claim, ClaimStatus, EventKind
from chalicelib.domain.notifications import Notification

if TYPE_CHECKING:
    from chalicelib.documents.emails import RenderedEmail

logger = logging.getLogger("claims.notice")

ACTOR = "plateforme"
MAX_PDF_BYTES = 20 * 1024 * 1024
# A first presentation later than this after sending is a typing error far more often than a fact.
MAX_PRESENTATION_DELAY_DAYS = 30
# The claim may receive its notice while it is being processed (paid, or handed to an operator who
# redrives the step); never once settled, withdrawn, closed…
SENDABLE = frozenset({ClaimStatus.ASSESSING, ClaimStatus.NEEDS_ATTENTION})
_ENDED = frozenset({ClaimStatus.WITHDRAWN, ClaimStatus.CLOSED, ClaimStatus.REJECTED})

NoticeStatus = Literal["prepared", "sent"]
SendEmail = Callable[[str, "RenderedEmail"], object]


class ClaimStore(Protocol):
    def get(self, claim_id: str) -> Claim: ...
    def get_for(self, identity: Identity, claim_id: str) -> Claim: ...
    def events(self, claim_id: str) -> list[AuditEvent]: ...
    def record(
        self,
        claim_id: str,
        *,
        kind: EventKind,
        actor: str,
        reason: str,
        change: Callable[[Claim], Claim] | None = None,
        document_hashes: Mapping[str, str] | None = None,
        expected_version: int | None = None,
        now: dt.datetime | None = None,
        notify: Notification | Sequence[Notification] = (),
    ) -> Claim: ...


class AccountFinder(Protocol):
    def find(self, user_id: str) -> Account | None: ...


class FileStore(Protocol):
    def put(self, key: str, content: bytes, content_type: str) -> None: ...
    def get(self, key: str, max_bytes: int) -> bytes: ...
    def presigned_get(self, key: str, filename: str, expires_in: int = 300) -> str: ...


def notice_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/mise-en-demeure.pdf"


def reminder_key(claim_id: str) -> str:
    return f"claims/{claim_id}/notices/relance.pdf"
