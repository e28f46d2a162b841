"""PynamoDB models: the DynamoDB tables of the platform. Amounts in integer cents."""

from __future__ import annotations

from pynamodb.attributes import (
    MapAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UTCDateTimeAttribute,
    VersionAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.settings import get_settings

_settings = get_settings()


class ClaimsByCreditor(GlobalSecondaryIndex["ClaimModel"]):
    class Meta:
        index_name = "by_creditor"
        projection = AllProjection()

    creditor_id = UnicodeAttribute(hash_key=True)
    created_at = UTCDateTimeAttribute(range_key=True)


class ClaimModel(Model):
    """One claim (créance). ``version`` gives optimistic locking: a stale write is refused."""

    class Meta:
        table_name = _settings.claims_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    claim_id = UnicodeAttribute(hash_key=True)
    creditor_id = UnicodeAttribute()
    status = UnicodeAttribute()
    debtor_name = UnicodeAttribute()
    principal_cents = NumberAttribute()
    currency = UnicodeAttribute(default="EUR")
    created_at = UTCDateTimeAttribute()
    updated_at = UTCDateTimeAttribute()
    event_count = NumberAttribute(default=0)
    version = VersionAttribute()

    by_creditor = ClaimsByCreditor()


class ClaimEventModel(Model):
    """Append-only audit trail: one item per status change (claim id + sequence)."""

    class Meta:
        table_name = _settings.claim_events_table
        region = _settings.region
        billing_mode = "PAY_PER_REQUEST"

    claim_id = UnicodeAttribute(hash_key=True)
    sequence = NumberAttribute(range_key=True)
    at = UTCDateTimeAttribute()
    actor = UnicodeAttribute()
    from_status = UnicodeAttribute(null=True)
    to_status = UnicodeAttribute()
    reason = UnicodeAttribute()
    document_hashes = MapAttribute[str, str](default=dict)


ALL_MODELS: tuple[type[Model], ...] = (ClaimModel, ClaimEventModel)
