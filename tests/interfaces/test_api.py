"""The JSON API: every endpoint, its filters and paging, and bad input getting a 4xx."""
from __future__ import annotations

import pytest
from conftest import API_KEY, HOSTILE_TITLE

KEY = {"X-API-Key": API_KEY}


def test_stories_lists_newest_first_with_groups_and_companies(client):
    body = client.get("/api/stories").json()
    stories = body["stories"]
    assert len(stories) == 6  # seven articles, two of them one story
    times = [s["first_seen"] for s in stories]
    assert times == sorted(times, reverse=True)
    copper = next(s for s in stories if s["title"].startswith("Copper strike"))
    assert any(g["id"] == "commodity:copper" and g["direction"] == "up" for g in copper["groups"])
    opec = next(s for s in stories if s["title"].startswith("OPEC+"))
    assert opec["sources"] == 2


def test_stories_cursor_pages_through_every_story_once(client):
    seen, cursor = [], None
    for _ in range(10):
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = client.get("/api/stories", params=params).json()
        seen += [s["id"] for s in body["stories"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert len(seen) == 6 and len(set(seen)) == 6


@pytest.mark.parametrize("params, must, must_not", [
    ({"group": "commodity:copper"}, "Copper strike", "Gold hits"),
    ({"kind": "country"}, "Earthquake", "Gold hits"),
    ({"group": "industry:gold-miners", "direction": "up"}, "Gold hits", "Copper strike"),
    ({"ticker": "CCJ"}, "Flooding halts", "Gold hits"),
    ({"group": "commodity:crude-oil", "direction": "up"}, "OPEC+", "Earthquake"),
    ({"from": "2026-03-12", "to": "2026-03-12"}, "Flooding halts", "OPEC+"),
    ({"since": "2026-03-14"}, "Gold hits", "Flooding halts"),
])
def test_stories_filters_keep_matching_stories_only(client, params, must, must_not):
    titles = [s["title"] for s in client.get("/api/stories", params=params).json()["stories"]]
    assert any(t.startswith(must) for t in titles), titles
    assert not any(t.startswith(must_not) for t in titles), titles


def test_event_filter_finds_the_strike(client):
    titles = [s["title"] for s in client.get("/api/stories", params={"event": "strike"})
              .json()["stories"]]
    assert titles and all("strike" in t.lower() or "halts" in t.lower() for t in titles)


@pytest.mark.parametrize("params, status, words", [
    ({"limit": "abc"}, 422, "limit"),
    ({"limit": "-1"}, 422, "limit"),
    ({"limit": "100000"}, 422, "limit"),
    ({"from": "yesterday-ish"}, 400, "from"),
    ({"to": "2026-13-45"}, 400, "to"),
    ({"since": "soon"}, 400, "since"),
    ({"direction": "sideways"}, 400, "direction"),
    ({"group": "not a group"}, 400, "group"),
    ({"ticker": "<b>"}, 400, "ticker"),
    ({"cursor": "garbage"}, 400, "cursor"),
])
def test_bad_story_parameters_get_a_4xx_naming_the_parameter(client, params, status, words):
    response = client.get("/api/stories", params=params)
    assert response.status_code == status
    assert words in response.json()["detail"]


def test_story_has_sources_text_segments_groups_and_graph(client):
    sid = next(s["id"] for s in client.get("/api/stories").json()["stories"]
               if s["title"].startswith("OPEC+"))
    story = client.get(f"/api/stories/{sid}").json()
    assert [s["original"] for s in story["sources"]] == [True, False]
    assert "".join(seg["text"] for seg in story["segments"]) == story["text"]
    marked = {seg["entity"] for seg in story["segments"] if seg["entity"]}
    assert "commodity:crude-oil" in marked
    assert story["groups"][0]["evidence"]
    node_ids = {n["id"] for n in story["graph"]["nodes"]}
    assert {"story", "commodity:crude-oil"} <= node_ids
    assert all(e["from"] in node_ids and e["to"] in node_ids for e in story["graph"]["edges"])


@pytest.mark.parametrize("path, status", [
    ("/api/stories/999999", 404), ("/api/stories/0", 422), ("/api/stories/abc", 422),
    ("/api/stories/99999999999999999999999", 422)])
def test_unknown_or_malformed_story_ids_are_4xx(client, path, status):
    assert client.get(path).status_code == status


def test_group_has_series_stories_companies_and_related(client):
    g = client.get("/api/groups/commodity:crude-oil").json()
    assert g["name"] == "Crude oil"
    assert sum(p["stories"] for p in g["series"]) >= 1
    assert g["stories"][0]["title"].startswith("OPEC+")
    assert {"XOM", "CVX"} & {c["ticker"] for c in g["companies"]}
    assert any(r["id"].startswith("industry:") for r in g["related"])


def test_company_group_by_ticker(client):
    g = client.get("/api/groups/company:CCJ").json()
    assert any("uranium" in s["title"].lower() for s in g["stories"])


@pytest.mark.parametrize("group, status", [("nope:nothing", 404), ("no-colon", 400),
                                           ("commodity:" + "x" * 100, 422)])
def test_unknown_or_malformed_group_is_4xx(client, group, status):
    assert client.get(f"/api/groups/{group}").status_code == status


def test_search_collapses_copies_of_one_story(client):
    results = client.get("/api/search", params={"q": "OPEC"}).json()["results"]
    assert len(results) == 1 and results[0]["copies"] == 2


@pytest.mark.parametrize("q", ["", '"unclosed', "a" * 300])
def test_bad_search_is_4xx(client, q):
    assert 400 <= client.get("/api/search", params={"q": q}).status_code < 500


def test_movers_rank_groups_over_day_and_week(client):
    movers = client.get("/api/movers").json()
    assert movers["as_of"].startswith("2026-03-15")
    assert movers["week"] and movers["week"][0]["stories"] >= movers["week"][-1]["stories"]
    # Both lists are top-N cuts: a group of the day that the week lists has at least as
    # many stories over the week.
    week = {m["id"]: m["stories"] for m in movers["week"]}
    assert movers["day"] and all(week[m["id"]] >= m["stories"] for m in movers["day"] if m["id"] in week)


def test_analyze_needs_the_key_and_returns_the_cli_json(client):
    article = {"title": "Copper strike in Chile",
               "text": "Workers at Escondida in Chile went on strike. Copper rose."}
    assert client.post("/api/analyze", json=article).status_code == 401
    assert client.post("/api/analyze", json=article,
                       headers={"X-API-Key": "wrong"}).status_code == 403
    out = client.post("/api/analyze", json=article,
                      headers={"Authorization": f"Bearer {API_KEY}"}).json()
    assert set(out) >= {"title", "entities", "events", "groups", "companies", "kb_version"}
    assert any(g["id"] == "commodity:copper" for g in out["groups"])


@pytest.mark.parametrize("body", [{}, {"title": "", "text": ""}, {"text": 5},
                                  {"text": "x" * 300_000}])
def test_analyze_bad_bodies_are_4xx(client, body):
    assert 400 <= client.post("/api/analyze", json=body, headers=KEY).status_code < 500


def test_watchlist_round_trip_with_exposure(client):
    assert client.post("/api/watchlists", json={"name": "mine", "holdings": "CCJ"}
                       ).status_code == 401
    created = client.post("/api/watchlists", headers=KEY, json={
        "name": "mine", "holdings": "ticker,weight\nCCJ,3\nXOM,1\nindustry:gold-miners,1"})
    assert created.status_code == 201
    wid = created.json()["id"]
    assert [w["name"] for w in client.get("/api/watchlists").json()["watchlists"]] == ["mine"]
    exposure = client.get(f"/api/watchlists/{wid}").json()
    by = {h["symbol"]: h for h in exposure["holdings"]}
    assert by["CCJ"]["week"] > 0 and by["CCJ"]["stories"][0]["why"]
    assert by["industry:gold-miners"]["day"] > 0
    assert exposure["net"]["week"] > 0
    assert client.delete(f"/api/watchlists/{wid}", headers=KEY).status_code == 204
    assert client.get(f"/api/watchlists/{wid}").status_code == 404


def test_watchlist_from_items_list(client):
    r = client.post("/api/watchlists", headers=KEY,
                    json={"name": "items", "items": [{"symbol": "cvx", "weight": 2}]})
    assert r.json()["items"] == [{"symbol": "CVX", "weight": 2.0}]


@pytest.mark.parametrize("body", [
    {"name": "x", "holdings": ""}, {"name": "x", "holdings": "not a ticker!"},
    {"name": "x", "holdings": "CCJ,heavy"}, {"name": "x", "holdings": "CCJ,-1"},
    {"name": "", "holdings": "CCJ"}, {"name": "<script>", "holdings": "CCJ"},
    {"holdings": "CCJ"}])
def test_bad_watchlists_are_4xx_with_a_message(client, body):
    r = client.post("/api/watchlists", headers=KEY, json=body)
    assert 400 <= r.status_code < 500 and r.json()["detail"]


def test_alert_rules_need_the_key_and_refuse_private_webhooks(client):
    rule = {"name": "uranium", "target": "commodity:uranium", "webhook": "http://127.0.0.1/x"}
    assert client.post("/api/alerts", json=rule).status_code == 401
    refused = client.post("/api/alerts", json=rule, headers=KEY)
    assert refused.status_code == 400 and "private" in refused.json()["detail"]
    ok = client.post("/api/alerts", headers=KEY,
                     json=rule | {"webhook": "https://93.184.215.14/hook?token=secret"})
    assert ok.status_code == 201
    listed = client.get("/api/alerts").json()
    assert listed["rules"][0]["target"] == "commodity:uranium"
    assert "secret" not in str(listed)  # webhooks are shown without path or query
    assert client.delete(f"/api/alerts/{ok.json()['id']}", headers=KEY).status_code == 204


@pytest.mark.parametrize("rule", [
    {"name": "x", "webhook": "https://93.184.215.14/"},  # neither watchlist nor target
    {"name": "x", "webhook": "ftp://93.184.215.14/", "target": "CCJ"},
    {"name": "x", "webhook": "https://93.184.215.14/", "target": "CCJ", "min_score": 2},
    {"name": "x", "webhook": "https://93.184.215.14/", "watchlist_id": 999},
])
def test_bad_alert_rules_are_4xx(client, rule):
    assert 400 <= client.post("/api/alerts", json=rule, headers=KEY).status_code < 500


def test_openapi_and_offline_docs(client):
    spec = client.get("/openapi.json").json()
    assert {"/api/stories", "/api/stories/{story_id}", "/api/groups/{group_id}",
            "/api/search", "/api/analyze", "/api/watchlists", "/api/alerts"} <= set(spec["paths"])
    docs = client.get("/docs").text
    assert "/docs-assets/swagger-ui-bundle.js" in docs and "cdn" not in docs.lower()
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_hostile_story_text_comes_back_as_data(client):
    stories = client.get("/api/stories").json()["stories"]
    assert any(s["title"] == HOSTILE_TITLE for s in stories)


def test_movers_also_rank_by_strength_of_net_tone(client):
    movers = client.get("/api/movers").json()
    tones = [abs(m["net_tone"]) for m in movers["week_tone"]]
    assert tones == sorted(tones, reverse=True)
    assert tones[0] >= max(abs(m["net_tone"]) for m in movers["week"])


def test_app_over_a_postgresql_store_lists_stories_and_saves_a_watchlist(web_pg, kb_full):
    from fastapi.testclient import TestClient

    from stockgroups.interfaces.api.app import create_app

    app = create_app(web_pg, api_key=API_KEY, kb=kb_full, background=False, rate_limit=0)
    with TestClient(app) as pg_client:
        stories = pg_client.get("/api/stories").json()["stories"]
        assert len(stories) == 6  # seven articles, two of them one story
        times = [s["first_seen"] for s in stories]
        assert times == sorted(times, reverse=True)
        copper = next(s for s in stories if s["title"].startswith("Copper strike"))
        assert any(g["id"] == "commodity:copper" for g in copper["groups"])
        group = pg_client.get("/api/groups/commodity:uranium").json()
        assert group["stories"]
        saved = pg_client.post("/api/watchlists", headers=KEY,
                               json={"name": "pg", "holdings": "CCJ,1"})
        assert saved.status_code in (200, 201), saved.text
