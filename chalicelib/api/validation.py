"""Request bodies: JSON → a pydantic model, or a 400 in French naming each faulty field.

    body = parse_body(routes.current_request, SignUpBody)

Validators may raise ``ValueError`` (or the legal engine's ``InvalidIdentifier``) with a French message:
that message is shown as is.
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from chalicelib.domain.errors import FieldValueError, InvalidInput

__all__ = ["FieldValueError", "field_path", "invalid_input", "parse_body"]

M = TypeVar("M", bound=BaseModel)


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


def invalid_input(error: ValidationError) -> InvalidInput:
    details = []
    for item in error.errors():
        location = tuple(item.get("loc", ()))
        # A validator's error may name its field (FieldValueError, the legal engine's InvalidIdentifier).
        blamed = getattr((item.get("ctx") or {}).get("error"), "field", None)
        if isinstance(blamed, str) and blamed and (not location or location[-1] != blamed):
            location = (*location, blamed)
        field = field_path(location)
        details.append({"field": field, "message": _message(dict(item), field)})
    first = details[0] if details else {"field": "corps", "message": "La requête n'est pas valide."}
    return InvalidInput(first["message"], field=first["field"], details=details)


def parse_body(request: Any, model: type[M]) -> M:
    """The request's JSON body as ``model``, or :class:`InvalidInput` (400) in French."""
    raw = request.raw_body or b""
    try:
        data = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError):
        raise InvalidInput("Le corps de la requête n'est pas un JSON valide.", code="invalid_json") from None
    if not isinstance(data, dict):
        raise InvalidInput("Le corps de la requête doit être un objet JSON.", code="invalid_json")
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise invalid_input(error) from None
