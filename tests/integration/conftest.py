from __future__ import annotations

import pytest
from chalice.test import Client


@pytest.fixture
def api(aws):
    """The Chalice test client on the in-process local platform (authorizer included)."""
    import app

    with Client(app.app, stage_name="local") as client:
        yield client
