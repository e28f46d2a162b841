"""A debtor company as the public registry knows it (« API Recherche d'entreprises »: SIRENE + RNE data), and
the engine's debtor category it suggests.

Pure: :func:`companies_from_answer` reads the API's documented answer (``GET /search``: ``results[]`` with
``siren``, ``nom_complet``, ``nom_raison_sociale``, ``nature_juridique``, ``etat_administratif``,
``date_fermeture``, ``siege{siret, adresse, code_postal, libelle_commune, numero_voie, type_voie,
libelle_voie, complement_adresse, etat_administratif, activite_principale_registre_metier, liste_enseignes,
nom_commercial}``, ``complements{est_entrepreneur_individuel, est_association}``, ``tva[]``); the creditor
picks one result, whose fields then fill the debtor step (still editable).

The category is a suggestion, never a decision: RULEBOOK 1.1 asks the platform to capture the debtor's kind
(commerçant, artisan, société commerciale, SEL/liberal professional, consumer, non-professional legal
person, public entity…). Reading it from the INSEE *catégorie juridique* is a POLICY table
(:data:`CATEGORY_BY_LEGAL_FORM`), each entry with its reason; the forms it cannot tell (a sole trader's trade,
a société civile professionnelle, a foreign or unincorporated body) suggest nothing and say why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SOURCE = "API Recherche d'entreprises (Sirene de l'Insee, RNE de l'INPI)"

# POLICY (RULEBOOK 1.1, debtor_kind): INSEE catégorie juridique (4 digits, by prefix, the longest that
# matches) → the engine's debtor category, with the reason shown to the creditor. None: the form cannot tell.
CATEGORY_BY_LEGAL_FORM: Mapping[str, tuple[str | None, str]] = {
    "1000": (None, "entrepreneur individuel : commerçant, artisan ou profession libérale selon son activité"),
    "2": (None, "groupement sans personnalité morale (indivision, société en participation) : à qualifier"),
    "3": (None, "personne morale de droit étranger : hors du champ automatique (RULEBOOK 1.1)"),
    "4": ("public_entity", "personne morale de droit public soumise au droit commercial"),
    "5": ("commercant", "société commerciale (SARL, SA, SAS, SNC…)"),
    "5195": ("non_professional_legal_person", "association coopérative inscrite (droit local)"),
    "5385": ("sel", "société d'exercice libéral en commandite par actions"),
    "5485": ("sel", "société d'exercice libéral à responsabilité limitée"),
    "5585": ("sel", "société d'exercice libéral à forme anonyme à conseil d'administration"),
    "5685": ("sel", "société d'exercice libéral à forme anonyme à directoire"),
    "5785": ("sel", "société d'exercice libéral par actions simplifiée"),
    "6": (None, "autre personne morale de droit privé (société civile, GIE, coopérative…) : à qualifier"),
    "6540": ("non_professional_legal_person", "société civile immobilière"),
    "6541": ("non_professional_legal_person", "société civile immobilière de construction-vente"),
    "7": ("public_entity", "personne morale de droit public"),
    "8": (None, "organisme privé spécialisé (mutuelle, comité social, syndicat…) : à qualifier"),
    "9": ("non_professional_legal_person", "association, fondation ou autre groupement de droit privé"),
}
SOLE_TRADER = "1000"
ARTISAN_REASON = "entrepreneur individuel inscrit au registre des métiers : artisan"


@dataclass(frozen=True)
class CategorySuggestion:
    category: str | None  # one of chalicelib.domain.claim_content.DebtorCategory, or None
    reason: str


@dataclass(frozen=True)
class Company:
    siren: str
    name: str  # the legal name; for a sole trader, the person's name
    trade_name: str  # the trade name (enseigne / nom commercial), "" when none
    legal_form_code: str  # INSEE catégorie juridique
    sole_trader: bool
    head_office_siret: str
    address_line: str  # street line of the head office (numéro, type et libellé de voie)
    address_complement: str
    postal_code: str
    city: str
    active: bool
    closed_on: dt.date | None
    vat_numbers: tuple[str, ...]
    suggestion: CategorySuggestion

    @property
    def finding(self) -> str:
        """What the creditor must read before going on: a closed company blocks nothing by itself."""
        if self.active:
            return ""
        when = f" le {self.closed_on.strftime('%d/%m/%Y')}" if self.closed_on else ""
        return (
            f"Selon le registre, cette entreprise a cessé son activité{when}. Vérifiez l'identité de votre "
            "débiteur : une entreprise cessée peut avoir été liquidée ou reprise."
        )


def suggested_category(legal_form_code: str, *, craft_register: bool = False) -> CategorySuggestion:
    """The debtor category a catégorie juridique suggests (:data:`CATEGORY_BY_LEGAL_FORM`)."""
    code = (legal_form_code or "").strip()
    if code == SOLE_TRADER and craft_register:
        return CategorySuggestion("artisan", ARTISAN_REASON)
    for length in range(len(code), 0, -1):
        found = CATEGORY_BY_LEGAL_FORM.get(code[:length])
        if found is not None:
            return CategorySuggestion(*found)
    return CategorySuggestion(None, f"catégorie juridique « {code or 'inconnue'} » : à qualifier")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _day(value: Any) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _street(head_office: Mapping[str, Any]) -> str:
    parts = [
        head_office.get(key) for key in ("numero_voie", "indice_repetition", "type_voie", "libelle_voie")
    ]
    street = " ".join(_text(part) for part in parts if _text(part))
    if street:
        return street
    # Only the built address: drop the postal code and the city at its end.
    built = _text(head_office.get("adresse"))
    tail = " ".join(
        _text(head_office.get(key)) for key in ("code_postal", "libelle_commune") if head_office.get(key)
    )
    return built[: -len(tail)].strip() if tail and built.endswith(tail) else built


def company_from_result(result: Mapping[str, Any]) -> Company:
    """One ``results[]`` item of the API's answer."""
    head_office: Mapping[str, Any] = result.get("siege") or {}
    complements: Mapping[str, Any] = result.get("complements") or {}
    code = _text(result.get("nature_juridique"))
    sole_trader = bool(complements.get("est_entrepreneur_individuel")) or code == SOLE_TRADER
    signs: Sequence[Any] = head_office.get("liste_enseignes") or ()
    trade_name = _text(head_office.get("nom_commercial")) or next((_text(s) for s in signs if _text(s)), "")
    name = _text(result.get("nom_raison_sociale")) or _text(result.get("nom_complet"))
    if sole_trader:  # the person: « PRÉNOM NOM (NOM D'USAGE OU ENSEIGNE) » → the name, the sign as trade name
        full = _text(result.get("nom_complet"))
        person, _, usual = full.partition(" (")
        name = person or name
        trade_name = trade_name or usual.rstrip(")")
    return Company(
        siren=_text(result.get("siren")),
        name=name,
        trade_name=trade_name,
        legal_form_code=code,
        sole_trader=sole_trader,
        head_office_siret=_text(head_office.get("siret")),
        address_line=_street(head_office),
        address_complement=_text(head_office.get("complement_adresse")),
        postal_code=_text(head_office.get("code_postal")),
        city=_text(head_office.get("libelle_commune")),
        # « C » (cessée) for a legal unit; « F » (fermé) is the establishments' word, accepted too.
        active=_text(result.get("etat_administratif")) not in {"C", "F"},
        closed_on=_day(result.get("date_fermeture")),
        vat_numbers=tuple(_text(number) for number in result.get("tva") or () if _text(number)),
        suggestion=suggested_category(
            code, craft_register=bool(head_office.get("activite_principale_registre_metier"))
        ),
    )


def companies_from_answer(answer: Mapping[str, Any]) -> list[Company]:
    """Every company of an answer of ``GET /search`` (``{"results": [...], "total_results": …}``)."""
    results = answer.get("results")
    if not isinstance(results, list):
        raise ValueError("réponse du registre illisible : « results » manquant")
    return [company_from_result(result) for result in results if isinstance(result, Mapping)]
