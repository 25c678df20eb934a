"""The dashboard's use cases: today's stories, one story with its chain, a group over time,
search, movers. The API's JSON routes and the HTML pages both call these.

Validation lives here too (a bad date, an unknown group), raised as InputError or
NotFound so every interface reports it the same way.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from stockgroups.analysis.link import find_mentions
from stockgroups.errors import InputError, StockGroupsError
from stockgroups.model import DIRECTIONS
from stockgroups.services.ingest import parse_time
from stockgroups.services.study import with_track_record
from stockgroups.store import views
from stockgroups.store.base import BaseStore as Store
from stockgroups.store.base import StoreError
from stockgroups.store.views import DAY, StoryFilter

GROUP_ID_RE = re.compile(r"^[a-z][a-z0-9-]*:[A-Za-z0-9][A-Za-z0-9._*-]{0,63}$")
KIND_RE = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
TICKER_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]{0,15}$")
EVENT_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
CURSOR_RE = re.compile(r"^(\d{1,12}(?:\.\d{1,6})?)_(\d{1,12})$")
MAX_LIMIT = 200
GROUPS_PER_STORY = 4  # chips shown per story in a list
COMPANIES_PER_STORY = 3
MOVERS_SHOWN = 6
MOVERS_POOL = 40  # the busiest groups, among which the strongest tone is picked
SERIES_DAYS = 60  # the group chart's span, back from the newest story
GRAPH_ENTITIES = 6  # nodes per column of the exposure graph
GRAPH_GROUPS = 8
GRAPH_COMPANIES = 6
SEARCH_OVERFETCH = 3  # articles read per story shown: copies of one story collapse


class NotFound(StockGroupsError):
    """An id that names nothing stored (a story, a group, a watchlist)."""


@dataclass(frozen=True)
class Page:
    stories: list[dict[str, Any]]
    next_cursor: str | None


def story_filter(*, kind: str | None = None, group: str | None = None,
                 ticker: str | None = None, direction: str | None = None,
                 event: str | None = None, start: str | None = None,
                 end: str | None = None) -> StoryFilter:
    """A StoryFilter from the raw strings of a URL; InputError names the bad one."""
    def clean(value: str | None) -> str | None:
        return value.strip() if value and value.strip() else None

    kind, group, ticker = clean(kind), clean(group), clean(ticker)
    direction, event = clean(direction), clean(event)
    if kind and not KIND_RE.match(kind):
        raise InputError(f"kind: {kind!r} is not a group kind (sector, industry, commodity...)")
    if group and not GROUP_ID_RE.match(group):
        raise InputError(f"group: {group!r} is not a group id like commodity:uranium")
    if ticker and not TICKER_RE.match(ticker):
        raise InputError(f"ticker: {ticker!r} is not a ticker like CCJ")
    if direction and direction not in DIRECTIONS:
        raise InputError(f"direction: {direction!r} is not one of {', '.join(DIRECTIONS)}")
    if event and not EVENT_RE.match(event):
        raise InputError(f"event: {event!r} is not an event type like strike")
    return StoryFilter(kind=kind, group=group, ticker=ticker.upper() if ticker else None,
                       direction=direction, event=event, start=parse_day(start, "from"),
                       end=parse_day(end, "to", end_of_day=True))


def parse_day(value: str | None, name: str, *, end_of_day: bool = False) -> float | None:
    """An ISO date or time as epoch seconds; a bare date `to` includes that whole day."""
    if value is None or not value.strip():
        return None
    epoch = parse_time(value)
    if epoch is None:
        raise InputError(f"{name}: {value!r} is not a date like 2026-01-31")
    if end_of_day and re.fullmatch(r"\s*\d{4}-\d{2}-\d{2}\s*", value):
        epoch += DAY
    return epoch


def parse_cursor(cursor: str | None) -> tuple[float, int] | None:
    if not cursor:
        return None
    m = CURSOR_RE.match(cursor)
    if not m:
        raise InputError(f"cursor: {cursor!r} is not a cursor from a previous page")
    return float(m.group(1)), int(m.group(2))


def check_limit(limit: int, name: str = "limit") -> int:
    if limit < 1 or limit > MAX_LIMIT:
        raise InputError(f"{name}: {limit} is out of range (1 to {MAX_LIMIT})")
    return limit


def stories(store: Store, f: StoryFilter, *, limit: int = 30, cursor: str | None = None,
            since: str | None = None) -> Page:
    """Newest stories first, each with its top groups and companies, one page at a time."""
    check_limit(limit)
    after = parse_day(since, "since")
    if after is not None and (f.start is None or after > f.start):
        f = StoryFilter(**{**f.__dict__, "start": after})
    rows = views.list_stories(store, f, limit=limit + 1, before=parse_cursor(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    ids = [r["id"] for r in rows]
    groups = views.story_groups(store, ids, GROUPS_PER_STORY)
    companies = views.story_companies(store, ids, COMPANIES_PER_STORY)
    for r in rows:
        r["groups"] = groups[r["id"]]
        r["companies"] = companies[r["id"]]
    last = rows[-1] if rows else None
    next_cursor = f"{last['epoch']:.6f}_{last['id']}" if more and last else None
    for r in rows:
        del r["epoch"]
    return Page(rows, next_cursor)


def generation(store: Store) -> int:
    """A number that grows whenever articles are stored: what cached answers depend on."""
    return views.max_article_id(store)


def movers(store: Store) -> dict[str, Any]:
    """Groups with the most news flow over the last day and week (back from the newest
    story, so an archive of old news still has a "today"), with net tone."""
    newest = views.newest_epoch(store)
    if newest is None:
        return {"as_of": None, "day": [], "week": [], "day_tone": [], "week_tone": []}
    out: dict[str, Any] = {"as_of": iso(newest)}
    for span, days in (("day", 1), ("week", 7)):
        flow = views.movers(store, newest - days * DAY, limit=MOVERS_POOL)
        out[span] = flow[:MOVERS_SHOWN]
        out[span + "_tone"] = sorted(flow, key=lambda m: (-abs(m["net_tone"]),
                                                          -m["stories"]))[:MOVERS_SHOWN]
    return out


def story(store: Store, story_id: int, kb: Any) -> dict[str, Any]:
    """One story: sources, clean text cut into plain and entity segments, the groups and
    companies it moves with their evidence, and the exposure graph's nodes and edges."""
    record = views.story_record(store, story_id)
    if record is None:
        raise NotFound(f"story {story_id}: no such story")
    analysis = record.pop("analysis")
    text = record.pop("text")
    entities = {e["id"]: e for e in analysis.get("entities", ())}
    record["segments"] = highlight(record["title"], text, entities, kb)
    record["text"] = text
    record["entities"] = list(entities.values())
    record["events"] = analysis.get("events", [])
    # The analysis says each hit's role (subject, first-order, second-order); older stored
    # analyses do not, and get the dashboard's reading of it.
    record["groups"] = [{**g, "role": g.get("role") or _group_role(g, entities)}
                        for g in analysis.get("groups", [])]
    record["companies"] = [{**c, "role": c.get("role") or _company_role(c, entities)}
                           for c in analysis.get("companies", [])]
    record["kb_version"] = analysis.get("kb_version")
    record["graph"] = exposure_graph(record)
    return with_track_record(store, story_id, record)


def _group_role(g: dict[str, Any], entities: dict[str, dict[str, Any]]) -> str:
    """How the story reaches a group: named in it, or exposed through what it names."""
    return "named in the story" if g["id"] in entities else "exposed (second order)"


def _company_role(c: dict[str, Any], entities: dict[str, dict[str, Any]]) -> str:
    if "company:" + c["ticker"] in entities:
        return "named in the story"
    via = [v for v in c.get("via", ()) if not v.startswith("company:")]
    return "member of " + ", ".join(via[:2]) if via else "exposed"


def highlight(title: str, text: str, entities: dict[str, dict[str, Any]],
              kb: Any) -> list[dict[str, Any]]:
    """The clean text as segments, those naming an entity of the analysis marked with it.

    Mentions are found again with the linker (the store keeps entities, not offsets);
    only entities the analysis kept are marked.
    """
    if kb is None or not text:
        return [{"text": text, "entity": None}]
    offset = len(title) + 2  # body = title + "\n\n" + text, as the clean stage builds it
    segments: list[dict[str, Any]] = []
    at = 0
    for m in find_mentions(f"{title}\n\n{text}", kb):
        start, end = m.start - offset, m.end - offset
        if start < at or m.entity not in entities:
            continue
        if start > at:
            segments.append({"text": text[at:start], "entity": None})
        e = entities[m.entity]
        segments.append({"text": text[start:end], "entity": m.entity, "kind": e["kind"],
                         "name": e["name"]})
        at = end
    if at < len(text):
        segments.append({"text": text[at:], "entity": None})
    return segments


def exposure_graph(record: dict[str, Any]) -> dict[str, Any]:
    """story -> entities -> groups -> companies: an edge where the evidence names the
    entity (group) or the company came via the group; unexplained groups hang off the story."""
    ents = sorted(record["entities"], key=lambda e: -e["relevance"])[:GRAPH_ENTITIES]
    groups = record["groups"][:GRAPH_GROUPS]
    companies = record["companies"][:GRAPH_COMPANIES]
    nodes = [{"id": "story", "label": record["title"], "column": 0}]
    nodes += [{"id": e["id"], "label": e["name"], "column": 1} for e in ents]
    nodes += [{"id": g["id"], "label": g["id"], "column": 2, "direction": g["direction"],
               "score": g["score"]} for g in groups]
    nodes += [{"id": "company:" + c["ticker"], "label": c["ticker"], "column": 3,
               "direction": c["direction"], "score": c["score"]} for c in companies]
    edges = [("story", e["id"]) for e in ents]
    for g in groups:
        chain = " ".join(g.get("evidence", ())).casefold()
        linked = [e["id"] for e in ents
                  if e["name"].casefold() in chain or e["id"] == g["id"]]
        edges += [(e, g["id"]) for e in linked] or [("story", g["id"])]
    shown = {g["id"] for g in groups}
    for c in companies:
        via = [v for v in c.get("via", ()) if v in shown and v != "company:" + c["ticker"]]
        edges += [(v, "company:" + c["ticker"]) for v in via]
    return {"nodes": nodes, "edges": [{"from": a, "to": b} for a, b in edges]}


def group(store: Store, group_id: str, kb: Any, *, limit: int = 20) -> dict[str, Any]:
    """A group page: daily volume and net tone, top stories, companies, related groups."""
    if not GROUP_ID_RE.match(group_id):
        raise InputError(f"group: {group_id!r} is not a group id like commodity:uranium")
    check_limit(limit)
    in_kb = kb is not None and group_id in getattr(kb, "entities", {})
    if not views.group_known(store, group_id) and not in_kb:
        raise NotFound(f"group {group_id}: no stored story moves it and the knowledge base "
                       "does not know it")
    newest = views.newest_epoch(store) or 0.0
    start = (newest // DAY - SERIES_DAYS + 1) * DAY
    members = list(getattr(kb, "companies_by_industry", {}).get(group_id, ())) if kb else []
    return {"id": group_id, "name": kb.name(group_id) if kb is not None else group_id,
            "kind": group_id.split(":", 1)[0],
            "series": views.group_series(store, group_id, start),
            "series_start_day": int(start // DAY), "series_days": SERIES_DAYS,
            "stories": views.group_stories(store, group_id, limit=limit),
            "companies": views.co_companies(store, group_id, limit=12),
            "members": [m.split(":", 1)[-1] for m in members[:24]],
            "related": views.co_groups(store, group_id, limit=12)}


def group_feed(store: Store, group_id: str, kb: Any, *, limit: int = 30) -> dict[str, Any]:
    """The newest stories of a group for its Atom feed."""
    if not GROUP_ID_RE.match(group_id):
        raise InputError(f"group: {group_id!r} is not a group id like commodity:uranium")
    if not views.group_known(store, group_id) and not (
            kb is not None and group_id in getattr(kb, "entities", {})):
        raise NotFound(f"group {group_id}: no stored story moves it")
    items = views.group_newest(store, group_id, limit=limit)
    for item in items:
        item["summary"] = " ".join(item.pop("text").split()[:60])
        item["updated"] = iso(item.pop("epoch"))
    return {"id": group_id, "name": kb.name(group_id) if kb is not None else group_id,
            "items": items}


def search(store: Store, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
    """Full-text search, one hit per story (copies of a story collapse into its best)."""
    query = (query or "").strip()
    if not query:
        raise InputError("q: give words to search for")
    if len(query) > 200:
        raise InputError("q: a query is at most 200 characters")
    check_limit(limit)
    try:
        rows = store.search(query, limit=limit * SEARCH_OVERFETCH)
    except StoreError as err:
        raise InputError(str(err)) from None
    seen: dict[int, dict[str, Any]] = {}
    for row in rows:
        if row["story_id"] in seen:
            seen[row["story_id"]]["copies"] += 1
            continue
        seen[row["story_id"]] = {**row, "copies": 1}
    return list(seen.values())[:limit]


def iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = [
    "NotFound",
    "Page",
    "check_limit",
    "exposure_graph",
    "group",
    "group_feed",
    "highlight",
    "movers",
    "parse_cursor",
    "parse_day",
    "search",
    "stories",
    "story",
    "story_filter",
]
