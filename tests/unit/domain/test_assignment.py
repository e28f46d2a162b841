"""Choosing the partner lawyer for a ready dossier."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.domain.assignment import Candidate, choose_lawyer, departement_of

T0 = datetime(2026, 11, 1, tzinfo=UTC)
LYON = "Tribunal de commerce de Lyon"


def lawyer(lawyer_id, **kw):
    return Candidate(lawyer_id=lawyer_id, name=f"Maître {lawyer_id}", active=kw.pop("active", True), **kw)


@pytest.mark.parametrize(
    ("postal_code", "departement"),
    [("69002", "69"), ("01000", "01"), ("20000", "2A"), ("20200", "2B"), ("97400", "974"), ("abc", "")],
)
def test_departement_of_a_postal_code(postal_code, departement):
    assert departement_of(postal_code) == departement


def test_the_lawyer_covering_the_court_with_the_fewest_open_dossiers_gets_it():
    choice = choose_lawyer(
        [
            lawyer("busy", courts=(LYON,), open_dossiers=5),
            lawyer("free", departements=("69",), open_dossiers=1),
            lawyer("elsewhere", courts=("Tribunal de commerce de Paris",), open_dossiers=0),
        ],
        court_name=LYON,
        departement="69",
    )
    assert choice.lawyer_id == "free" and set(choice.considered) == {"busy", "free"}


def test_court_names_match_without_case_or_accents():
    choice = choose_lawyer(
        [lawyer("a", courts=("tribunal de commerce de lyon",))], court_name=LYON, departement=""
    )
    assert choice.lawyer_id == "a"


def test_ties_go_round_robin_to_the_least_recently_assigned():
    candidates = [
        lawyer("recent", departements=("69",), open_dossiers=2, last_assigned_at=T0 + timedelta(days=3)),
        lawyer("earlier", departements=("69",), open_dossiers=2, last_assigned_at=T0),
        lawyer("never", departements=("69",), open_dossiers=2),
    ]
    assert choose_lawyer(candidates, court_name=LYON, departement="69").lawyer_id == "never"
    assert choose_lawyer(candidates[:2], court_name=LYON, departement="69").lawyer_id == "earlier"


def test_inactive_full_or_declining_lawyers_are_skipped():
    candidates = [
        lawyer("inactive", active=False, departements=("69",)),
        lawyer("full", departements=("69",), capacity=3, open_dossiers=3),
        lawyer("declined", departements=("69",)),
        lawyer("ok", departements=("69",), open_dossiers=7),
    ]
    choice = choose_lawyer(candidates, court_name=LYON, departement="69", excluded=["declined"])
    assert choice.lawyer_id == "ok"


def test_no_one_covering_the_court_is_said_plainly():
    choice = choose_lawyer([lawyer("paris", departements=("75",))], court_name=LYON, departement="69")
    assert not choice.found and "Aucun avocat" in choice.reason and "69" in choice.reason
    full = choose_lawyer(
        [lawyer("f", departements=("69",), capacity=1, open_dossiers=1)], court_name=LYON, departement="69"
    )
    assert not full.found and "capacité" in full.reason
