"""Alert rules and their delivery to webhooks, each alert sent once.

A rule watches a watchlist (any of its tickers or groups) or one target (a group id or a
ticker), above a minimum score. `evaluate` looks at the articles stored since the rule's
cursor and records one alert per (rule, story), moving the cursor in the same
transaction; `deliver` POSTs due alerts as JSON, marking each sent on a 2xx, retrying
failures with exponential backoff. A store is the only state, so a restart neither
loses nor repeats an alert; the payload's `alert_id` (also the Idempotency-Key header)
lets a receiver drop the copy a crash between POST and bookkeeping could cause.
"""
from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from stockgroups.errors import FetchError, InputError
from stockgroups.services.dashboard import GROUP_ID_RE, NotFound
from stockgroups.services.watchlists import NAME_RE, TICKER_RE
from stockgroups.services.watchlists import get as get_watchlist
from stockgroups.sources.http import checked_ip, post_json
from stockgroups.store import views
from stockgroups.store import watchlists as table
from stockgroups.store.base import BaseStore as Store

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 6  # then an alert is 'failed' and shown as such
BACKOFF_BASE_S = 2.0  # 2, 4, 8, 16, 32 s between attempts
BACKOFF_MAX_S = 600.0
DELIVERY_BATCH = 50
WEBHOOK_TIMEOUT_S = 5.0

Poster = Callable[[str, bytes, dict[str, str]], int]


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def create_rule(store: Store, *, name: str, webhook: str, watchlist_id: int | None = None,
                target: str | None = None, min_score: float = 0.0,
                allow_private: bool = False, include_existing: bool = False) -> dict[str, Any]:
    """A new rule; the webhook is checked with the fetcher's private-address guard.
    It looks at articles stored from now on, or at every stored one with include_existing."""
    name = (name or "").strip()
    if not NAME_RE.match(name):
        raise InputError("name: 1 to 80 letters, digits, spaces or .,&()-")
    if (watchlist_id is None) == (not (target or "").strip()):
        raise InputError("give either a watchlist or a target (a group id or a ticker)")
    if target:
        target = target.strip()
        if GROUP_ID_RE.match(target):
            pass
        elif TICKER_RE.match(target):
            target = target.upper()
        else:
            raise InputError(f"target: {target[:40]!r} is not a group id or a ticker")
    if watchlist_id is not None:
        get_watchlist(store, watchlist_id)
    if not 0.0 <= min_score <= 1.0:
        raise InputError("min_score: between 0 and 1")
    webhook = (webhook or "").strip()
    if len(webhook) > 2000:
        raise InputError("webhook: URL too long")
    try:
        checked_ip(webhook, allow_private=allow_private)
    except FetchError as err:
        raise InputError(f"webhook: {err}") from None
    cursor = 0 if include_existing else views.max_article_id(store)
    rid = table.add_rule(store, name=name, watchlist_id=watchlist_id, target=target,
                         min_score=min_score, webhook=webhook, created=_now(), cursor=cursor)
    return next(r for r in table.rules(store) if r["id"] == rid)


def rules(store: Store, *, reveal: bool = False) -> list[dict[str, Any]]:
    """The rules; webhooks cut to scheme and host unless `reveal` (a URL may hold a token)."""
    found = table.rules(store)
    if not reveal:
        for r in found:
            r["webhook"] = _host_only(r["webhook"])
    return found


def _host_only(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or ''}/..."


def delete_rule(store: Store, rule_id: int) -> None:
    if not table.delete_rule(store, rule_id):
        raise NotFound(f"alert rule {rule_id}: no such rule")


def alerts(store: Store, *, limit: int = 100) -> list[dict[str, Any]]:
    found = table.alerts(store, limit=limit)
    for a in found:
        a["webhook"] = _host_only(a["webhook"])
    return found


def evaluate(store: Store) -> int:
    """Record an alert for every new (rule, story) match; returns how many were added."""
    views.refresh_index(store)
    upto = views.max_article_id(store)
    added = 0
    for rule in table.rules(store):
        if rule["watchlist_id"] is not None:
            symbols = [i["symbol"] for i in get_watchlist(store, rule["watchlist_id"])["items"]]
        else:
            symbols = [rule["target"]]
        hits = views.new_hits(store, rule["cursor"],
                              tickers=[s for s in symbols if ":" not in s],
                              groups=[s for s in symbols if ":" in s],
                              min_score=rule["min_score"])
        hits = [h for h in hits if h["article_id"] <= upto]
        best: dict[int, dict[str, Any]] = {}
        for h in hits:
            if h["story_id"] not in best or h["score"] > best[h["story_id"]]["score"]:
                best[h["story_id"]] = h
        added += table.record_alerts(store, rule["id"], list(best.values()), upto, _now())
    return added


def payload(alert: dict[str, Any]) -> bytes:
    return json.dumps({
        "alert_id": alert["id"], "rule": alert["rule"], "story_id": alert["story_id"],
        "title": alert["title"], "matched": alert["matched"],
        "direction": alert["direction"], "score": alert["score"],
        "created": alert["created"]}, ensure_ascii=False).encode("utf-8")


def webhook_poster(*, allow_private: bool = False,
                   timeout: float = WEBHOOK_TIMEOUT_S) -> Poster:
    def post(url: str, body: bytes, headers: dict[str, str]) -> int:
        return post_json(url, body, timeout=timeout, allow_private=allow_private,
                         headers=headers)
    return post


def backoff(attempts: int) -> float:
    """Seconds before the next try after `attempts` failed ones."""
    return min(BACKOFF_MAX_S, BACKOFF_BASE_S * 2 ** max(0, attempts - 1))


def deliver(store: Store, post: Poster, *, now: Callable[[], float] = time.time) -> Delivery:
    """POST every due alert once; failures wait backoff(attempts), then give up."""
    result = Delivery()
    while True:
        due = table.claim_due(store, now(), limit=DELIVERY_BATCH)
        if not due:
            return result
        for alert in due:
            try:
                post(alert["webhook"], payload(alert),
                     {"Idempotency-Key": f"stockgroups-alert-{alert['id']}"})
            except FetchError as err:
                attempts = alert["attempts"] + 1
                give_up = attempts >= MAX_ATTEMPTS
                table.mark_failed(store, alert["id"], str(err),
                                  next_try=None if give_up else now() + backoff(attempts))
                if give_up:
                    result.failed += 1
                else:
                    result.retrying += 1
                log.warning("alert %s: %s", alert["id"], err)
                continue
            table.mark_sent(store, alert["id"], _now())
            result.sent += 1


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


__all__ = ["Delivery", "alerts", "backoff", "create_rule", "delete_rule", "deliver",
           "evaluate", "payload", "rules", "webhook_poster"]
