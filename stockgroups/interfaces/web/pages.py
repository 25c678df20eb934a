"""The dashboard's pages: each route calls the same service as its JSON twin under /api/
and renders a Jinja2 template (autoescaped: scraped text shows as text, never markup).

Forms that write (watchlists, alerts) need the sign-in cookie, set by entering the API
key once at /login, and a CSRF token: a SameSite=Strict cookie echoed in a hidden field.
"""
from __future__ import annotations

import secrets
import xml.etree.ElementTree as ET
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import jinja2
from fastapi import APIRouter, File, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from stockgroups.interfaces.api.guards import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    check_form,
    csrf_token,
    session_value,
    signed_in,
)
from stockgroups.interfaces.api.state import cached, kb_of, store_of
from stockgroups.interfaces.web import svg
from stockgroups.model import DIRECTIONS
from stockgroups.services import alerts, dashboard, watchlists
from stockgroups.services.dashboard import MAX_LIMIT

router = APIRouter(include_in_schema=False)
HERE = Path(__file__).parent
ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"),
                         autoescape=True, trim_blocks=True, lstrip_blocks=True)
ENV.globals.update(svg_chart=svg.volume_tone_chart, svg_graph=svg.exposure_graph,
                   directions=DIRECTIONS,
                   arrow={"up": "▲", "down": "▼", "mixed": "◆", "neutral": "●"})
KINDS = ("sector", "industry", "commodity", "country", "theme", "company")
MAX_UPLOAD = 512 * 1024
MAX_ID = 2 ** 62
FILTER_KEYS = ("kind", "group", "ticker", "direction", "event", "from", "to")
Text = Annotated[str | None, Query(max_length=80)]


def render(request: Request, template: str, status: int = 200, *,
           cache_key: tuple | None = None, **context: Any) -> HTMLResponse:
    """The page; with `cache_key`, a page without forms is rendered once for every
    signed-out reader until the store changes (its HTML holds no token)."""
    token = csrf_token(request)
    user = signed_in(request)

    def html() -> str:
        return ENV.get_template(template).render(
            request=request, csrf="" if cache_key and not user else token, signed_in=user,
            **context)

    if cache_key is not None and not user:
        body = cached(request, ("html", template) + cache_key, html)
    else:
        body = html()
    response = HTMLResponse(body, status_code=status)
    if request.cookies.get(CSRF_COOKIE) != token:
        response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict")
    return response


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    return render(request, "error.html", status=status, status_code=status, message=message)


@router.get("/", response_class=HTMLResponse)
def today(request: Request, kind: Text = None, group: Text = None, ticker: Text = None,
          direction: Text = None, event: Text = None,
          start: Annotated[str | None, Query(alias="from", max_length=40)] = None,
          end: Annotated[str | None, Query(alias="to", max_length=40)] = None,
          limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 30,
          cursor: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
    store = store_of(request)
    raw = {"kind": kind, "group": group, "ticker": ticker, "direction": direction,
           "event": event, "from": start, "to": end}
    f = dashboard.story_filter(kind=kind, group=group, ticker=ticker, direction=direction,
                               event=event, start=start, end=end)
    page = cached(request, ("stories", tuple(raw.items()), limit, cursor, None),
                  lambda: dashboard.stories(store, f, limit=limit, cursor=cursor))
    kept = {k: v for k, v in raw.items() if v}
    next_url = "/?" + urlencode({**kept, "limit": limit, "cursor": page.next_cursor}) \
        if page.next_cursor else None
    movers = cached(request, ("movers",), lambda: dashboard.movers(store))
    return render(request, "today.html", page=page, movers=movers,
                  filters=raw, kinds=KINDS, next_url=next_url, filtered=bool(kept),
                  cache_key=(tuple(raw.items()), limit, cursor))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story(request: Request,
          story_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> HTMLResponse:
    record = dashboard.story(store_of(request), story_id, kb_of(request))
    return render(request, "story.html", story=record)


@router.get("/groups/{group_id}/feed.xml")
def group_feed(request: Request, group_id: Annotated[str, PathParam(max_length=80)]) -> Response:
    feed = dashboard.group_feed(store_of(request), group_id, kb_of(request))
    return Response(atom(feed, str(request.base_url).rstrip("/")),
                    media_type="application/atom+xml; charset=utf-8")


@router.get("/groups/{group_id}", response_class=HTMLResponse)
def group(request: Request, group_id: Annotated[str, PathParam(max_length=80)]) -> HTMLResponse:
    data = cached(request, ("group", group_id, 20),
                  lambda: dashboard.group(store_of(request), group_id, kb_of(request)))
    return render(request, "group.html", group=data, cache_key=(group_id,))


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    results = dashboard.search(store_of(request), q) if q.strip() else None
    return render(request, "search.html", q=q, results=results)


@router.get("/watchlists", response_class=HTMLResponse)
def watchlist_index(request: Request) -> HTMLResponse:
    return render(request, "watchlists.html", lists=watchlists.listing(store_of(request)))


@router.post("/watchlists")
async def watchlist_save(request: Request, name: Annotated[str, Form(max_length=80)],
                         csrf: Annotated[str, Form(max_length=100)] = "",
                         holdings: Annotated[str, Form(max_length=100_000)] = "",
                         file: Annotated[bytes | None, File()] = None) -> Response:
    check_form(request, csrf)
    text = holdings
    if file:
        if len(file) > MAX_UPLOAD:
            raise HTTPException(413, f"the CSV is over the {MAX_UPLOAD // 1024} KB limit")
        try:
            text = file.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise HTTPException(400, "the CSV is not UTF-8 text") from None
    saved = watchlists.save(store_of(request), name, text)
    return RedirectResponse(f"/watchlists/{saved['id']}", status_code=303)


@router.get("/watchlists/{watchlist_id}", response_class=HTMLResponse)
def watchlist_page(request: Request,
                   watchlist_id: Annotated[int, PathParam(ge=1, le=MAX_ID)]) -> HTMLResponse:
    return render(request, "watchlist.html",
                  wl=watchlists.exposure(store_of(request), watchlist_id))


@router.post("/watchlists/{watchlist_id}/delete")
def watchlist_delete(request: Request, watchlist_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                     csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_form(request, csrf)
    watchlists.delete(store_of(request), watchlist_id)
    return RedirectResponse("/watchlists", status_code=303)


@router.get("/alerts", response_class=HTMLResponse)
def alert_index(request: Request) -> HTMLResponse:
    store = store_of(request)
    return render(request, "alerts.html", rules=alerts.rules(store),
                  alerts=alerts.alerts(store, limit=100), lists=watchlists.listing(store))


@router.post("/alerts")
def alert_add(request: Request, name: Annotated[str, Form(max_length=80)],
              webhook: Annotated[str, Form(max_length=2000)],
              csrf: Annotated[str, Form(max_length=100)] = "",
              watchlist_id: Annotated[str, Form(max_length=20)] = "",
              target: Annotated[str, Form(max_length=80)] = "",
              min_score: Annotated[float, Form(ge=0, le=1)] = 0.0) -> Response:
    check_form(request, csrf)
    wid = int(watchlist_id) if watchlist_id.strip().isdigit() else None
    alerts.create_rule(store_of(request), name=name, webhook=webhook, watchlist_id=wid,
                       target=target or None, min_score=min_score,
                       allow_private=request.app.state.allow_private_webhooks)
    return RedirectResponse("/alerts", status_code=303)


@router.post("/alerts/{rule_id}/delete")
def alert_delete(request: Request, rule_id: Annotated[int, PathParam(ge=1, le=MAX_ID)],
                 csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_form(request, csrf)
    alerts.delete_rule(store_of(request), rule_id)
    return RedirectResponse("/alerts", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html", failed=False)


@router.post("/login")
def login(request: Request, api_key: Annotated[str, Form(max_length=200)],
          csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_form(request, csrf, need_session=False)
    expected = request.app.state.api_key
    if not secrets.compare_digest(api_key.strip().encode(), expected.encode()):
        return render(request, "login.html", status=403, failed=True)
    response = RedirectResponse("/watchlists", status_code=303)
    response.set_cookie(SESSION_COOKIE, session_value(expected), httponly=True,
                        samesite="strict")
    return response


@router.post("/logout")
def logout(request: Request, csrf: Annotated[str, Form(max_length=100)] = "") -> Response:
    check_form(request, csrf, need_session=False)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


def atom(feed: dict[str, Any], base: str) -> bytes:
    """An Atom document (ElementTree escapes every text node)."""
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    root = ET.Element(f"{{{ns}}}feed")
    ET.SubElement(root, f"{{{ns}}}title").text = f"Stock Groups: {feed['name']}"
    ET.SubElement(root, f"{{{ns}}}id").text = f"{base}/groups/{feed['id']}"
    ET.SubElement(root, f"{{{ns}}}link", href=f"{base}/groups/{feed['id']}")
    ET.SubElement(root, f"{{{ns}}}link", rel="self", href=f"{base}/groups/{feed['id']}/feed.xml")
    updated = feed["items"][0]["updated"] if feed["items"] else \
        datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    ET.SubElement(root, f"{{{ns}}}updated").text = updated
    for item in feed["items"]:
        entry = ET.SubElement(root, f"{{{ns}}}entry")
        ET.SubElement(entry, f"{{{ns}}}title").text = item["title"]
        ET.SubElement(entry, f"{{{ns}}}id").text = f"{base}/stories/{item['id']}"
        ET.SubElement(entry, f"{{{ns}}}link", href=f"{base}/stories/{item['id']}")
        ET.SubElement(entry, f"{{{ns}}}updated").text = item["updated"]
        ET.SubElement(entry, f"{{{ns}}}summary").text = (
            f"{item['direction']} {item['score']:.2f}: {item['summary']}")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


__all__ = ["atom", "error_page", "render", "router"]
