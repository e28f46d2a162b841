"""Partner lawyers and their dossiers: assignment when a dossier is ready, acceptance or refusal (which
answers the escalation's waiting task), short-lived download links, and what the lawyer records after
filing — the requête, the order, its service, an opposition, enforcement — with the reminders of the
deadlines that follow the order (CPC 1411, 1416; chalicelib/legal/procedure.py).

A lawyer reaches a dossier only through ``ClaimRepository.get_for`` (not assigned to them → 404). Links
point at a copy of the dossier made for the lawyer in charge (``shares/<claim>/<lawyer>/…``): when the
dossier is declined or taken back the copy is deleted, so links already given stop working at once, and
every link expires after :data:`LINK_EXPIRES_SECONDS` anyway.
"""

from __future__ import annotations

from chalicelib.services.lawyers.answers import (  # noqa: F401 - the package's public names
    accept,
    decline,
)
from chalicelib.services.lawyers.assignment import (  # noqa: F401 - the package's public names
    MAX_UNANSWERED,
    TooManyUnanswered,
    _resume,
    assign,
    candidates,
    release_unanswered,
)
from chalicelib.services.lawyers.common import (  # noqa: F401 - the package's public names
    DOCUMENT_LABELS_FR,
    LINK_EXPIRES_SECONDS,
    OPEN_STATUSES,
    PLATFORM,
    REMINDER_HOUR,
    case_of,
    dossier_info,
    lawyer_name,
    next_deadline,
    portal_url,
)
from chalicelib.services.lawyers.links import (  # noqa: F401 - the package's public names
    DownloadLink,
    _unshare,
    download_link,
)
from chalicelib.services.lawyers.procedure import (  # noqa: F401 - the package's public names
    record_enforcement,
    record_filing,
    record_opposition,
    record_order,
    record_service,
)
from chalicelib.services.lawyers.reminders import (  # noqa: F401 - the package's public names
    remind_at,
    reminder_execution_name,
    reschedule_reminders,
    schedule_reminders,
    send_procedure_reminder,
)
from chalicelib.services.ports import (  # noqa: F401 - the package's public names
    DocumentStore,
    LawyerDirectory,
    WorkflowEngine,
)
