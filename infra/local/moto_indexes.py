"""Index queries on the embedded DynamoDB that cost what DynamoDB's do: one partition, already in order.

moto answers a query on a global secondary index by sorting every item of the table (``Table.all_items``),
testing each against the key condition and sorting the matches again, so the first page of a creditor's
claims cost as much as the table is big (issue 26: 49 ms at 100 claims, 108 ms at 10,000 in one creditor's
partition). DynamoDB reads only the page, from a partition kept in order. Here each (table, index hash
attribute) gets a map from key value to its items, and each partition its sorted order, built once and
forgotten at every write of the backend (a write counter bumped before and after it); moto's own query code
then runs on the page's window of the partition (``Limit`` items from the start key, plus one: moto, like
DynamoDB, applies the limit before the filter), so results, order, filters and pages stay moto's. A scan
of a table (the operator's list of every claim) likewise sorted all its items for every page: they are
sorted once per write (tests/integration/test_moto_indexes.py compares both with moto through random
writes).
"""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.RLock()
_WRITES = [0]  # bumped by every write of the backend: a map built before is stale
# (id(table), attribute) → (write count when built, the table, {key value: items in moto's order})
_PARTITIONS: dict[tuple[int, str], tuple[int, Any, dict[Any, list[Any]]]] = {}
# id(table) → (write count when sorted, the table, all its items in moto's order): a scan's input
_ALL: dict[int, tuple[int, Any, list[Any]]] = {}
# (id(table), attribute, value, hash attributes, range attributes) → (write count, partition, sorted items)
_SORTED: dict[tuple[Any, ...], tuple[int, list[Any], list[Any]]] = {}
# moto's own Table.query and Table.scan, kept (the tests compare with them)
_INSTALLED: dict[str, Any] = {"done": False, "moto_query": None, "moto_scan": None}
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


def _cached(cache: dict[Any, Any], key: Any, owner: Any, build: Any) -> Any:
    """``cache[key]``, built by ``build()`` for ``owner`` since the last write, else built again now."""
    with _LOCK:
        built = cache.get(key)
        if built is None or built[0] != _WRITES[0] or built[1] is not owner:
            built = (_WRITES[0], owner, build())
            cache[key] = built
        return built[2]


class _TableView:
    """The table as moto's own query or scan code sees it: the table itself, but for ``all_items``."""

    def __init__(self, table: Any, items: list[Any]) -> None:
        self._table = table
        self._items = items

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        return self._items


class _OnePartition(_TableView):
    """Only one partition's items, already in the index's order (an index is kept sorted: DynamoDB does not
    sort a partition per query, moto did, twice)."""

    def __init__(self, table: Any, attribute: str, value: Any) -> None:
        super().__init__(table, partition(table, attribute, value))
        self._key = (attribute, value)

    def sorted_items(self, hash_attrs: list[str], range_attrs: list[Any], items: list[Any]) -> list[Any]:
        if len(items) != len(self._items):  # some lack the index's sort key: moto's own sort
            return list(self._table.sorted_items(hash_attrs, range_attrs, items))
        key = (id(self._table), *self._key, tuple(hash_attrs), tuple(range_attrs))
        ordered = _cached(
            _SORTED, key, self._items, lambda: self._table.sorted_items(hash_attrs, range_attrs, items)
        )
        return list(ordered)  # a copy: moto reverses it in place for a descending query


def _ordered(table: Any) -> _TableView:
    """The table as moto's scan code sees it: its items in moto's order, sorted once per write."""
    return _TableView(table, _cached(_ALL, id(table), table, table.all_items))


def partition(table: Any, attribute: str, value: Any) -> list[Any]:
    """The items of ``table`` whose ``attribute`` is ``value``, in moto's item order."""
    from moto.dynamodb.models.dynamo_type import Item

    def build() -> dict[Any, list[Any]]:
        items: dict[Any, list[Any]] = {}
        for item in table.all_items():
            if isinstance(item, Item) and (found := item.attrs.get(attribute)):
                items.setdefault(found, []).append(item)
        return items

    return _cached(_PARTITIONS, (id(table), attribute), table, build).get(value, [])


class _Window(_TableView):
    """For one page: the few items of the partition the page can read, in the index's order (moto reads
    ``Limit`` items before filtering, as DynamoDB does, plus one to know whether there are more)."""

    def sorted_items(self, hash_attrs: list[str], range_attrs: list[Any], items: list[Any]) -> list[Any]:
        return list(items)  # a slice of the sorted partition, unchanged by moto's filters: in order


def _first_false(items: list[Any], before: Any) -> int:
    """The first position in ``items`` where ``before`` is false (it is true on a prefix of them)."""
    low, high = 0, len(items)
    while low < high:
        middle = (low + high) // 2
        if before(items[middle]):
            low = middle + 1
        else:
            high = middle
    return low


def window(
    table: Any, index_name: str, attribute: str, value: Any, limit: int, start: Any, forward: bool
) -> list[Any] | None:
    """The items one page of a query of ``index_name`` (one hash key, one range key) can read: ``limit``
    + 1 from the exclusive start key ``start`` in the query's direction, ascending (moto reverses them for a
    descending query). None: an index of another shape (moto reads the whole partition)."""
    index = {found.name: found for found in table.all_indexes()}.get(index_name)
    if index is None:
        return None
    hashes = [key["AttributeName"] for key in index.schema if key["KeyType"] == "HASH"]
    ranges = [key["AttributeName"] for key in index.schema if key["KeyType"] == "RANGE"]
    if hashes != [attribute] or len(ranges) != 1:
        return None
    hash_attrs, range_attrs = [attribute, table.hash_key_attr], [ranges[0], table.range_key_attr]
    key = ("window", id(table), attribute, value, tuple(hash_attrs), tuple(range_attrs))
    members = partition(table, attribute, value)
    ordered = _cached(
        _SORTED,
        key,
        members,
        # the index holds only the items that have its sort key
        lambda: table.sorted_items(hash_attrs, range_attrs, [i for i in members if i.attrs.get(ranges[0])]),
    )
    if forward:
        first = (
            0
            if not start
            else _first_false(
                ordered, lambda item: table._item_comes_before_dct(item, start, hash_attrs, range_attrs, True)
            )
        )
        return ordered[first : first + limit + 1]
    end = (
        len(ordered)
        if not start
        else _first_false(
            ordered,
            lambda item: not table._item_comes_before_dct(item, start, hash_attrs, range_attrs, False),
        )
    )
    return ordered[max(0, end - limit - 1) : end]


def _forget() -> None:
    with _LOCK:
        _WRITES[0] += 1
        _PARTITIONS.clear()
        _SORTED.clear()
        _ALL.clear()


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
        if index_name and len(conditions) == 1 and len(args) > 7:
            attribute, value = conditions[0]
            range_comparison, limit, start, forward = args[1], args[3], args[4], args[5]
            plain = not range_comparison and set(kwargs) <= {"hash_key_conditions", "range_key_conditions"}
            if plain and not kwargs.get("range_key_conditions") and limit and forward in (True, False):
                page = window(self, index_name, attribute, value, int(limit), start, forward)
                if page is not None:
                    kwargs["hash_key_conditions"] = []
                    return query(_Window(self, page), *args, **kwargs)
            # Every item of the partition has the key value: moto need not compare it again, item by item.
            kwargs["hash_key_conditions"] = []
            return query(_OnePartition(self, attribute, value), *args, **kwargs)
        return query(self, *args, **kwargs)

    Table.query = one_partition_query  # type: ignore[method-assign]

    scan: Any = Table.scan
    _INSTALLED["moto_scan"] = scan

    def ordered_scan(self: Any, *args: Any, **kwargs: Any) -> Any:
        # a scan of the table (not of an index) reads its items sorted once per write, not per page
        index_name = args[4] if len(args) > 4 else kwargs.get("index_name")
        return scan(self if index_name else _ordered(self), *args, **kwargs)

    Table.scan = ordered_scan  # type: ignore[method-assign]
    _INSTALLED["done"] = True
