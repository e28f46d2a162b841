"""The security suite runs on the in-process local platform, like the integration tests; its service-level
races run on the in-memory adapters (``memory``)."""

from tests.integration.conftest import api, stripe  # noqa: F401  (fixtures)
from tests.memory import memory  # noqa: F401  (fixture)
