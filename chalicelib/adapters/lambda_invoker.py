"""Start one of the app's own Lambda functions in the background (InvocationType=Event)."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from chalicelib.adapters.aws import client
from chalicelib.adapters.errors import TransientError
from chalicelib.settings import get_settings


def function_name(name: str) -> str:
    """The deployed name of ``@app.lambda_function(name=...)``: ``claims-<stage>-<name>`` (Chalice's
    naming on AWS, and the local platform's)."""
    return f"{get_settings().resource_prefix}-{name}"


def invoke_async(name: str, payload: dict[str, Any]) -> None:
    try:
        client("lambda").invoke(
            FunctionName=function_name(name), InvocationType="Event", Payload=json.dumps(payload).encode()
        )
    except (ClientError, BotoCoreError) as error:
        raise TransientError(f"could not start {name}: {error}") from error
