"""Run a piece of work once per key, whatever the number of deliveries: Powertools idempotency with its
DynamoDB persistence layer (the ``idempotency`` table). A second delivery while the first is still
running gets :class:`AlreadyInProgress`; a later one gets the first one's result."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.domain.errors import DomainError
from chalicelib.settings import get_settings

# Stripe retries a webhook for up to three days: remember an event a little longer.
EVENT_MEMORY_SECONDS = 4 * 24 * 3600


class AlreadyInProgress(DomainError):
    code = "in_progress"


def run_once(key: str, work: Callable[[], dict[str, Any]], *, namespace: str) -> dict[str, Any]:
    """``work()``'s result, computed once for ``key`` (JSON-serialisable dict)."""
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )
    from aws_lambda_powertools.utilities.idempotency.exceptions import IdempotencyAlreadyInProgressError

    persistence = DynamoDBPersistenceLayer(
        table_name=get_settings().idempotency_table, boto3_client=client("dynamodb")
    )
    config = IdempotencyConfig(event_key_jmespath="key", expires_after_seconds=EVENT_MEMORY_SECONDS)

    @idempotent_function(
        data_keyword_argument="request", persistence_store=persistence, config=config, key_prefix=namespace
    )
    def once(request: dict[str, str]) -> dict[str, Any]:
        return work()

    try:
        with warnings.catch_warnings():
            # Outside a Lambda handler's context (chalice local, tests) Powertools cannot read the remaining
            # time; the in-progress record then expires after its default (the function timeout on AWS).
            warnings.filterwarnings("ignore", message="Couldn't determine the remaining time left")
            result: dict[str, Any] = once(request={"key": key})
    except IdempotencyAlreadyInProgressError:
        raise AlreadyInProgress(
            "Cet événement est déjà en cours de traitement ; il sera pris en compte une seule fois."
        ) from None
    return result
