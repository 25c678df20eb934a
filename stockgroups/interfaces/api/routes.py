"""The JSON API under /api/: each route validates its input and calls one service."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import BaseModel, Field

from stockgroups.interfaces.api.guards import require_key
from stockgroups.interfaces.api.state import cached, kb_of, store_of
from stockgroups.services import alerts, dashboard, watchlists
from stockgroups.services.analyze_json import analyze_article
from stockgroups.services.dashboard import MAX_LIMIT

router = APIRouter(prefix="/api")
MAX_ID = 2 ** 62  # ids past SQLite's integer range are refused before any query

StoryId = Annotated[int, Path(ge=1, le=MAX_ID, description="A story id.")]
GroupId = Annotated[str, Path(max_length=80, description="A group id like commodity:uranium "
                                                          "or company:CCJ.")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page.")]
Text = Annotated[str | None, Query(max_length=80)]


def filters(kind: Text = None, group: Text = None, ticker: Text = None,
            direction: Text = None, event: Text = None,
            start: Annotated[str | None, Query(alias="from", max_length=40,
                                               description="First day, 2026-01-31.")] = None,
            end: Annotated[str | None, Query(alias="to", max_length=40,
                                             description="Last day (included).")] = None,
            ) -> dict[str, str | None]:
    return {"kind": kind, "group": group, "ticker": ticker, "direction": direction,
            "event": event, "start": start, "end": end}


class ArticleIn(BaseModel):
    title: str = Field("", max_length=1000)
    text: str = Field("", max_length=200_000)
    url: str | None = Field(None, max_length=2000)
    published: str | None = Field(None, max_length=40)


class Holding(BaseModel):
    symbol: str = Field(..., max_length=80)
    weight: float = Field(1.0, gt=0, le=1e9)


class WatchlistIn(BaseModel):
    name: str = Field(..., max_length=80)
    holdings: str | None = Field(None, max_length=100_000,
                                 description="CSV: ticker[,weight] per line.")
    items: list[Holding] | None = Field(None, max_length=500)


class RuleIn(BaseModel):
    name: str = Field(..., max_length=80)
    webhook: str = Field(..., max_length=2000)
    watchlist_id: int | None = Field(None, ge=1, le=MAX_ID)
    target: str | None = Field(None, max_length=80)
    min_score: float = Field(0.0, ge=0.0, le=1.0)
    include_existing: bool = False


@router.get("/stories", summary="Stories, newest first, filtered like the Today page")
def list_stories(request: Request, f: Annotated[dict, Depends(filters)], limit: Limit = 30,
                 cursor: Annotated[str | None, Query(max_length=40)] = None,
                 since: Annotated[str | None, Query(max_length=40)] = None) -> dict[str, Any]:
    page = cached(request, ("stories", tuple(f.items()), limit, cursor, since),
                  lambda: dashboard.stories(store_of(request), dashboard.story_filter(**f),
                                            limit=limit, cursor=cursor, since=since))
    return {"stories": page.stories, "next_cursor": page.next_cursor}


@router.get("/stories/{story_id}", summary="One story with its sources, text and chain")
def get_story(request: Request, story_id: StoryId) -> dict[str, Any]:
    return dashboard.story(store_of(request), story_id, kb_of(request))


@router.get("/movers", summary="Groups with the most news flow over the last day and week")
def get_movers(request: Request) -> dict[str, Any]:
    return cached(request, ("movers",), lambda: dashboard.movers(store_of(request)))


@router.get("/groups/{group_id}", summary="A group: volume and tone, stories, companies")
def get_group(request: Request, group_id: GroupId, limit: Limit = 20) -> dict[str, Any]:
    return cached(request, ("group", group_id, limit),
                  lambda: dashboard.group(store_of(request), group_id, kb_of(request),
                                          limit=limit))


@router.get("/search", summary="Full-text search, one hit per story")
def search(request: Request, q: Annotated[str, Query(max_length=200)],
           limit: Limit = 20) -> dict[str, Any]:
    return {"query": q, "results": dashboard.search(store_of(request), q, limit=limit)}


@router.post("/analyze", dependencies=[Depends(require_key)],
             summary="Analyse one article (the CLI's JSON)")
def analyze(request: Request, article: ArticleIn) -> dict[str, Any]:
    return analyze_article(title=article.title, text=article.text, url=article.url,
                           published=article.published, kb=kb_of(request))


@router.get("/watchlists", summary="Saved watchlists")
def list_watchlists(request: Request) -> dict[str, Any]:
    return {"watchlists": watchlists.listing(store_of(request))}


@router.post("/watchlists", dependencies=[Depends(require_key)], status_code=201,
             summary="Save a watchlist (replaces one of the same name)")
def save_watchlist(request: Request, body: WatchlistIn) -> dict[str, Any]:
    text = body.holdings
    if text is None:
        text = "\n".join(f"{i.symbol},{i.weight}" for i in body.items or ())
    return watchlists.save(store_of(request), body.name, text)


@router.get("/watchlists/{watchlist_id}", summary="A watchlist and the news on its holdings")
def get_watchlist(request: Request,
                  watchlist_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> dict[str, Any]:
    return watchlists.exposure(store_of(request), watchlist_id)


@router.delete("/watchlists/{watchlist_id}", dependencies=[Depends(require_key)],
               status_code=204, summary="Delete a watchlist")
def delete_watchlist(request: Request,
                     watchlist_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> None:
    watchlists.delete(store_of(request), watchlist_id)


@router.get("/alerts", summary="Alert rules and the alerts they raised")
def list_alerts(request: Request, limit: Limit = 100) -> dict[str, Any]:
    store = store_of(request)
    return {"rules": alerts.rules(store), "alerts": alerts.alerts(store, limit=limit)}


@router.post("/alerts", dependencies=[Depends(require_key)], status_code=201,
             summary="Add an alert rule delivered to a webhook")
def add_rule(request: Request, body: RuleIn) -> dict[str, Any]:
    return alerts.create_rule(
        store_of(request), name=body.name, webhook=body.webhook,
        watchlist_id=body.watchlist_id, target=body.target, min_score=body.min_score,
        allow_private=request.app.state.allow_private_webhooks,
        include_existing=body.include_existing)


@router.delete("/alerts/{rule_id}", dependencies=[Depends(require_key)], status_code=204,
               summary="Delete an alert rule")
def delete_rule(request: Request, rule_id: Annotated[int, Path(ge=1, le=MAX_ID)]) -> None:
    alerts.delete_rule(store_of(request), rule_id)


__all__ = ["router"]
