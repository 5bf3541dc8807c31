"""A property-based run of the API's OpenAPI schema against the app itself (schemathesis,
in-process through the WSGI application, authenticated with a real read/write token):
every operation, a few examples each, every built-in check; 0 failures. Bounded so that it
takes well under a minute."""

import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from pytest_django.fixtures import Settings as SettingsWrapper
from schemathesis.core.result import Ok

from peerpower.api.actions import token_create
from peerpower.wsgi import application
from tests.conftest import World

EXAMPLES = 8


@pytest.fixture
def wsgi_keeps_the_test_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI handler closes the database connection at the
    end of each request, which would end the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.usefixtures("wsgi_keeps_the_test_connection")
def test_the_schema_holds_against_the_live_api(world: World, settings: SettingsWrapper) -> None:
    settings.API_RATE_LIMIT = 100_000  # the run's own requests are not what is tested here
    _, raw = token_create(
        by=world.member,
        network=world.network,
        name="schemathesis",
        access="write",
        expires_on=timezone.localdate() + timedelta(days=30),
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
    headers = {"Authorization": f"Bearer {raw}"}
    real = {
        "network_id": world.network.pk,
        "group_id": world.group.pk,
        "meeting_id": world.next_meeting().pk,
    }
    started = time.monotonic()
    failures: list[str] = []
    operations = 0
    statuses: dict[str, int] = {}
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result
        operation = result.ok()
        label = operation.label
        operations += 1

        @given(case=operation.as_strategy())
        @hypothesis_settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            responses = [case.call_and_validate(headers=headers)]
            if case.path_parameters:  # the same request, pointed at the world's real rows
                case.path_parameters = {name: real[name] for name in case.path_parameters}
                responses.append(case.call_and_validate(headers=headers))
            for response in responses:
                key = f"{label} {response.status_code}"  # noqa: B023 (run() runs in this loop)
                statuses[key] = statuses.get(key, 0) + 1

        try:
            run()
        except Exception as failure:
            failures.append(f"{label}: {failure}")
    assert operations >= 9
    # The run reached real rows, and writing through the API, not only refusals.
    assert statuses.get("GET /api/v1/meetings/{meeting_id} 200", 0) > 0, statuses
    assert statuses.get("PUT /api/v1/meetings/{meeting_id}/rsvp 200", 0) > 0, statuses
    assert failures == []
    assert time.monotonic() - started < 60
