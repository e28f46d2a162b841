"""Request bodies: JSON → a pydantic model, or a 400 in French naming each faulty field.

    body = parse_body(routes.current_request, SignUpBody)

Validators may raise ``ValueError`` (or the legal engine's ``InvalidIdentifier``) with a French message:
that message is shown as is.

Bounded both ways, before and after pydantic: a body over :data:`MAX_BODY_BYTES`, nested deeper than
:data:`MAX_JSON_DEPTH` or with an object of more than :data:`MAX_OBJECT_KEYS` members is a 400 at once
(never a ``RecursionError``, never a million errors computed); the answer lists at most
:data:`MAX_DETAILS` faulty fields, each message and field name cut short.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.domain.errors import FieldValueError, InvalidInput
from chalicelib.legal.dates import french_count

__all__ = ["FieldValueError", "field_path", "invalid_input", "parse_body"]

M = TypeVar("M", bound=BaseModel)

# A request body is a form: the largest, a claim with 200 invoices and 500 payments, is well under 1 MiB.
MAX_BODY_BYTES = 1024 * 1024
# No request model nests deeper than a handful of levels (a claim → its debtor → the address).
MAX_JSON_DEPTH = 16
# No request model has more than a few dozen fields: an object with more is not a form of this API.
MAX_OBJECT_KEYS = 200
# The error answer: at most this many faulty fields, each message and field name this long at most.
MAX_DETAILS = 20
MAX_DETAIL_CHARS = 300
MAX_FIELD_CHARS = 100


def field_path(location: tuple[int | str, ...]) -> str:
    """``("address", "postal_code")`` → ``address.postal_code``; ``("courts", 0)`` → ``courts[0]``."""
    path = ""
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or "corps"


def _message(error: dict[str, Any], field: str) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "value_error" and context.get("error") is not None:
        return str(context["error"])
    if kind == "missing":
        return f"Le champ « {field} » est obligatoire."
    if kind == "string_too_short":
        if context.get("min_length", 1) <= 1:
            return f"Le champ « {field} » est obligatoire."
        return f"Le champ « {field} » doit comporter au moins {context['min_length']} caractères."
    if kind == "string_too_long":
        return f"Le champ « {field} » ne doit pas dépasser {context.get('max_length')} caractères."
    if kind in {"literal_error", "enum"}:
        return f"Le champ « {field} » doit valoir l'une de ces valeurs : {context.get('expected', '')}."
    if kind == "extra_forbidden":
        return f"Le champ « {field} » n'est pas attendu."
    if kind == "string_type":
        return f"Le champ « {field} » doit être un texte."
    if kind in {"list_type", "tuple_type"}:
        return f"Le champ « {field} » doit être une liste."
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return f"Le champ « {field} » doit être un objet."
    return f"Le champ « {field} » n'est pas valide."


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def invalid_input(error: ValidationError) -> InvalidInput:
    details = []
    items = error.errors(include_url=False, include_input=False)
    for item in items[:MAX_DETAILS]:
        location = tuple(item.get("loc", ()))
        # A validator's error may name its field (FieldValueError, the legal engine's InvalidIdentifier).
        blamed = getattr((item.get("ctx") or {}).get("error"), "field", None)
        if isinstance(blamed, str) and blamed and (not location or location[-1] != blamed):
            location = (*location, blamed)
        field = _short(field_path(location), MAX_FIELD_CHARS)
        details.append({"field": field, "message": _short(_message(dict(item), field), MAX_DETAIL_CHARS)})
    if len(items) > MAX_DETAILS:
        more = len(items) - MAX_DETAILS
        details.append(
            {
                "field": "corps",
                "message": "… et "
                + french_count(more, "autre erreur non détaillée", "autres erreurs non détaillées")
                + ".",
            }
        )
    first = details[0] if details else {"field": "corps", "message": "La requête n'est pas valide."}
    return InvalidInput(first["message"], field=first["field"], details=details)


def parse_body(request: Any, model: type[M]) -> M:
    """The request's JSON body as ``model``, or :class:`InvalidInput` (400) in French."""
    data = load_json(request.raw_body or b"")
    if not isinstance(data, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON.", code="invalid_json")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_input(error) from None


def load_json(raw: bytes | str) -> Any:
    """A JSON request body, bounded (size, depth, members per object), or :class:`InvalidInput`."""
    body = raw.encode("utf-8", "surrogatepass") if isinstance(raw, str) else raw
    if len(body) > MAX_BODY_BYTES:
        raise InvalidInput(
            f"Le corps de la requête dépasse {MAX_BODY_BYTES // 1024} Ko.", code="body_too_large"
        )
    if not body.strip():
        return None
    try:
        # The C decoder refuses runaway nesting itself (RecursionError, at about a thousand levels).
        data = json.loads(body, object_pairs_hook=_bounded_object)
    except _TooManyKeys:
        raise InvalidInput(
            f"Un objet du corps de la requête a plus de {MAX_OBJECT_KEYS} champs.", code="invalid_json"
        ) from None
    except RecursionError:
        raise _nested_too_deep() from None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("Le corps de la requête n'est pas un JSON valide.", code="invalid_json") from None
    if _too_deep(data):
        raise _nested_too_deep()
    return data


def _nested_too_deep() -> InvalidInput:
    return InvalidInput(
        f"Le corps de la requête est imbriqué sur plus de {MAX_JSON_DEPTH} niveaux.", code="invalid_json"
    )


class _TooManyKeys(Exception):
    pass


def _bounded_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_OBJECT_KEYS:
        raise _TooManyKeys
    return dict(pairs)


def _too_deep(data: Any) -> bool:
    """Whether arrays and objects nest deeper than :data:`MAX_JSON_DEPTH` (walked without recursion)."""
    pending: list[tuple[Any, int]] = [(data, 1)]
    while pending:
        value, depth = pending.pop()
        children = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > MAX_JSON_DEPTH:
                    return True
                pending.append((child, depth + 1))
    return False
