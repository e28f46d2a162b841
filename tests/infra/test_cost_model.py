"""The cost model's arithmetic (bench/cost_model.py); `make bench` runs the counted claim (cost_bench)."""

import pytest

from bench.cost_model import (
    DYNAMODB_PER_WRITE_UNIT,
    LAMBDA_PER_GB_SECOND,
    STEP_FUNCTIONS_PER_TRANSITION,
    Usage,
    UsageMeter,
    cost,
    item_size,
)


def test_gb_seconds_weigh_each_function_by_its_memory():
    usage = Usage()
    usage.seconds.update({"send_notice": 2.0, "api_handler": 1.0})
    priced = cost(usage, {"send_notice": 2048, "api_handler": 1024})
    assert priced.gb_seconds == pytest.approx(5.0)
    assert priced.lines["Lambda GB-seconds"] == pytest.approx(5.0 * LAMBDA_PER_GB_SECOND)


def test_total_is_the_sum_of_the_lines():
    usage = Usage(state_transitions=14, write_units=10)
    priced = cost(usage, {})
    assert priced.total == pytest.approx(14 * STEP_FUNCTIONS_PER_TRANSITION + 10 * DYNAMODB_PER_WRITE_UNIT)


def test_transactional_writes_cost_twice_per_started_kilobyte():
    meter = UsageMeter()
    big = {"claim_id": {"S": "c1"}, "content": {"S": "x" * 1500}}
    meter._dynamodb_units("TransactWriteItems", {"TransactItems": [{"Put": {"Item": big}}]}, {})
    assert item_size(big) > 1024
    assert meter.usage.write_units == 4


def test_eventually_consistent_reads_cost_half_a_unit_per_4_kb():
    meter = UsageMeter()
    meter._dynamodb_units("GetItem", {}, {"Item": {"k": {"S": "v"}}})
    meter._dynamodb_units("GetItem", {"ConsistentRead": True}, {"Item": {"k": {"S": "v"}}})
    assert meter.usage.read_units == 1.5


def test_a_registered_letter_is_counted_at_the_providers_price_or_the_operators_estimate():
    from bench.cost_model import letter_price

    reported = {"status": "sent", "channel": "lrar", "delivery": {"price_cents": 536}}
    assert letter_price(reported, lrar_cents=600, lre_cents=400) == ("lrar", 536, "provider")
    estimated = {"status": "sent", "channel": "lre", "delivery": {"price_cents": None}}
    assert letter_price(estimated, lrar_cents=600, lre_cents=400) == ("lre", 400, "estimate")
    assert letter_price({"status": "prepared"}, lrar_cents=600, lre_cents=400) is None
    usage = Usage()
    usage.letters += [("lrar", 536, "provider"), ("lre", 400, "estimate")]
    priced = cost(usage, {})
    assert sum(priced.provider_eur.values()) == pytest.approx(9.36)
    assert priced.total == pytest.approx(sum(priced.lines.values()))  # AWS dollars and letters kept apart
