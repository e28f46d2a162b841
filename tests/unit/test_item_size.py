"""DynamoDB's item size, as its Developer Guide counts it ("Item sizes and formats"), and the 400 KB guard."""

from __future__ import annotations

import pytest

from chalicelib.adapters.item_size import MAX_ITEM_BYTES, ItemTooLarge, check_item_size, item_size, value_size


def test_strings_and_binaries_count_their_bytes_and_names_count_too():
    assert item_size({"id": {"S": "abc"}}) == 2 + 3
    assert item_size({"nom": {"S": "Créance"}}) == 3 + 8  # é is two bytes in UTF-8
    assert value_size({"B": b"\x00\x01\x02"}) == 3
    assert value_size({"B": "AAEC"}) == 3  # base64 on the wire


def test_numbers_count_one_byte_per_two_significant_digits_plus_one():
    assert value_size({"N": "7"}) == 2
    assert value_size({"N": "123"}) == 3
    assert value_size({"N": "1200000"}) == 2  # trailing zeros trimmed
    assert value_size({"N": "-0.0012"}) == 2
    assert value_size({"N": "1" * 38}) == 20


def test_lists_maps_and_sets():
    assert value_size({"BOOL": True}) == value_size({"NULL": True}) == 1
    assert value_size({"L": [{"S": "ab"}, {"N": "1"}]}) == 3 + (1 + 2) + (1 + 2)
    assert value_size({"M": {"k": {"S": "vv"}}}) == 3 + 1 + 1 + 2
    assert value_size({"SS": ["a", "bb"]}) == 3


def test_an_item_over_400_kb_is_refused_in_french_and_one_at_the_limit_is_not():
    name = "content"
    at_limit = {name: {"S": "x" * (MAX_ITEM_BYTES - len(name))}}
    check_item_size(at_limit, what="claim")
    with pytest.raises(ItemTooLarge) as refused:
        check_item_size({name: {"S": "x" * (MAX_ITEM_BYTES - len(name) + 1)}}, what="claim")
    assert (
        refused.value.message.startswith("Cet enregistrement dépasse")
        and refused.value.code == "item_too_large"
    )
    assert refused.value.details == [{"field": "claim", "message": f"{MAX_ITEM_BYTES + 1} octets"}]
