"""The whole chain on the shipped KB: the seed page and the contract of the output."""
import dataclasses
import json

import pytest

from stockgroups import analyze
from stockgroups.model import Article
from stockgroups.analysis.pipeline import STAGES, Stage, check_stages, run

TAXONOMY_KINDS = ("sector", "industry", "country", "commodity")


@pytest.fixture(scope="module")
def seed(seed_text, kb_full):
    from stockgroups.sources.formats.text import read_text

    art = read_text(seed_text.encode("utf-8"), "seed.txt")
    return run(art, kb_full)


def test_seed_clean_body(seed):
    body = seed.article.text
    assert "Kazakhstan" in seed.article.title
    for junk in ("[ad_", "Getty Images", "contributed to this report"):
        assert junk not in body


def test_seed_kazakhstan_down_and_first_country(seed):
    groups = {g.id: g for g in seed.groups}
    assert groups["country:KZ"].direction == "down"
    countries = [g for g in seed.groups if g.kind == "country"]
    assert countries[0].id == "country:KZ"


def test_seed_uranium_up_with_kazakhstan_share(seed):
    groups = {g.id: g for g in seed.groups}
    assert groups["commodity:uranium"].direction == "up"
    assert any("Kazakhstan" in line and "%" in line and "uranium" in line for line in groups["commodity:uranium"].evidence)
    assert groups["industry:uranium"].direction == "up"


def test_seed_companies(seed):
    companies = {c.ticker: c for c in seed.companies}
    assert companies["CCJ"].direction == "up"
    assert companies["KAP.L"].direction == "down"


def test_seed_oil_or_lpg_and_russia_and_bitcoin(seed):
    groups = {g.id: g for g in seed.groups}
    assert {"commodity:crude-oil", "commodity:lpg"} & set(groups)
    assert "country:RU" in groups
    assert "industry:crypto-digital-assets" in groups


def test_seed_passing_countries_are_not_reported(seed):
    groups = {g.id for g in seed.groups}
    for passing in ("country:UZ", "country:CN", "country:TR", "country:AM", "country:TJ", "country:KG", "country:BY"):
        assert passing not in groups


def test_every_group_id_is_in_the_taxonomy_form(seed):
    for g in seed.groups:
        assert g.kind in TAXONOMY_KINDS and g.id.startswith(g.kind + ":")
        assert 0 <= g.score <= 1 and g.direction in ("up", "down", "mixed", "neutral")
        assert g.evidence


def test_groups_sorted_and_sectors_reported_with_and_never_scored_above_their_industries(seed, kb_full):
    scores = [g.score for g in seed.groups]
    assert scores == sorted(scores, reverse=True)
    by_id = {g.id: g for g in seed.groups}
    best_industry: dict[str, float] = {}
    for g in seed.groups:
        if g.kind == "industry":
            sector = kb_full.entities[g.id].sector
            assert sector in by_id, f"{g.id} reported without its sector"
            best_industry[sector] = max(best_industry.get(sector, 0.0), g.score)
    assert best_industry, "the seed reports no industry: the comparison below would be empty"
    for sector, score in best_industry.items():
        assert by_id[sector].score <= score, f"{sector} {by_id[sector].score} above its industries ({score})"


@pytest.mark.parametrize("text", [
    "Classic apple pie\n\nPreheat the oven to 200C. Peel six apples, slice them and toss with sugar.",
    "Late goal sinks rivals\n\nThe striker scored in the 89th minute to seal a 2-1 win for the home side.",
])
def test_irrelevant_stories_list_nothing(text, kb_full):
    assert analyze(text, kb=kb_full).groups == ()


def test_to_dict_round_trips_the_contract_through_json(seed):
    d = seed.to_dict()
    assert json.loads(json.dumps(d)) == d
    for key in ("source", "title", "text", "published", "entities", "events", "groups", "companies",
                "analysis_version", "kb_version"):
        assert key in d
    assert d["analysis_version"] == d["kb_version"] == seed.analysis_version != ""
    assert {"id", "kind", "name", "mentions"} <= set(d["entities"][0])
    assert {"id", "kind", "name", "score", "direction", "evidence"} <= set(d["groups"][0])
    assert {"ticker", "name", "score", "direction", "via", "evidence"} <= set(d["companies"][0])


def test_analyze_accepts_article_dict_and_text(kb_full):
    a = analyze(Article(source="x", title="t", text="b"), kb=kb_full)
    b = analyze({"title": "t", "body": "b"}, kb=kb_full)
    assert a.article.title == b.article.title == "t"


def test_a_stage_before_its_inputs_fails_at_start_up():
    broken = (dataclasses.replace(STAGES[2]),) + STAGES
    with pytest.raises(RuntimeError, match="relevance"):
        check_stages(broken)
    check_stages(STAGES)
    assert all(isinstance(s, Stage) for s in STAGES)


def test_headline_repeated_in_body_is_dropped_but_a_similar_sentence_is_kept(kb_full):
    a = analyze(Article(source="x", title="Kazakh stocks tumble", text="Kazakh stocks tumble\nKazakh stocks tumbled again."), kb=kb_full)
    assert a.article.text == "Kazakh stocks tumbled again."
    b = analyze(Article(source="x", title="Kazakh stocks tumble", text="Kazakh stocks tumbled on Wednesday."), kb=kb_full)
    assert b.article.text == "Kazakh stocks tumbled on Wednesday."


@pytest.mark.parametrize("text, group, direction", [
    ("Nikkei slides\n\nThe Nikkei 225 fell 3% on Monday as the yen jumped.", "country:JP", "down"),
    ("Kazakh stocks tumble\n\nKazakh stocks tumbled on Wednesday as protests spread.", "country:KZ", "down"),
    ("The Dow rallies\n\nThe Dow rallied 500 points on Friday.", "country:US", "up"),
    ("Copper jumps\n\nCopper prices jumped 4% in London on supply worries.", "commodity:copper", "up"),
])
def test_stated_market_moves(kb_full, text, group, direction):
    groups = {g.id: g for g in analyze(text, kb=kb_full).groups}
    assert groups[group].direction == direction


@pytest.mark.parametrize("text", [
    "Chess final\n\nThe Georgian grandmaster's position fell apart after the queen sacrifice.",
    "Weekend hikes\n\nThe trail rises 300 metres above the Delta River before it drops to the lake.",
])
def test_moves_outside_markets_are_not_statements(kb_full, text):
    assert analyze(text, kb=kb_full).groups == ()


def test_a_users_basket_is_reported_through_its_members(tmp_path, seed_text):
    from stockgroups.sources.formats.text import read_text
    from stockgroups.kb.load import load_kb

    (tmp_path / "groups_custom.csv").write_text(
        "id,name,tickers,source,as_of\n"
        "custom:my-uranium-basket,My uranium basket,CCJ|NXE|KAP.L,me,2026-11-25\n"
        "custom:my-banks,My banks,JPM|BAC,me,2026-11-25\n", encoding="utf-8")
    kb = load_kb(extra_dirs=[tmp_path])
    groups = {g.id: g for g in run(read_text(seed_text.encode(), "seed.txt"), kb).groups}
    basket = groups["custom:my-uranium-basket"]
    assert basket.kind == "custom" and "CCJ" in basket.evidence[0]
    assert "custom:my-banks" not in groups


def test_an_index_heavyweight_moves_its_country(kb_full):
    text = ("TSMC shares jump\n\nShares of Taiwan Semiconductor Manufacturing Co surged 9% on Friday "
            "after the chipmaker raised its revenue forecast.")
    groups = {g.id: g for g in analyze(text, kb=kb_full).groups}
    assert groups["country:TW"].direction == "up"
    assert any("Taiex" in line for line in groups["country:TW"].evidence)
