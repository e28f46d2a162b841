"""The embedded AWS of the tests, provisioned once per test process (each pytest-xdist worker has its own)
and emptied between tests instead of being built again (see the ``aws`` fixture in tests/conftest.py).

Emptying goes through the public API where it exists (DynamoDB items, S3 objects, Cognito users, other
buckets and pools a test created) and through moto's backends for what has no delete call (the SES outbox,
the history of Step Functions executions, services the platform does not provision).
"""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

from chalicelib.adapters.aws import client
from chalicelib.settings import Settings, get_settings
from infra.local.provision import LOCAL_ACCOUNT, Provisioned, provision

# Services a test may touch that the platform does not provision: reset whole when loaded.
_UNPROVISIONED_SERVICES = ("secretsmanager", "ssm", "sqs", "sns", "events", "scheduler", "logs", "cloudwatch")

_state: dict[str, Any] = {"provisioned": None, "keys": {}, "tables": set()}


def provisioned() -> Provisioned:
    """The provisioned platform, provisioning it again if a test's own ``mock_aws()`` reset moto since, or a
    test removed a resource (the health tests delete the bucket)."""
    import app

    current: Provisioned | None = _state["provisioned"]
    settings = get_settings()
    if current is None or not _still_there(current, settings):
        current = provision(settings, app.app)
        _state["provisioned"] = current
        _state["keys"] = {}
        _state["tables"] = set(client("dynamodb").list_tables()["TableNames"])
    return current


def _still_there(current: Provisioned, settings: Settings) -> bool:
    if not _state["tables"] <= set(client("dynamodb").list_tables()["TableNames"]):
        return False
    buckets = {bucket["Name"] for bucket in client("s3").list_buckets().get("Buckets", [])}
    if settings.documents_bucket not in buckets:
        return False
    if settings.mail_sender not in client("ses").list_identities()["Identities"]:
        return False
    try:
        client("cognito-idp").describe_user_pool(UserPoolId=current.user_pool_id)
        client("stepfunctions").describe_state_machine(stateMachineArn=current.state_machine_arn)
    except Exception:  # reset by another mock: ResourceNotFound / StateMachineDoesNotExist
        return False
    return True


def stop_executions(current: Provisioned) -> None:
    """Stop what a test left running and wait until no execution or asynchronous Lambda thread is still
    working (an unfinished task would write into the next test's tables)."""
    sfn = client("stepfunctions")
    for machine in sfn.list_state_machines()["stateMachines"]:
        for page in sfn.get_paginator("list_executions").paginate(
            stateMachineArn=machine["stateMachineArn"], statusFilter="RUNNING"
        ):
            for execution in page["executions"]:
                for _attempt in range(20):
                    try:
                        sfn.stop_execution(executionArn=execution["executionArn"])
                        break
                    except Exception:  # moto: an execution whose worker has not started yet cannot stop
                        time.sleep(0.05)
    deadline = time.monotonic() + 10
    while (busy := _threads_in_project_code()) and time.monotonic() < deadline:
        for thread in busy:
            thread.join(timeout=0.05)


_PROJECT = Path(__file__).resolve().parents[1]
_PROJECT_CODE = (str(_PROJECT / "chalicelib"), str(_PROJECT / "app.py"))


def _threads_in_project_code() -> list[threading.Thread]:
    """Threads of executions or asynchronous invocations that are running the platform's own code (a task
    handler); an execution merely waiting (a callback whose token never comes) does nothing more once
    stopped, and is left to its timeout."""
    frames = sys._current_frames()
    busy = []
    for thread in threading.enumerate():
        if thread is threading.current_thread() or thread.ident not in frames:
            continue
        frame: FrameType | None = frames[thread.ident]
        while frame is not None:
            if frame.f_code.co_filename.startswith(_PROJECT_CODE):
                busy.append(thread)
                break
            frame = frame.f_back
    return busy


def empty(current: Provisioned) -> None:
    """Remove every item, object, user, email and execution; keep the resources themselves."""
    _empty_tables()
    _empty_buckets()
    _empty_user_pools(current)
    _forget_sent_emails()
    _forget_executions()
    _reset_unprovisioned()


def _key_names(table: str) -> list[str]:
    keys: dict[str, list[str]] = _state["keys"]
    if table not in keys:
        schema = client("dynamodb").describe_table(TableName=table)["Table"]["KeySchema"]
        keys[table] = [key["AttributeName"] for key in schema]
    return keys[table]


def _empty_tables() -> None:
    dynamodb = client("dynamodb")
    for table in dynamodb.list_tables()["TableNames"]:
        names = _key_names(table)
        projection = ", ".join(f"#k{i}" for i in range(len(names)))
        aliases = {f"#k{i}": name for i, name in enumerate(names)}
        for page in dynamodb.get_paginator("scan").paginate(
            TableName=table, ProjectionExpression=projection, ExpressionAttributeNames=aliases
        ):
            items = page["Items"]
            for start in range(0, len(items), 25):
                dynamodb.batch_write_item(
                    RequestItems={
                        table: [{"DeleteRequest": {"Key": key}} for key in items[start : start + 25]]
                    }
                )


def _empty_buckets() -> None:
    s3 = client("s3")
    documents = get_settings().documents_bucket
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        for page in s3.get_paginator("list_object_versions").paginate(Bucket=name):
            versions = page.get("Versions", []) + page.get("DeleteMarkers", [])
            if versions:
                s3.delete_objects(
                    Bucket=name,
                    Delete={
                        "Objects": [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in versions],
                        "Quiet": True,
                    },
                )
        if name != documents:
            s3.delete_bucket(Bucket=name)


def _empty_user_pools(current: Provisioned) -> None:
    idp = client("cognito-idp")
    for page in idp.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Id"] != current.user_pool_id:
                idp.delete_user_pool(UserPoolId=pool["Id"])
                continue
            for users in idp.get_paginator("list_users").paginate(UserPoolId=pool["Id"]):
                for user in users["Users"]:
                    idp.admin_delete_user(UserPoolId=pool["Id"], Username=user["Username"])


def _forget_sent_emails() -> None:
    from moto.ses.models import ses_backends

    for backend in ses_backends[LOCAL_ACCOUNT].values():
        backend.sent_messages.clear()
        backend.sent_message_count = 0


def _forget_executions() -> None:
    from moto.stepfunctions.models import stepfunctions_backends
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    for backends in (stepfunctions_backends, stepfunctions_parser_backends):
        for backend in backends[LOCAL_ACCOUNT].values():
            for machine in backend.state_machines:
                machine.executions.clear()


def _reset_unprovisioned() -> None:
    from moto.backends import get_backend

    for service in _UNPROVISIONED_SERVICES:
        try:
            backends = get_backend(service)  # type: ignore[call-overload]
        except Exception:
            continue
        for account_backends in backends.values():  # BackendDict.reset() would reset every service
            account_backends.reset()
