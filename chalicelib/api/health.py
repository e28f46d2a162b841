"""GET /health: versions, and whether each outside system answers (200 when all do, 503 otherwise)."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.adapters import health_probes
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.services.health import check_health
from chalicelib.settings import get_settings

health_routes = Blueprint(__name__)


@health_routes.route("/health", methods=["GET"], cors=API_CORS)
@handles_errors
def health() -> Response:
    settings = get_settings()
    report = check_health(
        {
            "dynamodb": lambda: health_probes.probe_dynamodb(
                [settings.claims_table, settings.claim_events_table]
            ),
            "s3": lambda: health_probes.probe_s3(settings.documents_bucket),
            "ses": lambda: health_probes.probe_ses(settings.mail_sender),
            "stepfunctions": lambda: health_probes.probe_stepfunctions(settings.state_machine_arn),
        }
    )
    body = report.as_dict() | {"stage": settings.stage}
    if settings.local_mode:  # the local platform's business date (CLAIMS_TODAY), for the web interface
        body |= {
            "today": settings.today().isoformat(),
            "today_simulated": settings.today_override is not None,
        }
    return json_response(body, 200 if report.ok else 503)
