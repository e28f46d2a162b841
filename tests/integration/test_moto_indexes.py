"""The embedded DynamoDB's index queries read one partition, and its scans a list sorted once per write
(infra/local/moto_indexes.py): they answer exactly what moto's own code answers over the whole table,
through a random sequence of writes (puts, updates that move an item from one partition to another,
deletes, transactions) and pages; on a sparse index too, whose sort key only some items carry and writes
set or remove (as ``by_lawyer_due``, beside ``by_assigned_lawyer`` on the same partition key)."""

from __future__ import annotations

import random
import uuid

import pytest

pytestmark = pytest.mark.integration


def _table(client) -> str:
    name = f"index-check-{uuid.uuid4().hex[:8]}"
    client.create_table(
        TableName=name,
        BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[
            {"AttributeName": "id", "AttributeType": "S"},
            {"AttributeName": "owner", "AttributeType": "S"},
            {"AttributeName": "at", "AttributeType": "S"},
            {"AttributeName": "due", "AttributeType": "S"},
        ],
        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by_owner",
                "KeySchema": [
                    {"AttributeName": "owner", "KeyType": "HASH"},
                    {"AttributeName": "at", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
            {
                "IndexName": "by_owner_due",
                "KeySchema": [
                    {"AttributeName": "owner", "KeyType": "HASH"},
                    {"AttributeName": "due", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            },
        ],
    )
    return name


INDEXES = ("by_owner", "by_owner_due")


def _pages(
    client, table: str, owner: str, limit: int, forward: bool = False, index: str = "by_owner"
) -> list[list[str]]:
    pages, start = [], None
    while True:
        options = {"ExclusiveStartKey": start} if start else {}
        answer = client.query(
            TableName=table,
            IndexName=index,
            KeyConditionExpression="#o = :o",
            FilterExpression="attribute_not_exists(#h) OR #h = :f",
            ExpressionAttributeNames={"#o": "owner", "#h": "hidden"},
            ExpressionAttributeValues={":o": {"S": owner}, ":f": {"BOOL": False}},
            ScanIndexForward=forward,
            Limit=limit,
            **options,
        )
        pages.append([item["id"]["S"] for item in answer["Items"]])
        start = answer.get("LastEvaluatedKey")
        if not start:
            return pages


def _moto_answer(table_name: str, owner: str, index: str = "by_owner") -> list[str]:
    """moto's own query code over the whole table (the patch kept it)."""
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.dynamo_type import DynamoType

    from chalicelib.settings import get_settings
    from infra.local import moto_indexes

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region].get_table(table_name)
    items, _, _ = moto_indexes._INSTALLED["moto_query"](
        table, None, None, [], None, None, False, None, index,
        hash_key_conditions=[("owner", DynamoType({"S": owner}))],
    )  # fmt: skip
    return [item.attrs["id"].value for item in items]


def _scan_pages(client, table: str, limit: int) -> list[str]:
    keys, start = [], None
    while True:
        options = {"ExclusiveStartKey": start} if start else {}
        answer = client.scan(
            TableName=table,
            FilterExpression="attribute_not_exists(#h) OR #h = :f",
            ExpressionAttributeNames={"#h": "hidden"},
            ExpressionAttributeValues={":f": {"BOOL": False}},
            Limit=limit,
            **options,
        )
        keys += [item["id"]["S"] for item in answer["Items"]]
        start = answer.get("LastEvaluatedKey")
        if not start:
            return keys


def _moto_scan(table_name: str) -> list[str]:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    from chalicelib.settings import get_settings
    from infra.local import moto_indexes

    table = dynamodb_backends[DEFAULT_ACCOUNT_ID][get_settings().region].get_table(table_name)
    items, _, _ = moto_indexes._INSTALLED["moto_scan"](table, {}, None, None)
    return [item.attrs["id"].value for item in items]


def test_index_queries_answer_as_moto_does_through_random_writes(aws):
    from chalicelib.adapters.aws import client as aws_client
    from infra.local import moto_indexes

    client = aws_client("dynamodb")
    table = _table(client)
    owners = ["a", "b", "c", "d"]
    alive: set[str] = set()
    rng = random.Random(26)
    for step in range(200):
        action = rng.random()
        if action < 0.45 or not alive:
            key = f"i{step:04d}"
            item = {
                "id": {"S": key},
                "owner": {"S": rng.choice(owners)},
                "at": {"S": f"{rng.randint(0, 50):03d}"},
            }
            if rng.random() < 0.7:  # the sparse index's sort key: ties broken by the id, as lawyer_due's
                item["due"] = {"S": f"2027-{rng.randint(1, 3):02d}-01#{key}"}
            if rng.random() < 0.2:
                item["hidden"] = {"BOOL": True}
            client.put_item(TableName=table, Item=item)
            alive.add(key)
        elif action < 0.65:  # moves the item to another partition, in place
            key = rng.choice(sorted(alive))
            client.update_item(
                TableName=table,
                Key={"id": {"S": key}},
                UpdateExpression="SET #o = :o",
                ExpressionAttributeNames={"#o": "owner"},
                ExpressionAttributeValues={":o": {"S": rng.choice(owners)}},
            )
        elif action < 0.75:  # into the sparse index or out of it, or to another place in it
            key = rng.choice(sorted(alive))
            if rng.random() < 0.3:
                client.update_item(
                    TableName=table, Key={"id": {"S": key}}, UpdateExpression="REMOVE #d",
                    ExpressionAttributeNames={"#d": "due"},
                )  # fmt: skip
            else:
                client.update_item(
                    TableName=table, Key={"id": {"S": key}}, UpdateExpression="SET #d = :d",
                    ExpressionAttributeNames={"#d": "due"},
                    ExpressionAttributeValues={":d": {"S": f"2026-{rng.randint(10, 12):02d}-01#{key}"}},
                )  # fmt: skip
        elif action < 0.9:
            key = rng.choice(sorted(alive))
            client.delete_item(TableName=table, Key={"id": {"S": key}})
            alive.discard(key)
        else:  # a transaction: one new item, one removed from the index (its owner attribute deleted)
            key, other = f"t{step:04d}", rng.choice(sorted(alive))
            client.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": table,
                            "Item": {"id": {"S": key}, "owner": {"S": "a"}, "at": {"S": "999"}},
                        }
                    },
                    {
                        "Update": {
                            "TableName": table,
                            "Key": {"id": {"S": other}},
                            "UpdateExpression": "REMOVE #o",
                            "ExpressionAttributeNames": {"#o": "owner"},
                        }
                    },
                ]
            )
            alive.add(key)
        if step % 20 == 0:
            for owner, index in ((owner, index) for owner in owners for index in INDEXES):
                expected = _moto_answer(table, owner, index)
                assert [key for page in _pages(client, table, owner, 1000, index=index) for key in page] == [
                    key for key in expected if key in _visible(client, table, expected)
                ]
                small = _pages(client, table, owner, 7, index=index)
                whole = _pages(client, table, owner, 1000, index=index)
                assert [key for page in small for key in page] == [key for page in whole for key in page]
                ascending = [
                    key for page in _pages(client, table, owner, 5, forward=True, index=index) for key in page
                ]
                assert ascending == [key for page in whole for key in page][::-1]
            for owner in owners:  # the sparse index holds exactly the partition's items that carry its key
                everyone = [key for page in _pages(client, table, owner, 1000) for key in page]
                sparse = [
                    key for page in _pages(client, table, owner, 1000, index=INDEXES[1]) for key in page
                ]
                assert set(sparse) == {key for key in everyone if _carries(client, table, key, "due")}
            everything = _moto_scan(table)
            visible = _visible(client, table, everything)
            assert _scan_pages(client, table, 9) == [key for key in everything if key in visible]
            assert any(built[1].name == table for built in moto_indexes._PARTITIONS.values())  # the patch ran
            assert any(key[0] == "window" for key in moto_indexes._SORTED)  # and read pages from a window
            assert any(key[0] == "window" and key[5][0] == "due" for key in moto_indexes._SORTED)


def _visible(client, table: str, keys: list[str]) -> set[str]:
    """The keys the query's filter keeps (not hidden)."""
    visible = set()
    for key in keys:
        item = client.get_item(TableName=table, Key={"id": {"S": key}})["Item"]
        if not item.get("hidden", {}).get("BOOL", False):
            visible.add(key)
    return visible


def _carries(client, table: str, key: str, attribute: str) -> bool:
    return attribute in client.get_item(TableName=table, Key={"id": {"S": key}})["Item"]
