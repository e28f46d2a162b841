"""The security suite runs on the in-process local platform, like the integration tests."""

from tests.integration.conftest import api, stripe  # noqa: F401  (fixtures)
