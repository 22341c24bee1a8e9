"""Schemathesis against the app's own OpenAPI, over HTTP to a real uvicorn server on an archive
filled by the real ingest: generated requests for every operation (a bounded number each) never
answer 5xx, and every answer matches what the OpenAPI document says (status, content type, body)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from deeplens.domain.connector_commands import commands_key
from deeplens.entrypoints.http.app import create_app
from deeplens.services.api import ApiDeps
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.integration.api.conftest import PASSWORD
from tests.integration.api.transport import ApiClient, UvicornTransport

EXAMPLES = 30  # per operation
SUPPRESSED = list(HealthCheck)  # slow, real requests by design
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(api_deps: ApiDeps) -> Any:
    return schemathesis.openapi.from_dict(create_app(api_deps).openapi())


@pytest.fixture
def server(api_deps: ApiDeps, story: None) -> Iterator[tuple[str, dict[str, str]]]:
    """The server's base URL and the admin's session cookie."""
    transport = UvicornTransport(create_app(api_deps))
    client = ApiClient(transport, "uvicorn")
    assert client.login(PASSWORD).status == 200
    yield str(transport.http.base_url), {"cookie": f"{client.cookie}"}
    transport.close()
    api_deps.cache.delete("login_attempts:127.0.0.1")  # the generated logins count against loopback
    # The pairing controls only queue commands (no connector runs for this session here): drop them.
    api_deps.cache.delete(commands_key(api_deps.session))


def test_generated_requests_get_documented_answers_and_no_5xx(
    api_schema: Any, server: tuple[str, dict[str, str]]
) -> None:
    base_url, headers = server
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        if operation.path == "/api/auth/logout":
            continue  # would end the session the other requests use (covered in test_auth)

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=SUPPRESSED, database=None)
        def call(case: Any) -> None:
            case.call_and_validate(base_url=base_url, headers=headers, checks=CHECKS)

        call()
