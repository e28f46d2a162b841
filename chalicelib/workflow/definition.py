"""The escalation state machine definition: one ASL file, with ``${Name}`` placeholders.

CDK passes the substitutions as ``DefinitionSubstitutions``; the local platform substitutes them itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ASL_PATH = Path(__file__).with_name("escalation.asl.json")
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z][A-Za-z0-9]*)\}")


def load_definition() -> dict[str, Any]:
    return json.loads(ASL_PATH.read_text(encoding="utf-8"))


def placeholders(definition_text: str | None = None) -> set[str]:
    text = ASL_PATH.read_text(encoding="utf-8") if definition_text is None else definition_text
    return set(_PLACEHOLDER.findall(text))


def substitute(substitutions: Mapping[str, str]) -> str:
    """The definition as a string with every placeholder replaced; a missing one is an error."""
    text = ASL_PATH.read_text(encoding="utf-8")
    missing = placeholders(text) - set(substitutions)
    if missing:
        raise KeyError(f"no substitution for placeholder(s): {', '.join(sorted(missing))}")
    return _PLACEHOLDER.sub(lambda match: substitutions[match.group(1)], text)


def _targets(state: Mapping[str, Any]) -> Iterator[str]:
    if "Next" in state:
        yield state["Next"]
    if "Default" in state:
        yield state["Default"]
    for choice in state.get("Choices", []):
        yield choice["Next"]
    for catcher in state.get("Catch", []):
        yield catcher["Next"]


def dangling_transitions(definition: Mapping[str, Any]) -> list[str]:
    """Every transition (Next, Default, Choices[].Next, Catch[].Next, StartAt) to a state that does not exist
    in its own scope. Neither moto nor cfn-lint catches these."""
    problems: list[str] = []

    def check_scope(scope: Mapping[str, Any], path: str) -> None:
        names = set(scope["States"])
        if scope["StartAt"] not in names:
            problems.append(f"{path}: StartAt → {scope['StartAt']}")
        for name, state in scope["States"].items():
            for target in _targets(state):
                if target not in names:
                    problems.append(f"{path}/{name} → {target}")
            for index, branch in enumerate(state.get("Branches", [])):
                check_scope(branch, f"{path}/{name}/branch{index}")
            for key in ("Iterator", "ItemProcessor"):
                if key in state:
                    check_scope(state[key], f"{path}/{name}/{key}")

    check_scope(definition, "")
    return problems
