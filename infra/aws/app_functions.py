"""What the Chalice app and the PynamoDB models declare, read from the code itself, for the AWS stack.

Cheap to import (no CDK): the tests read these too.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from infra.spec import camel_case

# Functions whose code renders PDFs with WeasyPrint (chalicelib/documents/render.py, through
# chalicelib/services/notice.py and chalicelib/services/dossier.py): more memory, a longer timeout and the
# WeasyPrint layer. The others, and the API, never import WeasyPrint (tests/infra checks the API).
PDF_FUNCTIONS = frozenset(
    {"send_reminder", "send_notice", "assemble_dossier", "prepare_declaration", "render_invoice"}
)
# Functions started asynchronously (InvocationType=Event or a schedule): a failed event lands in a DLQ.
# ``send_notice`` also runs in the background when the creditor corrects an undeliverable letter's address
# (chalicelib/api/postal.py); ``poll_registered_mail`` is the registered letters' hourly schedule.
ASYNC_FUNCTIONS = frozenset(
    {
        "import_claims",
        "export_data",
        "send_notifications",
        "sweep_outbox",
        "prepare_declaration",
        "render_invoice",
        "recheck_debtors",
        "send_notice",
        "poll_registered_mail",
    }
)
# Functions that call Stripe: the API (checkout, webhook) and the check that refunds a blocked claim.
STRIPE_FUNCTIONS = frozenset({"api_handler", "check_claim"})
# The function the state machine calls when a step failed for good: each call is a claim for an operator.
NEEDS_ATTENTION_FUNCTION = "mark_needs_attention"
# Background functions that read a whole account, as long as Lambda allows: the creditor's data export
# (chalicelib/services/data_export.py) reads every claim's timeline and files, one query and one listing
# per claim, and holds the document in memory before storing it (tens of MB for thousands of claims). One
# that still dies is started again, at most three times, when its progress stops for 5 minutes.
LONG_FUNCTIONS = frozenset({"export_data"})
# Memory (MB) and timeout (s) by kind of function: the API (and its authorizer), PDF rendering, whole-account
# background work, the rest.
MEMORY_MB = {"api": 1024, "pdf": 2048, "long": 1024, "other": 512}
TIMEOUT_S = {"api": 29, "pdf": 300, "long": 900, "other": 120}


@dataclass(frozen=True)
class AppFunction:
    name: str  # the Chalice name: api_handler, signed_in, check_claim…
    logical_id: str  # in the SAM template
    kind: str  # api | pdf | other

    def function_name(self, prefix: str) -> str:
        return prefix if self.name == "api_handler" else f"{prefix}-{self.name}"


def app_functions() -> list[AppFunction]:
    """Every Lambda function the Chalice app declares, read from ``app.py`` itself."""
    from app import app as chalice_app

    found = [AppFunction("api_handler", "APIHandler", "api")]
    found += [AppFunction(a.name, camel_case(a.name), "api") for a in chalice_app.builtin_auth_handlers]
    for function in chalice_app.pure_lambda_functions:
        kind = (
            "pdf"
            if function.name in PDF_FUNCTIONS
            else "long"
            if function.name in LONG_FUNCTIONS
            else "other"
        )
        found.append(AppFunction(function.name, camel_case(function.name), kind))
    for event in chalice_app.event_sources:
        found.append(AppFunction(event.name, camel_case(event.name), "other"))
    return found


def table_specs() -> list[tuple[str, str, dict[str, Any]]]:
    """(environment variable, name suffix, PynamoDB schema) of every table ``chalicelib/adapters/dynamo.py``
    declares for AWS. The variable is the settings field holding the table's name, upper-cased."""
    from chalicelib.adapters.dynamo import ALL_MODELS, ttl_attribute
    from chalicelib.settings import get_settings

    settings = get_settings()
    by_value = {getattr(settings, f.name): f.name for f in fields(settings) if f.name.endswith("_table")}
    specs = []
    for model in ALL_MODELS:
        table_name = model.Meta.table_name
        if table_name not in by_value:
            raise LookupError(f"no *_table setting names the table {table_name} of {model.__name__}")
        suffix = table_name.removeprefix(f"{settings.resource_prefix}-")
        schema: dict[str, Any] = dict(model._get_schema())
        if ttl := ttl_attribute(model):
            schema["time_to_live_attribute"] = ttl
        specs.append((by_value[table_name].upper(), suffix, schema))
    return specs
