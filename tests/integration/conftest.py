from __future__ import annotations

import pytest
from chalice.test import Client


@pytest.fixture
def api(aws):
    """The Chalice test client on the in-process local platform (authorizer included)."""
    import app

    with Client(app.app, stage_name="local") as client:
        yield client


@pytest.fixture
def stripe(aws, monkeypatch):
    """The local Stripe simulation on a free port (webhooks are delivered by the tests themselves), and
    claims assessed on 31 March 2025 (inside the rate tables)."""
    from chalicelib.settings import get_settings
    from infra.local.fake_stripe import serve_fake_stripe

    fake, server = serve_fake_stripe(webhook_url=None)
    monkeypatch.setenv("STRIPE_API_BASE", fake.api_base)
    monkeypatch.setenv("CLAIMS_TODAY", "2025-03-31")
    get_settings.cache_clear()
    yield fake
    server.shutdown()
    fake.close()
    get_settings.cache_clear()
