"""The dashboard's reads: filtered story lists with cursor paging, group series, movers.

Every statement is parameterized. The companies and event types of each analysis live in
the analysis JSON; `refresh_index` copies them into indexed tables so a ticker or event
filter is an index lookup, not a JSON scan (run at serve start and after each ingest).
"""
from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from stockgroups.store.sqlite import Store

DAY = 86400.0
INDEX_BATCH = 2000  # analyses parsed per round of refresh_index
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
    """Index companies and events of analyses not indexed yet (or re-analysed since);
    returns how many analyses were indexed."""
    done = 0
    conn = store.conn
    while True:
        rows = conn.execute(
            "SELECT n.article_id, n.kb_version, n.analysis FROM analyses n "
            "LEFT JOIN indexed_analyses i ON i.article_id = n.article_id "
            "WHERE i.article_id IS NULL OR i.kb_version != n.kb_version "
            "ORDER BY n.article_id LIMIT ?", (INDEX_BATCH,)).fetchall()
        if not rows:
            return done
        companies, events = [], []
        for article_id, _version, raw in rows:
            data = json.loads(raw)
            companies += [(c["ticker"], article_id, c["direction"], float(c["score"]))
                          for c in data.get("companies", ())]
            events += [(e["type"], article_id, float(e["severity"]))
                       for e in data.get("events", ())]
        ids = [(r[0],) for r in rows]
        with store.transaction():
            conn.executemany("DELETE FROM article_companies WHERE article_id = ?", ids)
            conn.executemany("DELETE FROM article_events WHERE article_id = ?", ids)
            conn.executemany("INSERT OR IGNORE INTO article_companies (ticker, article_id, "
                             "direction, score) VALUES (?, ?, ?, ?)", companies)
            conn.executemany("INSERT OR IGNORE INTO article_events (event_type, article_id, "
                             "severity) VALUES (?, ?, ?)", events)
            conn.executemany("INSERT OR REPLACE INTO indexed_analyses (article_id, kb_version) "
                             "VALUES (?, ?)", [(r[0], r[1]) for r in rows])
        done += len(rows)


def newest_epoch(store: Store) -> float | None:
    """Time of the newest story: the dashboard's "now" (a store of old news still has a
    last day and a last week)."""
    row = store.conn.execute("SELECT max(first_epoch) FROM stories").fetchone()
    return row[0]


def list_stories(store: Store, f: StoryFilter, *, limit: int,
                 before: tuple[float, int] | None = None) -> list[dict[str, Any]]:
    """Stories newest first (id, title, first_time, epoch, sources); `before` is the
    (epoch, id) of the last story of the previous page."""
    where: list[str] = []
    params: list[Any] = []
    group_cond, group_params = _group_condition(f)
    if group_cond:
        where.append("s.id IN (SELECT a.story_id FROM article_groups g JOIN articles a "
                     f"ON a.id = g.article_id WHERE {group_cond})")
        params += group_params
    if f.ticker:
        cond = "c.ticker = ?" + (" AND c.direction = ?" if f.direction else "")
        where.append("s.id IN (SELECT a.story_id FROM article_companies c JOIN articles a "
                     f"ON a.id = c.article_id WHERE {cond})")
        params += [f.ticker] + ([f.direction] if f.direction else [])
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
            for i, t, ft, ep, n in store.conn.execute(sql, params).fetchall()]


def _group_condition(f: StoryFilter) -> tuple[str, list[Any]]:
    conds: list[str] = []
    params: list[Any] = []
    if f.group:
        conds.append("g.group_id = ?")
        params.append(f.group)
    elif f.kind:
        conds.append("g.group_id >= ? AND g.group_id < ?")
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
    rows = store.conn.execute(
        "SELECT a.story_id, g.group_id, g.direction, max(g.score) FROM article_groups g "
        "JOIN articles a ON a.id = g.article_id "
        f"WHERE a.story_id IN ({_marks(story_ids)}) "
        "GROUP BY a.story_id, g.group_id ORDER BY a.story_id, max(g.score) DESC, g.group_id",
        list(story_ids)).fetchall()
    for sid, gid, direction, score in rows:
        if len(out[sid]) < per_story:
            out[sid].append({"id": gid, "direction": direction, "score": round(score, 3)})
    return out


def story_companies(store: Store, story_ids: Sequence[int], per_story: int
                    ) -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = {i: [] for i in story_ids}
    if not story_ids:
        return out
    rows = store.conn.execute(
        "SELECT a.story_id, c.ticker, c.direction, max(c.score) FROM article_companies c "
        "JOIN articles a ON a.id = c.article_id "
        f"WHERE a.story_id IN ({_marks(story_ids)}) "
        "GROUP BY a.story_id, c.ticker ORDER BY a.story_id, max(c.score) DESC, c.ticker",
        list(story_ids)).fetchall()
    for sid, ticker, direction, score in rows:
        if len(out[sid]) < per_story:
            out[sid].append({"ticker": ticker, "direction": direction,
                             "score": round(score, 3)})
    return out


def story_record(store: Store, story_id: int) -> dict[str, Any] | None:
    """A story with its sources (original first), the original's clean text and analysis."""
    row = store.conn.execute(
        "SELECT s.id, s.title, s.first_time, s.novelty, s.original_id, a.text, n.analysis "
        "FROM stories s JOIN articles a ON a.id = s.original_id "
        "JOIN analyses n ON n.article_id = a.id WHERE s.id = ?", (story_id,)).fetchone()
    if row is None:
        return None
    sid, title, first_time, novelty, original, text, analysis = row
    sources = [
        {"article_id": a, "source": src, "url": url, "published": pub, "seen_at": seen,
         "original": a == original, "similarity": round(sim, 3)}
        for a, src, url, pub, seen, sim in store.conn.execute(
            "SELECT id, source, url, published, seen_at, similarity FROM articles "
            "WHERE story_id = ? ORDER BY id = ? DESC, epoch, id", (sid, original))]
    return {"id": sid, "title": title, "first_seen": first_time, "novelty": novelty,
            "sources": sources, "text": text, "analysis": json.loads(analysis)}


def group_known(store: Store, group_id: str) -> bool:
    """Whether any stored story moves this group (or names this company's ticker)."""
    if group_id.startswith("company:"):
        ticker = group_id.split(":", 1)[1]
        if store.conn.execute("SELECT 1 FROM article_companies WHERE ticker = ? LIMIT 1",
                              (ticker,)).fetchone():
            return True
    return store.conn.execute("SELECT 1 FROM article_groups WHERE group_id = ? LIMIT 1",
                              (group_id,)).fetchone() is not None


def _hits_source(group_id: str) -> tuple[str, list[Any]]:
    """A subquery of (article_id, direction, score) rows for a group or a company."""
    if group_id.startswith("company:"):
        ticker = group_id.split(":", 1)[1]
        return ("SELECT article_id, direction, score FROM article_companies WHERE ticker = ? "
                "UNION ALL SELECT article_id, direction, score FROM article_groups "
                "WHERE group_id = ?", [ticker, group_id])
    return ("SELECT article_id, direction, score FROM article_groups WHERE group_id = ?",
            [group_id])


def group_series(store: Store, group_id: str, start: float) -> list[dict[str, Any]]:
    """Per UTC day since `start`: stories moving the group and their net tone (mean of
    +score for up, -score for down, 0 otherwise)."""
    source, params = _hits_source(group_id)
    rows = store.conn.execute(
        f"SELECT CAST(a.epoch / {DAY} AS INTEGER) AS day, count(DISTINCT a.story_id), "
        f"avg({SIGN_SQL} * g.score) FROM ({source}) g JOIN articles a ON a.id = g.article_id "
        "WHERE a.epoch >= ? GROUP BY day ORDER BY day", params + [start]).fetchall()
    return [{"day": int(d), "stories": n, "net_tone": round(t or 0.0, 3)} for d, n, t in rows]


def group_stories(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The group's stories, strongest first then newest, with its direction and score."""
    source, params = _hits_source(group_id)
    rows = store.conn.execute(
        "SELECT s.id, s.title, s.first_time, g.direction, max(g.score) AS best "
        f"FROM ({source}) g JOIN articles a ON a.id = g.article_id "
        "JOIN stories s ON s.id = a.story_id GROUP BY s.id "
        "ORDER BY best DESC, s.first_epoch DESC LIMIT ?", params + [limit]).fetchall()
    return [{"id": i, "title": t, "first_seen": ft, "direction": d, "score": round(sc, 3)}
            for i, t, ft, d, sc in rows]


def group_newest(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """The group's stories, newest first (the feed)."""
    source, params = _hits_source(group_id)
    rows = store.conn.execute(
        "SELECT s.id, s.title, s.first_time, s.first_epoch, g.direction, max(g.score), a.text "
        f"FROM ({source}) g JOIN articles a ON a.id = g.article_id "
        "JOIN stories s ON s.id = a.story_id GROUP BY s.id "
        "ORDER BY s.first_epoch DESC, s.id DESC LIMIT ?", params + [limit]).fetchall()
    return [{"id": i, "title": t, "first_seen": ft, "epoch": ep, "direction": d,
             "score": round(sc, 3), "text": text} for i, t, ft, ep, d, sc, text in rows]


def co_companies(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """Companies named with the group in the same analyses, most often first."""
    source, params = _hits_source(group_id)
    rows = store.conn.execute(
        "SELECT c.ticker, count(*), avg(CASE c.direction WHEN 'up' THEN c.score "
        "WHEN 'down' THEN -c.score ELSE 0 END) "
        f"FROM ({source}) g JOIN article_companies c ON c.article_id = g.article_id "
        "GROUP BY c.ticker ORDER BY count(*) DESC, c.ticker LIMIT ?",
        params + [limit]).fetchall()
    return [{"ticker": t, "stories": n, "net_tone": round(tone or 0.0, 3)}
            for t, n, tone in rows]


def co_groups(store: Store, group_id: str, *, limit: int) -> list[dict[str, Any]]:
    """Groups moved by the same analyses as this group, most often first."""
    source, params = _hits_source(group_id)
    rows = store.conn.execute(
        f"SELECT o.group_id, count(*) FROM ({source}) g "
        "JOIN article_groups o ON o.article_id = g.article_id "
        "WHERE o.group_id != ? GROUP BY o.group_id ORDER BY count(*) DESC, o.group_id "
        "LIMIT ?", params + [group_id, limit]).fetchall()
    return [{"id": gid, "stories": n} for gid, n in rows]


def movers(store: Store, start: float, *, limit: int) -> list[dict[str, Any]]:
    """Groups by news flow since `start`: stories moving them and net tone."""
    rows = store.conn.execute(
        f"SELECT g.group_id, count(DISTINCT a.story_id), avg({SIGN_SQL} * g.score) "
        "FROM articles a JOIN article_groups g ON g.article_id = a.id "
        "WHERE a.epoch >= ? GROUP BY g.group_id "
        "ORDER BY count(DISTINCT a.story_id) DESC, g.group_id LIMIT ?",
        (start, limit)).fetchall()
    return [{"id": gid, "stories": n, "net_tone": round(t or 0.0, 3)} for gid, n, t in rows]


def symbol_hits(store: Store, symbols: Sequence[str], start: float
                ) -> list[dict[str, Any]]:
    """Every (symbol, story) hit since `start` for tickers and group ids, strongest first:
    the rows a watchlist's exposure is summed from."""
    tickers = [s for s in symbols if ":" not in s]
    groups = [s for s in symbols if ":" in s]
    out: list[dict[str, Any]] = []
    if tickers:
        out += _hits(store, "article_companies", "ticker", tickers, start)
    if groups:
        out += _hits(store, "article_groups", "group_id", groups, start)
    out.sort(key=lambda h: (-h["score"], -h["epoch"]))
    return out


def _hits(store: Store, table: str, column: str, keys: list[str], start: float
          ) -> list[dict[str, Any]]:
    rows = store.conn.execute(
        f"SELECT h.{column}, a.story_id, s.title, s.first_epoch, h.direction, max(h.score), "
        f"n.analysis FROM {table} h JOIN articles a ON a.id = h.article_id "
        "JOIN stories s ON s.id = a.story_id JOIN analyses n ON n.article_id = a.id "
        f"WHERE h.{column} IN ({_marks(keys)}) AND s.first_epoch >= ? "
        f"GROUP BY h.{column}, a.story_id", keys + [start]).fetchall()
    return [{"symbol": sym, "story_id": sid, "title": title, "epoch": ep, "direction": d,
             "score": round(sc, 3), "analysis": analysis}
            for sym, sid, title, ep, d, sc, analysis in rows]


def new_hits(store: Store, after_article: int, *, tickers: Sequence[str],
             groups: Sequence[str], min_score: float) -> list[dict[str, Any]]:
    """Hits of articles stored after `after_article` on these tickers or groups with at
    least `min_score`, oldest first (what an alert rule has not looked at yet)."""
    out: list[dict[str, Any]] = []
    for table, column, keys in (("article_companies", "ticker", list(tickers)),
                                ("article_groups", "group_id", list(groups))):
        if not keys:
            continue
        out += [{"article_id": aid, "story_id": sid, "matched": key, "direction": d,
                 "score": round(sc, 3), "title": title}
                for aid, sid, key, d, sc, title in store.conn.execute(
                    f"SELECT a.id, a.story_id, h.{column}, h.direction, h.score, a.title "
                    f"FROM {table} h JOIN articles a ON a.id = h.article_id "
                    f"WHERE a.id > ? AND h.score >= ? AND h.{column} IN ({_marks(keys)})",
                    [after_article, min_score] + keys)]
    out.sort(key=lambda h: (h["article_id"], -h["score"]))
    return out


def max_article_id(store: Store) -> int:
    return int(store.conn.execute("SELECT coalesce(max(id), 0) FROM articles").fetchone()[0])


def known_tickers(store: Store, tickers: Sequence[str]) -> set[str]:
    if not tickers:
        return set()
    return {r[0] for r in store.conn.execute(
        f"SELECT DISTINCT ticker FROM article_companies WHERE ticker IN ({_marks(tickers)})",
        list(tickers))}


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
