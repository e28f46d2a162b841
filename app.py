"""Entry points: the HTTP API and the Lambda functions the escalation state machine calls. No logic here."""

from __future__ import annotations

import functools
from typing import Any

from chalice import Chalice

from chalicelib import logs
from chalicelib.adapters.errors import TransientError
from chalicelib.api.accounts import account_routes
from chalicelib.api.auth import auth_routes
from chalicelib.api.claims import claim_routes
from chalicelib.api.companies import company_routes
from chalicelib.api.debtor import debtor_routes
from chalicelib.api.escalation import escalation_routes
from chalicelib.api.health import health_routes
from chalicelib.api.imports import import_routes
from chalicelib.api.invoices import invoice_routes
from chalicelib.api.lawyers import lawyer_routes
from chalicelib.api.legal import legal_routes
from chalicelib.api.notices import notice_routes
from chalicelib.api.openapi import openapi_routes
from chalicelib.api.operator import operator_routes
from chalicelib.api.payments import payment_routes
from chalicelib.api.postal import postal_routes
from chalicelib.api.privacy import privacy_routes
from chalicelib.api.rates import rate_routes
from chalicelib.domain.errors import DomainError
from chalicelib.settings import check_startup

# Fail closed: outside the local platform, a missing or placeholder secret stops every function here, at
# start-up (chalicelib.settings.MissingSecret names the setting), before any request is answered.
check_startup()

# The "claims" logger is Powertools' (chalicelib/logs.py): Chalice must not put its own handler on it.
app = Chalice(app_name="claims", configure_logs=False)
app.register_blueprint(health_routes)
app.register_blueprint(auth_routes)
app.register_blueprint(account_routes, url_prefix="/v1")
app.register_blueprint(claim_routes, url_prefix="/v1")
app.register_blueprint(company_routes, url_prefix="/v1")
app.register_blueprint(debtor_routes, url_prefix="/v1")
app.register_blueprint(escalation_routes, url_prefix="/v1")
app.register_blueprint(import_routes, url_prefix="/v1")
app.register_blueprint(notice_routes, url_prefix="/v1")
app.register_blueprint(payment_routes, url_prefix="/v1")
app.register_blueprint(postal_routes, url_prefix="/v1")
app.register_blueprint(invoice_routes, url_prefix="/v1")
app.register_blueprint(lawyer_routes, url_prefix="/v1")
app.register_blueprint(privacy_routes, url_prefix="/v1")
app.register_blueprint(rate_routes, url_prefix="/v1")
app.register_blueprint(operator_routes, url_prefix="/v1")
app.register_blueprint(legal_routes, url_prefix="/v1")
app.register_blueprint(openapi_routes)

# Structured logs (chalicelib/logs.py), in one place for every route, Lambda function and schedule below:
# the claim id (and the Step Functions execution name) on every line, one line per request or call. An
# expected error (a refusal, a passing outage the state machine retries) is logged without a traceback.
_EXPECTED_ERRORS = (DomainError, TransientError)
app.register_middleware(logs.log_request, "http")
app.register_middleware(functools.partial(logs.log_task, expected=_EXPECTED_ERRORS), "pure_lambda")
app.register_middleware(functools.partial(logs.log_schedule, expected=_EXPECTED_ERRORS), "scheduled")


# --- Lambda functions called by chalicelib/workflow/escalation.asl.json --------------------------------
# Each function is provisioned locally and on AWS under its Chalice name; its ARN fills the placeholder
# ``${<CamelCaseName>FunctionArn}`` of the definition. Handlers are imported inside each function so the
# API's cold start does not pay for the workflow's dependencies (PynamoDB, and later WeasyPrint).


@app.lambda_function(name="check_claim")
def check_claim(event: dict[str, Any], context: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.check_claim(event)


def _step(name: str) -> Any:
    from chalicelib.workflow import steps

    return getattr(steps, name)


@app.lambda_function(name="send_reminder")
def send_reminder(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("send_reminder")(event)


@app.lambda_function(name="send_notice")
def send_notice(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("send_notice")(event)


@app.lambda_function(name="follow_up")
def follow_up(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("follow_up")(event)


@app.lambda_function(name="offer_escalation")
def offer_escalation(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("offer_escalation")(event)


@app.lambda_function(name="close_claim")
def close_claim(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("close_claim")(event)


@app.lambda_function(name="assemble_dossier")
def assemble_dossier(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("assemble_dossier")(event)


@app.lambda_function(name="assign_lawyer")
def assign_lawyer(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("assign_lawyer")(event)


@app.lambda_function(name="lawyer_no_answer")
def lawyer_no_answer(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("lawyer_no_answer")(event)


@app.lambda_function(name="request_review")
def request_review(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("request_review")(event)


@app.lambda_function(name="send_procedure_reminder")
def send_procedure_reminder(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("send_procedure_reminder")(event)


@app.lambda_function(name="mark_needs_attention")
def mark_needs_attention(event: dict[str, Any], context: Any) -> dict[str, object]:
    return _step("mark_needs_attention")(event)


# --- background work started by the API --------------------------------------------------------------


@app.lambda_function(name="import_claims")
def import_claims(event: dict[str, Any], context: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.import_claims(event)


@app.lambda_function(name="export_data")
def export_data(event: dict[str, Any], context: Any) -> dict[str, object]:
    """A creditor's data export (chalicelib/services/data_export.py), started by POST /v1/me/exports."""
    from chalicelib import bootstrap
    from chalicelib.clock import real_now
    from chalicelib.services.data_export import run_export

    creditor_id = str(event.get("creditor_id", ""))
    job = run_export(
        creditor_id,
        str(event.get("export_id", "")),
        int(event.get("attempt") or 1),
        jobs=bootstrap.export_jobs(),
        build=bootstrap.data_export_builder(creditor_id),
        notify=bootstrap.email_export_ready,  # sent as the import's report is
        now=real_now,
    )
    return {"export_id": job.export_id, "status": job.status.value, "claims": job.claims_total}


# Every morning, the claims waiting in the escalation are checked against the BODACC (RULEBOOK 2.9): a
# judgment published since goes into the claim and the creditor is told (services/debtor_check.py).
@app.schedule("cron(30 5 * * ? *)", name="recheck_debtors")
def recheck_debtors(event: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.recheck_debtors()


# Every hour, the registered letters still travelling are asked about (services/notice/delivery.py): the
# qualified LRE has no webhook, and a missed Maileva webhook is caught up. The local platform polls too.
@app.schedule("rate(1 hour)", name="poll_registered_mail")
def poll_registered_mail(event: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.poll_registered_mail()


@app.lambda_function(name="prepare_declaration")
def prepare_declaration(event: dict[str, Any], context: Any) -> dict[str, object]:
    """The déclaration de créance's PDF (chalicelib/services/declaration.py), started by the API."""
    from chalicelib.workflow import handlers

    return handlers.prepare_declaration(event)


@app.lambda_function(name="render_invoice")
def render_invoice(event: dict[str, Any], context: Any) -> dict[str, object]:
    """A fee invoice's PDF (chalicelib/services/invoices.py), started by the Stripe webhook that issued it."""
    from chalicelib import bootstrap
    from chalicelib.clock import real_now
    from chalicelib.services.invoices import render_pdf

    invoice = render_pdf(
        str(event.get("source_id", "")),
        invoices=bootstrap.invoices(),
        store=bootstrap.documents(),
        outbox=bootstrap.outbox(),  # the PDF emailed to the creditor; its queueing starts the sending
        now=real_now(),
    )
    return {"number": invoice.number, "pdf_key": invoice.pdf_key, "sha256": invoice.pdf_sha256}


# --- claim emails: the outbox (chalicelib/services/outbox.py) ------------------------------------------
# A claim write that queues an email starts ``send_notifications`` for that claim at once (asynchronous
# invocation, best effort); ``sweep_outbox`` sends whatever is still pending every minute (a start that
# failed, a retry after a send failure). The local platform has no scheduler: its devserver runs the same
# sweep every 2 s. ``"rate(1 minute)"`` is ``Rate(1, unit=Rate.MINUTES)``.


@app.lambda_function(name="send_notifications")
def send_notifications(event: dict[str, Any], context: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.send_notifications(event)


@app.schedule("rate(1 minute)", name="sweep_outbox")
def sweep_outbox(event: Any) -> dict[str, object]:
    from chalicelib.workflow import handlers

    return handlers.sweep_outbox()


# --- retention (RULEBOOK 7.1, chalicelib/services/privacy.py) -------------------------------------------
# Every day at 02:30 UTC, ended claims whose archive period is over are anonymised. An operator can run it
# (or a dry run) at any time: POST /v1/operator/retention/run. The local platform has no scheduler.


@app.schedule("cron(30 2 * * ? *)", name="apply_retention")
def apply_retention(event: Any) -> dict[str, object]:
    from chalicelib.services.privacy import run_retention

    return run_retention(dry_run=False).as_dict()


# --- rate feed (chalicelib/services/rate_feed.py) ----------------------------------------------------------
# Every day at 06:15 UTC, the ECB Data Portal and Banque de France Webstat are read (RATE_FEED=live; off by
# default on AWS) and the semesters the tables lack are PROPOSED to the operator (page and email), who
# confirms or rejects: nothing is applied without them. The local platform runs it at start-up; an operator
# can run it at any time: POST /v1/operator/rate-proposals/check.


@app.schedule("cron(15 6 * * ? *)", name="check_rate_feeds")
def check_rate_feeds(event: Any) -> dict[str, object]:
    from chalicelib.adapters.rate_feeds import rate_feeds
    from chalicelib.adapters.rates_repository import RateProposalRepository
    from chalicelib.clock import business_now, business_today
    from chalicelib.services.rate_feed import check_rate_feeds as check

    return check(
        today=business_today(), now=business_now(), feeds=rate_feeds(), proposals=RateProposalRepository()
    ).as_dict()
