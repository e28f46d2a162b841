"""The public side of accounts behind the abuse limits: sign-up, email verification, sign-in, new codes and
password reset.

Every use case counts its attempt against the limits (``chalicelib/domain/abuse.py``) *before* anything is
evaluated, per account (the email address) and per client address, and raises ``LimitExceeded`` (429) once
over. The answers do not tell whether an address has an account: a sign-up with a taken address answers
as a new one does (the owner is emailed instead), a new code or a reset for an unknown address answers as
for a known one, and the limits count the address whether or not it exists.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from chalicelib.domain.accounts import PASSWORD_RULES_FR, Account, Role, meets_password_policy
from chalicelib.domain.errors import AlreadyExists, InvalidInput
from chalicelib.services.accounts import normalise_email
from chalicelib.services.ports import AccountStore, Limiter, PublicIdentityProvider

# Tells the owner of an address that someone tried to sign up with it (the API sends the email).
OwnerNotice = Callable[[str], None]


def _check_password(password: str, field: str) -> None:
    if not meets_password_policy(password):
        raise InvalidInput(
            f"Le mot de passe ne respecte pas les règles : {PASSWORD_RULES_FR}.",
            code="weak_password",
            field=field,
        )


def sign_up(
    email: str,
    password: str,
    *,
    client_ip: str,
    users: PublicIdentityProvider,
    accounts: AccountStore,
    limiter: Limiter,
    tell_owner: OwnerNotice,
) -> None:
    """A new address gets an unconfirmed creditor account and a code; a taken one gets no new account: its
    owner is emailed (or, still unconfirmed, sent a new code). The caller cannot tell which happened."""
    email = normalise_email(email)
    _check_password(password, "password")  # the same 400 whether or not the address is taken
    limiter.hit("sign_up_ip", client_ip)
    limiter.hit("mail_account", email)
    try:
        user_id = users.sign_up(email, password)
    except AlreadyExists:
        if users.is_confirmed(email) is False:
            users.resend_code(email)
        else:
            tell_owner(email)
        return
    with contextlib.suppress(AlreadyExists):  # a retried sign-up: the account item is there already
        accounts.create(Account(user_id=user_id, email=email, role=Role.CREDITOR))


def confirm(
    email: str, code: str, *, client_ip: str, users: PublicIdentityProvider, limiter: Limiter
) -> None:
    email = normalise_email(email)
    limiter.hit("code_ip", client_ip)
    limiter.hit("code_account", f"signup:{email}")
    users.confirm_sign_up(email, code)


def resend_code(email: str, *, client_ip: str, users: PublicIdentityProvider, limiter: Limiter) -> None:
    email = normalise_email(email)
    limiter.hit("mail_ip", client_ip)
    limiter.hit("mail_account", email)
    users.resend_code(email)


def sign_in(
    email: str, password: str, *, client_ip: str, users: PublicIdentityProvider, limiter: Limiter
) -> object:
    """Tokens (or the new-password challenge). Counted before the password is checked; a success gives
    its places back, so only failures add up (N wrong passwords lock the account for the window, and the
    right one is refused too until it ends)."""
    email = normalise_email(email)
    by_ip = limiter.hit("sign_in_ip", client_ip)
    by_account = limiter.hit("sign_in_account", email)
    result = users.sign_in(email, password)
    limiter.give_back(by_account)
    limiter.give_back(by_ip)
    return result


def forgot_password(email: str, *, client_ip: str, users: PublicIdentityProvider, limiter: Limiter) -> None:
    email = normalise_email(email)
    limiter.hit("mail_ip", client_ip)
    limiter.hit("mail_account", email)
    users.forgot_password(email)


def reset_password(
    email: str,
    code: str,
    new_password: str,
    *,
    client_ip: str,
    users: PublicIdentityProvider,
    limiter: Limiter,
) -> None:
    email = normalise_email(email)
    _check_password(new_password, "new_password")  # a weak password does not use up a guess
    limiter.hit("code_ip", client_ip)
    limiter.hit("code_account", f"reset:{email}")
    users.confirm_forgot_password(email, code, new_password)
