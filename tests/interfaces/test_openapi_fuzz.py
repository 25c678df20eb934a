"""OpenAPI-driven fuzzing (schemathesis): whatever the schema allows, the API answers
without a server error. Bounded: a fixed number of derandomized examples per operation,
each call in-process (ASGI), with the API key so writes are exercised too."""
from __future__ import annotations

import pytest
from conftest import API_KEY
from hypothesis import HealthCheck, given, settings

from stockgroups.sources import http

EXAMPLES_PER_OPERATION = 40


@pytest.fixture(autouse=True)
def _no_dns(monkeypatch):
    """Webhook hosts the fuzzer invents resolve to one public address, offline."""
    monkeypatch.setattr(http, "_getaddrinfo", lambda host, port: ["93.184.215.14"])


def test_no_operation_answers_with_a_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 12
    errors: list[str] = []
    calls = {"n": 0}
    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        def fuzz(case):
            response = case.call(headers={"X-API-Key": API_KEY})
            calls["n"] += 1
            if response.status_code >= 500:
                errors.append(f"{case.method} {case.formatted_path} {case.query}: "
                              f"{response.status_code} {response.text[:200]}")

        fuzz()
    assert calls["n"] >= len(operations) * 5
    assert not errors, "\n".join(errors[:10])
