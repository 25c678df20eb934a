"""What stands between a request and the app: a body-size cap (413), a per-client rate
limit (429), security headers, and the API-key and CSRF checks for writes."""
from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import threading
import time
from typing import Any

from fastapi import HTTPException, Request
from starlette.exceptions import HTTPException as StarletteHTTPException

SESSION_COOKIE = "sg_session"
CSRF_COOKIE = "sg_csrf"
CSRF_FIELD = "csrf"
MAX_CLIENTS = 10_000  # rate-limit buckets kept; the oldest are dropped past it
BURST_SHARE = 5  # a client may burst a fifth of its per-minute allowance at once

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self' 'unsafe-inline'; object-src 'none'; frame-ancestors 'none'")


class _TooLarge(StarletteHTTPException):
    """Raised from receive(): an HTTPException, so a body parser passes it on as 413."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body over the {max_bytes} byte limit")


class BodyLimit:
    """ASGI middleware: a body over `max_bytes` gets 413 (declared or streamed)."""

    def __init__(self, app: Any, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and (not declared.isdigit()
                                     or int(declared) > self.max_bytes):
            await _plain(send, 413, f"request body over the {self.max_bytes} byte limit")
            return
        seen = 0
        started = False

        async def counting_receive() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _plain(send, 413, f"request body over the {self.max_bytes} byte limit")


class RateLimit:
    """ASGI middleware: a token bucket per client address; 429 with Retry-After when empty."""

    def __init__(self, app: Any, per_minute: int, clock: Any = time.monotonic) -> None:
        self.app, self.clock = app, clock
        self.rate = per_minute / 60.0
        self.burst = max(1.0, per_minute / BURST_SHARE)
        self.buckets: dict[str, tuple[float, float]] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or self.rate <= 0:
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("?", 0))[0]
        now = self.clock()
        with self.lock:
            tokens, last = self.buckets.pop(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1.0
            self.buckets[client] = (tokens - 1.0 if allowed else tokens, now)
            if len(self.buckets) > MAX_CLIENTS:
                self.buckets.pop(next(iter(self.buckets)))
        if not allowed:
            wait = int((1.0 - tokens) / self.rate) + 1
            await _plain(send, 429, f"too many requests: try again in {wait} s",
                         [(b"retry-after", str(wait).encode())])
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: CSP (no outside scripts, styles or frames), nosniff, no referrer."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        csp = DOCS_CSP if scope.get("path") == "/docs" else CSP

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or ())
                headers += [(b"content-security-policy", csp.encode()),
                            (b"x-content-type-options", b"nosniff"),
                            (b"referrer-policy", b"no-referrer"),
                            (b"x-frame-options", b"DENY")]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def _plain(send: Any, status: int, text: str,
                 extra: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps({"detail": text}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")] + (extra or [])})
    await send({"type": "http.response.body", "body": body})


# -- keys, sessions, CSRF -----------------------------------------------------------------


def session_value(api_key: str) -> str:
    """The dashboard's sign-in cookie: derived from the key, never the key itself."""
    return hmac.new(api_key.encode(), b"stockgroups web session", hashlib.sha256).hexdigest()


def key_of(request: Request) -> str | None:
    header = request.headers.get("x-api-key")
    if header:
        return header.strip()
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def require_key(request: Request) -> None:
    """FastAPI dependency for API writes: X-API-Key or Authorization: Bearer."""
    expected = request.app.state.api_key
    given = key_of(request)
    if given is None:
        raise HTTPException(401, "this endpoint needs an API key: send it as X-API-Key or "
                                 "Authorization: Bearer", headers={"WWW-Authenticate": "Bearer"})
    if not secrets.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "wrong API key", headers={"WWW-Authenticate": "Bearer"})


def signed_in(request: Request) -> bool:
    cookie = request.cookies.get(SESSION_COOKIE, "")
    return bool(cookie) and secrets.compare_digest(
        cookie.encode(), session_value(request.app.state.api_key).encode())


def csrf_token(request: Request) -> str:
    """The double-submit token: the cookie's value if it has one, else a new one (the page
    sets it as a SameSite=Strict cookie)."""
    return request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)


def check_form(request: Request, form_token: str | None, *, need_session: bool = True) -> None:
    """A form write: the CSRF field must match its cookie, and the user must be signed in."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not cookie or not form_token or not secrets.compare_digest(cookie.encode(),
                                                                  form_token.encode()):
        raise HTTPException(403, "the form's CSRF token does not match: reload the page and "
                                 "submit again")
    if need_session and not signed_in(request):
        raise HTTPException(401, "sign in with the API key first (Sign in, top right)")


__all__ = [
    "CSRF_COOKIE",
    "CSRF_FIELD",
    "SESSION_COOKIE",
    "BodyLimit",
    "RateLimit",
    "SecurityHeaders",
    "check_form",
    "csrf_token",
    "key_of",
    "require_key",
    "session_value",
    "signed_in",
]
