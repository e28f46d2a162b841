"""What the embedded AWS (moto) computes again at every request, computed once: the AWS side of the local
platform's CPU (issue 26), never the platform's own code.

* **DynamoDB items answered as they are stored.** moto serialises a response through botocore's shapes,
  one attribute at a time, asking five alias providers for each of the ten members of every
  ``AttributeValue`` (``S``, ``N``, ``M``…): about 6 ms of CPU for a GetItem of a hundred values, where
  DynamoDB's JSON is the item itself. :func:`attribute_value` writes the same JSON directly (strings as
  they are, binaries in base64, maps and lists recursively); anything unusual (a value that is not plain
  JSON, a response transformer) goes through moto's own code (tests/integration/test_moto_caches.py
  compares both on random items).
* **Step Functions' clients and JSONPaths kept.** The interpreter builds a new boto3 client for every Lambda
  it invokes (the endpoint data, the event hooks, an SSL context) and parses every JSONPath
  (``$.claim_id``…) with a freshly generated parser: each client is kept per region and service, each
  path's parse tree per path (both read-only once built, and botocore's clients are thread-safe).
* **S3's routes loaded once.** moto reloads ``moto.s3.urls`` at every S3 request in case the custom
  endpoints (``MOTO_S3_CUSTOM_ENDPOINTS``) changed: reloaded only when they did.
* **An answer's method names listed once per class** (moto lists a handler class's methods with
  ``inspect.getmembers`` at every request).
"""

from __future__ import annotations

import functools
import importlib
import sys
from collections.abc import Callable
from typing import Any

_INSTALLED: dict[str, Any] = {"done": False}
# moto's own serialisation of a structure, kept (the tests compare the shortcut with it).
MOTO_STRUCTURE: dict[str, Callable[..., None]] = {}
_KINDS = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})


class _Unusual(Exception):
    """A value the shortcut does not write exactly as moto would: moto's own code writes it."""


def attribute_value(serializer: Any, value: Any) -> dict[str, Any]:
    """One DynamoDB ``AttributeValue`` (``{"S": "…"}``, ``{"M": {…}}``…) as moto's JSON serialiser writes
    it: strings unchanged, binaries in base64, maps and lists member by member, booleans unchanged, a
    missing (None) member left out. Raises :class:`_Unusual` for anything else."""
    if not isinstance(value, dict) or len(value) != 1:
        raise _Unusual
    ((kind, item),) = value.items()
    if kind not in _KINDS:
        raise _Unusual
    if item is None:
        return {}
    if kind in ("M", "L"):
        return {kind: _container(serializer, kind, item)}
    return {kind: _scalar(serializer, kind, item)}


def _scalar(serializer: Any, kind: str, item: Any) -> Any:
    if kind in ("NULL", "BOOL"):
        return item
    many = kind in ("SS", "NS", "BS")
    members = item if many else [item]
    if many and not isinstance(item, list):
        raise _Unusual
    if kind in ("B", "BS"):
        if not all(isinstance(member, bytes | str) for member in members):
            raise _Unusual
        written = [serializer._base64(member) for member in members]
    else:  # S, N, SS, NS
        if not all(isinstance(member, str) for member in members):
            raise _Unusual
        written = list(members)
    return written if many else written[0]


def _container(serializer: Any, kind: str, item: Any) -> Any:
    if kind == "M":
        if not isinstance(item, dict) or "" in item:  # moto writes an empty key's members in the map itself
            raise _Unusual
        return {key: attribute_value(serializer, v) for key, v in item.items() if v is not None}
    if not isinstance(item, list) or any(member is None for member in item):
        raise _Unusual
    return [attribute_value(serializer, member) for member in item]


def _attribute_values_written_directly() -> None:
    from moto.core.serialize import BaseJSONSerializer

    original = BaseJSONSerializer._serialize_type_structure
    MOTO_STRUCTURE["structure"] = original

    def serialize_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (
            key
            and shape.name == "AttributeValue"
            and self.service_model.service_name in ("dynamodb", "dynamodbstreams")
            and not getattr(self._value_picker, "response_transformers", None)
            and not any(member.serialization for member in shape.members.values())
        ):
            try:
                written = attribute_value(self, value)
            except _Unusual:
                pass
            else:
                serialized[self.get_serialized_name(shape, key)] = written
                return
        original(self, serialized, value, shape, key)

    BaseJSONSerializer._serialize_type_structure = serialize_structure  # type: ignore[method-assign]


def _step_functions_clients_kept() -> None:
    from moto.stepfunctions.parser.asl.utils import boto_client

    original = boto_client.boto_client_for
    clients: dict[tuple[Any, ...], Any] = {}

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        # What moto's function reads besides its arguments (it does not use the credentials).
        key = (region, service, boto_client.botocore_stubber.enabled, boto_client.moto_server_port())
        client = clients.get(key)
        if client is None:
            client = clients.setdefault(key, original(region, service, state_credentials))
        return client

    _replace_everywhere("moto.stepfunctions.parser", "boto_client_for", original, boto_client_for)


def _json_paths_parsed_once() -> None:
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    for module in (json_path, result_path):
        module.parse = functools.lru_cache(maxsize=4096)(module.parse)  # type: ignore[attr-defined]


def _s3_routes_loaded_once() -> None:
    from moto import settings
    from moto.s3 import urls
    from moto.s3.models import S3Backend

    loaded: dict[str, Any] = {"endpoints": None}

    def url_module(self: Any) -> Any:
        endpoints = tuple(settings.get_s3_custom_endpoints())
        if loaded["endpoints"] != endpoints:
            importlib.reload(urls)
            loaded["endpoints"] = endpoints
        return urls

    S3Backend._url_module = property(url_module)  # type: ignore[method-assign, assignment]


def _method_names_listed_once() -> None:
    from moto.core import responses

    responses.method_names_from_class = functools.lru_cache(maxsize=None)(responses.method_names_from_class)


def _replace_everywhere(package: str, name: str, original: Any, replacement: Any) -> None:
    """``name`` in every module of ``package`` already imported (``from … import name`` copies it); the
    modules imported later copy the replacement from its own module."""
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith(package) and getattr(module, name, None) is original:
            setattr(module, name, replacement)


def install() -> None:
    """Apply the caches (idempotent). Called by ``localaws.install``."""
    if _INSTALLED["done"]:
        return
    _attribute_values_written_directly()
    _step_functions_clients_kept()
    _json_paths_parsed_once()
    _s3_routes_loaded_once()
    _method_names_listed_once()
    _INSTALLED["done"] = True
