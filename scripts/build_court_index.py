"""Build the offline court index shipped in chalicelib/legal/data/ from the reference CSV files.

    .venv/bin/python scripts/build_court_index.py [--source ../shared/data] [--output chalicelib/legal/data]

Reads the four files described in ../shared/data/README.md (La Poste postal codes, Datainfogreffe référentiel
communes–greffes, Ministère de la Justice structures, greffe → court crosswalk) and writes four compact files:

* ``communes.csv`` — ``insee;greffe;names``: one row per commune, its greffe (empty when the référentiel does
  not list it) and the place keys it can be called by (official name, then delegated communes / hamlets and
  the La Poste routing label), joined with "|";
* ``postal_codes.csv`` — ``postal_code;insee_codes``: the communes of each La Poste postal code;
* ``cedex_codes.csv`` — ``first_code;last_code;insee_codes``: the CEDEX codes known only to the référentiel,
  as runs of consecutive codes of the same commune(s);
* ``commune_courts.csv`` — ``insee;tj;tprx``: for each commune of the Ministry of Justice's table (« Liste des
  juridictions compétentes pour les communes de France »), the tribunal judiciaire and, where the commune has
  one, the tribunal de proximité, as indexes into ``courts.json``'s ``civil_courts``;
* ``courts.json`` — the commercial courts by greffe, the civil-court seats (tribunaux judiciaires, tribunaux
  de première instance, tribunaux de proximité) with their positions, the positions of the communes where
  justice structures sit, the corrections applied to the sources and the SHA-256 of each source file.

The output is deterministic (sorted rows, fixed formatting): tests/unit/legal/test_courts.py regenerates it
and compares it with the committed files. Sources and licences: chalicelib/legal/data/COURTS-SOURCES.md.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import statistics
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from chalicelib.legal.court_index import (  # noqa: E402  (path set up above)
    CEDEX_CODES_FILE,
    COMMUNE_COURTS_FILE,
    COMMUNES_FILE,
    COURTS_FILE,
    POSTAL_CODES_FILE,
    city_insee,
    department_of,
    display_place_name,
    distance_km,
    place_key,
)

LAPOSTE = "laposte_hexasmal_2025.csv"
REFERENTIEL = "datainfogreffe_referentiel_communes_greffes.csv"
STRUCTURES = "justice_structures_2025-01.csv"
CROSSWALK = "greffe_to_juridiction_crosswalk.csv"
JURIDICTIONS = "justice_commune_juridictions.csv"
SOURCES = (LAPOSTE, REFERENTIEL, STRUCTURES, CROSSWALK, JURIDICTIONS)

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = REPO_ROOT / "chalicelib" / "legal" / "data"

CIVIL_SEAT_TYPES = ("TGI", "TPRX")
PARTICLES = frozenset(
    {"A", "AU", "AUX", "D", "DE", "DES", "DU", "EN", "ET", "L", "LA", "LE", "LES", "SOUS", "SUR"}
)
# Where the court sits when the commune's name is not the one people use: the Wallis-et-Futuna court is in
# Mata-Utu, chief town of the district (commune code) of Uvea.
CITY_FIXES = {"98613": "Mata-Utu"}
# Court names as printed: the Ministry file abbreviates or disambiguates a few of them.
NAME_FIXES = {
    "Tribunal judiciaire de St Gaudens": "Tribunal judiciaire de Saint-Gaudens",
    "Tribunal de proximité de Sucy en Brie": "Tribunal de proximité de Sucy-en-Brie",
    "Tribunal de proximité de Cayenne à St Laurent du Maroni": (
        "Tribunal de proximité de Saint-Laurent-du-Maroni"
    ),
}
# A justice structure farther than this from the median of its département's structures has a wrong position
# (e.g. the Ain CDAD placed in Paris); metropolitan France only, overseas départements span larger areas.
MAX_KM_FROM_DEPARTMENT = 150.0


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Structure:
    key: tuple[str, str, str]  # (type, code_orig, num)
    row: dict[str, str]
    position: tuple[float, float] | None


def postal_department(code: str) -> str:
    return "20" if code.startswith("20") else department_of(code)


def insee_department_for_postal(insee: str) -> str:
    return "20" if insee.startswith("2") and insee[1] in "AB" else department_of(insee)


def _add_name(names: dict[str, list[str]], insee: str, raw: str) -> None:
    """Add the place key of ``raw`` to the commune's names, once."""
    key = place_key(raw)
    if key and key not in names[insee]:
        names[insee].append(key)


def _cedex_rows(cedex: dict[str, set[str]]) -> list[str]:
    """CEDEX codes come in long runs of consecutive codes of one commune: one row per run."""
    runs: list[list[str]] = []
    for code in sorted(cedex):
        communes = " ".join(sorted(cedex[code]))
        if runs and runs[-1][2] == communes and int(code) == int(runs[-1][1]) + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code, communes])
    return ["first_code;last_code;insee_codes"] + [";".join(run) for run in runs]


class Builder:
    def __init__(self, source: Path) -> None:
        self.source = source
        self.corrections: list[str] = []
        self.laposte = read_csv(source / LAPOSTE)
        self.referentiel = read_csv(source / REFERENTIEL)
        self.structures_rows = read_csv(source / STRUCTURES)
        self.crosswalk = read_csv(source / CROSSWALK)
        self.laposte_codes_of: dict[str, set[str]] = defaultdict(set)  # INSEE -> La Poste postal codes
        self.laposte_name_of: dict[str, str] = {}
        for row in self.laposte:
            self.laposte_codes_of[row["Code_commune_INSEE"]].add(row["Code_postal"])
            self.laposte_name_of.setdefault(row["Code_commune_INSEE"], row["Nom_de_la_commune"])
        self.accented = self._accented_place_names()
        self.civil: list[dict[str, object]] = []

    # -- communes and postal codes
    # -----------------------------------------------------------------------------

    def communes_and_postal_codes(self) -> tuple[list[str], list[str], list[str]]:
        names, codes = self._laposte_names_and_codes()
        greffe_of, cedex, referentiel_names = self._referentiel_greffes_and_cedex(codes)
        for insee_codes in cedex.values():
            for insee in insee_codes:
                if insee not in names:  # historical code, known only to the référentiel
                    for raw in sorted(referentiel_names[insee]):
                        _add_name(names, insee, raw)

        commune_rows = ["insee;greffe;names"]
        for insee in sorted(names):
            commune_rows.append(f"{insee};{greffe_of.get(insee, '')};{'|'.join(names[insee])}")
        code_rows = ["postal_code;insee_codes"]
        for code in sorted(codes):
            code_rows.append(f"{code};{' '.join(sorted(codes[code]))}")
        return commune_rows, code_rows, _cedex_rows(cedex)

    def _laposte_names_and_codes(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """Place keys of every commune (official names first, then aliases) and the communes of each
        La Poste postal code, in file order."""
        names: dict[str, list[str]] = defaultdict(list)
        codes: dict[str, list[str]] = defaultdict(list)
        for row in self.laposte:  # official names first, then aliases
            _add_name(names, row["Code_commune_INSEE"], row["Nom_de_la_commune"])
        for row in self.laposte:
            insee, code = row["Code_commune_INSEE"], row["Code_postal"]
            _add_name(names, insee, row["Ligne_5"])
            _add_name(names, insee, row["Libellé_d_acheminement"])
            if insee not in codes[code]:
                codes[code].append(insee)
        return names, codes

    def _referentiel_greffes_and_cedex(
        self, codes: dict[str, list[str]]
    ) -> tuple[dict[str, str], dict[str, set[str]], dict[str, set[str]]]:
        """From the référentiel communes–greffes: each commune's greffe, the communes of the postal codes
        La Poste does not know (CEDEX codes) and the référentiel's own commune names."""
        greffe_of: dict[str, str] = {}
        cedex: dict[str, set[str]] = defaultdict(set)
        referentiel_names: dict[str, set[str]] = defaultdict(set)
        for row in self.referentiel:
            insee = row["Code commune"].zfill(5)
            referentiel_names[insee].add(row["Commune"])
            previous = greffe_of.setdefault(insee, row["Greffe"])
            if previous != row["Greffe"]:
                raise SystemExit(
                    f"{REFERENTIEL}: commune {insee} under two greffes ({previous}, {row['Greffe']})"
                )
            code = row["Code postal"].zfill(5) if row["Code postal"] else ""
            if code and code not in codes:
                cedex[code].add(insee)
        return greffe_of, cedex, referentiel_names

    # -- place names
    # -------------------------------------------------------------------------------------------

    def _accented_place_names(self) -> dict[str, str]:
        """Place key -> accented spelling, from the courts' own names ("Tribunal judiciaire de
        Châlons-en-Champagne", "Tribunal de proximité du Creusot" → "Le Creusot")."""
        spellings: dict[str, Counter[str]] = defaultdict(Counter)
        names = [r["nom_etablissement"] for r in self.structures_rows] + [
            r["nom_juridiction"] for r in self.crosswalk
        ]
        for name in names:
            name = re.sub(r"\s*\(.*?\)", "", NAME_FIXES.get(name, name)).strip()
            for match in re.finditer(r"\b(de la |de l'|de |d'|du |des |à )", name):
                rest = name[match.end() :].strip()
                article = {"du ": "Le ", "des ": "Les ", "de la ": "La ", "de l'": "L'"}.get(
                    match.group(1), ""
                )
                if rest:
                    candidate = article + rest[0].upper() + rest[1:]
                    spellings[place_key(candidate)][candidate] += 1
        return {
            key: min(counts, key=lambda v: spelling_rank(v, counts[v])) for key, counts in spellings.items()
        }

    def city_name(self, insee: str, town_line: str) -> str:
        """Nicely spelt name of the commune a court sits in."""
        if insee in CITY_FIXES:
            return CITY_FIXES[insee]
        raw = self.laposte_name_of.get(insee) or town_line
        key = place_key(raw)
        return self.accented.get(key) or display_place_name(key)

    # -- justice structures
    # ------------------------------------------------------------------------------------

    def address(self, row: dict[str, str], insee: str, what: str) -> str | None:
        code = row["code_postal"]
        if code and postal_department(code) != insee_department_for_postal(insee):
            own = sorted(self.laposte_codes_of.get(insee, ()))
            if len(own) == 1 and own[0] != code:
                self.corrections.append(
                    f"{what} : code postal {code} (autre département que la commune {insee}) "
                    f"remplacé par {own[0]}"
                )
                code = own[0]
        parts = [
            row["numero_et_libelle_voie"].strip(),
            row["lieu_dit"].strip(),
            f"{code} {row['ligne_d_acheminement'].strip()}".strip(),
            row.get("pays_ou_denomination_tom_com", "").strip(),
        ]
        parts = [normal_case_street(parts[0]), normal_case_street(parts[1]), parts[2], parts[3]]
        if parts[2]:
            town_line = row["ligne_d_acheminement"].strip()
            parts[2] = normal_case_town_line(code, town_line, self.city_name(insee, ""))
        text = ", ".join(p for p in parts if p)
        return text or None

    def structures(self) -> dict[tuple[str, str, str], Structure]:
        """Every justice structure once (the dump repeats a few rows), with positions checked."""
        by_department: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for row in self.structures_rows:
            by_department[department_of(row["code_insee"])].append(
                (float(row["latitude"]), float(row["longitude"]))
            )
        centres = {d: median(points) for d, points in by_department.items()}
        structures: dict[tuple[str, str, str], Structure] = {}
        for row in self.structures_rows:
            key = (row["type"], row["code_orig"], row["num"])
            if key in structures:
                continue
            position: tuple[float, float] | None = (float(row["latitude"]), float(row["longitude"]))
            department = department_of(row["code_insee"])
            if (
                position is not None
                and not department.startswith(("97", "98"))
                and distance_km(position, centres[department]) > MAX_KM_FROM_DEPARTMENT
            ):
                self.corrections.append(
                    f"{'-'.join(key)} ({row['nom_etablissement']}) : position {position} hors du département "
                    f"{department}, ignorée"
                )
                position = None
            structures[key] = Structure(key=key, row=row, position=position)
        return structures

    def court_name(self, structure: Structure) -> str:
        raw = structure.row["nom_etablissement"]
        name = NAME_FIXES.get(raw, raw)
        name = re.sub(r" \(\d{2,3}\)$", "", name).replace("Première Instance", "première instance")
        if name != raw:
            self.corrections.append(f"{'-'.join(structure.key)} : nom « {raw} » → « {name} »")
        return name

    # -- courts
    # ------------------------------------------------------------------------------------------------

    def courts(self) -> dict[str, object]:
        structures = self.structures()

        greffes: dict[str, dict[str, object]] = {}
        for row in self.crosswalk:
            if row["type_juridiction"] == "AUCUNE":
                continue  # Monaco pseudo-greffe: no French court
            structure = structures[(row["structure_type"], row["structure_code_orig"], row["structure_num"])]
            insee = structure.row["code_insee"]
            greffes[row["greffe"]] = {
                "label": row["type_juridiction"],
                "name": row["nom_juridiction"],
                "city": self.city_name(insee, row["ligne_d_acheminement"]),
                "address": self.address(row, insee, f"greffe {row['greffe']}"),
                "seat_insee": insee,
                "position": rounded(structure.position),
            }

        civil: list[dict[str, object]] = []
        for key, structure in structures.items():
            if key[0] not in CIVIL_SEAT_TYPES:
                continue
            name = self.court_name(structure)
            if key[0] == "TPRX":
                seat_type = "TPRX"
            elif name.lower().startswith("tribunal de première instance"):
                seat_type = "TPI"
            else:
                seat_type = "TJ"
            insee = structure.row["code_insee"]
            civil.append(
                {
                    "id": "-".join(key),
                    "type": seat_type,
                    "name": name,
                    "city": self.city_name(insee, structure.row["ligne_d_acheminement"]),
                    "address": self.address(structure.row, insee, "-".join(key)),
                    "seat_insee": insee,
                    "department": department_of(insee),
                    "position": rounded(structure.position),
                }
            )
        civil.sort(key=lambda c: (str(c["department"]), str(c["type"]), str(c["name"]), str(c["id"])))

        located: dict[str, list[tuple[float, float]]] = defaultdict(list)
        for structure in structures.values():
            if structure.position is not None:
                located[city_insee(structure.row["code_insee"])].append(structure.position)
        places = {insee: rounded(median(points)) for insee, points in sorted(located.items())}
        self.civil = civil
        return {
            "about": {
                "generated_by": "scripts/build_court_index.py",
                "documentation": "chalicelib/legal/data/COURTS-SOURCES.md",
                "sources_sha256": {name: sha256(self.source / name) for name in SOURCES},
            },
            "corrections": sorted(set(self.corrections)),
            "greffes": dict(sorted(greffes.items())),
            "civil_courts": civil,
            "places": places,
        }


# Words of a street address kept or written in lower case (street kinds, particles), with their accents: the
# Ministry's file writes addresses in capitals without accents.
STREET_WORDS = {
    "ALLEE": "allée",
    "ALLEES": "allées",
    "AVENUE": "avenue",
    "BOULEVARD": "boulevard",
    "CHEMIN": "chemin",
    "CHAUSSEE": "chaussée",
    "COURS": "cours",
    "ESPLANADE": "esplanade",
    "IMPASSE": "impasse",
    "PASSAGE": "passage",
    "PLACE": "place",
    "PROMENADE": "promenade",
    "QUAI": "quai",
    "ROUTE": "route",
    "RUE": "rue",
    "RUELLE": "ruelle",
    "SQUARE": "square",
    "PARVIS": "parvis",
    "ROND-POINT": "rond-point",
    "PALAIS": "palais",
    "JUSTICE": "justice",
    "CITE": "cité",
    "JUDICIAIRE": "judiciaire",
    "CENTRE": "centre",
    "BIS": "bis",
    "TER": "ter",
    "ET": "et",
    "LIEU-DIT": "lieu-dit",
    "RESIDENCE": "résidence",
    "IMMEUBLE": "immeuble",
    "BATIMENT": "bâtiment",
    "ETAGE": "étage",
    "ZONE": "zone",
    "RUES": "rues",
}
STREET_PARTICLES = frozenset(
    {"DE", "DU", "DES", "LA", "LE", "LES", "A", "AU", "AUX", "EN", "SUR", "SOUS", "L", "D"}
)
KEEP_UPPER = re.compile(r"^(?:[IVXLC]+|BP|CS|TSA|CEDEX|\d+\w*)$")


def normal_case_street(text: str) -> str:
    """« 32 AVENUE ALSACE LORRAINE » → « 32 avenue Alsace Lorraine » (mixed-case text is kept)."""
    if not text or text != text.upper():
        return text
    out: list[str] = []
    for index, word in enumerate(re.split(r"(\s+|-|')", text)):
        if not word or word.isspace() or word in "-'":
            out.append(word)
            continue
        if KEEP_UPPER.match(word):
            out.append(word)
        elif word in STREET_WORDS:
            out.append(STREET_WORDS[word])
        elif word in STREET_PARTICLES and index > 0:
            out.append(word.lower())
        else:
            out.append(word[:1] + word[1:].lower())
    return "".join(out)


def normal_case_town_line(code: str, town_line: str, city: str) -> str:
    """« 01000 BOURG EN BRESSE » → « 01000 Bourg-en-Bresse » (the commune's spelling; CEDEX kept)."""
    cedex = re.search(r"\bCEDEX(?:\s+\d+)?$", town_line)
    if city and place_key(re.sub(r"\s*CEDEX.*$", "", town_line)) == place_key(city):
        return f"{code} {city}{' ' + cedex.group(0) if cedex else ''}".strip()
    return f"{code} {normal_case_street(town_line)}".strip()


def median(points: list[tuple[float, float]]) -> tuple[float, float]:
    """Component-wise median of positions (robust to one wrong point)."""
    return (statistics.median(p[0] for p in points), statistics.median(p[1] for p in points))


def spelling_rank(spelling: str, count: int) -> tuple[bool, int, int, int, str]:
    """Order of preference among spellings of one place: first those written by the usual rules (hyphens
    between the words, "Sucy-en-Brie" rather than "Sucy en Brie"), then the most frequent in the sources, then
    particles in lower case ("Boulogne-sur-Mer" rather than "Boulogne-Sur-Mer"), then the most accents, then
    alphabetical."""
    usual = display_place_name(spelling)
    unusual = place_key(spelling) != place_key(usual) or strip_accents(spelling).upper() != usual.upper()
    words = re.split(r"[- ']", spelling)[1:]
    capitalised_particles = sum(w.upper() in PARTICLES and not w.islower() for w in words)
    accents = sum(not c.isascii() for c in spelling)
    return (unusual, -count, capitalised_particles, -accents, spelling)


def strip_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def rounded(position: tuple[float, float] | None) -> list[float] | None:
    return [round(position[0], 5), round(position[1], 5)] if position else None


def commune_courts(builder: Builder, civil: list[dict[str, object]]) -> list[str]:
    """``insee;tj;tprx`` rows from the Ministry's table, each court as its index in ``civil``."""
    by_name: dict[str, int] = {}
    for index, court in enumerate(civil):
        by_name.setdefault(str(court["name"]), index)
    raw_names = {r["nom_etablissement"]: r for r in builder.structures_rows if r["type"] in ("TGI", "TPRX")}

    def index_of(name: str) -> str:
        if not name:
            return ""
        fixed = re.sub(r" \(\d{2,3}\)$", "", NAME_FIXES.get(name, name)).replace(
            "Première Instance", "première instance"
        )
        if fixed not in by_name or name not in raw_names:
            raise SystemExit(f"{JURIDICTIONS}: court « {name} » not among the justice structures")
        return str(by_name[fixed])

    rows = ["insee;tj;tprx"]
    for row in sorted(read_csv(builder.source / JURIDICTIONS), key=lambda r: r["code_commune_insee"]):
        rows.append(
            f"{row['code_commune_insee']};{index_of(row['tribunal_judiciaire'])};"
            f"{index_of(row['tribunal_proximite'])}"
        )
    return rows


def build(source: Path, output: Path) -> list[Path]:
    """Write the index files into ``output``; return their paths."""
    builder = Builder(source)
    commune_rows, code_rows, cedex_rows = builder.communes_and_postal_codes()
    courts = builder.courts()
    jurisdiction_rows = commune_courts(builder, builder.civil)
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in (
        (COMMUNES_FILE, "\n".join(commune_rows) + "\n"),
        (POSTAL_CODES_FILE, "\n".join(code_rows) + "\n"),
        (CEDEX_CODES_FILE, "\n".join(cedex_rows) + "\n"),
        (COMMUNE_COURTS_FILE, "\n".join(jurisdiction_rows) + "\n"),
        (COURTS_FILE, json.dumps(courts, ensure_ascii=False, indent=1, sort_keys=False) + "\n"),
    ):
        path = output / name
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source", type=Path, default=DEFAULT_SOURCE, help="folder of the reference CSV files"
    )
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="folder to write the index into")
    args = parser.parse_args(argv)
    missing = [name for name in SOURCES if not (args.source / name).is_file()]
    if missing:
        parser.error(f"missing in {args.source}: {', '.join(missing)}")
    for path in build(args.source, args.output):
        print(f"{path}  {path.stat().st_size:,} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
