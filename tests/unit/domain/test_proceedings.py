"""BODACC announcements read into the legal engine's collective proceedings (RULEBOOK 2.9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from chalicelib.domain.proceedings import designated, judgments_from_answer, proceedings_state

SIREN = "959185166"


def _record(nature: str, famille: str, date: str, published: str, text: str = "", **extra) -> dict:
    return {
        "id": f"A{published.replace('-', '')}0001",
        "dateparution": published,
        "familleavis": "collective",
        "tribunal": "TRIBUNAL DE COMMERCE DE TOULOUSE",
        "registre": "959 185 166,959185166",
        "jugement": json.dumps(
            {
                "type": "initial",
                "famille": famille,
                "nature": nature,
                "date": date,
                "complementJugement": text,
            }
        ),
        **extra,
    }


def _state(*records: dict):
    return proceedings_state(
        judgments_from_answer({"total_count": len(records), "results": list(records)}, SIREN)
    )


def test_an_opening_judgment_gives_the_engine_its_kind_dates_and_the_liquidateur():
    state = _state(
        _record(
            "Jugement d'ouverture de liquidation judiciaire",
            "Jugement d'ouverture",
            "2026-11-10",
            "2026-11-20",
            "Jugement prononçant la liquidation judiciaire, désignant liquidateur Me Hélène Rivière, "
            "12 allée Jean Jaurès 31000 Toulouse. Les déclarations des créances sont à adresser au "
            "liquidateur.",
        )
    )
    assert state.in_proceedings and state.kind == "liquidation"
    assert state.engine_input() == {
        "kind": "liquidation",
        "opened_on": "2026-11-10",
        "published_on": "2026-11-20",
    }
    assert state.mandataire == "Me Hélène Rivière, 12 allée Jean Jaurès 31000 Toulouse"
    assert state.opening is not None and state.opening.court == "TRIBUNAL DE COMMERCE DE TOULOUSE"


def test_a_conversion_keeps_the_first_opening_dates_and_takes_the_new_kind_and_liquidateur():
    state = _state(
        _record(
            "Jugement d'ouverture d'une procédure de redressement judiciaire",
            "Jugement d'ouverture",
            "2026-03-02",
            "2026-03-12",
            "désignant mandataire judiciaire Me Paul Girard, 4 rue de la République 73000 Chambéry.",
        ),
        _record(
            "Jugement de conversion en liquidation judiciaire",
            "Jugement prononçant",
            "2026-06-15",
            "2026-06-25",
            "Jugement prononçant la liquidation judiciaire, désignant liquidateur SCP Alpes Liquidations, "
            "2 quai Nord 73000 Chambéry.",
        ),
    )
    assert state.kind == "liquidation"
    assert state.engine_input() == {
        "kind": "liquidation",
        "opened_on": "2026-03-02",
        "published_on": "2026-03-12",
    }
    assert state.mandataire == "SCP Alpes Liquidations, 2 quai Nord 73000 Chambéry"


def test_a_plan_leaves_the_proceedings_running_and_a_closure_ends_them():
    opening = _record(
        "Jugement d'ouverture de sauvegarde", "Jugement d'ouverture", "2025-01-06", "2025-01-16"
    )
    plan = _record("Jugement arrêtant le plan de sauvegarde", "Jugement", "2025-09-01", "2025-09-11")
    assert _state(opening, plan).in_proceedings and _state(opening, plan).kind == "sauvegarde"
    closure = _record(
        "Jugement de clôture pour insuffisance d'actif", "Jugement de clôture", "2026-01-05", "2026-01-15"
    )
    closed = _state(opening, plan, closure)
    assert not closed.in_proceedings and closed.engine_input() is None
    assert (
        closed.closed_on == dt.date(2026, 1, 5)
        and closed.latest is not None
        and closed.latest.kind == "cloture"
    )
    # Proceedings opened again after a closure run from the new opening.
    again = _record(
        "Jugement d'ouverture de redressement judiciaire", "Jugement d'ouverture", "2026-05-04", "2026-05-14"
    )
    assert _state(opening, closure, again).engine_input() == {
        "kind": "redressement",
        "opened_on": "2026-05-04",
        "published_on": "2026-05-14",
    }


def test_other_companies_other_families_and_unreadable_judgments_are_left_out():
    mine = _record(
        "Jugement d'ouverture de liquidation judiciaire", "Jugement d'ouverture", "2026-11-10", "2026-11-20"
    )
    other = {**mine, "registre": ["833 310 592", "833310592"]}
    creation = {**mine, "familleavis": "creation"}
    broken = {**mine, "jugement": "{not json"}
    listed = {**mine, "registre": ["959 185 166", "959185166"]}
    judgments = judgments_from_answer({"results": [other, creation, broken, listed]}, SIREN)
    assert [j.announcement for j in judgments] == [listed["id"]]
    with pytest.raises(ValueError):
        judgments_from_answer({"error_code": "ODSQLError"}, SIREN)
    assert not proceedings_state([]).in_proceedings


@pytest.mark.parametrize(
    ("text", "who"),
    [
        (
            "désignant mandataire judiciaire : Me Anne Blanc, 3 rue Haute 69001 Lyon.",
            "Me Anne Blanc, 3 rue Haute 69001 Lyon",
        ),
        (
            "désignant mandataire judiciaire SELARL MJ Ouest, prise en la personne de Me Yves Le Goff, 1 rue "
            "du Port 44000 Nantes, administrateur Me Anne Lefort avec mission d'assistance.",
            "SELARL MJ Ouest, prise en la personne de Me Yves Le Goff, 1 rue du Port 44000 Nantes",
        ),
        ("Jugement de clôture pour insuffisance d'actif.", ""),
    ],
)
def test_the_designated_mandataire_is_read_as_published(text: str, who: str):
    assert designated(text) == who


@pytest.mark.parametrize(
    ("published", "name"),
    [
        ("TRIBUNAL DE COMMERCE DE TOULOUSE", "Tribunal de commerce de Toulouse"),
        ("TRIBUNAL JUDICIAIRE DE SAINT-ETIENNE", "Tribunal judiciaire de Saint-Etienne"),
        ("Tribunal de commerce d'Aix-en-Provence", "Tribunal de commerce d'Aix-en-Provence"),
    ],
)
def test_the_court_is_named_as_a_letter_would(published: str, name: str):
    from chalicelib.domain.proceedings import court_name

    assert court_name(published) == name
