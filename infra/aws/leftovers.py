"""After a failed first deploy of a stage: find (and with ``--delete``, remove) what it left behind.

    python -m infra.aws.leftovers --stage prod            # lists
    python -m infra.aws.leftovers --stage prod --delete   # removes, then: make deploy STAGE=prod

The stack's data resources are kept on stack deletion but not when its first creation rolls back
(``RetainExceptOnCreate``), so a failed first deploy normally leaves nothing. Two cases still can: tables
with deletion protection, which CloudFormation cannot delete during the rollback, and the log groups Lambda
created itself. Both would make the retry fail on names already taken (``claims-<stage>-…``).

Only for a stage whose stack does not exist (or is ``ROLLBACK_COMPLETE``, to be deleted first), and only
empty resources: a table with an item, a bucket with an object or a user pool with a user is reported and
kept — that is data, not a leftover.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.aws.config import StageConfig, load_stage

# Stack states in which nothing of the stage is managed by CloudFormation any more.
NO_LIVE_STACK = {"ROLLBACK_COMPLETE", "DELETE_COMPLETE", "ROLLBACK_FAILED"}


@dataclass(frozen=True)
class Leftover:
    kind: str
    name: str
    empty: bool
    remove: Callable[[], None]

    def __str__(self) -> str:
        return f"{self.kind} {self.name}{'' if self.empty else ' (NOT empty: kept)'}"


class LiveStack(RuntimeError):
    pass


def _stack_status(cloudformation: Any, name: str) -> str | None:
    try:
        stacks = cloudformation.describe_stacks(StackName=name)["Stacks"]
    except cloudformation.exceptions.ClientError as error:
        if "does not exist" in str(error):
            return None
        raise
    return str(stacks[0]["StackStatus"]) if stacks else None


def find_leftovers(config: StageConfig, session: Any) -> list[Leftover]:
    prefix = config.prefix
    status = _stack_status(session.client("cloudformation"), prefix)
    if status is not None and status not in NO_LIVE_STACK:
        raise LiveStack(f"the stack {prefix} exists ({status}): its resources are not leftovers")
    found: list[Leftover] = []

    dynamodb = session.client("dynamodb")
    for page in dynamodb.get_paginator("list_tables").paginate():
        for table in page["TableNames"]:
            if not table.startswith(f"{prefix}-"):
                continue
            empty = dynamodb.scan(TableName=table, Limit=1, Select="COUNT")["Count"] == 0

            def remove_table(table: str = table) -> None:
                dynamodb.update_table(TableName=table, DeletionProtectionEnabled=False)
                dynamodb.delete_table(TableName=table)

            found.append(Leftover("DynamoDB table", table, empty, remove_table))

    s3 = session.client("s3")
    for bucket in s3.list_buckets().get("Buckets", []):
        name = bucket["Name"]
        if not name.startswith(f"{prefix}-documents-"):
            continue
        versions = s3.list_object_versions(Bucket=name, MaxKeys=1)
        empty = not versions.get("Versions") and not versions.get("DeleteMarkers")
        found.append(Leftover("S3 bucket", name, empty, lambda name=name: s3.delete_bucket(Bucket=name)))

    cognito = session.client("cognito-idp")
    for page in cognito.get_paginator("list_user_pools").paginate(MaxResults=60):
        for pool in page["UserPools"]:
            if pool["Name"] != f"{prefix}-users":
                continue
            empty = not cognito.list_users(UserPoolId=pool["Id"], Limit=1)["Users"]

            def remove_pool(pool_id: str = pool["Id"]) -> None:
                cognito.update_user_pool(UserPoolId=pool_id, DeletionProtection="INACTIVE")
                cognito.delete_user_pool(UserPoolId=pool_id)

            found.append(Leftover("Cognito user pool", f"{pool['Name']} ({pool['Id']})", empty, remove_pool))

    logs = session.client("logs")
    for page in logs.get_paginator("describe_log_groups").paginate(
        logGroupNamePrefix=f"/aws/lambda/{prefix}"
    ):
        for group in page["logGroups"]:
            name = group["logGroupName"]
            # Logs of a failed deploy are worth reading, not keeping: they block the retry's log groups.
            found.append(
                Leftover("log group", name, True, lambda name=name: logs.delete_log_group(logGroupName=name))
            )
    return found


def main(argv: list[str] | None = None) -> int:
    import boto3

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stage", required=True)
    parser.add_argument("--delete", action="store_true", help="remove the empty leftovers")
    args = parser.parse_args(argv)
    config = load_stage(args.stage)
    try:
        leftovers = find_leftovers(config, boto3.Session(region_name=config.region))
    except LiveStack as error:
        print(error, file=sys.stderr)
        return 1
    if not leftovers:
        print(f"Nothing left by {config.prefix}: make deploy STAGE={config.name}")
        return 0
    for leftover in leftovers:
        print(leftover)
        if args.delete and leftover.empty:
            leftover.remove()
            print("  removed")
    kept = [leftover for leftover in leftovers if not leftover.empty]
    return 1 if kept else 0


if __name__ == "__main__":
    sys.exit(main())
