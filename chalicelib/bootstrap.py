"""The composition root: where adapters are built and given what they need from the other layers (the
rendering of emails, for instance), so that no adapter imports the documents layer (ARCHITECTURE.md, the
layer contract in ``make lint``). Entry points (the API blueprints, the task handlers, the local platform's
scripts) get collaborators from here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalicelib.adapters.identity import CognitoIdentityProvider
    from chalicelib.settings import Settings


def send_account_email(email: str, kind: str, context: dict[str, Any]) -> None:
    """Render an account email (a code, an invitation) and send it through SES."""
    from chalicelib.adapters.mailer import send_rendered
    from chalicelib.documents.emails import render_email

    send_rendered(email, render_email(kind, context))


def identity_provider(settings: Settings | None = None) -> CognitoIdentityProvider:
    """The accounts' identity provider (Cognito; locally moto's, which also sends the codes by email)."""
    from chalicelib.adapters import identity

    return identity.identity_provider(settings, mailer=send_account_email)
