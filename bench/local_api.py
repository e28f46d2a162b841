"""For the benchmarks: the app on the embedded local AWS (in-process moto, provisioned like ``make run``) and
a signed-in creditor, through Chalice's test client with the real authorizer."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

PASSWORD = "Motdepasse2026"


@dataclass
class SignedIn:
    api: Any  # chalice.test.Client
    token: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}


@contextmanager
def signed_in_creditor(email: str = "bench@example.fr") -> Iterator[SignedIn]:
    for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")]:
        os.environ.pop(variable)
    os.environ.update(
        {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "eu-west-3"}
    )
    from chalice.test import Client
    from moto import mock_aws

    from chalicelib.adapters.aws import reset_clients
    from chalicelib.bootstrap import identity_provider
    from chalicelib.domain.accounts import Role
    from chalicelib.settings import get_settings
    from infra.local import localaws
    from infra.local.provision import provision

    for noisy in ("facturx", "factur-x", "claims"):
        logging.getLogger(noisy).setLevel(logging.CRITICAL)
    localaws.install(time_scale=1e9)
    reset_clients()
    try:
        with mock_aws(config=localaws.MOTO_CONFIG):
            import app

            provisioned = provision(get_settings(), app.app)
            os.environ.update(
                provisioned.cognito_environment(localaws.moto_jwks_file_url())
                | {"CLAIMS_ALLOW_LOCAL_SIGNING_KEY": "1"}
            )
            get_settings.cache_clear()
            users = identity_provider()
            users.create_user(email, PASSWORD, Role.CREDITOR)
            token = users.sign_in(email, PASSWORD).as_dict()["id_token"]  # type: ignore[union-attr]
            with Client(app.app, stage_name="local") as api:
                yield SignedIn(api, token)
    finally:
        reset_clients()
        get_settings.cache_clear()
