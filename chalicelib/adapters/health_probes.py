"""One cheap, read-only call per outside system, to tell whether it answers."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.adapters.aws import client


@dataclass(frozen=True)
class ProbeResult:
    ok: bool
    detail: str


def _failure(error: Exception) -> ProbeResult:
    return ProbeResult(ok=False, detail=f"{type(error).__name__}: {error}"[:300])


def probe_dynamodb(tables: list[str]) -> ProbeResult:
    try:
        dynamodb = client("dynamodb", fast_fail=True)
        statuses = [dynamodb.describe_table(TableName=name)["Table"]["TableStatus"] for name in tables]
    except Exception as error:
        return _failure(error)
    ok = all(status == "ACTIVE" for status in statuses)
    return ProbeResult(ok=ok, detail=f"{len(tables)} tables {'actives' if ok else 'non prêtes'}")


def probe_s3(bucket: str) -> ProbeResult:
    try:
        client("s3", fast_fail=True).head_bucket(Bucket=bucket)
    except Exception as error:
        return _failure(error)
    return ProbeResult(ok=True, detail=f"bucket {bucket}")


def probe_ses(sender: str) -> ProbeResult:
    """The sender may send when its address or its domain (the stack's DKIM domain identity) is verified."""
    domain = sender.rpartition("@")[2]
    identities = [sender] + ([domain] if domain and domain != sender else [])
    try:
        attributes = client("ses", fast_fail=True).get_identity_verification_attributes(Identities=identities)
    except Exception as error:
        return _failure(error)
    found = attributes["VerificationAttributes"]
    for identity in identities:
        status = found.get(identity, {}).get("VerificationStatus", "absent")
        if status == "Success":
            return ProbeResult(ok=True, detail=f"expéditeur {sender} : {status} ({identity})")
    status = found.get(sender, {}).get("VerificationStatus") or found.get(domain, {}).get(
        "VerificationStatus", "absent"
    )
    return ProbeResult(ok=False, detail=f"expéditeur {sender} : {status}")


def probe_stepfunctions(state_machine_arn: str) -> ProbeResult:
    try:
        response = client("stepfunctions", fast_fail=True).describe_state_machine(
            stateMachineArn=state_machine_arn
        )
    except Exception as error:
        return _failure(error)
    return ProbeResult(ok=response.get("status", "ACTIVE") == "ACTIVE", detail=response["name"])
