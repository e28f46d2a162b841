"""GET /health: what an outsider needs — ``status`` ok or degraded (200 or 503); on the local platform also
its stage and business date, which the web interface reads. GET /v1/operator/health: the details (versions,
each outside system's probe and resource names), for a signed-in operator only."""

from __future__ import annotations

from chalice import Blueprint, Response

from chalicelib.adapters import health_probes
from chalicelib.api.auth import requires_role, signed_in
from chalicelib.api.errors import API_CORS, handles_errors, json_response
from chalicelib.domain.accounts import Identity, Role
from chalicelib.services.health import HealthReport, check_health
from chalicelib.settings import get_settings

health_routes = Blueprint(__name__)


def _report() -> HealthReport:
    settings = get_settings()
    return check_health(
        {
            "dynamodb": lambda: health_probes.probe_dynamodb(
                [settings.claims_table, settings.claim_events_table]
            ),
            "s3": lambda: health_probes.probe_s3(settings.documents_bucket),
            "ses": lambda: health_probes.probe_ses(settings.mail_sender),
            "stepfunctions": lambda: health_probes.probe_stepfunctions(settings.state_machine_arn),
        }
    )


@health_routes.route("/health", methods=["GET"], cors=API_CORS)
@handles_errors
def health() -> Response:
    settings = get_settings()
    report = _report()
    body: dict[str, object] = {"status": report.status}
    if settings.local_mode:  # the local platform's stage and business date (CLAIMS_TODAY), for the web UI
        body |= {
            "stage": settings.stage,
            "today": settings.today().isoformat(),
            "today_simulated": settings.today_override is not None,
        }
    return json_response(body, 200 if report.ok else 503)


@health_routes.route("/v1/operator/health", methods=["GET"], authorizer=signed_in, cors=API_CORS)
@handles_errors
@requires_role(health_routes, Role.OPERATOR)
def operator_health(identity: Identity) -> Response:
    report = _report()
    return json_response(report.as_dict() | {"stage": get_settings().stage}, 200 if report.ok else 503)
