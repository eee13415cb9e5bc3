from __future__ import annotations

import pytest
import responses
from django.core.cache import cache

from chorus.client.transport import RetryPolicy
from einvoicing import client
from tests.einvoicing.afnor_contract import DIRECTORY_BASE, FLOW_BASE, TOKEN_URL, check_calls

SECRET = "s3cr3t-client-PA-0042"


@pytest.fixture
def afnor():
    """A `responses` mock whose calls are all checked against the AFNOR OpenAPI files at the end."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add(responses.POST, TOKEN_URL, json={"access_token": "jeton-1", "expires_in": 3600})
        yield mock
        check_calls(mock)


@pytest.fixture
def queued(monkeypatch):
    """The ids of the outgoing lifecycle statuses queued for sending (the task is not run)."""
    from einvoicing import tasks

    ids = []
    monkeypatch.setattr(tasks.send_outgoing_status, "delay", ids.append)
    return ids


@pytest.fixture
def sleeps():
    return []


@pytest.fixture
def pa(sleeps):
    cache.clear()
    return client.PlatformClient(
        endpoints=client.PlatformEndpoints(
            flow_base=FLOW_BASE, directory_base=DIRECTORY_BASE, token_url=TOKEN_URL
        ),
        credentials=client.PlatformCredentials(client_id="cabinet-garonne", client_secret=SECRET),
        token_cache=cache,
        retry=RetryPolicy(attempts=3, backoff=0.5),
        sleep=sleeps.append,
    )
