"""Bulk import of an aged balance (« balance âgée »): the creditor's CSV export of unpaid invoices, one line
per invoice, becomes draft claims (one per debtor, with all its invoices) plus a per-line report of what was
rejected and why.

    plan = parse_aged_balance(uploaded_bytes)
    plan.drafts      # [DraftClaim(debtor_key="siren:732829320", content=ClaimContent(...), lines=(2, 5))]
    plan.rejected    # [LineRejection(line=7, field="montant_ttc", message="Ligne 7, colonne …", code=…)]
    plan.as_report() # JSON-ready summary for the creditor

Pure: no I/O. Every value is checked by the claim content schema (:mod:`chalicelib.domain.claim_content`),
first line by line (so that a bad line is rejected alone, before it can spoil its debtor's group), then once
per debtor on the assembled claim. Line numbers are the spreadsheet's row numbers (the header is row 1).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import io
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from chalicelib.domain.claim_content import DEBTOR_CATEGORY_LABELS, ClaimContent, parse_amount
from chalicelib.domain.errors import InvalidInput
from chalicelib.legal.identifiers import InvalidIdentifier, siren_from_siret, validate_siren, validate_siret

__all__ = [
    "COLUMNS",
    "Column",
    "DraftClaim",
    "ImportPlan",
    "LineRejection",
    "columns_markdown",
    "parse_aged_balance",
]


@dataclass(frozen=True)
class Column:
    """One documented column of the import file. ``aliases``: other headers accepted for it."""

    name: str
    required: bool
    description: str
    example: str
    aliases: tuple[str, ...] = ()


def _column(name: str, required: bool, description: str, example: str, aliases: str = "") -> Column:
    return Column(
        name, required, description, example, tuple(filter(None, map(str.strip, aliases.split(","))))
    )


COLUMNS: tuple[Column, ...] = (
    _column(
        "debiteur_nom",
        True,
        "Raison sociale de l'entreprise, ou nom et prénom du particulier",
        "Aquitaine Logistique SAS",
        "raison sociale, dénomination, dénomination sociale, nom, nom du débiteur, débiteur, client, "
        "nom du client, nom client",
    ),
    _column(
        "debiteur_categorie",
        True,
        "Catégorie du débiteur : société (ou entreprise, commerçant), artisan, profession libérale, "
        "particulier (ou consommateur), association, administration (ou collectivité)",
        "société",
        "catégorie, catégorie du débiteur, type de débiteur, type débiteur, type de client, type client",
    ),
    _column(
        "debiteur_siren",
        False,
        "SIREN (9 chiffres) ou SIRET (14 chiffres) ; obligatoire pour un professionnel établi en France",
        "732 829 320",
        "siren, siret, n° siren, numéro siren, n° siret, numéro siret, siren siret, siren ou siret",
    ),
    _column(
        "debiteur_adresse",
        True,
        "Numéro et voie",
        "12 quai des Chartrons",
        "adresse, adresse 1, adresse ligne 1, rue",
    ),
    _column(
        "debiteur_adresse2",
        False,
        "Complément d'adresse (bâtiment, boîte postale…)",
        "Bâtiment B",
        "adresse 2, adresse ligne 2, complément d'adresse, complément adresse",
    ),
    _column("debiteur_code_postal", True, "Code postal (5 chiffres en France)", "33000", "code postal, cp"),
    _column("debiteur_ville", True, "Ville", "Bordeaux", "ville, commune, localité"),
    _column(
        "debiteur_pays",
        False,
        "Code pays à 2 lettres ou nom du pays ; FR si la colonne est vide",
        "FR",
        "pays, code pays",
    ),
    _column(
        "debiteur_email",
        False,
        "Adresse e-mail du débiteur",
        "compta@aquitaine-logistique.fr",
        "email, e-mail, mail, courriel, adresse e-mail, adresse email",
    ),
    _column(
        "debiteur_telephone", False, "Téléphone du débiteur", "05 56 00 00 00", "téléphone, tél, portable"
    ),
    _column(
        "facture_numero",
        True,
        "Numéro de la facture (unique pour un même débiteur)",
        "F-2026-0118",
        "n° facture, numéro de facture, numéro facture, no facture, num facture, facture, référence facture, "
        "n° pièce, pièce",
    ),
    _column(
        "facture_date",
        True,
        "Date de la facture",
        "15/09/2026",
        "date facture, date de facture, date de la facture, date d'émission, date pièce",
    ),
    _column(
        "date_livraison",
        False,
        "Date de livraison ou d'exécution de la prestation ; par défaut, la date de la facture",
        "12/09/2026",
        "date de livraison, livraison, date de prestation, date d'exécution",
    ),
    _column(
        "echeance",
        False,
        "Date d'échéance imprimée sur la facture",
        "15/10/2026",
        "échéance, date d'échéance, date échéance, date limite de paiement",
    ),
    _column(
        "montant_ttc",
        True,
        "Montant TTC de la facture, en euros",
        "4 560,00",
        "montant ttc, montant, total ttc, ttc, montant facture, montant de la facture",
    ),
    _column(
        "montant_regle",
        False,
        "Acompte ou paiement partiel déjà reçu sur cette facture, en euros (avec date_reglement)",
        "1 000,00",
        "montant réglé, réglé, déjà réglé, montant payé, payé, acompte, règlement, montant du règlement",
    ),
    _column(
        "date_reglement",
        False,
        "Date de ce paiement partiel (avec montant_regle)",
        "02/11/2026",
        "date de règlement, date du règlement, date règlement, date de paiement, date paiement",
    ),
    _column(
        "taux_contractuel",
        False,
        "Taux annuel des pénalités de retard prévu au contrat ou aux CGV, en % ; le même pour toutes "
        "les factures d'un débiteur",
        "10",
        "taux, taux contractuel, taux de pénalités, taux des pénalités, taux pénalités, taux d'intérêt",
    ),
    _column(
        "objet",
        False,
        "Objet de la facture",
        "Transport et stockage, septembre 2026",
        "libellé, désignation, description, objet de la facture",
    ),
    _column(
        "reference",
        False,
        "Votre référence interne (code client, n° de dossier…) ; la même pour toutes les factures "
        "d'un débiteur",
        "CLI-0042",
        "référence, réf, référence interne, votre référence, code client, n° client, compte client",
    ),
    _column(
        "debiteur_achat",
        False,
        "Pour un commerçant, un artisan ou une profession libérale en nom propre : professionnel (par "
        "défaut) s'il a acheté pour son activité, privé s'il a acheté à titre privé (il est alors traité "
        "comme un consommateur) ; le même pour toutes les factures d'un débiteur",
        "professionnel",
        "achat, usage, finalité, finalité de l'achat, usage de l'achat, achat professionnel ou privé",
    ),
)
REQUIRED_COLUMNS: tuple[str, ...] = tuple(column.name for column in COLUMNS if column.required)

# Accepted words for debtor categories, beside the codes and their labels (compared folded).
CATEGORY_WORDS: dict[str, str] = {
    "société": "commercant",
    "entreprise": "commercant",
    "commerçant": "commercant",
    "société commerciale": "commercant",
    "artisan": "artisan",
    "profession libérale": "liberal",
    "libéral": "liberal",
    "société d'exercice libéral": "sel",
    "particulier": "consumer",
    "consommateur": "consumer",
    "association": "non_professional_legal_person",
    "sci": "non_professional_legal_person",
    "administration": "public_entity",
    "collectivité": "public_entity",
    "collectivité territoriale": "public_entity",
    "établissement public": "public_entity",
    "personne publique": "public_entity",
}
# Accepted words for the debtor's purpose (column debiteur_achat), compared folded.
PURPOSE_WORDS: dict[str, str] = {
    "professionnel": "professional",
    "pro": "professional",
    "professional": "professional",
    "privé": "private",
    "à titre privé": "private",
    "personnel": "private",
    "private": "private",
}
# Country names a French export may hold instead of the ISO code.
_COUNTRY_NAMES = {
    "france": "FR",
    "belgique": "BE",
    "suisse": "CH",
    "luxembourg": "LU",
    "monaco": "MC",
    "allemagne": "DE",
    "espagne": "ES",
    "italie": "IT",
    "portugal": "PT",
    "pays bas": "NL",
    "royaume uni": "GB",
}

_PROGRESS_EVERY = 500
_HEADER_SEARCH = 10  # rows scanned for the header (exports often start with a title line)
_DELIMITERS = (";", ",", "\t")  # in order of preference on a tie: ";" is French Excel's
_HEADER_NOISE = frozenset({"de", "d", "du", "des", "la", "le", "l", "les", "en", "eur", "euro", "euros"})
_SHOWN = 40


def _fold(text: str) -> str:
    """Case, accents, punctuation and spacing ignored: « Société  Générale » → « societe generale »."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", bare).split())


def _header_key(text: str) -> str:
    """« N° de facture » → ``n_facture``; « Date d'échéance » → ``date_echeance``."""
    return "_".join(word for word in _fold(text).split() if word not in _HEADER_NOISE)


def _header_names() -> dict[str, str]:
    """Folded header (name or alias) → column name."""
    names: dict[str, str] = {}
    for column in COLUMNS:
        for alias in (column.name, *column.aliases):
            claimed = names.setdefault(_header_key(alias), column.name)
            if claimed != column.name:
                raise RuntimeError(f"The header {alias!r} is claimed by both {claimed} and {column.name}")
    return names


_HEADERS = _header_names()
_CATEGORIES: dict[str, str] = {
    _fold(word): code
    for word, code in itertools.chain(
        ((code, code) for code in DEBTOR_CATEGORY_LABELS),
        ((label, code) for code, label in DEBTOR_CATEGORY_LABELS.items()),
        CATEGORY_WORDS.items(),
    )
}
_PURPOSES: dict[str, str] = {_fold(word): code for word, code in PURPOSE_WORDS.items()}
_MAX_INVOICES = next(
    (
        int(rule.max_length)
        for rule in ClaimContent.model_fields["invoices"].metadata
        if hasattr(rule, "max_length")
    ),
    200,
)


# --- Result -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LineRejection:
    """A CSV line left out of the import. ``field``: the column at fault ("" when it is the whole line);
    ``message``: French, names the line and the column; ``code``: stable, for the UI."""

    line: int
    field: str
    message: str
    code: str

    def as_json(self) -> dict[str, Any]:
        return {"line": self.line, "field": self.field, "code": self.code, "message": self.message}


# Rejections listed in an import's report (the others are counted): about 250 bytes each.
MAX_REPORTED_REJECTIONS = 300


@dataclass(frozen=True)
class DraftClaim:
    """One debtor's claim, ready to be saved as a draft. ``lines``: the CSV lines it was made of."""

    debtor_key: str
    content: ClaimContent
    lines: tuple[int, ...]


@dataclass(frozen=True)
class ImportPlan:
    """What an import would create: one draft per debtor, and every line left out with the reason."""

    total_lines: int
    drafts: list[DraftClaim]
    rejected: list[LineRejection]
    warnings: list[str]

    @property
    def imported_lines(self) -> int:
        return sum(len(draft.lines) for draft in self.drafts)

    @property
    def rejected_lines(self) -> tuple[int, ...]:
        """Each rejected line once (a line may have several rejections: one per faulty column)."""
        return tuple(sorted({rejection.line for rejection in self.rejected}))

    def as_report(self) -> dict[str, Any]:
        """JSON-ready: counts, one summary per draft, the rejections (the first
        :data:`MAX_REPORTED_REJECTIONS`), the warnings."""
        return {
            "total_lines": self.total_lines,
            "imported_lines": self.imported_lines,
            "rejected_lines": len(self.rejected_lines),
            "draft_count": len(self.drafts),
            "drafts": [
                {
                    "debtor_key": draft.debtor_key,
                    "debtor": draft.content.debtor.legal_name,
                    "invoices": len(draft.content.invoices),
                    "balance": f"{draft.content.balance:.2f}",
                    "lines": list(draft.lines),
                }
                for draft in self.drafts
            ],
            # The report is stored on the import job (one DynamoDB item, 400 KB at most): a file of thousands
            # of bad lines lists its first rejections and counts the others, instead of failing to be saved.
            "rejected": [rejection.as_json() for rejection in self.rejected[:MAX_REPORTED_REJECTIONS]],
            "rejected_not_shown": max(0, len(self.rejected) - MAX_REPORTED_REJECTIONS),
            "warnings": list(self.warnings),
        }


def columns_markdown() -> str:
    """The columns table of ``docs/import-csv.md`` (a test keeps the two identical)."""
    rows = [
        "| Colonne | Obligatoire | Contenu | Exemple | Autres intitulés acceptés |",
        "|---|---|---|---|---|",
    ]
    for column in COLUMNS:
        aliases = ", ".join(f"« {alias} »" for alias in column.aliases)
        rows.append(
            f"| `{column.name}` | {'oui' if column.required else 'non'} | {column.description} "
            f"| {column.example} | {aliases} |"
        )
    return "\n".join(rows) + "\n"


# --- Entry point --------------------------------------------------------------------------------------------


def parse_aged_balance(
    data: bytes | str,
    *,
    on_progress: Callable[[int, int], None] | None = None,
    max_lines: int = 20000,
) -> ImportPlan:
    """Read an aged-balance CSV into draft claims grouped by debtor, and the lines rejected with the reason.

    Raises :class:`InvalidInput` when the file as a whole cannot be read: ``import_empty`` (no data line),
    ``import_missing_columns`` (a required column is not in the header), ``import_too_large`` (more than
    ``max_lines`` data lines), ``import_not_csv`` (a spreadsheet or an unreadable file).
    ``on_progress(done, total)`` is called every 500 lines and once at the end.
    """
    text, warnings = _decode(data)
    if not text.strip():
        raise InvalidInput("Le fichier est vide.", code="import_empty")
    delimiter, header_line = _layout(text)
    rows = _records(text, delimiter)
    header = _Header.read(next(itertools.islice(rows, header_line - 1, None), []))
    warnings.extend(header.warnings)
    if header_line > 1:
        warnings.append(
            f"Les {header_line - 1} premières lignes, avant la ligne d'en-tête (ligne {header_line}), "
            "ont été ignorées."
            if header_line > 2
            else "La première ligne, avant la ligne d'en-tête (ligne 2), a été ignorée."
        )
    missing = [name for name in REQUIRED_COLUMNS if name not in header.labels]
    if missing:
        found = ", ".join(f"« {label} »" for label in header.labels.values()) or "aucune colonne reconnue"
        raise InvalidInput(
            "Colonnes obligatoires absentes de la ligne d'en-tête : "
            + ", ".join(f"« {name} »" for name in missing)
            + f". Colonnes reconnues : {found}. Le modèle d'import liste les intitulés acceptés.",
            code="import_missing_columns",
            details=[
                {"field": name, "message": f"La colonne « {name} » est obligatoire."} for name in missing
            ],
        )
    lines: list[tuple[int, dict[str, str]]] = []
    for number, row in enumerate(rows, start=header_line + 1):
        cells = header.cells(row)
        if not any(cells.values()):
            continue  # blank line, or values only in ignored columns
        if len(lines) == max_lines:
            raise InvalidInput(
                f"Le fichier compte plus de {max_lines} lignes de factures : découpez-le en plusieurs "
                f"fichiers de {max_lines} lignes au plus.",
                code="import_too_large",
            )
        lines.append((number, cells))
    if not lines:
        raise InvalidInput(
            "Le fichier ne contient aucune ligne de facture sous la ligne d'en-tête.", code="import_empty"
        )
    return _Import(header.labels, len(lines), on_progress, warnings).run(lines)


# --- Reading the file ---------------------------------------------------------------------------------------


def _decode(data: bytes | str) -> tuple[str, list[str]]:
    if isinstance(data, str):
        return data.removeprefix("\ufeff"), []
    if data.startswith(b"PK\x03\x04"):
        raise InvalidInput(
            "Ce fichier est un classeur Excel, pas un fichier CSV : dans Excel, choisissez « Enregistrer "
            "sous » puis le type « CSV (séparateur : point-virgule) ».",
            code="import_not_csv",
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):  # Excel's « Texte Unicode »
        return data.decode("utf-16"), []
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    return text, ["Le fichier n'est pas encodé en UTF-8 : il a été lu comme un fichier Windows (ANSI)."]


def _records(text: str, delimiter: str) -> Iterator[list[str]]:
    """The CSV records; a malformed file becomes :class:`InvalidInput` when it is read."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from reader
    except csv.Error as error:
        raise InvalidInput(
            f"Le fichier n'est pas un CSV lisible (ligne {reader.line_num}) : {error}.", code="import_not_csv"
        ) from None


def _header_score(row: list[str]) -> int:
    return len({_HEADERS[key] for key in map(_header_key, row) if key in _HEADERS})


def _layout(text: str) -> tuple[str, int]:
    """The delimiter and the header's line number: the first of the first lines naming the most columns
    (a ``sep=;`` first line, written by some Excel versions, decides the delimiter)."""
    first_line = text.lstrip("\r\n").split("\n", 1)[0].strip()
    hinted = re.fullmatch(r"(?i)sep=(.)", first_line)
    candidates = (hinted.group(1),) if hinted else _DELIMITERS
    best = (0, candidates[0], 0)  # (columns recognised, delimiter, line)
    widest = (0, candidates[0], 0)  # (cells of the first non-blank line, delimiter, line)
    for delimiter in candidates:
        try:
            head = list(
                itertools.islice(
                    csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), _HEADER_SEARCH
                )
            )
        except csv.Error:
            continue
        filled = [
            (number, row)
            for number, row in enumerate(head, start=1)
            if not (hinted and number == 1) and any(cell.strip() for cell in row)
        ]
        for number, row in filled:
            if (score := _header_score(row)) > best[0]:
                best = (score, delimiter, number)
        if filled and len(filled[0][1]) > widest[0]:
            widest = (len(filled[0][1]), delimiter, filled[0][0])
    # Without a recognised column, the first non-blank line is the header (and the import will say what
    # it lacks).
    chosen = best if best[0] else widest
    if not chosen[2]:
        raise InvalidInput("Le fichier ne contient aucune ligne lisible.", code="import_empty")
    return chosen[1], chosen[2]


@dataclass
class _Header:
    positions: list[tuple[int, str]]  # (cell index, column name)
    labels: dict[str, str]  # column name -> header as written in the file
    warnings: list[str]

    @classmethod
    def read(cls, row: list[str]) -> _Header:
        positions: list[tuple[int, str]] = []
        labels: dict[str, str] = {}
        unknown: list[str] = []
        warnings: list[str] = []
        for index, raw in enumerate(row):
            label = raw.strip().removeprefix("\ufeff")
            if not label:
                continue
            name = _HEADERS.get(_header_key(label))
            if name is None:
                unknown.append(label)
            elif name in labels:
                warnings.append(
                    f"La colonne « {label} » désigne la même information que « {labels[name]} » ({name}) : "
                    "elle a été ignorée."
                )
            else:
                positions.append((index, name))
                labels[name] = label
        if unknown:
            warnings.insert(
                0,
                "Colonnes non reconnues, ignorées : "
                + ", ".join(f"« {label[:_SHOWN]} »" for label in unknown)
                + ".",
            )
        return cls(positions, labels, warnings)

    def cells(self, row: list[str]) -> dict[str, str]:
        width = len(row)
        return {name: row[index].strip() if index < width else "" for index, name in self.positions}


# --- Cells --------------------------------------------------------------------------------------------------


class _CellError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _shown(raw: str) -> str:
    return raw if len(raw) <= _SHOWN else raw[: _SHOWN - 1] + "…"


_DATE_FR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_DATE_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_CURRENCY = re.compile(r"(?i)\s*(?:€|eur|euros?)\s*$")
_SEPARATORS = re.compile(r"[\s.\-]")


def _parse_date(raw: str) -> dt.date:
    if match := _DATE_FR.fullmatch(raw):
        day, month, year = match.groups()
    elif match := _DATE_ISO.fullmatch(raw):
        year, month, day = match.groups()
    else:
        hint = (
            " : Excel l'a enregistrée comme un nombre ; donnez à la colonne le format Date (JJ/MM/AAAA)"
            if raw.isdigit() and 4 <= len(raw) <= 5
            else " : écrivez-la JJ/MM/AAAA, par exemple 31/01/2026"
        )
        raise _CellError("invalid_date", f"La date « {_shown(raw)} » n'est pas reconnue{hint}.")
    full_year = int(year) + (2000 if len(year) == 2 else 0)
    try:
        date = dt.date(full_year, int(month), int(day))
    except ValueError:
        raise _CellError("invalid_date", f"La date « {raw} » n'existe pas.") from None
    if not 1900 <= date.year <= 2100:
        raise _CellError("invalid_date", f"La date « {raw} » n'est pas plausible (année {date.year}).")
    return date


def _parse_money(raw: str) -> Decimal:
    try:
        return parse_amount(_CURRENCY.sub("", raw))
    except ValueError as error:
        raise _CellError("invalid_amount", str(error)) from None


def _parse_rate(raw: str) -> Decimal:
    try:
        return parse_amount(raw.replace("%", "").strip())
    except ValueError:
        raise _CellError(
            "invalid_rate",
            f"Le taux « {_shown(raw)} » n'est pas un pourcentage : écrivez par exemple « 10 » ou « 12,5 ».",
        ) from None


def _parse_category(raw: str) -> str:
    code = _CATEGORIES.get(_fold(raw))
    if code is None:
        raise _CellError(
            "invalid_category",
            f"La catégorie « {_shown(raw)} » n'est pas reconnue : indiquez société (ou entreprise, "
            "commerçant), artisan, profession libérale, particulier (ou consommateur), association ou "
            "administration (ou collectivité).",
        )
    return code


def _parse_purpose(raw: str) -> str:
    purpose = _PURPOSES.get(_fold(raw))
    if purpose is None:
        raise _CellError(
            "invalid_purpose",
            f"« {_shown(raw)} » n'est pas reconnu : indiquez professionnel (achat pour son activité) ou "
            "privé (achat à titre privé).",
        )
    return purpose


@functools.lru_cache(maxsize=4096)  # a debtor's number comes back on each of its lines
def _parse_company_id(raw: str) -> tuple[str, str]:
    """A SIREN or a SIRET → (siren, siret or "")."""
    compact = _SEPARATORS.sub("", raw)
    if "e+" in compact.casefold():
        raise _CellError(
            "invalid_siren",
            f"Le numéro « {_shown(raw)} » a été converti en nombre par Excel et ses derniers chiffres sont "
            "perdus : donnez à la colonne le format Texte et recopiez les numéros.",
        )
    try:
        if len(compact) == 14:
            siret = validate_siret(compact, "debiteur_siren")
            return siren_from_siret(siret, "debiteur_siren"), siret
        if len(compact) == 9:
            return validate_siren(compact, "debiteur_siren"), ""
    except InvalidIdentifier as error:
        raise _CellError("invalid_siren", error.message) from None
    raise _CellError(
        "invalid_siren",
        f"Le numéro « {_shown(raw)} » n'est ni un SIREN (9 chiffres) ni un SIRET (14 chiffres).",
    )


def _parse_country(raw: str) -> str:
    folded = _fold(raw)
    if folded in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[folded]
    if re.fullmatch(r"[a-z]{2}", folded):
        return folded.upper()
    raise _CellError(
        "invalid_country",
        f"Le pays « {_shown(raw)} » n'est pas reconnu : indiquez son code à 2 lettres (FR, BE, CH…).",
    )


def _euros(amount: Decimal) -> str:
    return f"{amount:,.2f}".replace(",", "\u202f").replace(".", ",") + "\u00a0€"


# --- Lines, groups and the schema ---------------------------------------------------------------------------

# Where the content schema's fields come from: (path in ClaimContent) -> column.
_SHARED_PATHS: dict[tuple[str, ...], str] = {
    ("debtor", "legal_name"): "debiteur_nom",
    ("debtor", "category"): "debiteur_categorie",
    ("debtor", "purpose"): "debiteur_achat",
    ("debtor", "siren"): "debiteur_siren",
    ("debtor", "siret"): "debiteur_siren",
    ("debtor", "address", "line1"): "debiteur_adresse",
    ("debtor", "address", "line2"): "debiteur_adresse2",
    ("debtor", "address", "postal_code"): "debiteur_code_postal",
    ("debtor", "address", "city"): "debiteur_ville",
    ("debtor", "address", "country"): "debiteur_pays",
    ("debtor", "email"): "debiteur_email",
    ("debtor", "phone"): "debiteur_telephone",
    ("contract", "contractual_rate"): "taux_contractuel",
    ("reference",): "reference",
}
_INVOICE_FIELDS = {
    "number": "facture_numero",
    "issue_date": "facture_date",
    "performance_date": "date_livraison",
    "due_date": "echeance",
    "amount_ttc": "montant_ttc",
    "description": "objet",
}
_PAYMENT_FIELDS = {"date": "date_reglement", "amount": "montant_regle", "invoice": "facture_numero"}
# Columns copied as written (the others are parsed first).
_TEXT_COLUMNS = (
    "debiteur_nom",
    "debiteur_adresse",
    "debiteur_adresse2",
    "debiteur_ville",
    "debiteur_email",
    "debiteur_telephone",
    "reference",
)


@dataclass
class _Line:
    number: int
    cells: dict[str, str]
    # The values that belong to the claim rather than to one invoice (debtor, contract rate, reference), by
    # column, blank ones left out ("siret" is not a column: it comes from debiteur_siren when a SIRET is
    # given). Every line of a debtor must agree on them.
    shared: dict[str, Any]
    invoice: dict[str, Any]
    payment: dict[str, Any] | None

    def raw(self, key: str) -> str:
        return self.cells.get("debiteur_siren" if key == "siret" else key, "")


@dataclass
class _Group:
    key: str
    values: dict[str, tuple[Any, _Line]] = field(default_factory=dict)  # key -> (value, line that gave it)
    lines: list[_Line] = field(default_factory=list)
    numbers: dict[str, _Line] = field(default_factory=dict)  # folded invoice number -> line


def _content(shared: Mapping[str, Any], lines: list[_Line]) -> dict[str, Any]:
    """The claim content (as the web form would send it) for these shared values and invoice lines."""

    def value(key: str) -> Any:
        return shared.get(key, "")

    content: dict[str, Any] = {
        "reference": value("reference"),
        "debtor": {
            "category": value("debiteur_categorie"),
            "legal_name": value("debiteur_nom"),
            "siren": value("debiteur_siren"),
            "siret": value("siret"),
            "address": {
                "line1": value("debiteur_adresse"),
                "line2": value("debiteur_adresse2"),
                "postal_code": value("debiteur_code_postal"),
                "city": value("debiteur_ville"),
                "country": shared.get("debiteur_pays", "FR"),
            },
            "email": value("debiteur_email"),
            "phone": value("debiteur_telephone"),
            **({"purpose": shared["debiteur_achat"]} if "debiteur_achat" in shared else {}),
        },
        "invoices": [line.invoice for line in lines],
        "payments": [line.payment for line in lines if line.payment is not None],
    }
    if "taux_contractuel" in shared:
        content["contract"] = {"contractual_rate": shared["taux_contractuel"]}
    return content


def _schema_errors(error: ValidationError) -> Iterable[tuple[str, int, str, str]]:
    """Each schema error as (list name or "", index in that list, column or "", French detail)."""
    for item in error.errors():
        location: tuple[Any, ...] = tuple(item.get("loc", ()))
        context = item.get("ctx") or {}
        cause = context.get("error")
        # A model validator names the field it blames (FieldValueError, InvalidIdentifier): "siren",
        # "due_date" or a whole path such as "invoices[1].number".
        blamed = getattr(cause, "field", None)
        if isinstance(blamed, str) and blamed and (not location or location[-1] != blamed):
            parts = re.findall(r"\[(\d+)\]|([^.\[\]]+)", blamed)
            location += tuple(int(index) if index else name for index, name in parts)
        kind = item.get("type", "")
        if cause is not None:
            detail = str(cause)
        elif kind == "missing" or (kind == "string_too_short" and context.get("min_length", 1) <= 1):
            detail = "La valeur est obligatoire."
        elif kind == "string_too_short":
            detail = f"La valeur doit comporter au moins {context.get('min_length')} caractères."
        elif kind == "string_too_long":
            detail = f"La valeur ne doit pas dépasser {context.get('max_length')} caractères."
        else:
            detail = "La valeur n'est pas valide."
        if len(location) >= 2 and location[0] in ("invoices", "payments") and isinstance(location[1], int):
            fields = _INVOICE_FIELDS if location[0] == "invoices" else _PAYMENT_FIELDS
            column = fields.get(location[2], "") if len(location) > 2 else ""
            yield location[0], location[1], column, detail
        else:
            yield "", 0, _SHARED_PATHS.get(location, ""), detail


def _sentence(detail: str) -> str:
    """A schema message made to follow « Ligne 7, colonne « x » : » (« Le montant… » → « le montant… »)."""
    if len(detail) > 1 and detail[0].isupper() and not detail[1].isupper():
        detail = detail[0].lower() + detail[1:]
    return detail if detail.endswith((".", "…", "?", "!")) else detail + "."


def _same(known: Any, value: Any) -> bool:
    if isinstance(known, str) and isinstance(value, str):
        return known == value or _fold(known) == _fold(value)
    return bool(known == value)


class _Import:
    def __init__(
        self,
        labels: dict[str, str],
        total: int,
        on_progress: Callable[[int, int], None] | None,
        warnings: list[str],
    ) -> None:
        self.labels = labels
        self.total = total
        self.on_progress = on_progress
        self.warnings = warnings
        self.rejected: list[LineRejection] = []
        self.padded_postal_codes: list[int] = []

    def reject(self, line: int, column: str, code: str, detail: str) -> None:
        where = f"Ligne {line}, colonne « {self.labels.get(column, column)} »" if column else f"Ligne {line}"
        self.rejected.append(LineRejection(line, column, f"{where} : {_sentence(detail)}", code))

    def run(self, lines: list[tuple[int, dict[str, str]]]) -> ImportPlan:
        groups: dict[str, _Group] = {}
        for done, (number, cells) in enumerate(lines, start=1):
            line = self.read(number, cells)
            if line is not None:
                self.group(line, groups)
            if self.on_progress is not None and done % _PROGRESS_EVERY == 0 and done < self.total:
                self.on_progress(done, self.total)
        drafts = [draft for group in groups.values() if (draft := self.settle(group)) is not None]
        if self.padded_postal_codes:
            shown = ", ".join(map(str, self.padded_postal_codes[:10]))
            more = "…" if len(self.padded_postal_codes) > 10 else ""
            self.warnings.append(
                "Des codes postaux à 4 chiffres ont été complétés par un 0 initial, qu'Excel efface "
                f"(lignes {shown}{more})."
            )
        if self.on_progress is not None:
            self.on_progress(self.total, self.total)
        rejected = sorted(self.rejected, key=lambda rejection: rejection.line)
        return ImportPlan(self.total, drafts, rejected, self.warnings)

    # One line: cells → typed values → the schema, alone.

    def read(self, number: int, cells: dict[str, str]) -> _Line | None:
        errors: list[tuple[str, str, str]] = []  # (column, code, detail)

        def parsed(column: str, parse: Callable[[str], Any]) -> Any:
            raw = cells.get(column, "")
            if not raw:
                return None
            try:
                return parse(raw)
            except _CellError as error:
                errors.append((column, error.code, str(error)))
                return None

        for name in REQUIRED_COLUMNS:
            if not cells[name]:
                errors.append((name, "missing_value", "La valeur est obligatoire."))
        shared: dict[str, Any] = {}
        for column in _TEXT_COLUMNS:
            if cells.get(column):
                shared[column] = cells[column]
        shared["debiteur_categorie"] = parsed("debiteur_categorie", _parse_category)
        shared["debiteur_achat"] = parsed("debiteur_achat", _parse_purpose)
        siren, siret = parsed("debiteur_siren", _parse_company_id) or ("", "")
        shared.update(debiteur_siren=siren, siret=siret)
        shared["debiteur_pays"] = parsed("debiteur_pays", _parse_country)
        postal_code = cells.get("debiteur_code_postal", "")
        padded = re.fullmatch(r"\d{4}", postal_code) is not None and shared["debiteur_pays"] in (None, "FR")
        shared["debiteur_code_postal"] = "0" + postal_code if padded else postal_code
        shared["taux_contractuel"] = parsed("taux_contractuel", _parse_rate)
        shared = {key: value for key, value in shared.items() if value not in (None, "")}

        invoice: dict[str, Any] = {
            "number": cells["facture_numero"],
            "issue_date": parsed("facture_date", _parse_date),
            "performance_date": parsed("date_livraison", _parse_date),
            "due_date": parsed("echeance", _parse_date),
            "amount_ttc": parsed("montant_ttc", _parse_money),
            "description": cells.get("objet", ""),
        }
        amount, paid, paid_on = invoice["amount_ttc"], parsed("montant_regle", _parse_money), None
        if amount is not None and amount < 0:
            errors.append(
                (
                    "montant_ttc",
                    "negative_amount",
                    "Le montant est négatif : un avoir ne s'importe pas comme une facture ; déduisez-le de "
                    "la facture qu'il corrige (colonnes montant_regle et date_reglement).",
                )
            )
        if paid == 0:
            paid = None  # many exports print 0,00 in the « réglé » column of every line
        elif paid is not None:
            paid_on = parsed("date_reglement", _parse_date)
            if not cells.get("date_reglement"):
                errors.append(
                    (
                        "date_reglement",
                        "payment_incomplete",
                        "La date du règlement manque : un montant réglé est indiqué sur cette ligne.",
                    )
                )
            if amount is not None and paid >= amount:
                errors.append(
                    (
                        "montant_regle",
                        "payment_exceeds_invoice",
                        f"Le montant réglé ({_euros(paid)}) couvre toute la facture ({_euros(amount)}) : "
                        "elle n'est plus impayée.",
                    )
                )
        elif cells.get("date_reglement") and not cells.get("montant_regle"):
            errors.append(
                (
                    "montant_regle",
                    "payment_incomplete",
                    "Le montant réglé manque : une date de règlement est indiquée sur cette ligne.",
                )
            )
        if errors:
            for column, code, detail in errors:
                self.reject(number, column, code, detail)
            return None

        invoice = {key: value for key, value in invoice.items() if value not in (None, "")}
        payment = None
        if paid is not None:
            payment = {"date": paid_on, "amount": paid, "invoice": invoice["number"]}
        line = _Line(number, cells, shared, invoice, payment)
        try:
            ClaimContent.model_validate(_content(shared, [line]))
        except ValidationError as error:
            for _, _, column, detail in _schema_errors(error):
                self.reject(number, column, "invalid_value", detail)
            return None
        if padded:
            self.padded_postal_codes.append(number)
        return line

    # Lines of one debtor: agreement, duplicates.

    def group(self, line: _Line, groups: dict[str, _Group]) -> None:
        shared = line.shared
        key = (
            f"siren:{shared['debiteur_siren']}"
            if "debiteur_siren" in shared
            else f"nom:{_fold(shared['debiteur_nom'])}|{_fold(shared['debiteur_code_postal'])}"
        )
        group = groups.setdefault(key, _Group(key))
        conflicts = False
        for name, value in shared.items():
            known = group.values.get(name)
            if known is not None and not _same(known[0], value):
                conflicts = True
                source = known[1]
                self.reject(
                    line.number,
                    "debiteur_siren" if name == "siret" else name,
                    "debtor_mismatch",
                    f"Le même débiteur figure ligne {source.number} avec une autre valeur "
                    f"(« {_shown(source.raw(name))} » ligne {source.number}, « {_shown(line.raw(name))} » "
                    "ici) : toutes ses factures forment une seule créance, corrigez l'une des deux lignes.",
                )
        if conflicts:
            return
        number = line.invoice["number"]
        earlier = group.numbers.get(number.casefold())
        if earlier is not None:
            self.reject(
                line.number,
                "facture_numero",
                "duplicate_invoice",
                f"La facture n° {_shown(number)} de ce débiteur figure déjà ligne {earlier.number}.",
            )
            return
        if len(group.lines) >= _MAX_INVOICES:
            self.reject(
                line.number,
                "",
                "too_many_invoices",
                f"Ce débiteur a déjà {_MAX_INVOICES} factures dans le fichier, le maximum pour une créance : "
                "importez les suivantes dans un second fichier.",
            )
            return
        for name, value in shared.items():
            group.values.setdefault(name, (value, line))
        group.numbers[number.casefold()] = line
        group.lines.append(line)

    # One debtor's claim: the schema on the whole; a faulty line goes, the others are tried again.

    def settle(self, group: _Group) -> DraftClaim | None:
        lines = list(group.lines)
        while lines:
            shared: dict[str, Any] = {}
            for line in lines:  # the lines agree (see group()): the first one giving a value gives it
                for name, value in line.shared.items():
                    shared.setdefault(name, value)
            try:
                content = ClaimContent.model_validate(_content(shared, lines))
            except ValidationError as error:
                paying = [line for line in lines if line.payment is not None]
                faulty: set[int] = set()
                for kind, index, column, detail in _schema_errors(error):
                    if kind == "invoices" and index < len(lines):
                        blamed = [lines[index]]
                    elif kind == "payments" and index < len(paying):
                        blamed = [paying[index]]
                    else:  # a debtor or contract value: every line of the claim carries it
                        blamed = lines
                    for line in blamed:
                        self.reject(line.number, column, "invalid_value", detail)
                        faulty.add(line.number)
                lines = [line for line in lines if line.number not in faulty]
                continue
            return DraftClaim(group.key, content, tuple(line.number for line in lines))
        return None
