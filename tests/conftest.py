"""Shared fixtures. ``aws``: an in-process embedded AWS (moto) provisioned exactly like the local platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# Tests never reach a real AWS account: fake credentials, a fixed region, and no endpoint override
# (in-process moto intercepts the SDK's calls; an endpoint URL would bypass it).
for variable in [name for name in os.environ if name.startswith("AWS_ENDPOINT_URL")] + ["AWS_PROFILE"]:
    os.environ.pop(variable, None)
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-3",
        "CLAIMS_STAGE": "local",
        "POWERTOOLS_TRACE_DISABLED": "1",
    }
)

# The one end-to-end ``platform`` fixture (the real local platform as a subprocess), for every folder.
pytest_plugins = ["tests.platforms"]

# A Wait of 8 days lasts 8 * 86400 / 1e6 = 0.7 s in the tests.
TEST_TIME_SCALE = 1e6


@pytest.fixture
def aws() -> Iterator[object]:
    """The embedded AWS, provisioned once per test process and emptied after each test (tables, bucket,
    users, sent emails, executions): provisioning takes about a second, emptying a few milliseconds.

    moto's mock is started without a reset and stopped without removing its data, so the provisioned
    resources outlive the test; a test of another file that starts a ``mock_aws()`` of its own resets every
    backend, and the next ``aws`` test then finds nothing and provisions again."""
    from moto import mock_aws

    from chalicelib.adapters.aws import reset_clients
    from chalicelib.settings import get_settings
    from infra.local import localaws
    from tests import embedded_aws

    localaws.install(time_scale=TEST_TIME_SCALE)
    localaws.set_time_scale(TEST_TIME_SCALE)
    # The cached boto3 clients are kept from one test to the next (moto intercepts them whenever its mock is
    # on; a new botocore session costs ~0.7 s of endpoint data). A test that points them elsewhere (the
    # ``memory`` fixture, the health probes' tests) forgets them when it ends.
    if any(name.startswith("AWS_ENDPOINT_URL") for name in os.environ):
        reset_clients()
    # Settings cached by an earlier test can be another stage's: Chalice's test Client sets the stage's
    # environment (``CLAIMS_STAGE=dev`` for ``Client(app.app)`` without ``stage_name``) while it runs, and a
    # get_settings() call or a first import of chalicelib.adapters.dynamo (table names) then took
    # "claims-dev-…" names: the documents bucket or the tables seemed missing in the tests that followed (the
    # ordering effect once seen with two workers). Every test client names the "local" stage.
    get_settings.cache_clear()
    mock = mock_aws(config=localaws.MOTO_CONFIG)
    mock.start(reset=False)
    try:
        provisioned = embedded_aws.provisioned()
        # The pool's ids are only known now: export them as the devserver does, then re-read the settings.
        exported = provisioned.cognito_environment(localaws.moto_jwks_file_url()) | {
            "CLAIMS_ALLOW_LOCAL_SIGNING_KEY": "1"
        }
        previous = {name: os.environ.get(name) for name in exported}
        os.environ.update(exported)
        get_settings.cache_clear()
        try:
            yield provisioned
        finally:
            localaws.clear_faults()
            embedded_aws.stop_executions(provisioned)
            for name, value in previous.items():
                if value is None:
                    os.environ.pop(name, None)
                else:
                    os.environ[name] = value
            get_settings.cache_clear()
            embedded_aws.empty(provisioned)
    finally:
        mock.stop(remove_data=False)
        localaws.set_time_scale(TEST_TIME_SCALE)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Long files first: with two workers taking one file at a time (``--dist loadfile``, in this order), a
    long end-to-end file picked last would leave the other worker idle at the end of the run."""
    weight: dict[str, int] = {}
    for item in items:
        marks = {mark.name for mark in item.iter_markers()}
        rank = 0 if marks & {"e2e", "slow"} else 1 if "integration" in marks else 2
        weight[item.nodeid.split("::")[0]] = min(rank, weight.get(item.nodeid.split("::")[0], 2))
    items.sort(key=lambda item: weight[item.nodeid.split("::")[0]])  # stable: files keep their order
