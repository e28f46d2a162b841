"""The terms of sale's pure rules (chalicelib/domain/terms.py): a version is named by its date, accepted once
per version, and the acceptance reads in French, in Paris time; and the local web server answers
/favicon.ico with the site's icon instead of the API's 403."""

from __future__ import annotations

import datetime as dt

from chalicelib.domain.terms import acceptance_reason, needs_acceptance, not_accepted, version_label


def test_a_version_reads_as_the_french_date_it_comes_into_force():
    assert version_label("2026-12-01") == "1er décembre 2026"
    assert version_label("2027-03-15") == "15 mars 2027"
    assert version_label("v2") == "v2"  # a version not named by a date reads as itself


def test_a_version_is_accepted_once_and_a_new_one_again():
    assert needs_acceptance(None, "2026-12-01")
    assert not needs_acceptance("2026-12-01", "2026-12-01")
    assert needs_acceptance("2026-12-01", "2027-03-01")


def test_the_acceptance_is_said_in_paris_time():
    at = dt.datetime(2026, 12, 3, 13, 5, tzinfo=dt.UTC)  # 14 h 05 in Paris (winter time)
    assert acceptance_reason("2026-12-01", at) == (
        "Conditions générales de vente (version du 1er décembre 2026) acceptées le 3 décembre 2026 à 14 h 05"
    )


def test_the_refusal_is_french_with_a_stable_code_and_says_when_the_version_changed():
    never = not_accepted("2026-12-01", None)
    assert never.code == "cgv_not_accepted" and never.field == "cgv_version"
    assert "Acceptez les conditions générales de vente (version du 1er décembre 2026)" in never.message
    stale = not_accepted("2027-03-01", "2026-12-01")
    assert "ont changé" in stale.message and "1er mars 2027" in stale.message


def test_the_favicon_is_served_at_both_addresses(tmp_path):
    from infra.local.webserver import FRONTEND, static_file

    assert static_file("/favicon.ico") == static_file("/favicon.svg") == (FRONTEND / "favicon.svg").resolve()
    site = tmp_path / "site"
    site.mkdir()
    assert static_file("/favicon.ico", site) is None  # no icon in that folder: the API answers
