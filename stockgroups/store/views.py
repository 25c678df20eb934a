"""The dashboard's reads: filtered story lists with cursor paging, group series, movers.

Every statement is parameterized and runs on both backends (SQLite and PostgreSQL:
no bare columns beside an aggregate, ON CONFLICT instead of INSERT OR ...). The companies and event types of each analysis live in
the analysis JSON; `refresh_index` copies them into indexed tables so a ticker or event
filter is an index lookup, not a JSON scan (run at serve start and after each ingest).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stockgroups.store.base import BaseStore as Store

DAY = 86400.0
INDEX_BATCH = 2000  # analyses parsed per round of refresh_index
COMPANY = "company:"  # companies sit in group_hits as company:TICKER
COMPANY_SQL = "substr({}, 1, 8) = 'company:'"  # where an index range is not needed
SIGN_SQL = "CASE g.direction WHEN 'up' THEN 1.0 WHEN 'down' THEN -1.0 ELSE 0.0 END"


@dataclass(frozen=True)
class StoryFilter:
    """What the Today page and GET /api/stories narrow the list by (all optional)."""

    kind: str | None = None  # group kind: sector, industry, commodity, country, ...
    group: str | None = None  # a group id
    ticker: str | None = None
    direction: str | None = None  # of the group or ticker if given, else of any group
    event: str | None = None  # event type id, e.g. "strike"
    start: float | None = None  # epoch, inclusive
    end: float | None = None  # epoch, exclusive


def refresh_index(store: Store) -> int:
    """Index events and group hits of analyses not indexed yet, then of those re-analysed
    since (only when the counts per KB version differ: a cheap check, run every few
    seconds by `serve`); returns how many analyses were indexed."""
    last = store._execute("SELECT coalesce(max(article_id), 0) FROM indexed_analyses"
                          ).fetchone()[0]
    done = _index(store, last, "TRUE")
    if _versions(store, "analyses") != _versions(store, "indexed_analyses"):
        done += _index(store, 0, "(i.article_id IS NULL OR i.kb_version != n.kb_version)")
    if done:
        store.optimize()
    return done


def _versions(store: Store, table: str) -> dict[str, int]:
    return dict(store._execute(f"SELECT kb_version, count(*) FROM {table} "
                               "GROUP BY kb_version").fetchall())


def _index(store: Store, last: int, condition: str) -> int:
    """Index analyses after article `last` that meet `condition`, in id order."""
    done = 0
    while True:
        rows = store._execute(
            "SELECT n.article_id, n.kb_version, n.analysis, a.epoch, a.story_id, "
            "i.article_id IS NOT NULL FROM analyses n JOIN articles a ON a.id = n.article_id "
            "LEFT JOIN indexed_analyses i ON i.article_id = n.article_id "
            f"WHERE n.article_id > ? AND {condition} ORDER BY n.article_id LIMIT ?",
            (last, INDEX_BATCH)).fetchall()
        if not rows:
            return done
        last = rows[-1][0]
        events, hits = [], []
        for article_id, _version, raw, epoch, story_id, _seen in rows:
            data = json.loads(raw)
            hits += [(COMPANY + c["ticker"], epoch, article_id, story_id, c["direction"],
                      float(c["score"])) for c in data.get("companies", ())]
            hits += [(g["id"], epoch, article_id, story_id, g["direction"], float(g["score"]))
                     for g in data.get("groups", ())]
            events += [(e["type"], article_id, float(e["severity"]))
                       for e in data.get("events", ())]
        stale = [(r[0],) for r in rows if r[5]]  # re-analysed: drop what was indexed
        with store.transaction():
            for table in ("article_events", "group_hits"):
                store._execute_many(f"DELETE FROM {table} WHERE article_id = ?", stale)
            store._execute_many("INSERT INTO article_events (event_type, article_id, severity) "
                                "VALUES (?, ?, ?) ON CONFLICT DO NOTHING", events)
            store._execute_many("INSERT INTO group_hits (group_id, epoch, article_id, story_id, "
                                "direction, score) VALUES (?, ?, ?, ?, ?, ?) "
                                "ON CONFLICT DO NOTHING", hits)
            store._execute_many("INSERT INTO indexed_analyses (article_id, kb_version) "
                                "VALUES (?, ?) ON CONFLICT (article_id) DO UPDATE "
                                "SET kb_version = excluded.kb_version",
                                [(r[0], r[1]) for r in rows])
        done += len(rows)


def newest_epoch(store: Store) -> float | None:
    """Time of the newest story: the dashboard's "now" (a store of old news still has a
    last day and a last week)."""
    row = store._execute("SELECT max(first_epoch) FROM stories").fetchone()
    return row[0]


def list_stories(store: Store, f: StoryFilter, *, limit: int,
                 before: tuple[float, int] | None = None) -> list[dict[str, Any]]:
    """Stories newest first (id, title, first_time, epoch, sources); `before` is the
    (epoch, id) of the last story of the previous page."""
    where: list[str] = []
    params: list[Any] = []
    group_cond, group_params = _group_condition(store, f)
    if group_cond:
        where.append("s.id IN (SELECT a.story_id FROM article_groups g JOIN articles a "
                     f"ON a.id = g.article_id WHERE {group_cond})")
        params += group_params
    if f.ticker:
        cond = "h.group_id = ?" + (" AND h.direction = ?" if f.direction else "")
        where.append(f"s.id IN (SELECT h.story_id FROM group_hits h WHERE {cond})")
        params += [COMPANY + f.ticker] + ([f.direction] if f.direction else [])
    if f.event:
        where.append("s.id IN (SELECT a.story_id FROM article_events e JOIN articles a "
                     "ON a.id = e.article_id WHERE e.event_type = ?)")
        params.append(f.event)
    if f.start is not None:
        where.append("s.first_epoch >= ?")
        params.append(f.start)
    if f.end is not None:
        where.append("s.first_epoch < ?")
        params.append(f.end)
    if before is not None:
        where.append("(s.first_epoch < ? OR (s.first_epoch = ? AND s.id < ?))")
        params += [before[0], before[0], before[1]]
    sql = "SELECT s.id, s.title, s.first_time, s.first_epoch, s.sources FROM stories s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY s.first_epoch DESC, s.id DESC LIMIT ?"
    params.append(limit)
    return [{"id": i, "title": t, "first_seen": ft, "epoch": ep, "sources": n}
            for i, t, ft, ep, n in store._execute(sql, params).fetchall()]


def _group_condition(store: Store, f: StoryFilter) -> tuple[str, list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    if f.group:
        conds.append("g.group_id = ?")
        params.append(f.group)
    elif f.kind:
        conds.append(f"g.group_id{store.byte_order} >= ? AND g.group_id{store.byte_order} < ?")
        params += [f.kind + ":", f.kind + ";"]  # ';' sorts right after ':'
    if f.direction and not f.ticker:
        conds.append("g.direction = ?")
        params.append(f.direction)
    return " AND ".join(conds), params


def story_groups(store: Store, story_ids: Sequence[int], per_story: int
                 ) -> dict[int, list[dict[str, Any]]]:
    """The strongest groups of each story (a group's best score over the story's sources)."""
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in story_ids}
    if not story_ids:
        return out
    rows = store._execute(
        "SELECT story_id, group_id, direction, score FROM (SELECT a.story_id, g.group_id, "
        "g.direction, g.score, row_number() OVER (PARTITION BY a.story_id, g.group_id "
        "ORDER BY g.score DESC, a.id) AS nth FROM article_groups g "
        "JOIN articles a ON a.id = g.article_id "
        f"WHERE a.story_id IN ({_marks(story_ids)})) best WHERE nth = 1 "
        "ORDER BY story_id, score DESC, group_id", list(story_ids)).fetchall()
    for sid, gid, direction, score in rows:
        if len(out[sid]) < per_story:
            out[sid].append({"id": gid, "direction": direction, "score": round(score, 3)})
    return out


def story_companies(store: Store, story_ids: Sequence[int], per_story: int
                    ) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in story_ids}
    if not story_ids:
        return out
    rows = store._execute(
        "SELECT story_id, group_id, direction, score FROM (SELECT a.story_id, h.group_id, "
        "h.direction, h.score, row_number() OVER (PARTITION BY a.story_id, h.group_id "
        "ORDER BY h.score DESC, a.id) AS nth FROM articles a "
        "JOIN group_hits h ON h.article_id = a.id "
        f"WHERE a.story_id IN ({_marks(story_ids)}) AND {COMPANY_SQL.format('h.group_id')}) "
        "best WHERE nth = 1 ORDER BY story_id, score DESC, group_id",
        list(story_ids)).fetchall()
    for sid, gid, direction, score in rows:
        if len(out[sid]) < per_story:
            out[sid].append({"ticker": gid[len(COMPANY):], "direction": direction,
                             "score": round(score, 3)})
    return out


def story_record(store: Store, story_id: int) -> dict[str, Any] | None:
    """A story with its sources (original first), the original's clean text and analysis."""
    row = store._execute(
        "SELECT s.id, s.title, s.first_time, s.novelty, s.original_id, a.text, n.analysis "
        "FROM stories s JOIN articles a ON a.id = s.original_id "
        "JOIN analyses n ON n.article_id = a.id WHERE s.id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    sid, title, first_time, novelty, original, text, analysis = row
    return {"id": sid, "title": title, "first_seen": first_time, "novelty": novelty,
            "sources": store.story_sources(sid, original), "text": text, "analysis": json.loads(analysis)}


def group_known(store: Store, group_id: str) -> bool:
    """Whether any stored story moves this group (or names this company:TICKER)."""
    return store._execute("SELECT 1 FROM group_hits WHERE group_id = ? LIMIT 1",
                          (group_id,)).fetchone() is not None


# The group page's lists come from the group's latest hits: bounded work on any store size.
RECENT_HITS = 500
RECENT_SQL = ("WITH recent AS (SELECT article_id, story_id, epoch, direction, score "
              "FROM group_hits WHERE group_id = ? ORDER BY epoch DESC LIMIT ?) ")
# ... and each story's strongest of those hits (its direction with it)
BEST_SQL = (", best AS (SELECT story_id, direction, score, row_number() OVER (PARTITION BY "
            "story_id ORDER BY score DESC, epoch DESC, article_id) AS nth FROM recent) ")


def group_series(store: Store, group_id: str, start: float) -> list[dict[str, Any]]:
    """Per UTC day since `start`: stories moving the group and their net tone (mean of
    +score for up, -score for down, 0 otherwise)."""
    day = store.day_number("g.epoch")
    rows = store._execute(
        f"SELECT {day} AS day, count(DISTINCT g.story_id), "
        f"avg({SIGN_SQL} * g.score) FROM group_hits g WHERE g.group_id = ? AND g.epoch >= ? "
        f"GROUP BY {day} ORDER BY day", (group_id, start)).fetchall()
    return [{"day": int(d), "stories": n, "net_tone": round(t or 0.0, 3)} for d, n, t in rows]


def group_stories(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The strongest of the group's latest stories, with direction and score."""
    rows = store._execute(
        RECENT_SQL + BEST_SQL + "SELECT s.id, s.title, s.first_time, b.direction, b.score "
        "FROM best b JOIN stories s ON s.id = b.story_id WHERE b.nth = 1 "
        "ORDER BY b.score DESC, s.first_epoch DESC, s.id DESC LIMIT ?",
        (group_id, RECENT_HITS, limit)).fetchall()
    return [{"id": i, "title": t, "first_seen": ft, "direction": d, "score": round(sc, 3)}
            for i, t, ft, d, sc in rows]


def group_newest(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The group's stories, newest first (the feed)."""
    rows = store._execute(
        RECENT_SQL + BEST_SQL + "SELECT s.id, s.title, s.first_time, s.first_epoch, "
        "b.direction, b.score, a.text FROM best b JOIN stories s ON s.id = b.story_id "
        "JOIN articles a ON a.id = s.original_id WHERE b.nth = 1 "
        "ORDER BY s.first_epoch DESC, s.id DESC LIMIT ?",
        (group_id, RECENT_HITS, limit)).fetchall()
    return [{"id": i, "title": t, "first_seen": ft, "epoch": ep, "direction": d,
             "score": round(sc, 3), "text": text} for i, t, ft, ep, d, sc, text in rows]


def co_companies(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """Companies named with the group in its latest analyses, most often first."""
    rows = store._execute(
        RECENT_SQL + "SELECT h.group_id, count(DISTINCT g.story_id), avg(CASE h.direction "
        "WHEN 'up' THEN h.score WHEN 'down' THEN -h.score ELSE 0 END) "
        "FROM recent g JOIN group_hits h ON h.article_id = g.article_id "
        f"WHERE {COMPANY_SQL.format('h.group_id')} AND h.group_id != ? GROUP BY h.group_id "
        "ORDER BY count(DISTINCT g.story_id) DESC, max(h.score) DESC, h.group_id LIMIT ?",
        (group_id, RECENT_HITS, group_id, limit)).fetchall()
    return [{"ticker": t[len(COMPANY):], "stories": n, "net_tone": round(tone or 0.0, 3)}
            for t, n, tone in rows]


def co_groups(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """Groups moved by the group's latest analyses too, most often first."""
    rows = store._execute(
        RECENT_SQL + "SELECT o.group_id, count(DISTINCT g.story_id) FROM recent g "
        "JOIN article_groups o ON o.article_id = g.article_id WHERE o.group_id != ? "
        "GROUP BY o.group_id ORDER BY count(DISTINCT g.story_id) DESC, max(o.score) DESC, "
        "o.group_id LIMIT ?", (group_id, RECENT_HITS, group_id, limit)).fetchall()
    return [{"id": gid, "stories": n} for gid, n in rows]


def movers(store: Store, start: float, *, limit: int) -> list[dict[str, Any]]:
    """Groups (not single companies) by news flow since `start`: stories and net tone."""
    rows = store._execute(
        f"SELECT g.group_id, count(DISTINCT g.story_id), avg({SIGN_SQL} * g.score) "
        "FROM group_hits g WHERE g.epoch >= ? "
        f"AND NOT {COMPANY_SQL.format('g.group_id')} "
        "GROUP BY g.group_id ORDER BY count(DISTINCT g.story_id) DESC, g.group_id LIMIT ?",
        (start, limit)).fetchall()
    return [{"id": gid, "stories": n, "net_tone": round(t or 0.0, 3)} for gid, n, t in rows]


def symbol_hits(store: Store, symbols: Sequence[str], start: float
                ) -> list[dict[str, Any]]:
    """Every (symbol, story) hit since `start` for tickers and group ids, strongest first:
    the rows a watchlist's exposure is summed from."""
    if not symbols:
        return []
    keys = {(s if ":" in s else "company:" + s): s for s in symbols}
    rows = store._execute(
        "SELECT b.group_id, b.story_id, s.title, s.first_epoch, b.direction, b.score, "
        "n.analysis FROM (SELECT g.group_id, g.story_id, g.article_id, g.direction, g.score, "
        "row_number() OVER (PARTITION BY g.group_id, g.story_id ORDER BY g.score DESC, "
        "g.article_id) AS nth FROM group_hits g "
        f"WHERE g.group_id IN ({_marks(list(keys))}) AND g.epoch >= ?) b "
        "JOIN stories s ON s.id = b.story_id JOIN analyses n ON n.article_id = b.article_id "
        "WHERE b.nth = 1", list(keys) + [start]).fetchall()
    out = [{"symbol": keys[gid], "story_id": sid, "title": title, "epoch": ep, "direction": d,
            "score": round(sc, 3), "analysis": analysis}
           for gid, sid, title, ep, d, sc, analysis in rows]
    out.sort(key=lambda h: (-h["score"], -h["epoch"]))
    return out


def new_hits(store: Store, after_article: int, *, tickers: Sequence[str],
             groups: Sequence[str], min_score: float) -> list[dict[str, Any]]:
    """Hits of articles stored after `after_article` on these tickers or groups with at
    least `min_score`, oldest first (what an alert rule has not looked at yet)."""
    keys = {COMPANY + t: t for t in tickers} | {g: g for g in groups}
    if not keys:
        return []
    rows = store._execute(
        "SELECT h.article_id, h.story_id, h.group_id, h.direction, h.score FROM group_hits h "
        f"WHERE h.group_id IN ({_marks(list(keys))}) AND h.article_id > ? AND h.score >= ?",
        list(keys) + [after_article, min_score]).fetchall()
    out = [{"article_id": aid, "story_id": sid, "matched": keys[gid], "direction": d,
            "score": round(sc, 3)} for aid, sid, gid, d, sc in rows]
    out.sort(key=lambda h: (h["article_id"], -h["score"]))
    return out


def max_article_id(store: Store) -> int:
    return int(store._execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def _marks(values: Sequence[object]) -> str:
    return ",".join("?" * len(values))


__all__ = [
    "StoryFilter",
    "co_companies",
    "co_groups",
    "group_known",
    "group_newest",
    "group_series",
    "group_stories",
    "list_stories",
    "max_article_id",
    "movers",
    "new_hits",
    "newest_epoch",
    "refresh_index",
    "story_companies",
    "story_groups",
    "story_record",
    "symbol_hits",
]
