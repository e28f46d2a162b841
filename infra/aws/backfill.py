"""Bring the stage's stored data up to what the deployed code reads (``make deploy`` runs it after the stack):

    python -m infra.aws.backfill infra/aws/cdk.out/outputs.json STAGE

Today one backfill: ``lawyer_due``, the sort key of the claims table's ``by_lawyer_due`` index (a lawyer's
list of dossiers, earliest date to act first). Claims entrusted to a lawyer before the index existed lack
it and would be missing from their lawyer's list until their next write
(``ClaimRepository.backfill_lawyer_due``: idempotent, so every deploy runs it; a run after the first writes
nothing). The table is the one the deployed stack names (output ``ClaimsTableName``), in the stage's region
(``infra/aws/config.json``), with the caller's AWS credentials, as ``infra.aws.publish_frontend``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from infra.aws.config import load_stage
from infra.aws.publish_frontend import _outputs


def backfill(table_name: str, region: str) -> int:
    """Set ``lawyer_due`` where it is missing or stale in ``table_name``; returns how many claims were
    written. The settings are read again for that table before the claims' model is first imported."""
    os.environ["CLAIMS_TABLE"] = table_name
    os.environ["AWS_DEFAULT_REGION"] = region
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    from chalicelib.adapters.claims_repository import ClaimRepository
    from chalicelib.adapters.dynamo import ClaimModel

    if ClaimModel.Meta.table_name != table_name:  # imported before, for another table
        raise RuntimeError(f"the claims model already reads {ClaimModel.Meta.table_name}, not {table_name}")
    return ClaimRepository(wake_sender=None).backfill_lawyer_due()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    outputs = _outputs(Path(args[0]))
    config = load_stage(args[1])
    table_name = outputs.get("ClaimsTableName") or f"{config.prefix}-claims"
    written = backfill(table_name, config.region)
    print(f"{table_name}: lawyer_due set on {written} claim(s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
