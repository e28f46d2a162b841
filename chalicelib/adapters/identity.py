"""Accounts and sign-in with Amazon Cognito user pools (groups = roles).

``CognitoIdentityProvider`` makes the real calls; on AWS, Cognito itself emails the verification codes,
the password-reset codes and the invitations (templates set on the pool). moto's Cognito sends nothing,
so on the local platform ``LocalIdentityProvider`` generates those codes itself, keeps only a salted hash
with an expiry in DynamoDB, emails them in French through SES (templates ``templates/emails/signup_code``,
``password_reset_code``, ``lawyer_invitation``, ``operator_invitation``; the local mailbox shows them) and
checks a code before calling the matching admin API. :func:`identity_provider` picks one from the settings.

Cognito's errors become the domain's typed errors, with French messages, here and nowhere else.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import secrets
import string
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from chalicelib.adapters.aws import client
from chalicelib.adapters.errors import TransientError
from chalicelib.domain.accounts import PASSWORD_RULES_FR, ROLE_LABELS_FR, Role
from chalicelib.domain.errors import (
    AlreadyExists,
    DomainError,
    Forbidden,
    InvalidInput,
    TooManyAttempts,
    Unauthenticated,
)
from chalicelib.settings import Settings, get_settings

if TYPE_CHECKING:
    pass


_BAD_CODE = "Le code de vérification est incorrect."
_EXPIRED_CODE = "Ce code a expiré ; demandez-en un nouveau."
_BAD_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect."


@dataclass(frozen=True)
class Tokens:
    id_token: str
    access_token: str
    refresh_token: str
    expires_in: int

    def as_dict(self) -> dict[str, object]:
        return {
            "id_token": self.id_token,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_in": self.expires_in,
        }


@dataclass(frozen=True)
class NewPasswordRequired:
    """An invited user signs in with their temporary password: they must choose their own."""

    session: str


def _error_for(code: str, message: str, operation: str) -> DomainError | Exception | None:
    if code == "InvalidPasswordException":
        return InvalidInput(
            f"Le mot de passe ne respecte pas les règles : {PASSWORD_RULES_FR}.",
            code="weak_password",
            field="password" if operation != "new_password" else "new_password",
        )
    if code == "UsernameExistsException":
        return AlreadyExists(
            "Un compte existe déjà avec cette adresse e-mail.", code="email_taken", field="email"
        )
    if code == "CodeMismatchException":
        return InvalidInput(_BAD_CODE, code="invalid_code", field="code")
    if code == "ExpiredCodeException":
        return InvalidInput(_EXPIRED_CODE, code="expired_code", field="code")
    if code == "UserNotConfirmedException":
        return Forbidden(
            "Votre adresse e-mail n'est pas encore vérifiée : saisissez le code reçu par e-mail.",
            code="email_not_verified",
        )
    if code in {"NotAuthorizedException", "UserNotFoundException"}:
        if operation in {"sign_in", "new_password"}:
            return Unauthenticated(_BAD_CREDENTIALS, code="invalid_credentials")
        if operation == "confirm" and "CONFIRMED" in message:
            return AlreadyExists(
                "Ce compte est déjà vérifié : vous pouvez vous connecter.", code="already_confirmed"
            )
        return InvalidInput(_BAD_CODE, code="invalid_code", field="code")
    if code in {"LimitExceededException", "TooManyRequestsException", "TooManyFailedAttemptsException"}:
        return TooManyAttempts("Trop de tentatives ; veuillez patienter quelques minutes.")
    if code == "InvalidParameterException":
        return InvalidInput("La demande n'est pas valide (adresse e-mail ou paramètre incorrect).")
    if code in {"InternalErrorException", "ServiceUnavailable", "Throttling"}:
        return TransientError(f"Cognito unavailable: {code}: {message}")
    return None


@contextlib.contextmanager
def _cognito_errors(operation: str) -> Iterator[None]:
    from botocore.exceptions import ClientError

    try:
        yield
    except ClientError as error:
        details = error.response.get("Error", {})
        translated = _error_for(str(details.get("Code", "")), str(details.get("Message", "")), operation)
        if translated is None:
            raise
        raise translated from error


class CognitoIdentityProvider:
    """Users are named by their email (the pool's ``UsernameAttributes``); ``sub`` is their stable id."""

    def __init__(self, user_pool_id: str, client_id: str) -> None:
        self.user_pool_id = user_pool_id
        self.client_id = client_id

    @property
    def _cognito(self) -> Any:
        return client("cognito-idp")

    # --- creditors sign themselves up -----------------------------------------------------------------
    def sign_up(self, email: str, password: str) -> str:
        """Create an unconfirmed user in the creditor group; returns their ``sub``."""
        with _cognito_errors("sign_up"):
            response = self._cognito.sign_up(
                ClientId=self.client_id,
                Username=email,
                Password=password,
                UserAttributes=[{"Name": "email", "Value": email}],
            )
            self.add_to_group(email, Role.CREDITOR)
        return str(response["UserSub"])

    def confirm_sign_up(self, email: str, code: str) -> None:
        with _cognito_errors("confirm"):
            self._cognito.confirm_sign_up(ClientId=self.client_id, Username=email, ConfirmationCode=code)

    def resend_code(self, email: str) -> None:
        with contextlib.suppress(InvalidInput, AlreadyExists), _cognito_errors("confirm"):
            self._cognito.resend_confirmation_code(ClientId=self.client_id, Username=email)

    def add_to_group(self, email: str, role: Role) -> None:
        with _cognito_errors("admin"):
            self._cognito.admin_add_user_to_group(
                UserPoolId=self.user_pool_id, Username=email, GroupName=role.value
            )

    # --- sign-in --------------------------------------------------------------------------------------
    def sign_in(self, email: str, password: str) -> Tokens | NewPasswordRequired:
        with _cognito_errors("sign_in"):
            response = self._cognito.initiate_auth(
                ClientId=self.client_id,
                AuthFlow="USER_PASSWORD_AUTH",
                AuthParameters={"USERNAME": email, "PASSWORD": password},
            )
        return self._tokens_or_challenge(response)

    def complete_new_password(self, email: str, session: str, new_password: str) -> Tokens:
        with _cognito_errors("new_password"):
            response = self._cognito.respond_to_auth_challenge(
                ClientId=self.client_id,
                ChallengeName="NEW_PASSWORD_REQUIRED",
                Session=session,
                ChallengeResponses={"USERNAME": email, "NEW_PASSWORD": new_password},
            )
        result = self._tokens_or_challenge(response)
        if not isinstance(result, Tokens):
            raise Unauthenticated(_BAD_CREDENTIALS, code="invalid_credentials")
        return result

    @staticmethod
    def _tokens_or_challenge(response: dict[str, Any]) -> Tokens | NewPasswordRequired:
        if response.get("ChallengeName") == "NEW_PASSWORD_REQUIRED":
            return NewPasswordRequired(session=str(response["Session"]))
        result = response.get("AuthenticationResult")
        if not result:
            raise Unauthenticated(
                "Cette méthode de connexion n'est pas prise en charge pour ce compte.",
                code="unsupported_challenge",
            )
        return Tokens(
            id_token=result["IdToken"],
            access_token=result["AccessToken"],
            refresh_token=result.get("RefreshToken", ""),
            expires_in=int(result.get("ExpiresIn", 3600)),
        )

    # --- forgotten password ---------------------------------------------------------------------------
    def forgot_password(self, email: str) -> None:
        with contextlib.suppress(InvalidInput, Unauthenticated), _cognito_errors("forgot"):
            # An unknown address gets the same answer as a known one (no account enumeration).
            self._cognito.forgot_password(ClientId=self.client_id, Username=email)

    def confirm_forgot_password(self, email: str, code: str, new_password: str) -> None:
        with _cognito_errors("reset"):
            self._cognito.confirm_forgot_password(
                ClientId=self.client_id, Username=email, ConfirmationCode=code, Password=new_password
            )

    # --- operators invite lawyers (and create operators) ----------------------------------------------
    def invite(self, email: str, role: Role) -> str:
        """Create a user with a temporary password that Cognito emails them; returns their ``sub``."""
        user_id = self._create_invited(email)
        self.add_to_group(email, role)
        return user_id

    def _create_invited(self, email: str, **options: Any) -> str:
        with _cognito_errors("invite"):
            response = self._cognito.admin_create_user(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[
                    {"Name": "email", "Value": email},
                    {"Name": "email_verified", "Value": "true"},
                ],
                DesiredDeliveryMediums=["EMAIL"],
                **options,
            )
        return _sub_of(response["User"])

    def create_user(self, email: str, password: str, role: Role) -> str:
        """A confirmed user with a permanent password, without any email (demo accounts of the local
        platform). Idempotent: an existing user keeps their password and gets the group."""
        existing = self.user_id(email)
        if existing is None:
            existing = self._create_invited(email, TemporaryPassword=password, MessageAction="SUPPRESS")
            with _cognito_errors("admin"):
                self._cognito.admin_set_user_password(
                    UserPoolId=self.user_pool_id, Username=email, Password=password, Permanent=True
                )
        self.add_to_group(email, role)
        return existing

    def is_confirmed(self, email: str) -> bool | None:
        """Whether the user with this email has verified it (None: no such user)."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
        except self._cognito.exceptions.UserNotFoundException:
            return None
        return bool(user.get("UserStatus") != "UNCONFIRMED")

    def user_id(self, email: str) -> str | None:
        """The ``sub`` of the user with this email, or None."""
        try:
            user = self._cognito.admin_get_user(UserPoolId=self.user_pool_id, Username=email)
        except self._cognito.exceptions.UserNotFoundException:
            return None
        return _sub_of({"Attributes": user["UserAttributes"]})

    def delete(self, email: str) -> None:
        with contextlib.suppress(self._cognito.exceptions.UserNotFoundException):
            self._cognito.admin_delete_user(UserPoolId=self.user_pool_id, Username=email)


def _sub_of(user: dict[str, Any]) -> str:
    return next(str(a["Value"]) for a in user.get("Attributes", []) if a["Name"] == "sub")


# --- the local platform --------------------------------------------------------------------------------


class LocalCodeStore:
    """Salted hashes of one-time codes with an expiry and an attempt counter (DynamoDB, local only)."""

    MAX_ATTEMPTS = 5

    def issue(self, purpose: str, email: str, lifetime: timedelta) -> str:
        from chalicelib.adapters.dynamo import LocalCodeModel

        code = "".join(secrets.choice(string.digits) for _ in range(6))
        salt = secrets.token_hex(16)
        LocalCodeModel(
            f"{purpose}#{email.lower()}",
            code_hash=_hash(salt, code),
            salt=salt,
            expires_at=datetime.now(UTC) + lifetime,
            attempts=0,
        ).save()
        return code

    def check(self, purpose: str, email: str, code: str) -> None:
        """Raise unless ``code`` is the last one issued, unexpired, within the attempts allowed."""
        from pynamodb.exceptions import UpdateError

        from chalicelib.adapters.dynamo import LocalCodeModel

        try:
            item = LocalCodeModel.get(f"{purpose}#{email.lower()}", consistent_read=True)
        except LocalCodeModel.DoesNotExist:
            raise InvalidInput(_BAD_CODE, code="invalid_code", field="code") from None
        if item.expires_at < datetime.now(UTC):
            raise InvalidInput(_EXPIRED_CODE, code="expired_code", field="code")
        # The attempt is counted before the code is compared, atomically and only while under the
        # limit: concurrent guesses cannot all be evaluated (the API's abuse limits count per account too).
        try:
            item.update(
                actions=[LocalCodeModel.attempts.add(1)],
                condition=(LocalCodeModel.attempts < self.MAX_ATTEMPTS)
                & (LocalCodeModel.code_hash == item.code_hash),
            )
        except UpdateError:  # used up, or replaced by a newer code meanwhile
            raise InvalidInput(_EXPIRED_CODE, code="expired_code", field="code") from None
        if not hmac.compare_digest(item.code_hash, _hash(item.salt, code.strip())):
            raise InvalidInput(_BAD_CODE, code="invalid_code", field="code")

    def discard(self, purpose: str, email: str) -> None:
        from chalicelib.adapters.dynamo import LocalCodeModel

        LocalCodeModel(f"{purpose}#{email.lower()}").delete()


def _hash(salt: str, code: str) -> str:
    return hashlib.sha256(f"{salt}:{code}".encode()).hexdigest()


def temporary_password() -> str:
    """Satisfies PASSWORD_POLICY: upper, lower, digits, 14 characters."""
    alphabet = string.ascii_letters + string.digits
    body = "".join(secrets.choice(alphabet) for _ in range(11))
    return secrets.choice(string.ascii_uppercase) + secrets.choice(string.ascii_lowercase) + body + "7"


# Sends one account email (its kind and context, e.g. ``signup_code``) to one address: rendering it belongs
# to the documents layer, so the composition root (``chalicelib/bootstrap.py``) wires it in.
AccountMailer = Callable[[str, str, dict[str, Any]], object]
SIGNUP_CODE_LIFETIME = timedelta(hours=24)
RESET_CODE_LIFETIME = timedelta(hours=1)
INVITATION_EMAILS: dict[Role, str] = {Role.LAWYER: "lawyer_invitation", Role.OPERATOR: "operator_invitation"}


def _minutes(lifetime: timedelta) -> int:
    return int(lifetime.total_seconds() // 60)


class LocalIdentityProvider(CognitoIdentityProvider):
    """moto's Cognito plus what it does not do: send the codes and invitations (through SES)."""

    def __init__(
        self,
        user_pool_id: str,
        client_id: str,
        *,
        public_url: str,
        mailer: AccountMailer,
        codes: LocalCodeStore,
    ) -> None:
        super().__init__(user_pool_id, client_id)
        self.public_url = public_url.rstrip("/")
        self.mailer = mailer
        self.codes = codes

    def sign_up(self, email: str, password: str) -> str:
        user_id = super().sign_up(email, password)
        self._send_signup_code(email)
        return user_id

    def resend_code(self, email: str) -> None:
        if self.user_id(email) is not None:
            self._send_signup_code(email)

    def _send(self, email: str, kind: str, context: dict[str, Any]) -> None:
        self.mailer(email, kind, context)

    def _send_signup_code(self, email: str) -> None:
        code = self.codes.issue("signup", email, SIGNUP_CODE_LIFETIME)
        self._send(email, "signup_code", {"code": code, "expires_in_minutes": _minutes(SIGNUP_CODE_LIFETIME)})

    def confirm_sign_up(self, email: str, code: str) -> None:
        self.codes.check("signup", email, code)
        with _cognito_errors("confirm"):
            self._cognito.admin_confirm_sign_up(UserPoolId=self.user_pool_id, Username=email)
            self._cognito.admin_update_user_attributes(
                UserPoolId=self.user_pool_id,
                Username=email,
                UserAttributes=[{"Name": "email_verified", "Value": "true"}],
            )
        self.codes.discard("signup", email)

    def forgot_password(self, email: str) -> None:
        if self.user_id(email) is None:
            return  # the same answer as for a known address
        code = self.codes.issue("reset", email, RESET_CODE_LIFETIME)
        self._send(
            email, "password_reset_code", {"code": code, "expires_in_minutes": _minutes(RESET_CODE_LIFETIME)}
        )

    def confirm_forgot_password(self, email: str, code: str, new_password: str) -> None:
        self.codes.check("reset", email, code)
        with _cognito_errors("reset"):
            self._cognito.admin_set_user_password(
                UserPoolId=self.user_pool_id, Username=email, Password=new_password, Permanent=True
            )
        self.codes.discard("reset", email)

    def invite(self, email: str, role: Role) -> str:
        if role not in INVITATION_EMAILS:
            label = ROLE_LABELS_FR[role]
            raise InvalidInput(f"Le rôle « {label} » ne s'obtient pas sur invitation.", field="role")
        temporary = temporary_password()
        # moto sends nothing anyway; SUPPRESS says so, and the invitation is sent here.
        user_id = self._create_invited(email, TemporaryPassword=temporary, MessageAction="SUPPRESS")
        self.add_to_group(email, role)
        self._send(
            email,
            INVITATION_EMAILS[role],
            {"email": email, "temporary_password": temporary, "sign_in_url": f"{self.public_url}/"},
        )
        return user_id


def identity_provider(
    settings: Settings | None = None, *, mailer: AccountMailer | None = None
) -> CognitoIdentityProvider:
    """Cognito on AWS; locally moto's Cognito plus the codes and invitations it does not send, through
    ``mailer`` (wired by :func:`chalicelib.bootstrap.identity_provider`; without one, no account email can
    leave and trying says so)."""
    settings = settings or get_settings()
    if settings.local_mode:
        return LocalIdentityProvider(
            settings.cognito_user_pool_id,
            settings.cognito_client_id,
            public_url=settings.public_url,
            mailer=mailer or _no_mailer,
            codes=LocalCodeStore(),
        )
    return CognitoIdentityProvider(settings.cognito_user_pool_id, settings.cognito_client_id)


def _no_mailer(email: str, kind: str, context: dict[str, Any]) -> None:
    raise RuntimeError(
        f"no account mailer wired for {kind!r}: "
        "build the provider with chalicelib.bootstrap.identity_provider"
    )
