"""The app factory: the JSON API, the dashboard pages, offline docs, and the guards.

    app = create_app("stockgroups.db", api_key="...")

Errors a user can act on become 4xx with a one-line `detail` (JSON under /api/, a page
elsewhere); a background thread keeps the dashboard's index current and delivers alerts.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import swagger_ui_bundle
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from stockgroups import __version__
from stockgroups.errors import StockGroupsError
from stockgroups.interfaces.api import routes
from stockgroups.interfaces.api.guards import BodyLimit, RateLimit, SecurityHeaders
from stockgroups.interfaces.api.state import LazyKB, ReadCache, StorePool
from stockgroups.interfaces.web import pages
from stockgroups.services import alerts, dashboard
from stockgroups.services.dashboard import NotFound
from stockgroups.store import views
from stockgroups.store.open import open_store

log = logging.getLogger(__name__)

WEB_DIR = Path(pages.__file__).parent
BACKGROUND_EVERY_S = 10.0  # index refresh and alert delivery


def create_app(db: str | Path, *, api_key: str, kb: Any = None,
               kb_loader: Callable[[], Any] | None = None, max_body: int = 1024 * 1024,
               rate_limit: int = 1200, allow_private_webhooks: bool = False,
               background: bool = True) -> FastAPI:
    """A FastAPI app over the store at `db`. `kb` (or `kb_loader`, called on first need)
    is the knowledge base for /api/analyze and the story page's highlights."""
    path = str(db)
    with open_store(path) as store:  # migrate and index once before serving
        views.refresh_index(store)
    stop = threading.Event()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        worker = None
        if background:
            worker = threading.Thread(target=_background, args=(path, stop, app),
                                      name="stockgroups-background", daemon=True)
            worker.start()
        yield
        stop.set()
        if worker is not None:
            worker.join(timeout=5)
        app.state.pool.close()

    app = FastAPI(title="Stock Groups", version=__version__, lifespan=lifespan,
                  docs_url=None, redoc_url=None,
                  description="Which groups of stocks each news story moves, which way, "
                              "how strongly and why. Writes need an API key (X-API-Key or "
                              "Authorization: Bearer).")
    app.state.pool = StorePool(path)
    app.state.kb = LazyKB(kb_loader or (lambda: kb))
    app.state.api_key = api_key
    app.state.cache = ReadCache(dashboard.generation)
    app.state.allow_private_webhooks = allow_private_webhooks
    app.include_router(routes.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static"), name="static")
    app.mount("/docs-assets", StaticFiles(directory=swagger_ui_bundle.swagger_ui_path),
              name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url="/openapi.json", title="Stock Groups API",
                                   swagger_js_url="/docs-assets/swagger-ui-bundle.js",
                                   swagger_css_url="/docs-assets/swagger-ui.css",
                                   swagger_favicon_url="/docs-assets/favicon-32x32.png")

    _handlers(app)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodyLimit, max_bytes=max_body)
    app.add_middleware(RateLimit, per_minute=rate_limit)
    return app


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/openapi", "/docs"))


def _error(request: Request, status: int, message: str,
           headers: dict[str, str] | None = None) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status, headers=headers)
    return pages.error_page(request, status, message)


def _handlers(app: FastAPI) -> None:
    @app.exception_handler(NotFound)
    async def not_found(request: Request, exc: NotFound) -> Response:
        return _error(request, 404, str(exc))

    # Every other error of ours (bad input, a store that cannot answer...) is the caller's 400:
    # handlers are looked up along the exception's classes, so this one serves them all.
    @app.exception_handler(StockGroupsError)
    async def bad_request(request: Request, exc: StockGroupsError) -> Response:
        return _error(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _error(request, 422, "; ".join(_explain(e) for e in exc.errors()[:5]))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail), getattr(exc, "headers", None))


def _explain(error: dict[str, Any]) -> str:
    """'query limit: Input should be a valid integer (got "abc")'."""
    where = " ".join(str(p) for p in error.get("loc", ()))
    got = error.get("input")
    shown = f" (got {str(got)[:40]!r})" if isinstance(got, (str, int, float)) else ""
    return f"{where}: {error.get('msg', 'invalid')}{shown}"


def _background(path: str, stop: threading.Event, app: FastAPI) -> None:
    """Every BACKGROUND_EVERY_S: when articles arrived, index them and evaluate the alert
    rules (also when a rule was added); deliver due alerts. (A re-analysis without new
    articles is indexed at the next start or with the next new article.)"""
    post = alerts.webhook_poster(allow_private=app.state.allow_private_webhooks)
    seen: tuple[int, int] = (-1, -1)
    with open_store(path) as store:
        while not stop.wait(BACKGROUND_EVERY_S):
            try:
                now = (dashboard.generation(store), len(alerts.rules(store)))
                if now != seen:  # new articles or rules: index, check the rules
                    alerts.evaluate(store)  # refreshes the index first
                    seen = now
                alerts.deliver(store, post)
            except StockGroupsError as err:
                log.warning("background: %s", err)
            except Exception:
                log.exception("background round failed")


__all__ = ["create_app"]
