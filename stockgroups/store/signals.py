"""Reads of stored stories' signals for the event study and calibration."""
from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from stockgroups.store.base import BaseStore


def story_signals(store: BaseStore, story_id: int) -> dict[str, Any] | None:
    """A story's id, title, first time and its original article's analysis (events, groups,
    companies), or None when there is no such story."""
    row = store._execute(
        "SELECT s.id, s.title, s.first_time, n.analysis FROM stories s "
        "JOIN analyses n ON n.article_id = s.original_id WHERE s.id = ?", (story_id,)).fetchone()
    return _signals(*row) if row else None


def all_story_signals(store: BaseStore, batch: int = 500) -> Iterator[dict[str, Any]]:
    """Every stored story's signals, oldest first (streams in batches)."""
    last = 0
    while True:
        rows = store._execute(
            "SELECT s.id, s.title, s.first_time, n.analysis FROM stories s "
            "JOIN analyses n ON n.article_id = s.original_id WHERE s.id > ? "
            "ORDER BY s.id LIMIT ?", (last, batch)).fetchall()
        if not rows:
            return
        last = rows[-1][0]
        for row in rows:
            yield _signals(*row)


def _signals(sid: int, title: str, first_time: str, analysis: str) -> dict[str, Any]:
    data = json.loads(analysis)
    return {"id": sid, "title": title, "first_seen": first_time,
            "events": data.get("events", []), "groups": data.get("groups", []),
            "companies": data.get("companies", [])}
