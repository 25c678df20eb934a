"""Real-browser tests: headless Chromium loads each page, applies a filter, opens a story,
uploads a watchlist CSV, and sees what a person sees. Screenshots: build/screenshots/."""
from __future__ import annotations

import pytest
from conftest import API_KEY, HOSTILE_TITLE, SCREENSHOTS

pytestmark = pytest.mark.browser
LOCAL = {"127.0.0.1"}


def shot(page, name: str) -> None:
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_today_page_shows_stories_chips_and_movers(page):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Latest stories"
    assert page.locator("li.story").count() == 6
    assert page.locator(".movers a.mover").count() >= 3
    assert page.locator("a.chip.up", has_text="commodity:copper").count() == 1
    shot(page, "today")
    assert page.hosts <= LOCAL


def test_filter_form_narrows_the_list_and_keeps_it_in_the_url(page):
    page.goto("/")
    page.select_option("select[name=kind]", "country")
    page.click("form.filters button[type=submit]")
    page.wait_for_url("**/?kind=country**")
    titles = page.locator("li.story a.title").all_inner_texts()
    want = [s["title"] for s in page.request.get("/api/stories?kind=country&limit=100").json()["stories"]]
    assert titles == want and "Earthquake in Taiwan halts chip plants" in titles
    page.goto("/")
    assert len(page.locator("li.story a.title").all_inner_texts()) > len(titles)
    page.goto("/?kind=country")
    assert page.locator("select[name=kind]").input_value() == "country"
    shot(page, "today-filtered")


def test_opening_a_story_shows_chain_graph_and_highlights(page):
    page.goto("/")
    page.click("a.title >> text=OPEC+ extends oil output cuts")
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == "OPEC+ extends oil output cuts"
    assert page.locator("table.sources tbody tr").count() == 2
    assert page.locator("svg.graph g.node").count() >= 4
    assert page.locator("mark.ent.commodity").first.inner_text().lower().startswith("oil") or \
        page.locator("mark.ent").count() >= 2
    chain = page.locator("table.hits ol.chain").first.inner_text()
    assert "OPEC+" in chain or "barrels" in chain
    shot(page, "story")


def test_hostile_story_shows_its_markup_as_text_and_runs_nothing(page):
    page.goto("/")
    page.click(f"a.title >> text={HOSTILE_TITLE[:20]}")
    page.wait_for_url("**/stories/*")
    assert page.locator("h1").inner_text() == HOSTILE_TITLE
    assert "<img src=x onerror=alert(1)>" in page.locator("div.text").inner_text()
    assert page.locator("div.text img").count() == 0
    assert page.dialogs == []


def test_group_page_draws_the_chart_and_links_the_feed(page):
    page.goto("/groups/commodity:crude-oil")
    assert page.locator("svg.chart rect.bar").count() >= 1
    assert page.locator("section[aria-label='top stories'] li").count() >= 1
    assert page.locator("a[href='/groups/commodity:crude-oil/feed.xml']").count() == 1
    shot(page, "group")


def test_search_finds_one_hit_per_story(page):
    page.goto("/search")
    page.fill("form.searchform input[name=q]", "OPEC")
    page.click("form.searchform button")
    page.wait_for_url("**/search?q=OPEC")
    assert page.locator("ol.stories li.story").count() == 1
    assert "2 copies" in page.locator("ol.stories li.story").inner_text()
    shot(page, "search")


def test_signing_in_and_uploading_a_watchlist_csv_shows_exposure(page, tmp_path):
    csv = tmp_path / "holdings.csv"
    csv.write_text("ticker,weight\nCCJ,2\nXOM,1\nFCX,1\n", encoding="utf-8")
    page.goto("/login")
    page.fill("input[name=api_key]", API_KEY)
    page.click("form.upload button")
    page.wait_for_url("**/watchlists")
    page.fill("input[name=name]", "Browser portfolio")
    page.set_input_files("input[name=file]", str(csv))
    page.click("form.upload button")
    page.wait_for_url("**/watchlists/*")
    assert page.locator("h1").inner_text() == "Browser portfolio"
    rows = page.locator("table.holdings tbody tr")
    assert rows.count() == 3
    assert "Flooding halts Kazakh uranium mine" in rows.filter(has_text="CCJ").inner_text()
    assert page.locator("p.net").inner_text().startswith("Net exposure")
    shot(page, "watchlist")


def test_alerts_page_lists_rules_and_form(page):
    page.goto("/alerts")
    assert page.locator("h1").inner_text() == "Alerts"
    assert page.locator("form.upload input[name=webhook]").count() == 1
    shot(page, "alerts")


def test_docs_render_offline_from_the_app_alone(page):
    page.goto("/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=20_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert any("/api/stories" in p for p in paths)
    assert page.hosts <= LOCAL
    shot(page, "docs")


def test_pages_work_with_javascript_off(chromium, live_server):
    context = chromium.new_context(base_url=live_server, java_script_enabled=False)
    try:
        pg = context.new_page()
        pg.goto("/?ticker=CCJ")
        titles = pg.locator("li.story a.title").all_inner_texts()
        assert "Flooding halts Kazakh uranium mine" in titles
        pg.click("a.title >> text=Flooding halts Kazakh uranium mine")
        assert pg.locator("svg.graph").count() == 1
    finally:
        context.close()
