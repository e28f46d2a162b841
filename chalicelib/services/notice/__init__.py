"""The notice step of the escalation: render, store and send the creditor's mise en demeure, and the
optional relance amiable before it.

The letter is the creditor's (RULEBOOK 7.2): written in its name, signed by it, with its bank details; the
platform appears only as the sending service. ``send_notice`` goes step by step, each external effect
followed by a write on the claim, so a retried task picks up where the last one stopped:

1. **prepared** — the legal engine assesses the claim on the letter date, the PDF is rendered, stored at
   ``claims/<id>/notices/mise-en-demeure.pdf`` and its SHA-256 recorded (``DOCUMENT_ADDED`` event);
2. **sent** — the PDF goes by registered mail (:mod:`chalicelib.adapters.postal`); channel, tracking
   number, first presentation and the payment deadline are recorded (``NOTE`` event);
3. **emailed** — a copy goes to the debtor's email address when the creditor gave one (``NOTE`` event).

``claim.notice`` (plain JSON) holds the state; a notice already *sent* is never sent again. The claim's
status is not changed here: the escalation's handler moves it to *notice_sent* with
:attr:`NoticeOutcome.notification`.

The payment deadline (RULEBOOK 4.2 item 5, POLICY): first presentation — or, while it is unknown, the
letter date + :data:`PRESENTATION_ALLOWANCE_DAYS` — plus 8 days for a professional debtor, 15 otherwise.
``deadline_at`` is the end of that day in Paris (the next midnight), in UTC, for Step Functions' Wait.
"""

from __future__ import annotations

from chalicelib.services.notice.common import (  # noqa: F401 - the package's public names
    ACTOR,
    MAX_PDF_BYTES,
    MAX_PRESENTATION_DELAY_DAYS,
    SENDABLE,
    notice_key,
    reminder_key,
)
from chalicelib.services.notice.context import (  # noqa: F401 - the package's public names
    build_notice_context,
    creditor_party,
    debtor_party,
    sending_service,
)
from chalicelib.services.notice.deadlines import (  # noqa: F401 - the package's public names
    deadline_timestamp,
    notice_period_days,
    payment_deadline,
    presentation_basis,
)
from chalicelib.services.notice.download import (  # noqa: F401 - the package's public names
    NoticeDownload,
    notice_download,
)
from chalicelib.services.notice.presentation import (  # noqa: F401 - the package's public names
    record_presentation,
)
from chalicelib.services.notice.reminder import (  # noqa: F401 - the package's public names
    REMINDER_HASH_KEY,
    ReminderOutcome,
    send_reminder,
)
from chalicelib.services.notice.sending import (  # noqa: F401 - the package's public names
    NoticeOutcome,
    send_notice,
)
from chalicelib.services.ports import (  # noqa: F401 - the package's public names
    AccountFinder,
    ClaimStore,
    DocumentStore,
)
