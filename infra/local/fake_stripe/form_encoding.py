"""Stripe's wire format for parameters: nested values as bracketed form keys (``a[b][0][c]=v``) and back."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from infra.local.fake_stripe.errors import FakeStripeError

_KEY = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)")
_SUBKEY = re.compile(r"\[([^\[\]]*)\]")


def flatten_params(value: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    """Nested params as the SDK puts them on the wire: ``a[b][0][c]=v``; None is left out."""
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from flatten_params(item, f"{prefix}[{key}]" if prefix else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from flatten_params(item, f"{prefix}[{index}]")
    elif isinstance(value, bool):
        yield prefix, "true" if value else "false"
    else:
        yield prefix, str(value)


def nest_params(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The inverse: ``line_items[0][quantity]=1`` → ``{"line_items": [{"quantity": "1"}]}`` (strings)."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY.fullmatch(key)
        if match is None:
            raise FakeStripeError(400, f"Invalid parameter name: {key}", param=key)
        parts = [match[1], *_SUBKEY.findall(match[2])]
        node = root
        for position, part in enumerate(parts):
            name = part if part != "" else str(len(node))  # ``a[]=x`` appends
            if position == len(parts) - 1:
                node[name] = value
                break
            child = node.setdefault(name, {})
            if not isinstance(child, dict):
                raise FakeStripeError(400, f"Invalid hash or array: {key}", param=key)
            node = child
    return _listify(root)


def _listify(node: dict[str, Any]) -> dict[str, Any]:
    def convert(value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        converted = {key: convert(item) for key, item in value.items()}
        if converted and all(key.isdigit() for key in converted):
            return [converted[key] for key in sorted(converted, key=int)]
        return converted

    return {key: convert(value) for key, value in node.items()}
