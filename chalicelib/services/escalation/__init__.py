"""Use cases of the escalation state machine (``chalicelib/workflow/escalation.asl.json``), one per Task,
plus what creditors and operators do to a running escalation (accept or decline the offer, report a
payment or a dispute, redrive a stuck claim).

Every step is idempotent: the state machine retries tasks, and a redriven execution replays the step the
claim was in. Status changes go through the repository, which writes the audit event and the creditor's
email (outbox) in the same transaction.

The package, by reason to change: :mod:`.common` (actor, ports, time format), :mod:`.tasks` (the state
machine's tasks), :mod:`.reports` (the creditor's reports), :mod:`.executions` (start and redrive).
"""

from __future__ import annotations

from chalicelib.services.escalation.common import (  # noqa: F401 - the package's public names
    WORKFLOW_ACTOR,
    Reassessment,
    iso_z,
)
from chalicelib.services.escalation.executions import (  # noqa: F401 - the package's public names
    RESUME_AT,
    redrive,
    redrive_all,
    start_escalation,
    step_before_attention,
)
from chalicelib.services.escalation.reports import (  # noqa: F401 - the package's public names
    record_debtor_payment,
    report_dispute,
    report_paid_in_full,
)
from chalicelib.services.escalation.tasks import (  # noqa: F401 - the package's public names
    BlockedByProceedings,
    ClaimCheck,
    check_claim,
    close_claim,
    decide_escalation,
    follow_up,
    mark_needs_attention,
    mark_notice_sent,
    offer_escalation,
    wait_timestamp,
)
from chalicelib.services.ports import (  # noqa: F401 - the package's public names
    ClaimReader,
    WorkflowEngine,
)
