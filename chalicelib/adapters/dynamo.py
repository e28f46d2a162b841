"""PynamoDB models: the DynamoDB tables of the platform. Amounts in integer cents."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    ListAttribute,
    MapAttribute,
    NumberAttribute,
    TTLAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.settings import get_settings

_settings = get_settings()


class ClaimsByCreditor(GlobalSecondaryIndex["ClaimModel"]):
    class Meta:
        index_name = "by_creditor"
        projection = AllProjection()

    creditor_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ClaimsByAssignedLawyer(GlobalSecondaryIndex["ClaimModel"]):
    """Sparse: only claims entrusted to a lawyer carry ``assigned_lawyer_id``."""

    class Meta:
        index_name = "by_assigned_lawyer"
        projection = AllProjection()

    assigned_lawyer_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ClaimsByLawyerDue(GlobalSecondaryIndex["ClaimModel"]):
    """Sparse, as ``by_assigned_lawyer``: a lawyer's dossiers by the date they must act on each, earliest
    first (``lawyer_due``: ``YYYY-MM-DD#<claim id>``, chalicelib/domain/lawyer_case.py ``due_key``), the
    order of their list across its pages."""

    class Meta:
        index_name = "by_lawyer_due"
        projection = AllProjection()

    assigned_lawyer_id = UnicodeAttribute(hash_key=True)
    lawyer_due = UnicodeAttribute(range_key=True)


class ClaimsByStatus(GlobalSecondaryIndex["ClaimModel"]):
    """The claims in one status, last changed first: the operator's lists (needs attention…)."""

    class Meta:
        index_name = "by_status"
        projection = AllProjection()

    status = UnicodeAttribute(hash_key=True)
    updated_at = UTCDateTimeAttribute(range_key=True)


class ClaimModel(Model):
    """One claim (créance). ``version`` gives optimistic locking: a stale write is refused."""

    class Meta:
        table_name = _settings.claims_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    claim_id = UnicodeAttribute(hash_key=True)
    creditor_id = UnicodeAttribute()
    status = UnicodeAttribute()
    debtor_name = UnicodeAttribute()
    principal_cents = NumberAttribute()
    currency = UnicodeAttribute(default="EUR")
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    event_count = NumberAttribute(default=0)
    assigned_lawyer_id = UnicodeAttribute(null=True)
    reference = UnicodeAttribute(null=True)
    # What the creditor filed (ClaimContent as JSON), the evidence list and the last pre-check: plain JSON.
    content = JSONAttribute(null=True)
    documents = JSONAttribute(null=True)
    assessment = JSONAttribute(null=True)
    last_event_hash = UnicodeAttribute(null=True)
    checkouts = JSONAttribute(null=True)
    execution_arn = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    notice = JSONAttribute(null=True)
    lawyer_case = JSONAttribute(null=True)
    review = JSONAttribute(null=True)
    # The debtor's name and the reference, case-folded: what a list's text filter searches.
    search_text = UnicodeAttribute(null=True)
    # Set with assigned_lawyer_id only (None otherwise): the by_lawyer_due index's sort key.
    lawyer_due = UnicodeAttribute(null=True)
    version = VersionAttribute()

    by_creditor = ClaimsByCreditor()
    by_assigned_lawyer = ClaimsByAssignedLawyer()
    by_lawyer_due = ClaimsByLawyerDue()
    by_status = ClaimsByStatus()


class ClaimEventModel(Model):
    """Append-only audit trail: one item per status change (claim id + sequence)."""

    class Meta:
        table_name = _settings.claim_events_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    claim_id = UnicodeAttribute(hash_key=True)
    sequence = NumberAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute()
    document_hashes = MapAttribute[str, str](default=dict)
    kind = UnicodeAttribute(default="status_changed")
    prev_hash = UnicodeAttribute(null=True)
    hash = UnicodeAttribute(null=True)


class AccountsByRole(GlobalSecondaryIndex["AccountModel"]):
    class Meta:
        index_name = "by_role"
        projection = AllProjection()

    role = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class AccountModel(Model):
    """One user (Cognito ``sub``): role, email and the profile of their role (creditor or lawyer)."""

    class Meta:
        table_name = _settings.accounts_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    user_id = UnicodeAttribute(hash_key=True)
    role = UnicodeAttribute()
    email = UnicodeAttribute()
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    # The role's profile as plain data (see chalicelib/adapters/accounts_repository.py for its shape).
    profile = MapAttribute[str, object](null=True)
    # The conditions générales de vente accepted last: their version and when (chalicelib/services/terms.py).
    cgv_version = UnicodeAttribute(null=True)
    cgv_accepted_at = UTCDateTimeAttribute(null=True)
    version = VersionAttribute()

    by_role = AccountsByRole()


class ImportsByCreditor(GlobalSecondaryIndex["ImportJobModel"]):
    class Meta:
        index_name = "by_creditor"
        projection = AllProjection()

    creditor_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ImportJobModel(Model):
    """One bulk import of an aged-balance CSV: its progress while it runs, then its report."""

    class Meta:
        table_name = _settings.imports_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    import_id = UnicodeAttribute(hash_key=True)
    creditor_id = UnicodeAttribute()
    filename = UnicodeAttribute()
    storage_key = UnicodeAttribute()
    status = UnicodeAttribute()  # queued | reading | creating | done | failed
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    total_lines = NumberAttribute(default=0)
    lines_read = NumberAttribute(default=0)
    drafts_total = NumberAttribute(default=0)
    drafts_created = NumberAttribute(default=0)
    lines_rejected = NumberAttribute(default=0)
    error = UnicodeAttribute(null=True)
    report_key = UnicodeAttribute(null=True)  # the line report, JSON in the documents bucket
    # Jobs finished before the report moved to S3 kept it (and the drafts' ids) here: read, never written.
    report = JSONAttribute(null=True)
    claim_ids = JSONAttribute(null=True)

    by_creditor = ImportsByCreditor()


class PendingOutbox(GlobalSecondaryIndex["OutboxModel"]):
    """Sparse: only items still to be sent carry ``queue`` (= ``"pending"``), so the drainers read the
    few pending emails, oldest first, never the sent history. One constant partition is fine here: its
    write limit (about 1,000 items per second) is far above the rate claims change status."""

    class Meta:
        index_name = "pending"
        projection = AllProjection()

    queue = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class OutboxByClaim(GlobalSecondaryIndex["OutboxModel"]):
    """The emails of one claim, in the order of the changes that owed them: a claim's file (operator), the
    creditor's data export and the anonymisation of an ended claim read them without scanning the table."""

    class Meta:
        index_name = "by_claim"
        projection = AllProjection()

    claim_id = UnicodeAttribute(hash_key=True)
    sequence = NumberAttribute(range_key=True)


class OutboxModel(Model):
    """One email owed because of a claim change, written in the same transaction as the change
    (``chalicelib/services/outbox.py`` sends it). ``outbox_id`` = ``<claim id>#<event sequence>#<n>``; an
    email no change owes (a fee invoice's PDF) is ``<claim id>#<key>#1`` with ``sequence`` 0, put once.

    A drainer takes a lease (``lease_owner`` until ``lease_until``) with a conditional update before
    sending, so two drainers never send the same item; a failed attempt sets ``lease_until`` to the time
    of the next try."""

    class Meta:
        table_name = _settings.outbox_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    outbox_id = UnicodeAttribute(hash_key=True)
    claim_id = UnicodeAttribute()
    sequence = NumberAttribute()
    kind = UnicodeAttribute()
    recipient = UnicodeAttribute()  # creditor | debtor | operator
    context = JSONAttribute(default=dict)
    attachments = ListAttribute(of=UnicodeAttribute, default=list)  # storage keys
    status = UnicodeAttribute()  # pending | sent | skipped | failed
    attempts = NumberAttribute(default=0)
    created_at = UTCDateTimeAttribute()
    sent_at = UTCDateTimeAttribute(null=True)
    lease_until = UTCDateTimeAttribute(null=True)
    lease_owner = UnicodeAttribute(null=True)
    last_error = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    queue = UnicodeAttribute(null=True)  # "pending" while pending, removed after (sparse index)

    pending = PendingOutbox()
    by_claim = OutboxByClaim()


class LocalCodeModel(Model):
    """Local platform only: the verification / reset codes that moto's Cognito does not send.

    Only a salted hash of the code is kept, with its expiry and the number of failed attempts."""

    class Meta:
        table_name = f"{_settings.resource_prefix}-local-codes"
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)  # "<purpose>#<email>"
    code_hash = UnicodeAttribute()
    salt = UnicodeAttribute()
    expires_at = UTCDateTimeAttribute()
    attempts = NumberAttribute(default=0)


class RateSemesterModel(Model):
    """A semester of rates added by an operator over the packaged tables (``chalicelib/legal/data``):
    the ECB MRO rate in force on its first day and the legal rate of both categories, with the source and
    who added it. Written once (never overwritten); the legal engine reads them as plain data."""

    class Meta:
        table_name = _settings.rates_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    semester = UnicodeAttribute(hash_key=True)  # "2026-S2"
    ecb_mro = UnicodeAttribute()  # percent, Decimal as a string
    particuliers = UnicodeAttribute()
    autres_cas = UnicodeAttribute()
    source = UnicodeAttribute()  # URL or text naming the publication
    arrete = UnicodeAttribute(null=True)  # the arrêté of the legal rate
    published_on = UnicodeAttribute(null=True)  # ISO date
    added_by = UnicodeAttribute()
    added_at = UTCDateTimeAttribute()


class RateProposalModel(Model):
    """A semester of rates the scheduled feed read from the providers and proposes to the operator
    (``chalicelib/services/rate_feed.py``): never applied until an operator confirms it. ``proposal_id`` =
    ``<semester>-<hash of the values>``, so the same values are proposed once (even when rejected)."""

    class Meta:
        table_name = _settings.rate_proposals_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    proposal_id = UnicodeAttribute(hash_key=True)  # "2026-S2-1a2b3c4d5e"
    semester = UnicodeAttribute()
    ecb_mro = UnicodeAttribute()  # percent, Decimal as a string
    particuliers = UnicodeAttribute()
    autres_cas = UnicodeAttribute()
    sources = JSONAttribute(default=list)  # [{provider, series, url, observed_on, value}]
    source = UnicodeAttribute()  # the text recorded with the semester when confirmed
    simulated = BooleanAttribute(default=False)  # read from the local twin's recorded answers
    status = UnicodeAttribute()  # pending | confirmed | rejected | superseded
    created_at = UTCDateTimeAttribute()
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)
    reason = UnicodeAttribute(null=True)


class RateCounterModel(Model):
    """One abuse-limit counter (``chalicelib/domain/abuse.py``): the hits of one subject (an email address or
    a client IP) in one fixed window of one limit. Incremented with an atomic ``ADD`` that returns the new
    count, so concurrent requests each get a distinct place; DynamoDB deletes the item after
    ``expires_at`` (TTL)."""

    class Meta:
        table_name = _settings.rate_limits_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)  # "<limit>#<subject>#<window start, epoch seconds>"
    hits = NumberAttribute(default=0)
    expires_at = TTLAttribute(null=True)


class RegistryCacheModel(Model):
    """An answer of a public registry (the company lookup), kept a day so the same question is not asked
    twice (chalicelib/adapters/company_registry.py); DynamoDB deletes it after ``expires_at`` (TTL)."""

    class Meta:
        table_name = _settings.registry_cache_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    key = UnicodeAttribute(hash_key=True)  # "<registry>|<request URL>"
    body = UnicodeAttribute()  # the answer, as received (JSON)
    fetched_at = UTCDateTimeAttribute()
    expires_at = TTLAttribute()


class LinksByClaim(GlobalSecondaryIndex["DebtorLinkModel"]):
    class Meta:
        index_name = "by_claim"
        projection = AllProjection()

    claim_id = UnicodeAttribute(hash_key=True)
    generation = NumberAttribute(range_key=True)


class DebtorLinkModel(Model):
    """The debtor's link to their page (chalicelib/adapters/debtor_links.py), found by the SHA-256 of its
    token: the token itself is never stored. ``generation`` counts the claim's links (a revoked link is
    replaced by the next generation). First and last visits are all the creditor is shown."""

    class Meta:
        table_name = _settings.debtor_links_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    token_hash = UnicodeAttribute(hash_key=True)
    claim_id = UnicodeAttribute()
    generation = NumberAttribute()
    created_at = UTCDateTimeAttribute()
    revoked_at = UTCDateTimeAttribute(null=True)
    first_seen_at = UTCDateTimeAttribute(null=True)
    last_seen_at = UTCDateTimeAttribute(null=True)
    by_claim = LinksByClaim()


class DebtorDeclarationModel(Model):
    """One thing a debtor declared from their page (chalicelib/services/debtor_declarations.py): a payment
    (to be confirmed by the creditor) or a dispute, with what they wrote."""

    class Meta:
        table_name = _settings.debtor_declarations_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    claim_id = UnicodeAttribute(hash_key=True)
    declaration_id = UnicodeAttribute(range_key=True)  # "dcl_<declared at, ISO>_<random>": in order
    kind = UnicodeAttribute()  # payment | dispute
    status = UnicodeAttribute()  # pending | confirmed | refused | recorded
    declared_at = UTCDateTimeAttribute()
    details = JSONAttribute()  # payment: {paid_on, amount}; dispute: {reason, text}
    decided_at = UTCDateTimeAttribute(null=True)
    decided_by = UnicodeAttribute(null=True)


class ClaimTotalsModel(Model):
    """One row of a creditor's dashboard totals (``chalicelib/domain/totals.py``): the claims in one status,
    or the open claims of one oldest due date, and their principal. Moved with an atomic ``ADD`` in the
    transaction of every claim write, so concurrent writes never conflict on it."""

    class Meta:
        table_name = _settings.claim_totals_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    creditor_id = UnicodeAttribute(hash_key=True)
    row = UnicodeAttribute(range_key=True)  # "status#<status>" | "due#<YYYY-MM-DD>" | "due#none"
    claims = NumberAttribute(default=0)
    cents = NumberAttribute(default=0)


class InvoicesByClaim(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "by_claim"
        projection = AllProjection()

    claim_id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class InvoicesByCreditor(GlobalSecondaryIndex["InvoiceModel"]):
    class Meta:
        index_name = "by_creditor"
        projection = AllProjection()

    creditor_id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute(range_key=True)


class InvoiceModel(Model):
    """One fee invoice or credit note (``chalicelib/domain/fee_invoices.py``), keyed by what Stripe paid or
    refunded (``payment:<payment intent>`` / ``refund:<refund id>``), so a Stripe event delivered twice never
    makes two. Written in one transaction with its number's counter (``InvoiceCounterModel``): a number is
    never taken without its invoice. Never changed after, except the PDF's key and hash once rendered."""

    class Meta:
        table_name = _settings.invoices_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    source_id = UnicodeAttribute(hash_key=True)
    number = UnicodeAttribute()  # "FA-2026-000012": sorts in issue order within a year
    claim_id = UnicodeAttribute()
    creditor_id = UnicodeAttribute()
    kind = UnicodeAttribute()  # invoice | credit_note
    issued_at = UTCDateTimeAttribute()
    ttc_cents = NumberAttribute()  # signed: a credit note's amounts are negative
    document = JSONAttribute()  # the whole invoice as issued (parties, line, totals, payment): FeeInvoice
    pdf_key = UnicodeAttribute(null=True)
    pdf_sha256 = UnicodeAttribute(null=True)
    pdf_rendered_at = UTCDateTimeAttribute(null=True)

    by_claim = InvoicesByClaim()
    by_creditor = InvoicesByCreditor()


class InvoiceCounterModel(Model):
    """The last number given in one invoice series (``series`` = the year, e.g. ``"2026"``): invoices and
    credit notes share it. Moved only inside the transaction that writes the invoice taking the number."""

    class Meta:
        table_name = _settings.invoice_counters_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    series = UnicodeAttribute(hash_key=True)
    last = NumberAttribute(default=0)


ALL_MODELS: tuple[type[Model], ...] = (
    ClaimModel,
    ClaimEventModel,
    ClaimTotalsModel,
    RegistryCacheModel,
    DebtorLinkModel,
    DebtorDeclarationModel,
    AccountModel,
    ImportJobModel,
    OutboxModel,
    RateSemesterModel,
    RateProposalModel,
    RateCounterModel,
    InvoiceModel,
    InvoiceCounterModel,
)
# Tables the local platform needs on top of what AWS has (provisioned and saved locally only).
LOCAL_ONLY_MODELS: tuple[type[Model], ...] = (LocalCodeModel,)


def ttl_attribute(model: type[Model]) -> str | None:
    """The name of the model's TTL attribute (DynamoDB's Time To Live must be switched on for it)."""
    return next((a.attr_name for a in model.get_attributes().values() if isinstance(a, TTLAttribute)), None)


def newest_first_page(
    index: Any, key: str, *, limit: int, after: Mapping[str, Any] | None
) -> tuple[list[Any], dict[str, Any] | None]:
    """One page of an index's partition ``key``, highest sort key first, from the key ``after`` the previous
    page ended on, and the key the next page starts from (None: this page is the last). Raises
    ``QueryError`` as PynamoDB does."""
    rows = index.query(
        key, scan_index_forward=False, limit=limit, last_evaluated_key=dict(after) if after else None
    )
    items = list(rows)
    return items, rows.last_evaluated_key or None
