"""``claims-legal``: run the legal engine on a claim file.

    claims-legal assess FILE      # a case file (its "input" is used) or a bare input object
    claims-legal assess -         # the same on standard input

Prints one JSON object on standard output. Exit status: 0 when the claim was assessed (check
``complete``: false when a part such as the amounts could not be computed, with a finding saying why),
2 for invalid input (a JSON ``error`` naming the fields and matching ``findings``), 1 for an unexpected
internal error (also printed as JSON, never as a traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TextIO

from chalicelib.legal.assess import assess, invalid_input_result
from chalicelib.legal.errors import InvalidInput
from chalicelib.legal.settings import DEFAULT_SETTINGS

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_INVALID = 2


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(type(value).__name__)


def _emit(payload: dict[str, Any], out: TextIO, compact: bool) -> None:
    indent = None if compact else 2
    out.write(json.dumps(payload, ensure_ascii=False, indent=indent, default=_json_default) + "\n")


def _error(code: str, message: str, field: str | None = None) -> dict[str, Any]:
    article = "cases/README.md (format d'entrée)" if code != "internal_error" else "Moteur juridique"
    finding = {"code": code, "article": article, "message": message, "part": "input", "level": "blocking"}
    return {"error": {"code": code, "message": message, "field": field}, "findings": [finding]}


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="claims-legal", description="Moteur juridique : évaluation d'une créance."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser(
        "assess", help="évaluer une créance (fichier de cas JSON, ou - pour l'entrée standard)"
    )
    run.add_argument("file", help="chemin du fichier JSON, ou - pour l'entrée standard")
    run.add_argument(
        "--urgency-days",
        type=int,
        default=DEFAULT_SETTINGS.URGENCY_DAYS,
        help=f"seuil d'urgence de la prescription en jours (défaut {DEFAULT_SETTINGS.URGENCY_DAYS})",
    )
    run.add_argument("--compact", action="store_true", help="JSON sur une seule ligne")
    run.add_argument("--debug", action="store_true", help="laisser remonter les erreurs internes")
    return parser


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    args = _parser().parse_args(argv)
    out = stdout or sys.stdout
    if stdout is None and isinstance(out, io.TextIOWrapper):
        out.reconfigure(encoding="utf-8")  # JSON is UTF-8 whatever the terminal's locale
    try:
        if args.file == "-":
            text = stdin.read() if stdin is not None else sys.stdin.buffer.read().decode("utf-8-sig")
        else:
            with open(args.file, encoding="utf-8-sig") as handle:
                text = handle.read()
    except OSError as exc:
        _emit(
            _error("file_unreadable", f"Fichier illisible : {args.file} ({exc.strerror})", "FILE"),
            out,
            args.compact,
        )
        return EXIT_INVALID
    except UnicodeDecodeError:
        _emit(_error("invalid_encoding", "Le fichier doit être encodé en UTF-8.", "FILE"), out, args.compact)
        return EXIT_INVALID
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        message = f"JSON invalide, ligne {exc.lineno}, colonne {exc.colno} : {exc.msg}"
        _emit(_error("invalid_json", message), out, args.compact)
        return EXIT_INVALID
    settings = DEFAULT_SETTINGS.with_overrides(URGENCY_DAYS=args.urgency_days)
    try:
        result = assess(data, settings)
    except InvalidInput as invalid:
        _emit(invalid_input_result(invalid), out, args.compact)
        return EXIT_INVALID
    except Exception as exc:  # never a traceback for the user
        if args.debug:
            raise
        _emit(
            _error("internal_error", f"Erreur interne du moteur : {type(exc).__name__}: {exc}"),
            out,
            args.compact,
        )
        return EXIT_INTERNAL
    _emit(result, out, args.compact)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
