"""What the embedded AWS no longer computes at every request (infra/local/moto_caches.py) answers exactly what
moto's own code answers: DynamoDB items written directly are byte for byte moto's serialisation (random
items of every type, and the unusual values moto's code still writes), items read back through boto3 are
the items written; Step Functions' clients and JSONPaths are reused; S3's routes follow a change of custom
endpoints."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.integration

_SCALARS = st.one_of(
    st.text(max_size=20).map(lambda text: {"S": text}),
    st.integers(-(10**12), 10**12).map(lambda number: {"N": str(number)}),
    st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda number: {"N": str(number)}),
    st.binary(max_size=20).map(lambda data: {"B": data}),
    st.booleans().map(lambda flag: {"BOOL": flag}),
    st.just({"NULL": True}),
    st.lists(st.text(max_size=8), min_size=1, max_size=4, unique=True).map(lambda texts: {"SS": texts}),
    st.lists(st.integers(0, 99), min_size=1, max_size=4, unique=True).map(
        lambda numbers: {"NS": [str(n) for n in numbers]}
    ),
    st.lists(st.binary(min_size=1, max_size=6), min_size=1, max_size=3, unique=True).map(
        lambda blobs: {"BS": blobs}
    ),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: st.one_of(
        st.dictionaries(st.text(max_size=8), inner, max_size=4).map(lambda members: {"M": members}),
        st.lists(inner, max_size=4).map(lambda members: {"L": members}),
    ),
    max_leaves=12,
)
_ITEMS = st.dictionaries(st.text(min_size=1, max_size=10), _VALUES, max_size=6)
# Values the shortcut leaves to moto's own code (not plain DynamoDB JSON): they must come out the same.
_UNUSUAL = [
    {"N": Decimal("1.5")},
    {"S": 12},
    {"S": "x", "N": "1"},
    {"s": "lower case"},
    {"L": [None, {"S": "a"}]},
    {"M": {"a": None, "b": {"S": "kept"}}},
    {"SS": ["a", None]},
    {"B": bytearray(b"ab")},
    {"BOOL": None},
    {},
]


def _serialised(operation: str, result: dict) -> str:
    from moto.core.serialize import XFormedAttributePicker, get_serializer_class
    from moto.core.utils import get_service_model

    service = get_service_model("dynamodb")
    serializer = get_serializer_class("dynamodb", service.protocol)(
        operation_model=service.operation_model(operation),
        pretty_print=False,
        value_picker=XFormedAttributePicker(response_transformers={}),
    )
    return str(serializer.serialize(result)["body"])


def _both(operation: str, result: dict) -> tuple[str, str]:
    """(the shortcut's body, moto's own body) for one result."""
    from moto.core.serialize import BaseJSONSerializer

    from infra.local import moto_caches

    moto_caches.install()
    direct = _serialised(operation, result)
    shortcut = BaseJSONSerializer._serialize_type_structure
    BaseJSONSerializer._serialize_type_structure = moto_caches.MOTO_STRUCTURE["structure"]  # type: ignore[method-assign]
    try:
        own = _serialised(operation, result)
    finally:
        BaseJSONSerializer._serialize_type_structure = shortcut  # type: ignore[method-assign]
    return direct, own


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(item=_ITEMS, items=st.lists(_ITEMS, max_size=3))
def test_items_written_directly_are_moto_s_serialisation_byte_for_byte(item, items):
    direct, own = _both("GetItem", {"Item": item})
    assert direct == own
    direct, own = _both("Query", {"Items": items, "Count": len(items), "ScannedCount": len(items)})
    assert direct == own


@pytest.mark.parametrize("value", _UNUSUAL, ids=repr)
def test_unusual_values_are_still_written_by_moto_s_own_code(value):
    direct, own = _both("GetItem", {"Item": {"odd": value, "plain": {"S": "a"}}})
    assert direct == own


def test_items_read_back_through_boto3_are_the_items_written(aws):
    from chalicelib.adapters.aws import client

    dynamodb = client("dynamodb")
    table = f"caches-{uuid.uuid4().hex[:8]}"
    dynamodb.create_table(
        TableName=table,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    )
    item = {
        "id": {"S": "one"},
        "text": {"S": "Créance réglée — 1 061,26 €"},
        "empty": {"S": ""},
        "number": {"N": "1061.26"},
        "blob": {"B": b"\x00\xff%PDF"},
        "flag": {"BOOL": False},
        "nothing": {"NULL": True},
        "names": {"SS": ["a", "b"]},
        "numbers": {"NS": ["1", "2.5"]},
        "blobs": {"BS": [b"\x01", b"\x02"]},
        "nested": {"M": {"events": {"L": [{"M": {"at": {"S": "2025-03-31"}, "n": {"N": "3"}}}]}}},
    }
    dynamodb.put_item(TableName=table, Item=item)
    got = dynamodb.get_item(TableName=table, Key={"id": {"S": "one"}}, ConsistentRead=True)["Item"]
    assert got == item
    [queried] = dynamodb.query(
        TableName=table,
        KeyConditionExpression="id = :id",
        ExpressionAttributeValues={":id": {"S": "one"}},
    )["Items"]
    assert queried == item
    old = dynamodb.update_item(
        TableName=table,
        Key={"id": {"S": "one"}},
        UpdateExpression="SET #t = :t",
        ExpressionAttributeNames={"#t": "text"},
        ExpressionAttributeValues={":t": {"S": "autre"}},
        ReturnValues="ALL_OLD",
    )["Attributes"]
    assert old == item
    dynamodb.delete_table(TableName=table)


def test_step_functions_clients_and_json_paths_are_reused():
    from moto.stepfunctions.parser.asl.component.state.exec.state_task import lambda_eval_utils
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path

    from infra.local import moto_caches

    moto_caches.install()
    first = boto_client.boto_client_for("eu-west-3", "lambda")
    assert boto_client.boto_client_for("eu-west-3", "lambda") is first
    assert lambda_eval_utils.boto_client_for("eu-west-3", "lambda") is first
    assert boto_client.boto_client_for("eu-west-1", "lambda") is not first
    assert json_path.parse("$.claim_id") is json_path.parse("$.claim_id")
    assert json_path.extract_json("$.notice.deadline", {"notice": {"deadline": "2025-04-11"}}) == "2025-04-11"


def test_s3_routes_follow_a_change_of_custom_endpoints(monkeypatch):
    from moto.s3.models import s3_backends

    from infra.local import moto_caches

    moto_caches.install()
    backend = s3_backends["123456789012"]["aws"]
    assert backend._url_module is backend._url_module
    custom = "https://files.example.test"
    assert custom not in backend._url_module.url_bases
    monkeypatch.setenv("MOTO_S3_CUSTOM_ENDPOINTS", custom)
    assert custom in backend._url_module.url_bases
    monkeypatch.delenv("MOTO_S3_CUSTOM_ENDPOINTS")
    assert custom not in backend._url_module.url_bases
