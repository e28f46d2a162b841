"""Index queries on the embedded DynamoDB that cost what DynamoDB's do: one partition, already in order.

moto answers a query on a global secondary index by sorting every item of the table (``Table.all_items``),
testing each against the key condition and sorting the matches again, so the first page of a creditor's
claims cost as much as the table is big (issue 26: 49 ms at 100 claims, 108 ms at 10,000 in one creditor's
partition). DynamoDB reads only the page, from a partition kept in order. Here each (table, index hash
attribute) gets a map from key value to its items, and each partition its sorted order, built once and
forgotten at every write of the backend (a write counter bumped before and after it); moto's own query code
then runs on the one partition, so results, order, filters and pages stay moto's
(tests/integration/test_moto_indexes.py compares them through random writes).
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.RLock()
_WRITES = [0]  # bumped by every write of the backend: a map built before is stale
# (id(table), attribute) → (write count when built, the table, {key value: items in moto's order})
_PARTITIONS: dict[tuple[int, str], tuple[int, Any, dict[Any, list[Any]]]] = {}
# (id(table), attribute, value, hash attributes, range attributes) → (write count, partition, sorted items)
_SORTED: dict[tuple[Any, ...], tuple[int, list[Any], list[Any]]] = {}
_INSTALLED: dict[str, Any] = {"done": False, "moto_query": None}  # moto's own Table.query, kept
WRITES = (
    "put_item",
    "update_item",
    "delete_item",
    "transact_write_items",
    "create_table",
    "delete_table",
    "update_table",
    "restore_table_from_backup",
    "restore_table_to_point_in_time",
    "import_table",
)


class _OnePartition:
    """The table as moto's query code sees it, holding only one partition's items, already in the index's
    order (an index is kept sorted: DynamoDB does not sort a partition per query, moto did, twice)."""

    def __init__(self, table: Any, attribute: str, value: Any) -> None:
        self._table = table
        self._key = (attribute, value)
        self._items = partition(table, attribute, value)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        return self._items

    def sorted_items(self, hash_attrs: list[str], range_attrs: list[Any], items: list[Any]) -> list[Any]:
        if len(items) != len(self._items):  # some lack the index's sort key: moto's own sort
            return list(self._table.sorted_items(hash_attrs, range_attrs, items))
        key = (id(self._table), *self._key, tuple(hash_attrs), tuple(range_attrs))
        with _LOCK:
            built = _SORTED.get(key)
            if built is None or built[0] != _WRITES[0] or built[1] is not self._items:
                built = (_WRITES[0], self._items, self._table.sorted_items(hash_attrs, range_attrs, items))
                _SORTED[key] = built
        return list(built[2])  # a copy: moto reverses it in place for a descending query


def partition(table: Any, attribute: str, value: Any) -> list[Any]:
    """The items of ``table`` whose ``attribute`` is ``value``, in moto's item order."""
    from moto.dynamodb.models.dynamo_type import Item

    key = (id(table), attribute)
    with _LOCK:
        built = _PARTITIONS.get(key)
        if built is None or built[0] != _WRITES[0] or built[1] is not table:
            items: dict[Any, list[Any]] = {}
            for item in table.all_items():
                if isinstance(item, Item) and (found := item.attrs.get(attribute)):
                    items.setdefault(found, []).append(item)
            built = (_WRITES[0], table, items)
            _PARTITIONS[key] = built
        return built[2].get(value, [])


def _forget() -> None:
    with _LOCK:
        _WRITES[0] += 1
        _PARTITIONS.clear()
        _SORTED.clear()


def install() -> None:
    """Patch moto's DynamoDB (idempotent): index queries read one partition; writes invalidate."""
    if _INSTALLED["done"]:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    backend = models.DynamoDBBackend
    for name in WRITES:
        original = getattr(backend, name)

        def counted(self: Any, *args: Any, _original: Any = original, **kwargs: Any) -> Any:
            # Before and after: a partition built while the write runs is not used once it is done.
            _forget()
            try:
                return _original(self, *args, **kwargs)
            finally:
                _forget()

        setattr(backend, name, counted)

    query: Any = Table.query
    _INSTALLED["moto_query"] = query

    def one_partition_query(self: Any, *args: Any, **kwargs: Any) -> Any:
        # moto's backend passes index_name as the eighth positional argument
        index_name = args[7] if len(args) > 7 else kwargs.get("index_name")
        conditions = kwargs.get("hash_key_conditions") or []
        if index_name and len(conditions) == 1:
            attribute, value = conditions[0]
            # Every item of the partition has the key value: moto need not compare it again, item by item.
            kwargs["hash_key_conditions"] = []
            return query(_OnePartition(self, attribute, value), *args, **kwargs)
        return query(self, *args, **kwargs)

    Table.query = one_partition_query  # type: ignore[method-assign]
    _INSTALLED["done"] = True
