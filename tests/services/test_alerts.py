"""Alert rules: matches recorded once per (rule, story), delivered once, retried with
backoff, surviving a restart; webhooks under the private-address guard."""
from __future__ import annotations

import json

import pytest
from localserver import LocalServer, QuietHandler

from stockgroups.errors import FetchError, InputError
from stockgroups.services import alerts, watchlists
from stockgroups.store import watchlists as table
from stockgroups.store.base import StoreError
from stockgroups.store.open import open_store

HOOK = "https://93.184.215.14/hook"


class Recorder:
    """A webhook stand-in: records each POST; fails the first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.calls: list[dict] = []
        self.failures = failures

    def __call__(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        if self.failures:
            self.failures -= 1
            raise FetchError(f"{url}: HTTP 503")
        self.calls.append({"url": url, "body": json.loads(body), "headers": headers})
        return 200


def test_rule_on_existing_stories_alerts_each_story_once(web_store):
    with open_store(web_store) as store:
        alerts.create_rule(store, name="uranium", target="commodity:uranium", webhook=HOOK,
                           min_score=0.7, include_existing=True)
        assert alerts.evaluate(store) == 2  # the flood story and the hostile one
        assert alerts.evaluate(store) == 0
        hook = Recorder()
        assert alerts.deliver(store, hook).sent == 2
        assert alerts.deliver(store, hook).sent == 0
    titles = sorted(c["body"]["title"] for c in hook.calls)
    assert titles[1] == "Flooding halts Kazakh uranium mine"
    assert all(c["headers"]["Idempotency-Key"].startswith("stockgroups-alert-")
               for c in hook.calls)


def test_restart_neither_repeats_nor_loses_alerts(web_store):
    with open_store(web_store) as store:
        alerts.create_rule(store, name="u", target="CCJ", webhook=HOOK, include_existing=True)
        alerts.evaluate(store)
    hook = Recorder()
    with open_store(web_store) as store:  # a new process: only the store carries state
        assert alerts.evaluate(store) == 0
        assert alerts.deliver(store, hook).sent == 2
    with open_store(web_store) as store:
        assert alerts.deliver(store, hook).sent == 0
        assert {a["status"] for a in alerts.alerts(store)} == {"sent"}
    assert len(hook.calls) == 2


def test_new_rule_looks_only_at_articles_stored_after_it(web_store):
    with open_store(web_store) as store:
        alerts.create_rule(store, name="u", target="commodity:uranium", webhook=HOOK)
        assert alerts.evaluate(store) == 0


def test_watchlist_rule_matches_any_holding_above_the_score(web_store):
    with open_store(web_store) as store:
        wl = watchlists.save(store, "oil", "XOM\nindustry:gold-miners")
        alerts.create_rule(store, name="wl", watchlist_id=wl["id"], webhook=HOOK,
                           min_score=0.3, include_existing=True)
        alerts.evaluate(store)
        matched = {a["matched"] for a in alerts.alerts(store)}
    assert matched == {"XOM", "industry:gold-miners"}


def test_rule_on_a_watchlist_deleted_meanwhile_is_a_one_line_store_error(web_store):
    with open_store(web_store) as store:
        wl = watchlists.save(store, "gone", "CCJ")
        watchlists.delete(store, wl["id"])
        with pytest.raises(StoreError, match="refused a write") as err:
            table.add_rule(store, name="r", watchlist_id=wl["id"], target=None,
                           min_score=0.5, webhook=HOOK, created="2026-03-16T00:00:00Z",
                           cursor=0)
        assert "\n" not in str(err.value) and table.rules(store) == []


def test_backoff_doubles_from_two_seconds():
    assert [alerts.backoff(n) for n in (1, 2, 3)] == [2.0, 4.0, 8.0]


def test_retries_wait_for_the_backoff_and_give_up_after_max_attempts(web_store):
    now = [1000.0]
    with open_store(web_store) as store:
        alerts.create_rule(store, name="u", target="CCJ", webhook=HOOK, include_existing=True)
        alerts.evaluate(store)
        flaky = Recorder(failures=1)
        first = alerts.deliver(store, flaky, now=lambda: now[0])
        assert (first.sent, first.retrying) == (1, 1)
        assert alerts.deliver(store, flaky, now=lambda: now[0]).sent == 0  # not due yet
        now[0] += alerts.backoff(1)
        assert alerts.deliver(store, flaky, now=lambda: now[0]).sent == 1
        assert len(flaky.calls) == 2
        alerts.create_rule(store, name="dead", target="commodity:uranium", webhook=HOOK,
                           include_existing=True)
        alerts.evaluate(store)
        down = Recorder(failures=10_000)
        for _ in range(alerts.MAX_ATTEMPTS + 2):
            alerts.deliver(store, down, now=lambda: now[0])
            now[0] += alerts.BACKOFF_MAX_S
        statuses = {a["rule"]: a["status"] for a in alerts.alerts(store)}
    assert statuses["dead"] == "failed" and statuses["u"] == "sent"


@pytest.mark.parametrize("webhook", ["http://127.0.0.1:9/x", "http://10.0.0.5/x",
                                     "http://169.254.169.254/latest", "file:///etc/passwd"])
def test_webhooks_on_private_addresses_are_refused(web_copy, webhook):
    with open_store(web_copy) as store, pytest.raises(InputError, match="webhook"):
        alerts.create_rule(store, name="x", target="CCJ", webhook=webhook)


def test_real_post_reaches_a_loopback_webhook_when_allowed(web_store):
    received = []

    class Hook(QuietHandler):
        def do_POST(self):
            length = int(self.headers["Content-Length"])
            received.append((json.loads(self.rfile.read(length)),
                             self.headers["Idempotency-Key"]))
            self.send_response(204)
            self.end_headers()

    server = LocalServer(Hook)
    try:
        with open_store(web_store) as store:
            alerts.create_rule(store, name="u", target="CCJ", webhook=server.base + "/h",
                               allow_private=True, include_existing=True)
            alerts.evaluate(store)
            done = alerts.deliver(store, alerts.webhook_poster(allow_private=True))
    finally:
        server.stop()
    assert done.sent == 2 and len(received) == 2
    assert {r[0]["matched"] for r in received} == {"CCJ"}
