"""Every notification the platform emails, as a subject, a plain-text body and an HTML body.

Templates live in ``templates/emails/``: ``<kind>.subject.txt`` (one line), ``<kind>.txt`` and ``<kind>.html``
(which extends ``_layout.html``). :data:`EMAIL_KINDS` declares, as data, the context each kind needs and
the type of every value; :func:`render_email` checks the context against it (a clear ``ValueError`` for an
unknown kind, a missing or mistyped key) before rendering.

The platform writes in its own name, only as the service that sends the creditor's letters (RULEBOOK 7.2):
the emails describe what happened and what comes next, never give legal advice, and every footer says so.

Cheap to import (Jinja2 and babel): no WeasyPrint here, the API imports this module.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

import jinja2

from chalicelib.documents import formatting
from chalicelib.documents.render import TEMPLATES_DIR
from chalicelib.domain.email_kinds import (  # noqa: F401 - re-exported, the rendering's vocabulary
    COMMON_OPTIONAL,
    DEFAULT_PLATFORM_NAME,
    DEFAULT_SUPPORT_EMAIL,
    EMAIL_KINDS,
    SENDER_KEYS,
    Attachment,
    Audience,
    EmailKind,
    FieldType,
    RenderedEmail,
    _values,
    check_queued,
)

EMAIL_TEMPLATES_DIR = TEMPLATES_DIR / "emails"

# --- rendering --------------------------------------------------------------------------------------------


def duration(minutes: int) -> str:
    """``24 heures``, ``une heure``, ``30 minutes``, ``2 jours``: a code's lifetime in words."""
    if minutes % 1440 == 0 and minutes >= 2880:
        return f"{minutes // 1440} jours"
    if minutes % 60 == 0 and minutes >= 60:
        hours = minutes // 60
        return "une heure" if hours == 1 else f"{hours} heures"
    return "une minute" if minutes == 1 else f"{minutes} minutes"


def plural(count: int, singular: str, plural_form: str) -> str:
    """``0 ligne rejetée``, ``1 ligne rejetée``, ``2 lignes rejetées`` (CLDR's French rules, babel)."""
    from chalicelib.legal.dates import french_count

    return french_count(count, singular, plural_form)


def status_label(value: str) -> str:
    """``notice_sent`` → ``Mise en demeure envoyée``; any other text is printed as it is."""
    from chalicelib.domain.claim import STATUS_LABELS_FR, ClaimStatus

    try:
        return STATUS_LABELS_FR[ClaimStatus(value)]
    except ValueError:
        return value


def _refuse_none(value: Any) -> Any:
    if value is None:
        raise ValueError("an email template printed None: guard optional values with {% if %}")
    return value


@functools.cache
def environment() -> jinja2.Environment:
    """Templates of ``templates/emails``: HTML autoescaped, ``.txt`` (subjects, plain text) not."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(EMAIL_TEMPLATES_DIR)),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=_refuse_none,
    )
    env.filters.update(
        euros=formatting.euros,
        date_long=formatting.date_long,
        duration=duration,
        plural=plural,
        status_label=status_label,
    )
    return env


def _tidy_text(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"


def render_email(
    kind: str, context: Mapping[str, Any], *, attachments: Sequence[Attachment] = ()
) -> RenderedEmail:
    """Subject, text and HTML of one notification; ``attachments`` are carried along for the mailer."""
    spec = EMAIL_KINDS.get(kind)
    if spec is None:
        raise ValueError(f"unknown email kind {kind!r}; known: {sorted(EMAIL_KINDS)}")
    if spec.needs_attachment and not attachments:
        raise ValueError(f"email {kind!r} announces an attached document: pass it in attachments")
    values = _values(spec, context)
    values["attachments"] = tuple(attachments)
    env = environment()
    subject = " ".join(env.get_template(f"{kind}.subject.txt").render(values).split())
    if not subject:
        raise ValueError(f"email {kind!r}: empty subject")
    values["subject"] = subject
    text = _tidy_text(env.get_template(f"{kind}.txt").render(values))
    html = env.get_template(f"{kind}.html").render(values).strip() + "\n"
    return RenderedEmail(kind=kind, subject=subject, text=text, html=html, attachments=tuple(attachments))
