"""The competent court from the debtor's address (chalicelib/legal/courts.py), offline."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

from chalicelib.legal import courts
from chalicelib.legal.courts import (
    COMMERCIAL_COURT,
    JUDGE_OF_PROTECTION,
    JUDICIAL_COURT,
    Court,
    CourtNotFound,
    display_place_name,
    find_court,
    place_key,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
CASES = REPO_ROOT.parent / "shared" / "legal" / "cases"


def commercial(postal_code: str, city: str | None = None) -> Court:
    return find_court(COMMERCIAL_COURT, postal_code, city)


# --- tribunal de commerce: the data README's plausibility table ---------------------------------------------


@pytest.mark.parametrize("arrondissement", range(1, 10))
def test_every_lyon_arrondissement_goes_to_the_lyon_tae(arrondissement: int) -> None:
    court = commercial(f"6900{arrondissement}", "Lyon")
    assert court.name == "Tribunal des activités économiques de Lyon"
    assert court.city == "Lyon"
    assert court.address == "44 rue de Bonnel, 69003 Lyon"
    assert court.confirmed
    assert court.kind == COMMERCIAL_COURT


def test_villeurbanne_goes_to_the_lyon_tae() -> None:
    assert commercial("69100", "Villeurbanne").name == "Tribunal des activités économiques de Lyon"


@pytest.mark.parametrize("postal_code", ["33000", "33300", "33800"])
def test_bordeaux_postal_codes_go_to_the_bordeaux_commercial_court(postal_code: str) -> None:
    court = commercial(postal_code, "Bordeaux")
    assert (court.name, court.city) == ("Tribunal de commerce de Bordeaux", "Bordeaux")
    assert court.address == "19 place de la Bourse, 33000 Bordeaux"


def test_nantes_goes_to_the_nantes_commercial_court() -> None:
    court = commercial("44000", "Nantes")
    assert (court.name, court.city, court.confirmed) == ("Tribunal de commerce de Nantes", "Nantes", True)


@pytest.mark.parametrize("arrondissement", range(1, 21))
def test_every_paris_arrondissement_goes_to_the_paris_tae(arrondissement: int) -> None:
    court = commercial(f"750{arrondissement:02d}")
    assert court.name == "Tribunal des activités économiques de Paris"
    assert (court.city, court.address) == ("Paris", "1 quai de Corse, 75004 Paris")


def test_nanterre_goes_to_the_nanterre_tae() -> None:
    court = commercial("92000", "Nanterre")
    assert (court.name, court.city) == ("Tribunal des activités économiques de Nanterre", "Nanterre")


def test_lille_goes_to_lille_metropole_which_sits_in_tourcoing() -> None:
    for postal_code in ("59000", "59800"):
        court = commercial(postal_code, "Lille")
        assert court.name == "Tribunal de commerce de Lille Métropole"
        assert court.city == "Tourcoing"
        assert court.address == "445 boulevard Gambetta, 59200 Tourcoing"


@pytest.mark.parametrize("postal_code", ["13001", "13008"])
def test_marseille_goes_to_the_marseille_tae(postal_code: str) -> None:
    court = commercial(postal_code, "Marseille")
    assert (court.name, court.city) == ("Tribunal des activités économiques de Marseille", "Marseille")


@pytest.mark.parametrize(
    ("postal_code", "name", "city"),
    [
        ("54000", "Tribunal des activités économiques de Nancy", "Nancy"),
        ("84000", "Tribunal des activités économiques d'Avignon", "Avignon"),
        ("89000", "Tribunal des activités économiques d'Auxerre", "Auxerre"),
        ("76600", "Tribunal des activités économiques du Havre", "Le Havre"),
        ("72000", "Tribunal des activités économiques du Mans", "Le Mans"),
        ("22000", "Tribunal des activités économiques de Saint-Brieuc", "Saint-Brieuc"),
        ("87000", "Tribunal des activités économiques de Limoges", "Limoges"),
        ("78000", "Tribunal des activités économiques de Versailles", "Versailles"),
    ],
)
def test_the_other_tae_replace_their_commercial_courts(postal_code: str, name: str, city: str) -> None:
    court = commercial(postal_code)
    assert (court.name, court.city, court.confirmed) == (name, city, True)


@pytest.mark.parametrize(
    ("postal_code", "name", "city"),
    [
        ("67000", "Tribunal judiciaire de Strasbourg (chambre commerciale)", "Strasbourg"),
        ("57000", "Tribunal judiciaire de Metz (chambre commerciale)", "Metz"),
    ],
)
def test_alsace_moselle_uses_the_commercial_chamber_of_the_tribunal_judiciaire(
    postal_code: str, name: str, city: str
) -> None:
    court = commercial(postal_code)
    assert (court.name, court.city) == (name, city)
    # the label is not in the rulebook yet: a lawyer confirms it
    assert not court.confirmed
    assert "Alsace-Moselle" in court.source


@pytest.mark.parametrize(
    ("postal_code", "name", "city"),
    [
        ("97400", "Tribunal mixte de commerce de Saint-Denis (La Réunion)", "Saint-Denis"),
        ("97200", "Tribunal mixte de commerce de Fort-de-France", "Fort-de-France"),
    ],
)
def test_overseas_departments_use_the_tribunal_mixte_de_commerce(
    postal_code: str, name: str, city: str
) -> None:
    court = commercial(postal_code)
    assert (court.name, court.city) == (name, city)
    assert not court.confirmed


def test_ajaccio_goes_to_the_ajaccio_commercial_court() -> None:
    court = commercial("20000", "Ajaccio")
    assert (court.name, court.city, court.confirmed) == ("Tribunal de commerce d'Ajaccio", "Ajaccio", True)


def test_saint_nazaire_address_gets_its_own_postal_code_back() -> None:
    # the Ministry file gives 30200 (a namesake in the Gard); the index corrects it
    assert commercial("44600").address == "77 rue Albert de Mun, 44600 Saint-Nazaire"


# --- the cases' routes --------------------------------------------------------------------------------------


def _case_routes() -> list[tuple[str, str, str, str]]:
    routes = []
    for path in sorted(CASES.glob("*.json")):
        case = json.loads(path.read_text(encoding="utf-8"))
        route = case["expected"].get("route") or {}
        debtor = case["input"]["debtor"]
        if "court_city" in route and debtor["country"] == "FR":
            routes.append((route["court_kind"], debtor["postal_code"], debtor["city"], route["court_city"]))
    return routes


@pytest.mark.skipif(not CASES.is_dir(), reason="../shared/legal/cases is not available")
def test_the_cases_court_cities_are_found() -> None:
    routes = _case_routes()
    assert routes, "no case with a court_city"
    for kind, postal_code, city, expected_city in routes:
        assert find_court(kind, postal_code, city).city == expected_city, (kind, postal_code, city)


# --- ambiguity, unknown codes, abroad -----------------------------------------------------------------------


def test_a_postal_code_shared_by_several_greffes_needs_the_commune() -> None:
    with pytest.raises(CourtNotFound) as caught:
        commercial("01200")
    assert caught.value.field == "city"
    assert "01200" in str(caught.value)
    assert "Indiquez la commune" in str(caught.value)
    assert "Valserhone" in str(caught.value)  # the candidate communes are listed


@pytest.mark.parametrize(
    "city", ["Valserhône", "VALSERHONE", "Bellegarde-sur-Valserine", "bellegarde sur valserine"]
)
def test_the_commune_resolves_an_ambiguous_postal_code(city: str) -> None:
    court = commercial("01200", city)
    assert court.name == "Tribunal de commerce de Bourg-en-Bresse"
    assert court.confirmed


def test_a_commune_outside_the_ambiguous_postal_code_is_rejected_on_the_city_field() -> None:
    with pytest.raises(CourtNotFound) as caught:
        commercial("01200", "Lyon")
    assert caught.value.field == "city"
    assert "« Lyon »" in str(caught.value)


def test_the_city_is_not_needed_when_all_communes_share_the_court() -> None:
    assert commercial("80560").name == "Tribunal de commerce d'Amiens"


def test_a_cedex_code_is_found_in_the_greffes_referentiel() -> None:
    court = commercial("69441", "Lyon Cedex 03")
    assert court.name == "Tribunal des activités économiques de Lyon"
    assert "CEDEX 69441" in court.source


def test_an_unknown_postal_code_falls_back_on_the_commune_name_in_the_departement() -> None:
    court = commercial("69999", "Lyon")
    assert court.name == "Tribunal des activités économiques de Lyon"


def test_an_unknown_postal_code_with_a_commune_name_found_twice_is_reported_on_the_postal_code() -> None:
    # two hamlets called Le Bastidon in the Bouches-du-Rhône, under different greffes
    with pytest.raises(CourtNotFound) as caught:
        commercial("13999", "Le Bastidon")
    assert caught.value.field == "postal_code"
    assert "plusieurs communes" in str(caught.value)


def test_an_unknown_postal_code_is_reported_on_the_postal_code_field() -> None:
    with pytest.raises(CourtNotFound) as caught:
        commercial("99999", "Nulle-part")
    assert caught.value.field == "postal_code"
    assert str(caught.value).startswith("Le code postal « 99999 » est inconnu")


@pytest.mark.parametrize("postal_code", ["6900", "690021", "69OO2", ""])
def test_a_malformed_postal_code_is_reported_in_french(postal_code: str) -> None:
    with pytest.raises(CourtNotFound) as caught:
        commercial(postal_code, "Lyon")
    assert caught.value.field == "postal_code"
    assert "code postal" in str(caught.value)


def test_a_debtor_abroad_has_no_french_court() -> None:
    with pytest.raises(CourtNotFound) as caught:
        find_court(COMMERCIAL_COURT, "80331", "München", country="DE")
    assert caught.value.field == "country"
    assert "hors de France" in str(caught.value)


def test_monaco_has_no_french_court() -> None:
    with pytest.raises(CourtNotFound) as caught:
        find_court(JUDICIAL_COURT, "98000", "Monaco")
    assert "hors de France" in str(caught.value)


def test_an_overseas_country_code_is_france() -> None:
    assert find_court(COMMERCIAL_COURT, "97400", "Saint-Denis", country="RE").city == "Saint-Denis"


def test_a_commune_missing_from_the_referentiel_takes_its_neighbours_greffe_unconfirmed() -> None:
    court = commercial("31800", "Lieoux")
    assert court.name == "Tribunal de commerce de Toulouse"
    assert not court.confirmed
    assert "31300" in court.source


def test_an_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown court kind"):
        find_court("conseil_de_prudhommes", "69002", "Lyon")


# --- tribunal judiciaire and juge des contentieux de la protection ------------------------------------------


@pytest.mark.parametrize(
    ("postal_code", "city", "name"),
    [
        ("44100", "Nantes", "Tribunal judiciaire de Nantes"),
        ("31200", "Toulouse", "Tribunal judiciaire de Toulouse"),
        ("59000", "Lille", "Tribunal judiciaire de Lille"),
        ("75008", "Paris", "Tribunal judiciaire de Paris"),
        ("69002", "Lyon", "Tribunal judiciaire de Lyon"),
    ],
)
def test_the_tribunal_judiciaire_seated_in_the_debtors_commune_is_confirmed(
    postal_code: str, city: str, name: str
) -> None:
    court = find_court(JUDICIAL_COURT, postal_code, city)
    assert court.name == name
    assert court.city == city
    assert court.kind == JUDICIAL_COURT
    assert court.confirmed


def test_lille_tribunal_judiciaire_address() -> None:
    assert find_court(JUDICIAL_COURT, "59000", "Lille").address == "13 avenue du Peuple Belge, 59000 Lille"


def test_a_commune_without_a_seat_gets_the_ministrys_tribunal_judiciaire_confirmed() -> None:
    court = find_court(JUDICIAL_COURT, "69100", "Villeurbanne")
    assert court.name == "Tribunal judiciaire de Lyon"
    assert court.confirmed
    assert "Ministère de la Justice" in court.source and "69266" in court.source


def test_a_commune_with_no_justice_structure_gets_the_ministrys_tribunal_judiciaire() -> None:
    court = find_court(JUDICIAL_COURT, "59650", "Villeneuve-d'Ascq")
    assert (court.name, court.confirmed) == ("Tribunal judiciaire de Lille", True)


def test_the_juge_des_contentieux_de_la_protection_sits_at_the_local_tribunal_de_proximite() -> None:
    court = find_court(JUDGE_OF_PROTECTION, "69100", "Villeurbanne")
    assert (court.name, court.city, court.confirmed) == (
        "Tribunal de proximité de Villeurbanne",
        "Villeurbanne",
        True,
    )
    assert court.kind == JUDGE_OF_PROTECTION


def test_the_juge_des_contentieux_de_la_protection_sits_at_the_tribunal_judiciaire_of_its_city() -> None:
    court = find_court(JUDGE_OF_PROTECTION, "44100", "Nantes")
    assert (court.name, court.confirmed) == ("Tribunal judiciaire de Nantes", True)


def test_the_juge_des_contentieux_de_la_protection_of_a_commune_without_a_seat_is_confirmed() -> None:
    court = find_court(JUDGE_OF_PROTECTION, "59650", "Villeneuve-d'Ascq")
    assert court.confirmed
    assert court.name.startswith(("Tribunal judiciaire", "Tribunal de proximité"))


def test_the_jcp_seat_setting_can_send_every_requete_to_the_tribunal_judiciaire() -> None:
    court = find_court(JUDGE_OF_PROTECTION, "69100", "Villeurbanne", protection_seat="tribunal_judiciaire")
    assert (court.name, court.confirmed) == ("Tribunal judiciaire de Lyon", True)


def test_pacific_territories_use_the_tribunal_de_premiere_instance() -> None:
    court = find_court(JUDICIAL_COURT, "98714", "Papeete")
    assert (court.name, court.city, court.confirmed) == (
        "Tribunal de première instance de Papeete",
        "Papeete",
        True,
    )


def test_a_tribunal_judiciaire_lookup_needs_the_commune_when_its_communes_differ() -> None:
    with pytest.raises(CourtNotFound) as caught:
        find_court(JUDICIAL_COURT, "01200", None)
    assert caught.value.field == "city"


def test_communes_of_one_postal_code_under_the_same_court_need_no_commune_name() -> None:
    # 13100 is Aix-en-Provence and Le Tholonet, both under the tribunal judiciaire d'Aix-en-Provence
    court = find_court(JUDICIAL_COURT, "13100", None)
    assert (court.name, court.confirmed) == ("Tribunal judiciaire d'Aix-en-Provence", True)
    assert find_court(JUDICIAL_COURT, "13100", "Aix-en-Provence").confirmed


# --- place names --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "key"),
    [
        ("Saint-Étienne", "SAINT ETIENNE"),
        ("ST ETIENNE", "SAINT ETIENNE"),
        ("Lyon 2e", "LYON"),
        ("LYON 02", "LYON"),
        ("Paris 15e arrondissement", "PARIS"),
        ("MARSEILLE 8", "MARSEILLE"),
        ("Lyon Cedex 03", "LYON"),
        ("L'Île-Saint-Denis", "L ILE SAINT DENIS"),
        ("69002 Lyon", "LYON"),
        ("Sainte-Foy-lès-Lyon", "SAINTE FOY LES LYON"),
        ("Œuilly", "OEUILLY"),
    ],
)
def test_place_key_makes_spellings_comparable(raw: str, key: str) -> None:
    assert place_key(raw) == key


@pytest.mark.parametrize(
    ("key", "shown"),
    [
        ("ST DENIS", "Saint-Denis"),
        ("LES SABLES D OLONNE", "Les Sables-d'Olonne"),
        ("FORT DE FRANCE", "Fort-de-France"),
        ("LE PUY EN VELAY", "Le Puy-en-Velay"),
        ("L ABERGEMENT CLEMENCIAT", "L'Abergement-Clemenciat"),
    ],
)
def test_display_place_name_follows_french_usage(key: str, shown: str) -> None:
    assert display_place_name(key) == shown


# --- data files ---------------------------------------------------------------------------------------------


def test_the_index_loads_once() -> None:
    """Loaded once per process (its cost is a benchmark figure, not a test: bench/legal_bench.py)."""
    courts._index.cache_clear()
    first = courts._index()
    assert courts._index() is first


def test_the_shipped_data_stay_small() -> None:
    names = (courts.COMMUNES_FILE, courts.POSTAL_CODES_FILE, courts.CEDEX_CODES_FILE, courts.COURTS_FILE)
    assert sum((courts.DATA_DIR / name).stat().st_size for name in names) < 2_000_000


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not available")
def test_the_committed_index_is_what_the_build_script_generates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = importlib.util.spec_from_file_location(
        "build_court_index", REPO_ROOT / "scripts" / "build_court_index.py"
    )
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "build_court_index", script)  # its dataclasses look their module up
    spec.loader.exec_module(script)
    written = script.build(SHARED_DATA, tmp_path)
    assert written
    for path in written:
        committed = courts.DATA_DIR / path.name
        assert committed.read_bytes() == path.read_bytes(), (
            f"{committed} differs from what scripts/build_court_index.py generates: run the script and commit"
        )


# --- the Ministry of Justice's commune table, for every commune ---------------------------------------------


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="../shared/data is not available")
def test_every_la_poste_commune_gets_the_ministrys_courts_confirmed() -> None:
    """For each commune of the La Poste file, looked up as a debtor's address would be (postal code + commune
    name): the tribunal judiciaire is the one the Ministry's table names, confirmed; the juge des contentieux
    de la protection sits at the commune's tribunal de proximité where it has one (JCP_SEAT, POLICY)."""
    import csv
    import re

    def rows(name: str) -> list[dict[str, str]]:
        with (SHARED_DATA / name).open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle, delimiter=";"))

    def printed(name: str) -> str:  # the index prints a few names unabbreviated (NAME_FIXES of the script)
        fixes = {
            "Tribunal judiciaire de St Gaudens": "Tribunal judiciaire de Saint-Gaudens",
            "Tribunal de proximité de Sucy en Brie": "Tribunal de proximité de Sucy-en-Brie",
            "Tribunal de proximité de Cayenne à St Laurent du Maroni": (
                "Tribunal de proximité de Saint-Laurent-du-Maroni"
            ),
        }
        name = re.sub(r" \(\d{2,3}\)$", "", fixes.get(name, name))
        return name.replace("Première Instance", "première instance")

    ministry = {r["code_commune_insee"]: r for r in rows("justice_commune_juridictions.csv")}
    seen: set[str] = set()
    checked = tj_right = jcp_checked = jcp_right = 0
    wrong: list[str] = []
    for row in rows("laposte_hexasmal_2025.csv"):
        insee = row["Code_commune_INSEE"]
        if insee in seen or insee not in ministry:
            continue
        seen.add(insee)
        expected = ministry[insee]
        checked += 1
        try:
            court = find_court(JUDICIAL_COURT, row["Code_postal"], row["Nom_de_la_commune"])
        except CourtNotFound as missing:
            wrong.append(f"{insee}: {missing}")
            continue
        if court.confirmed and court.name == printed(expected["tribunal_judiciaire"]):
            tj_right += 1
        else:
            wrong.append(f"{insee}: {court.name} ({court.confirmed}) != {expected['tribunal_judiciaire']}")
        if expected["tribunal_proximite"]:
            jcp_checked += 1
            judge = find_court(JUDGE_OF_PROTECTION, row["Code_postal"], row["Nom_de_la_commune"])
            if judge.confirmed and judge.name == printed(expected["tribunal_proximite"]):
                jcp_right += 1
            else:
                wrong.append(f"{insee} JCP: {judge.name} != {expected['tribunal_proximite']}")
    assert checked > 34_900
    assert jcp_checked > 8_000
    assert tj_right / checked >= 0.999, wrong[:20]
    assert jcp_right / jcp_checked >= 0.999, wrong[:20]
