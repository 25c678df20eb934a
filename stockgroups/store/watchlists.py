"""Watchlists and alert rules and alerts: their tables' SQL, parameterized, the same on
both backends (ids come back with RETURNING; a refused write is the store's StoreError)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stockgroups.store.base import BaseStore as Store

SENDING_STALE_S = 300.0  # a 'sending' claim older than this died with its process


# -- watchlists ---------------------------------------------------------------------------


def save_watchlist(store: Store, name: str, items: Sequence[tuple[str, float]],
                   created: str) -> int:
    """Create or replace the watchlist `name` with these (symbol, weight) items."""
    with store.transaction():
        row = store._execute("SELECT id FROM watchlists WHERE name = ?", (name,)).fetchone()
        if row:
            wid = int(row[0])
            store._execute("DELETE FROM watchlist_items WHERE watchlist_id = ?", (wid,))
        else:
            wid = int(store._execute("INSERT INTO watchlists (name, created) VALUES (?, ?) "
                                     "RETURNING id", (name, created)).fetchall()[0][0])
        store._execute_many("INSERT INTO watchlist_items (watchlist_id, symbol, weight) "
                            "VALUES (?, ?, ?)", [(wid, s, w) for s, w in items])
    return wid


def watchlists(store: Store) -> list[dict[str, Any]]:
    rows = store._execute(
        "SELECT w.id, w.name, w.created, count(i.symbol) FROM watchlists w "
        "LEFT JOIN watchlist_items i ON i.watchlist_id = w.id GROUP BY w.id ORDER BY w.name"
    ).fetchall()
    return [{"id": i, "name": n, "created": c, "holdings": k} for i, n, c, k in rows]


def watchlist(store: Store, wid: int) -> dict[str, Any] | None:
    row = store._execute("SELECT id, name, created FROM watchlists WHERE id = ?",
                         (wid,)).fetchone()
    if row is None:
        return None
    items = [{"symbol": s, "weight": w} for s, w in store._execute(
        "SELECT symbol, weight FROM watchlist_items WHERE watchlist_id = ? ORDER BY symbol",
        (wid,)).fetchall()]
    return {"id": row[0], "name": row[1], "created": row[2], "items": items}


def delete_watchlist(store: Store, wid: int) -> bool:
    with store.transaction():
        return store._execute("DELETE FROM watchlists WHERE id = ?", (wid,)).rowcount > 0


# -- alert rules --------------------------------------------------------------------------

RULE_COLUMNS = "r.id, r.name, r.watchlist_id, w.name, r.target, r.min_score, r.webhook, " \
               "r.created, r.cursor"


def add_rule(store: Store, *, name: str, watchlist_id: int | None, target: str | None,
             min_score: float, webhook: str, created: str, cursor: int) -> int:
    """A new rule's id; a watchlist deleted meanwhile is the store's StoreError."""
    with store.transaction():
        return int(store._execute(
            "INSERT INTO alert_rules (name, watchlist_id, target, min_score, webhook, "
            "created, cursor) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (name, watchlist_id, target, min_score, webhook, created, cursor)).fetchall()[0][0])


def rules(store: Store) -> list[dict[str, Any]]:
    rows = store._execute(
        f"SELECT {RULE_COLUMNS} FROM alert_rules r "
        "LEFT JOIN watchlists w ON w.id = r.watchlist_id ORDER BY r.id").fetchall()
    return [{"id": i, "name": n, "watchlist_id": wid, "watchlist": wname, "target": t,
             "min_score": m, "webhook": h, "created": c, "cursor": cur}
            for i, n, wid, wname, t, m, h, c, cur in rows]


def delete_rule(store: Store, rule_id: int) -> bool:
    with store.transaction():
        return store._execute("DELETE FROM alert_rules WHERE id = ?",
                              (rule_id,)).rowcount > 0


def record_alerts(store: Store, rule_id: int, hits: Sequence[dict[str, Any]], cursor: int,
                  created: str) -> int:
    """Insert one pending alert per (rule, story) not alerted before and move the rule's
    cursor, in one transaction: a rule never looks at an article twice."""
    count = "SELECT count(*) FROM alerts WHERE rule_id = ?"
    with store.transaction():
        before = int(store._execute(count, (rule_id,)).fetchone()[0])
        store._execute_many(
            "INSERT INTO alerts (rule_id, story_id, matched, direction, score, created, "
            "status) VALUES (?, ?, ?, ?, ?, ?, 'pending') ON CONFLICT DO NOTHING",
            [(rule_id, h["story_id"], h["matched"], h["direction"], h["score"], created)
             for h in hits])
        added = int(store._execute(count, (rule_id,)).fetchone()[0]) - before
        store._execute("UPDATE alert_rules SET cursor = ? WHERE id = ? AND cursor < ?",
                       (cursor, rule_id, cursor))
    return added


# -- alerts -------------------------------------------------------------------------------

ALERT_COLUMNS = ("a.id, a.rule_id, r.name, r.webhook, a.story_id, s.title, a.matched, "
                 "a.direction, a.score, a.created, a.status, a.attempts, a.next_try, "
                 "a.sent_at, a.last_error")
ALERT_KEYS = ("id", "rule_id", "rule", "webhook", "story_id", "title", "matched", "direction",
              "score", "created", "status", "attempts", "next_try", "sent_at", "last_error")


def alerts(store: Store, *, limit: int) -> list[dict[str, Any]]:
    rows = store._execute(
        f"SELECT {ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id "
        "LEFT JOIN stories s ON s.id = a.story_id ORDER BY a.id DESC LIMIT ?",
        (limit,)).fetchall()
    return [dict(zip(ALERT_KEYS, row)) for row in rows]


def claim_due(store: Store, now: float, *, limit: int) -> list[dict[str, Any]]:
    """Mark due alerts 'sending' and return them: two deliverers never send one alert.
    A 'sending' claim left by a dead process is taken again after SENDING_STALE_S."""
    if store._execute("SELECT 1 FROM alerts WHERE status IN ('pending', 'sending') "
                      "LIMIT 1").fetchone() is None:
        return []  # nothing to send: no write lock taken
    with store.transaction():
        rows = store._execute(
            f"SELECT {ALERT_COLUMNS} FROM alerts a JOIN alert_rules r ON r.id = a.rule_id "
            "LEFT JOIN stories s ON s.id = a.story_id "
            "WHERE (a.status = 'pending' AND a.next_try <= ?) "
            "OR (a.status = 'sending' AND a.next_try <= ?) ORDER BY a.id LIMIT ?",
            (now, now - SENDING_STALE_S, limit)).fetchall()
        store._execute_many("UPDATE alerts SET status = 'sending', next_try = ? WHERE id = ?",
                            [(now, r[0]) for r in rows])
    return [dict(zip(ALERT_KEYS, row)) for row in rows]


def mark_sent(store: Store, alert_id: int, sent_at: str) -> None:
    with store.transaction():
        store._execute("UPDATE alerts SET status = 'sent', sent_at = ?, "
                       "attempts = attempts + 1, last_error = NULL WHERE id = ?",
                       (sent_at, alert_id))


def mark_failed(store: Store, alert_id: int, error: str, *, next_try: float | None) -> None:
    """One failed attempt: retry at `next_try`, or give up for good when it is None."""
    update = "UPDATE alerts SET attempts = attempts + 1, last_error = ?, status = ?"
    with store.transaction():
        if next_try is None:
            store._execute(update + " WHERE id = ?", (error, "failed", alert_id))
        else:
            store._execute(update + ", next_try = ? WHERE id = ?",
                           (error, "pending", next_try, alert_id))


__all__ = [
    "add_rule",
    "alerts",
    "claim_due",
    "delete_rule",
    "delete_watchlist",
    "mark_failed",
    "mark_sent",
    "record_alerts",
    "rules",
    "save_watchlist",
    "watchlist",
    "watchlists",
]
