"""Administration commands run by whoever deploys the platform (not part of the runtime).

    CLAIMS_STAGE=prod AWS_PROFILE=… python -m infra.admin create-operator operateur@example.fr

creates the first operator in the configured Cognito user pool (``COGNITO_USER_POOL_ID``, or
``--user-pool-id``): Cognito emails them a temporary password, and they choose their own at the first
sign-in. Their account item is written to the accounts table (``ACCOUNTS_TABLE``) of the stage.

    CLAIMS_STAGE=prod AWS_PROFILE=… python -m infra.admin rebuild-totals

sets every creditor's dashboard totals (``CLAIM_TOTALS_TABLE``) from their claims: once after upgrading
from a version that kept none (run it while nothing writes claims: a full scan of the claims table).

    CLAIMS_STAGE=prod AWS_PROFILE=… python -m infra.admin backfill-lawyer-due

gives every claim entrusted to a lawyer its place in their list (``lawyer_due``, the ``by_lawyer_due``
index's sort key) where it is missing or stale: ``make deploy`` runs the same backfill after the stack; run
it again when a function still on the previous code wrote claims during a deploy (idempotent, conditioned
on each claim's version, which it does not change).

    CLAIMS_STAGE=prod POSTAL_PROVIDER=maileva MAILEVA_… python -m infra.admin maileva-subscribe https://<api>/v1/webhooks/maileva

subscribes the platform's webhook to Maileva's notification center (the registered letters' events), with
the Basic credentials ``MAILEVA_WEBHOOK_LOGIN`` / ``_PASSWORD``; only the missing subscriptions are created.
"""

from __future__ import annotations

import argparse
import os
import sys


def create_operator(email: str) -> str:
    from chalicelib.adapters.accounts_repository import AccountRepository
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Role
    from chalicelib.services.accounts import invite_account

    account = invite_account(email, Role.OPERATOR, users=identity_provider(), accounts=AccountRepository())
    return account.user_id


def maileva_subscribe(callback_url: str) -> int:
    from chalicelib.adapters.postal import postal_sender
    from chalicelib.settings import get_settings

    sender = postal_sender(get_settings())
    if not hasattr(sender, "subscribe"):
        print("Échec : POSTAL_PROVIDER n'est pas « maileva ».", file=sys.stderr)
        return 1
    created = sender.subscribe(callback_url)
    print(f"Abonnements créés : {len(created)} ({', '.join(created) or 'tous existaient déjà'}).")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m infra.admin", description="Administration de la plateforme."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    operator = commands.add_parser(
        "create-operator", help="crée un opérateur ; Cognito lui envoie un mot de passe provisoire"
    )
    operator.add_argument("email")
    operator.add_argument("--user-pool-id", default=os.environ.get("COGNITO_USER_POOL_ID", ""))
    commands.add_parser(
        "rebuild-totals",
        help="recalcule les totaux des tableaux de bord des créanciers depuis leurs créances",
    )
    commands.add_parser(
        "backfill-lawyer-due",
        help="place chaque dossier confié à un avocat dans sa liste (date pour agir) s'il n'y est pas",
    )
    subscribe = commands.add_parser(
        "maileva-subscribe", help="abonne le webhook de la plateforme aux événements des lettres recommandées"
    )
    subscribe.add_argument("callback_url")
    args = parser.parse_args(argv)

    if args.command == "maileva-subscribe":
        return maileva_subscribe(args.callback_url)
    if args.command == "rebuild-totals":
        from chalicelib.adapters.claims_repository import ClaimRepository

        corrected = ClaimRepository(wake_sender=None).rebuild_totals()
        print(f"Totaux recalculés : {corrected} ligne(s) corrigée(s).")
        return 0
    if args.command == "backfill-lawyer-due":
        from chalicelib.adapters.claims_repository import ClaimRepository

        written = ClaimRepository(wake_sender=None).backfill_lawyer_due()
        print(f"Listes des avocats : {written} dossier(s) replacé(s).")
        return 0
    if not args.user_pool_id:
        parser.error("indiquez le user pool : --user-pool-id ou la variable COGNITO_USER_POOL_ID")
    os.environ["COGNITO_USER_POOL_ID"] = args.user_pool_id

    from chalicelib.domain.errors import DomainError
    from chalicelib.settings import get_settings

    get_settings.cache_clear()
    settings = get_settings()
    try:
        user_id = create_operator(args.email)
    except DomainError as error:
        print(f"Échec : {error.message}", file=sys.stderr)
        return 1
    print(
        f"Opérateur créé : {args.email} (identifiant {user_id}) dans {settings.cognito_user_pool_id}, "
        f"étape « {settings.stage} ». "
        + (
            "Invitation visible dans la boîte mail locale."
            if settings.local_mode
            else "Cognito lui envoie son mot de passe provisoire par e-mail."
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
