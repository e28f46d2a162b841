"""The documented columns of the aged-balance import file and the words accepted in them.

Changes when a column, an accepted header or an accepted word is added; ``docs/import-csv.md`` shows
:func:`columns_markdown` (a test keeps the two identical).
"""

from __future__ import annotations

from dataclasses import dataclass


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
