"""The courts' territorial index: the compact data files in ``data/`` and the place-name keys they use.

``scripts/build_court_index.py`` writes the files from ``../shared/data``; :func:`load_index` reads them once,
lazily, on the first lookup. Place names are compared through :func:`place_key`. What the index means for a
debtor's address (which court sits) is decided in :mod:`chalicelib.legal.courts`.
"""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = Path(__file__).parent / "data"
COMMUNES_FILE = "communes.csv"
POSTAL_CODES_FILE = "postal_codes.csv"
CEDEX_CODES_FILE = "cedex_codes.csv"
COMMUNE_COURTS_FILE = "commune_courts.csv"
JURISDICTIONS_SOURCE = (
    "Ministère de la Justice, « Liste des juridictions compétentes pour les communes de France » "
    "(data.gouv.fr, Licence Ouverte 2.0)"
)
COURTS_FILE = "courts.json"

# Saint-Barthélemy (977) and Saint-Martin (978) have no tribunal judiciaire of their own; the courts of
# Guadeloupe (971) are searched for them (the result stays unconfirmed unless it is an exact seat match).
COURT_AREA_OF_DEPARTMENT = {"977": "971", "978": "971"}

# Paris, Lyon and Marseille appear by arrondissement in the files; a court seated in one arrondissement sits
# in the city.
_CITY_OF_ARRONDISSEMENT = (("751", "75056"), ("6938", "69123"), ("132", "13055"))

# --- place names --------------------------------------------------------------------------------------------

_PLM_ARRONDISSEMENT = re.compile(
    r"^(PARIS|LYON|MARSEILLE) ?\d{1,2} ?(?:E|EME|ER|ERE)?(?: ARR(?:ONDISSEMENT)?)?$"
)
_CEDEX = re.compile(r"\bCEDEX\b.*$")
_LOWERCASE_WORDS = frozenset(
    {"A", "AU", "AUX", "D", "DE", "DES", "DU", "EN", "ET", "L", "LA", "LE", "LES", "LEZ", "SOUS", "SUR"}
)
_ARTICLES = frozenset({"LA", "LE", "LES"})


def place_key(name: str) -> str:
    """Comparable form of a French place name: upper case, no accents, no punctuation, "ST"/"STE" spelt out,
    CEDEX and arrondissement numbers dropped. ``place_key("Saint-Étienne") == place_key("ST ETIENNE")``,
    ``place_key("Lyon 2e") == place_key("LYON 02") == "LYON"``."""
    text = name.upper().replace("Œ", "OE").replace("Æ", "AE")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    text = re.sub(r"[^A-Z0-9]+", " ", text).strip()
    text = re.sub(r"^\d{5} ", "", text)  # "69002 LYON"
    text = _CEDEX.sub("", text).strip()
    words = ["SAINT" if w == "ST" else "SAINTE" if w == "STE" else w for w in text.split()]
    key = " ".join(words)
    match = _PLM_ARRONDISSEMENT.match(key)
    return match.group(1) if match else key


def display_place_name(key: str) -> str:
    """Readable form of an upper-case place name, by the usual French rules (hyphens between words, a leading
    article apart, particles in lower case): "SAINT DENIS" → "Saint-Denis", "LES SABLES D OLONNE" →
    "Les Sables-d'Olonne". Accents cannot be restored; the court index stores accented city names."""
    words = place_key(key).split()
    text = ""
    for position, word in enumerate(words):
        shown = word.lower() if position and word in _LOWERCASE_WORDS else word.capitalize()
        if position == 0:
            text = shown
            continue
        previous = words[position - 1]
        if previous in ("L", "D"):
            separator = "'"
        elif position == 1 and previous in _ARTICLES:
            separator = " "
        else:
            separator = "-"
        text += separator + shown
    return text


def department_of(insee: str) -> str:
    """Département of an INSEE commune code: 2 characters, 3 overseas ("974")."""
    return insee[:3] if insee.startswith(("97", "98")) else insee[:2]


def city_insee(insee: str) -> str:
    """The city's code for an arrondissement of Paris, Lyon or Marseille; the code itself otherwise."""
    for prefix, city in _CITY_OF_ARRONDISSEMENT:
        if insee.startswith(prefix):
            return city
    return insee


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# --- the index ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Commune:
    insee: str
    greffe: str  # "" when the référentiel communes–greffes does not list the commune
    names: tuple[str, ...]  # place keys; the first is the commune's official name


@dataclass(frozen=True)
class Greffe:
    key: str
    label: str  # TC | TAE | TJ_CHAMBRE_COMMERCIALE | TMC | TPI
    name: str
    city: str
    address: str | None
    position: tuple[float, float] | None


@dataclass(frozen=True)
class Seat:
    type: str  # TJ | TPI | TPRX
    name: str
    city: str
    address: str | None
    city_insee: str
    position: tuple[float, float] | None


@dataclass(frozen=True)
class CourtIndex:
    communes: dict[str, Commune]
    postal_codes: dict[str, tuple[tuple[str, ...], bool]]  # code -> (INSEE codes, is a CEDEX code)
    postal_codes_of_commune: dict[str, tuple[str, ...]]  # INSEE -> its La Poste postal codes
    communes_by_name: dict[tuple[str, str], tuple[str, ...]]  # (département, place key) -> INSEE codes
    greffes: dict[str, Greffe]
    seats: dict[str, tuple[Seat, ...]]  # by département (Saint-Martin and Saint-Barthélemy with Guadeloupe)
    places: dict[
        str, tuple[float, float]
    ]  # commune (city code) -> position known from the justice structures
    # INSEE -> (tribunal judiciaire, tribunal de proximité), from the Ministry of Justice's table
    jurisdictions: dict[str, tuple[Seat, Seat | None]]


def _position(value: list[float] | None) -> tuple[float, float] | None:
    return (value[0], value[1]) if value else None


@functools.cache
def load_index() -> CourtIndex:
    communes: dict[str, Commune] = {}
    communes_by_name: dict[tuple[str, str], list[str]] = {}
    lines = (DATA_DIR / COMMUNES_FILE).read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        insee, greffe, names = line.split(";")
        commune = Commune(insee, greffe, tuple(names.split("|")))
        communes[insee] = commune
        for name in commune.names:
            communes_by_name.setdefault((department_of(insee), name), []).append(insee)

    postal_codes: dict[str, tuple[tuple[str, ...], bool]] = {}
    postal_codes_of_commune: dict[str, list[str]] = {}
    lines = (DATA_DIR / POSTAL_CODES_FILE).read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        code, insee_codes = line.split(";")
        codes = tuple(insee_codes.split(" "))
        postal_codes[code] = (codes, False)
        for insee in codes:
            postal_codes_of_commune.setdefault(insee, []).append(code)
    lines = (DATA_DIR / CEDEX_CODES_FILE).read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        first, last, insee_codes = line.split(";")
        codes = tuple(insee_codes.split(" "))
        for number in range(int(first), int(last) + 1):
            postal_codes[f"{number:05d}"] = (codes, True)

    courts = json.loads((DATA_DIR / COURTS_FILE).read_text(encoding="utf-8"))
    greffes = {
        key: Greffe(key, g["label"], g["name"], g["city"], g["address"], _position(g["position"]))
        for key, g in courts["greffes"].items()
    }
    seats: dict[str, list[Seat]] = {}
    civil: list[Seat] = []
    for s in courts["civil_courts"]:
        seat = Seat(
            s["type"],
            s["name"],
            s["city"],
            s["address"],
            city_insee(s["seat_insee"]),
            _position(s["position"]),
        )
        area = COURT_AREA_OF_DEPARTMENT.get(s["department"], s["department"])
        seats.setdefault(area, []).append(seat)
        civil.append(seat)
    jurisdictions: dict[str, tuple[Seat, Seat | None]] = {}
    lines = (DATA_DIR / COMMUNE_COURTS_FILE).read_text(encoding="utf-8").splitlines()
    for line in lines[1:]:
        insee, tj, tprx = line.split(";")
        jurisdictions[insee] = (civil[int(tj)], civil[int(tprx)] if tprx else None)
    places = {insee: (p[0], p[1]) for insee, p in courts["places"].items()}

    return CourtIndex(
        communes=communes,
        postal_codes=postal_codes,
        postal_codes_of_commune={k: tuple(v) for k, v in postal_codes_of_commune.items()},
        communes_by_name={k: tuple(v) for k, v in communes_by_name.items()},
        greffes=greffes,
        seats={k: tuple(v) for k, v in seats.items()},
        places=places,
        jurisdictions=jurisdictions,
    )
