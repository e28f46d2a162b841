"""The composition root: the one place where adapters are built and handed to the services, and where an
adapter is given what it needs from another layer (the rendering of emails, for instance) so that no
adapter imports the documents layer (ARCHITECTURE.md; the layer contract in ``make lint``).

The API blueprints and the state machine's task handlers take their collaborators from here, never build
them. Each function returns the adapter for the current settings (construction is cheap: the boto3 clients
underneath are cached per process by :mod:`chalicelib.adapters.aws`), typed, and imports its module only
when called, so an entry point pays only for what it uses (cold start). Tests may replace one with
:func:`override`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.company_registry import CompanyRegistry
    from chalicelib.adapters.debtor_declarations import DebtorDeclarations
    from chalicelib.adapters.debtor_links import DebtorLinks
    from chalicelib.adapters.document_store import DocumentStore
    from chalicelib.adapters.export_jobs import ExportJobStore
    from chalicelib.adapters.identity import CognitoIdentityProvider
    from chalicelib.adapters.imports_repository import ImportRepository
    from chalicelib.adapters.invoices_repository import InvoiceRepository
    from chalicelib.adapters.outbox_repository import OutboxRepository
    from chalicelib.adapters.postal import PostalSender
    from chalicelib.adapters.rate_limiter import RateLimiter
    from chalicelib.adapters.rates_repository import RateProposalRepository, RateRepository
    from chalicelib.adapters.step_functions import StepFunctionsEngine
    from chalicelib.adapters.stripe_gateway import StripeGateway
    from chalicelib.domain.data_export import ExportJob
    from chalicelib.domain.email_kinds import RenderedEmail
    from chalicelib.services.invoices import Invoicing
    from chalicelib.settings import Settings

T = TypeVar("T")
_OVERRIDES: dict[str, Callable[[], Any]] = {}


@contextmanager
def override(name: str, factory: Callable[[], Any]) -> Iterator[None]:
    """Within the block, ``name()`` (e.g. ``"stripe"``) returns ``factory()`` instead of the real adapter."""
    previous = _OVERRIDES.get(name)
    _OVERRIDES[name] = factory
    try:
        yield
    finally:
        if previous is None:
            _OVERRIDES.pop(name, None)
        else:
            _OVERRIDES[name] = previous


def _built(name: str, build: Callable[[], T]) -> T:
    factory = _OVERRIDES.get(name)
    return cast(T, factory()) if factory is not None else build()


def claims() -> ClaimRepository:
    def build() -> ClaimRepository:
        from chalicelib.adapters.claims_repository import ClaimRepository

        return ClaimRepository()

    return _built("claims", build)


def accounts() -> AccountRepository:
    def build() -> AccountRepository:
        from chalicelib.adapters.accounts_repository import AccountRepository

        return AccountRepository()

    return _built("accounts", build)


def documents() -> DocumentStore:
    def build() -> DocumentStore:
        from chalicelib.adapters.document_store import DocumentStore

        return DocumentStore()

    return _built("documents", build)


def imports() -> ImportRepository:
    def build() -> ImportRepository:
        from chalicelib.adapters.imports_repository import ImportRepository

        return ImportRepository()

    return _built("imports", build)


def export_jobs() -> ExportJobStore:
    """The creditors' data exports, kept in the documents bucket (chalicelib/adapters/export_jobs.py)."""

    def build() -> ExportJobStore:
        from chalicelib.adapters.export_jobs import ExportJobStore

        return ExportJobStore(documents())

    return _built("export_jobs", build)


def start_data_export(job: ExportJob) -> None:
    """Start the export function ``export_data`` for one export, in the background."""
    from chalicelib.adapters.lambda_invoker import invoke_async
    from chalicelib.services.data_export import EXPORT_FUNCTION

    invoke_async(
        EXPORT_FUNCTION, {"creditor_id": job.creditor_id, "export_id": job.export_id, "attempt": job.attempt}
    )


def data_export_builder(creditor_id: str) -> Callable[[Callable[[int, int], None]], dict[str, Any]]:
    """What the export function builds for one creditor: ``export_for`` with every collaborator, on the
    business clock (``build(progress)``)."""
    from chalicelib.clock import business_now
    from chalicelib.domain.accounts import Identity
    from chalicelib.services.privacy import export_for
    from chalicelib.settings import get_settings

    def build(progress: Callable[[int, int], None]) -> dict[str, Any]:
        account = accounts().get(creditor_id)
        return export_for(
            Identity(account.user_id, account.email, account.role),
            accounts=accounts(),
            claims=claims(),
            imports=imports(),
            files=documents(),
            now=business_now(),
            today=get_settings().today(),
            invoices=invoices(),
            progress=progress,
        )

    return build


def email_export_ready(job: ExportJob) -> None:
    """Queue the creditor's « export prêt » email (``data_export_ready``) in the outbox, once per export
    (``compte:<id>#export-<export id>#1``): sent by the outbox, and again after a failed attempt."""
    from chalicelib.clock import real_now
    from chalicelib.domain.notifications import account_subject
    from chalicelib.services.data_export import ready_email
    from chalicelib.settings import get_settings

    ready = ready_email(job, base_url=get_settings().public_url)
    if ready is not None:
        subject = account_subject(job.creditor_id)
        outbox().queue_once(subject, f"export-{job.export_id}", ready, now=real_now())


def invoices() -> InvoiceRepository:
    """The fee invoices and their numbering (chalicelib/adapters/invoices_repository.py)."""

    def build() -> InvoiceRepository:
        from chalicelib.adapters.invoices_repository import InvoiceRepository

        return InvoiceRepository()

    return _built("invoices", build)


def outbox() -> OutboxRepository:
    """The outbox, for an email queued on its own (a fee invoice's PDF, by the PDF function): the queueing
    starts ``send_notifications`` for its claim, as a claim write that queues an email does."""

    def build() -> OutboxRepository:
        from chalicelib.adapters.outbox_repository import OutboxRepository, start_delivery

        return OutboxRepository(wake_sender=start_delivery)

    return _built("outbox", build)


def start_invoice_render(source_id: str) -> None:
    """Start the PDF function ``render_invoice`` for one invoice, in the background."""
    from chalicelib.adapters.lambda_invoker import invoke_async
    from chalicelib.services.invoices import RENDER_FUNCTION

    invoke_async(RENDER_FUNCTION, {"source_id": source_id})


def invoicing() -> Invoicing:
    """What the Stripe webhook issues invoices with: the repository, the creditors' profiles, the seller
    and the VAT rate of the settings, and the background start of the PDF."""

    def build() -> Invoicing:
        from chalicelib.services.invoices import Invoicing, seller_party
        from chalicelib.settings import get_settings

        settings = get_settings()
        return Invoicing(
            invoices=invoices(),
            accounts=accounts(),
            seller=seller_party(settings.seller),
            vat_rate_percent=settings.vat_rate_percent,
            start_render=start_invoice_render,
        )

    return _built("invoicing", build)


def rates() -> RateRepository:
    def build() -> RateRepository:
        from chalicelib.adapters.rates_repository import RateRepository

        return RateRepository()

    return _built("rates", build)


def rate_proposals() -> RateProposalRepository:
    def build() -> RateProposalRepository:
        from chalicelib.adapters.rates_repository import RateProposalRepository

        return RateProposalRepository()

    return _built("rate_proposals", build)


def engine() -> StepFunctionsEngine:
    """The escalation state machine (start, resume a waiting task, redrive)."""

    def build() -> StepFunctionsEngine:
        from chalicelib.adapters.step_functions import StepFunctionsEngine
        from chalicelib.settings import get_settings

        return StepFunctionsEngine(get_settings().state_machine_arn)

    return _built("engine", build)


def stripe() -> StripeGateway:
    def build() -> StripeGateway:
        from chalicelib.adapters.stripe_gateway import StripeGateway

        return StripeGateway()

    return _built("stripe", build)


def postal() -> PostalSender:
    """The registered-letter sender ``POSTAL_PROVIDER`` names."""

    def build() -> PostalSender:
        from chalicelib.adapters.postal import postal_sender

        return postal_sender()

    return _built("postal", build)


def company_registry() -> CompanyRegistry | None:
    """The company registry of the debtor lookup (``COMPANY_REGISTRY``; None when off)."""

    def build() -> CompanyRegistry | None:
        from chalicelib.adapters.company_registry import company_registry as selected

        return selected()

    return _built("company_registry", build)


def debtor_links() -> DebtorLinks:
    """The debtors' links to their page (chalicelib/adapters/debtor_links.py)."""

    def build() -> DebtorLinks:
        from chalicelib.adapters.debtor_links import DebtorLinks

        return DebtorLinks()

    return _built("debtor_links", build)


def debtor_declarations() -> DebtorDeclarations:
    """What debtors declared from their page (chalicelib/adapters/debtor_declarations.py)."""

    def build() -> DebtorDeclarations:
        from chalicelib.adapters.debtor_declarations import DebtorDeclarations

        return DebtorDeclarations()

    return _built("debtor_declarations", build)


def limiter() -> RateLimiter:
    """The abuse limits' counters (chalicelib/domain/abuse.py)."""

    def build() -> RateLimiter:
        from chalicelib.adapters.rate_limiter import rate_limiter

        return rate_limiter()

    return _built("limiter", build)


def send_email(email: str, rendered: RenderedEmail) -> None:
    """Send one rendered email through SES (the outbox and the notice's copy to the debtor)."""
    from chalicelib.adapters import mailer

    mailer.send_rendered(email, rendered)


def send_account_email(email: str, kind: str, context: dict[str, Any]) -> None:
    """Render an account email (a code, an invitation) and send it through SES."""
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.documents.emails import render_email

    send_rendered(email, render_email(kind, context))


def identity_provider(settings: Settings | None = None) -> CognitoIdentityProvider:
    """The accounts' identity provider (Cognito; locally moto's, which also sends the codes by email)."""

    def build() -> CognitoIdentityProvider:
        from chalicelib.adapters import identity

        return identity.identity_provider(settings, mailer=send_account_email)

    return _built("identity_provider", build)
