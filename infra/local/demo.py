"""Demo accounts of the local platform (never on AWS): an operator, a creditor with a complete profile and
a partner lawyer, created idempotently at every ``make run`` with fixed, local-only passwords."""

from __future__ import annotations

from dataclasses import dataclass

from chalicelib.adapters.accounts_repository import AccountRepository
from chalicelib.bootstrap import identity_provider
from chalicelib.domain.accounts import Account, CreditorProfile, LawyerProfile, PostalAddress, Role
from chalicelib.settings import Settings


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    email: str
    password: str
    creditor: CreditorProfile | None = None
    lawyer: LawyerProfile | None = None


DEMO_ACCOUNTS = (
    DemoAccount(Role.OPERATOR, "operateur@demo.localhost", "Operateur2026"),
    DemoAccount(
        Role.CREDITOR,
        "creancier@demo.localhost",
        "Creancier2026",
        creditor=CreditorProfile(
            legal_name="Atelier Dupont SARL",
            category="commercant",
            legal_form="SARL",
            siren="732829320",
            siret="73282932000074",
            address=PostalAddress(line1="12 rue de la République", postal_code="69002", city="Lyon"),
            contact_name="Claire Dupont",
            phone="04 72 00 00 00",
            iban="FR1420041010050500013M02606",
            signatory_name="Claire Dupont",
            signatory_title="Gérante",
        ),
    ),
    DemoAccount(
        Role.LAWYER,
        "avocat@demo.localhost",
        "Avocat2026x",
        lawyer=LawyerProfile(
            name="Maître Jeanne Martin",
            barreau="Lyon",
            firm="Martin Avocats",
            phone="04 78 00 00 00",
            courts=("Tribunal judiciaire de Lyon", "Tribunal de commerce de Lyon"),
            regions=("Auvergne-Rhône-Alpes",),
            departements=("69",),
        ),
    ),
)


def ensure_demo_accounts(settings: Settings) -> tuple[DemoAccount, ...]:
    """Create what is missing (users, groups, account items); an existing demo account is left as is."""
    users = identity_provider(settings)
    accounts = AccountRepository()
    for demo in DEMO_ACCOUNTS:
        user_id = users.create_user(demo.email, demo.password, demo.role)
        if accounts.find(user_id) is None:
            accounts.create(
                Account(user_id, demo.email, demo.role, creditor=demo.creditor, lawyer=demo.lawyer)
            )
    return DEMO_ACCOUNTS
