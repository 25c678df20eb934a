"""The server's guards: body cap (413, server stays up), rate limit (429), headers."""
from __future__ import annotations

from conftest import API_KEY
from fastapi.testclient import TestClient

from stockgroups.interfaces.api.app import create_app


def test_oversized_body_gets_413_and_the_server_keeps_answering(client):
    big = {"title": "t", "text": "x" * (70 * 1024)}  # the fixture caps bodies at 64 KB
    r = client.post("/api/analyze", json=big, headers={"X-API-Key": API_KEY})
    assert r.status_code == 413
    assert client.get("/api/stories").status_code == 200


def test_streamed_oversized_body_gets_413(client):
    def chunks():
        for _ in range(100):
            yield b"x" * 1024

    r = client.post("/api/analyze", content=chunks(), headers={
        "X-API-Key": API_KEY, "Content-Type": "application/json"})
    assert r.status_code == 413


def test_rate_limit_answers_429_with_retry_after(web_copy, kb_full):
    app = create_app(web_copy, api_key=API_KEY, kb=kb_full, background=False, rate_limit=10)
    with TestClient(app) as c:
        codes = [c.get("/api/movers").status_code for _ in range(5)]
    assert codes[:2] == [200, 200] and codes[-1] == 429  # burst of 10/5 = 2


def test_security_headers_forbid_outside_scripts_and_framing(client):
    r = client.get("/")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["x-frame-options"] == "DENY"
