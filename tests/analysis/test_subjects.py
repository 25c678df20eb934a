"""The subject layer: what a story is about reports its own groups, event or not."""
import pytest

from stockgroups.analysis.pipeline import analyze
from stockgroups.analysis.subjects import (MAX_GROUPS, RETROSPECTIVE, RETROSPECTIVE_HINTS, UNNAMED_COMMODITY_MIN,
                                          aggregate_headline,
                                          is_market_news, is_off_market, select_subjects, subject_hits, Subject)
from stockgroups.model import GroupHit


def _groups(text, kb):
    return {g.id: g for g in analyze(text, kb=kb).groups}


def _linked(text, kb):
    """The entities the linker finds in a story."""
    return {m.entity for m in analyze(text, kb=kb).mentions}


def _companies(text, kb):
    return {c.ticker: c for c in analyze(text, kb=kb).companies}


def test_commodity_in_the_headline_is_the_subject_without_any_event(kb_full):
    text = ("Cocoa arrivals at ports slow in the new season\n\n"
            "Farmers delivered fewer bags to the ports this month than a year earlier, exporters said, "
            "and buyers expect the mid-crop to be small.")
    groups = _groups(text, kb_full)
    assert groups["commodity:cocoa"].role == "subject"


def test_commodity_mentioned_once_in_passing_is_not_the_subject(kb_full):
    text = ("Retailer opens forty new stores\n\n"
            "The retailer said it opened forty stores in the quarter and hired two thousand people. "
            "Managers said sales of toys and clothing were strong. Shipping costs eased in the period "
            "and the company said it would keep prices steady. Its chief executive noted that oil "
            "had little effect on its costs this year.")
    assert "commodity:crude-oil" not in _groups(text, kb_full)


def test_commodity_named_again_and_again_is_the_subject(kb_full):
    text = ("Traders see a tight season ahead\n\n"
            "Exporters in the region said stocks at the ports were low. "
            "Growers sold most of their wheat before the rains came, and wheat buyers from abroad were "
            "asking for more. Dealers said wheat for shipment next month was hard to find.")
    assert _groups(text, kb_full)["commodity:wheat"].role == "subject"


def test_company_in_the_headline_reports_its_industry_sector_and_home_country(kb_full):
    text = ("Chevron to sell a stake in a Gulf of Mexico platform\n\n"
            "Chevron, the oil company, said on Tuesday it agreed to sell part of its interest in a platform "
            "to a private buyer for an undisclosed sum, as part of a plan to trim its portfolio.")
    analysis = analyze(text, kb=kb_full)
    companies = {c.ticker: c for c in analysis.companies}
    groups = {g.id: g for g in analysis.groups}
    assert companies["CVX"].role == "subject" and companies["CVX"].relevance == "about"
    assert "industry:integrated-oil-gas" in groups
    assert "sector:energy" in groups
    assert "country:US" in groups


def test_company_named_in_passing_is_reported_as_mentioned(kb_full):
    text = ("Chevron to sell a stake in a Gulf of Mexico platform\n\n"
            "Chevron, the oil company, said on Tuesday it agreed to sell part of its interest in a platform "
            "to a private buyer for an undisclosed sum, as part of a plan to trim its portfolio. "
            "The company has been cutting costs for two years and expects to close the sale by the "
            "end of the year, pending approval by regulators. Bankers said the price was in line with "
            "recent deals in the region, where several producers have sold assets this year. "
            "Exxon Mobil sold a similar stake last year.")
    companies = _companies(text, kb_full)
    assert companies["XOM"].relevance == "mentioned"
    assert companies["XOM"].role != "subject"
    assert companies["CVX"].relevance == "about"


def test_every_reported_industry_brings_its_sector(kb_full):
    text = ("Chipmakers rally as orders recover\n\n"
            "Shares of chipmakers rose on Monday after two large customers said orders were picking up. "
            "Nvidia gained and Intel climbed, while airlines were little changed.")
    groups = _groups(text, kb_full)
    for gid in groups:
        info = kb_full.entities[gid]
        if info.kind == "industry":
            assert info.sector in groups, gid


def test_signed_subject_commodity_brings_its_producing_industry(kb_full):
    text = ("Copper prices jump to a two-year high\n\n"
            "Copper prices jumped 4% in London on Tuesday as stocks in exchange warehouses fell.")
    groups = _groups(text, kb_full)
    assert groups["commodity:copper"].direction == "up"
    producer = kb_full.entities["commodity:copper"].get("producer_industry")
    assert groups[producer].direction == "up"
    assert kb_full.entities[producer].sector in groups


def test_the_cap_never_splits_an_industry_from_its_sector(kb_full):
    hits = tuple(GroupHit(gid, "industry", gid, 0.9 - i * 0.01, "up", ("x",))
                 for i, gid in enumerate(g for g, info in kb_full.entities.items() if info.kind == "industry"))
    groups, _ = subject_hits((), hits, (), frozenset(), kb_full)
    ids = {g.id for g in groups}
    assert len(groups) <= MAX_GROUPS
    for gid in ids:
        info = kb_full.entities[gid]
        if info.kind == "industry":
            assert info.sector in ids


def test_hits_reached_through_the_graph_are_second_order(kb_full):
    hits = (GroupHit("industry:airlines", "industry", "Airlines", 0.6, "down", ("x",)),)
    groups, _ = subject_hits((), hits, (), frozenset({"commodity:crude-oil"}), kb_full)
    assert {g.id: g.role for g in groups}["industry:airlines"] == "second-order"


def test_hits_named_in_the_story_are_first_order(kb_full):
    hits = (GroupHit("industry:airlines", "industry", "Airlines", 0.6, "down", ("x",)),)
    groups, _ = subject_hits((), hits, (), frozenset({"industry:airlines"}), kb_full)
    assert {g.id: g.role for g in groups}["industry:airlines"] == "first-order"


def test_an_unnamed_commodity_reached_through_the_graph_needs_its_own_higher_bar(kb_full):
    weak = UNNAMED_COMMODITY_MIN - 0.05
    hits = (GroupHit("commodity:wheat", "commodity", "Wheat", weak, "up", ("x",)),
            GroupHit("commodity:gold", "commodity", "Gold", UNNAMED_COMMODITY_MIN + 0.05, "up", ("x",)),
            GroupHit("commodity:corn", "commodity", "Corn", weak, "up", ("x",)),
            GroupHit("country:TR", "country", "Turkey", weak, "down", ("x",)))
    groups, _ = subject_hits((), hits, (), frozenset({"commodity:corn"}), kb_full)
    ids = {g.id for g in groups}
    assert "commodity:wheat" not in ids  # unnamed and weak
    assert {"commodity:gold", "commodity:corn", "country:TR"} <= ids  # strong, named, not a commodity


def test_subject_selection_prefers_title_and_lead(kb_full):
    text = "Gold miners expand\n\nThe gold price rose as miners expanded output; silver was flat."
    analysis = analyze(text, kb=kb_full)
    subjects = select_subjects(analysis.body, len(analysis.article.title), analysis.entities, analysis.mentions,
                               kb_full)
    where = {s.entity: s.where for s in subjects}
    assert where.get("commodity:gold") == "lead"
    assert Subject("x", "company", "mentioned", 0.1).about is False


@pytest.mark.parametrize("text", [
    "Lemon sugar cookies\n\nCream the butter and sugar, add the flour and a teaspoon of vanilla, then bake "
    "in a preheated oven for twelve minutes. Serve with coffee.",
    "City beat rivals in the derby\n\nThe striker scored twice and the coach praised the fans after the "
    "match, which moved the club up the league.",
    "Forty years on: the winter the canal froze\n\nHistorians recall how the price of coal and oil rose "
    "when barges could not move, and how markets and factories closed for weeks.",
])
def test_market_news_gate_reports_no_group_and_no_direction_for_non_market_stories(kb_full, text):
    analysis = analyze(text, kb=kb_full)
    assert analysis.groups == ()
    assert all(c.direction == "neutral" and c.relevance == "mentioned" for c in analysis.companies)


def test_market_news_gate_passes_a_plain_market_report():
    assert is_market_news("Wheat exports rise\n\nExports of wheat rose 5 pct to 2.1 mln tonnes, traders said.")


def test_a_comparison_with_a_year_ago_is_not_a_look_back():
    assert is_market_news("Fuel Demand Up 3 Pct From Year Ago\n\nDemand for fuel rose 3 pct to 9.1 mln barrels a "
                          "day from a year earlier, the agency said.")


def test_oil_is_crude_but_palm_oil_is_not(kb_full):
    crude = analyze("Oil output falls\n\nOil output in the country fell sharply in March.", kb=kb_full)
    palm = analyze("Palm oil output falls\n\nPalm oil output in the country fell sharply in March.", kb=kb_full)
    assert any(m.entity == "commodity:crude-oil" for m in crude.mentions)
    assert not any(m.entity == "commodity:crude-oil" for m in palm.mentions)


@pytest.mark.parametrize("text", [
    "Ministers back a tax on oils and fats\n\nFarm ministers backed a levy on oils and fats used in margarine.",
    "Buyer tenders for soyabean oil\n\nThe state buyer asked for 10,000 tonnes of soyabean oil for May.",
    "Mills report crude sugar output\n\nMills produced 40,000 tonnes of crude sugar in the week.",
])
def test_vegetable_oil_and_raw_sugar_phrases_are_not_crude_oil(kb_full, text):
    assert "commodity:crude-oil" not in _linked(text, kb_full)


def test_commodity_word_inside_a_company_name_is_not_the_commodity(kb_full):
    text = ("Newco Petroleum Corp names new chief\n\n"
            "Newco Petroleum Corp said its board named a new chief executive.")
    assert "commodity:crude-oil" not in _linked(text, kb_full)


def test_title_case_headline_keeps_ambiguous_commodity(kb_full):
    text = "Peru Reports Large New Gold Find\n\nThe deposits hold about 100 tonnes of gold, officials said."
    analysis = analyze(text, kb=kb_full)
    assert any(m.entity == "commodity:gold" and m.start < len(analysis.article.title) for m in analysis.mentions)


def test_one_sense_of_oil_per_story(kb_full):
    text = ("Buyers take palm oil cargoes\n\nImporters bought palm oil for May shipment, traders said. "
            "The refined oil in drums was priced higher than the crude in bulk.")
    assert "commodity:crude-oil" not in _linked(text, kb_full)


def test_soybean_meal_and_oil_are_markets_of_their_own(kb_full):
    text = ("Feed makers buy more soybean meal\n\nFeed makers bought 40,000 tonnes of soybean meal and some "
            "soya oil for May, traders said. Soybean meal for June was offered higher.")
    assert "commodity:soybeans" not in _linked(text, kb_full)


def test_a_word_as_the_modifier_of_another_product_keeps_its_own_sense_elsewhere(kb_full):
    # "soybean oil" is an oil: it says nothing against "soybeans" in the same story, where
    # "palm oil" (an oil) says the story's bare "oil" is not crude.
    text = ("Crushers buy soybeans\n\nCrushers bought soybeans for May shipment as soybean oil prices rose. "
            "Exporters said soybeans from the new crop were scarce.")
    analysis = analyze(text, kb=kb_full)
    assert sum(m.entity == "commodity:soybeans" for m in analysis.mentions) >= 2


def test_commodity_word_naming_a_line_of_business_is_not_the_commodity(kb_full):
    text = "Fund buys a stake\n\nThe fund bought a stake in an oil and gas company based in Calgary."
    analysis = analyze(text, kb=kb_full)
    assert not any(m.entity == "commodity:crude-oil" for m in analysis.mentions)


def test_ambiguous_word_in_a_title_case_headline_needs_the_body(kb_full):
    text = "Traders Expect Sharp Drop In Cotton Plantings\n\nFarmers plan to sow less cotton this spring."
    analysis = analyze(text, kb=kb_full)
    assert not any(m.entity.startswith("company:") for m in analysis.mentions)


def test_company_named_twice_in_passing_is_reported_as_mentioned(kb_full):
    filler = " ".join(f"Paragraph {i} reports the chain's new stores and hiring plans in detail." for i in range(30))
    text = (f"Chevron, the oil company, sells a platform\n\nChevron, the oil company, said it sold a platform. {filler} "
            "Exxon Mobil and Chevron were among the bidders last year. Exxon Mobil declined to comment.")
    companies = _companies(text, kb_full)
    assert companies["XOM"].relevance == "mentioned"


def test_grain_story_makes_every_grain_it_names_a_subject(kb_full):
    text = ("Farmers plan smaller plantings this spring\n\n"
            "Growers in the plains expect to sow less land this year, a survey of farm lenders showed, "
            "citing weak prices and high costs. Lenders said loans for seed and fertiliser were down. "
            "Some growers said they would switch part of their land from corn to pasture.")
    groups = _groups(text, kb_full)
    assert groups["commodity:corn"].role == "subject"


def test_a_family_member_named_far_less_than_the_main_commodity_is_a_side_note(kb_full):
    text = ("Export business steady in grain markets\n\nExporters sold wheat to Egypt and wheat to Algeria this "
            "week. Wheat for March shipment was quoted firm, and wheat bids from Asia improved. Dealers said "
            "the wheat crop in the south looked good and corn was quoted twice. Corn buyers were quiet, and "
            "one cargo of soybeans was sold.")
    subjects = _subject_ids(text, kb_full)
    assert {"commodity:wheat", "commodity:corn"} <= subjects and "commodity:soybeans" not in subjects


def test_commodity_named_once_outside_its_market_story_is_not_a_subject(kb_full):
    text = ("Carmaker opens a new plant\n\n"
            "The carmaker opened a plant in the south that will build small cars for export. "
            "Managers said the plant would hire staff over two years. Nearby, farmers grow corn.")
    assert "commodity:corn" not in _groups(text, kb_full)


def test_second_segment_industry_counts_when_the_story_speaks_of_it(kb_full):
    assert "industry:it-services" in kb_full.entities["company:AMZN"].get("secondary_industries")
    text = ("Amazon.com to build three new data centers\n\n"
            "Amazon.com said it would spend heavily on new data centers as demand from cloud "
            "customers grows, competing with other cloud infrastructure providers.")
    groups = _groups(text, kb_full)
    assert "industry:it-services" in groups
    assert groups["sector:information-technology"].score <= groups["industry:it-services"].score


def test_company_quoted_as_a_source_is_not_what_the_story_is_about(kb_full):
    from stockgroups.model import Entity, Mention
    body = "Brent seen higher\n\nGoldman Sachs analysts said Brent would rise next quarter on tight supply."
    start = body.index("Goldman")
    mentions = (Mention("company:GS", start, start + len("Goldman Sachs"), "Goldman Sachs"),)
    entities = (Entity("company:GS", "company", "Goldman Sachs", 1, 1.0, ("source",)),)
    subjects = select_subjects(body, len("Brent seen higher"), entities, mentions, kb_full)
    assert [s.where for s in subjects if s.entity == "company:GS"] in ([], ["mentioned"])


def test_a_small_fine_leaves_the_bank_s_industry_and_market_a_large_one_moves_them(kb_full):
    small = analyze("Regulator fines Wells Fargo $50,000 over late filings\n\nA state regulator fined Wells Fargo "
                    "$50,000 on Tuesday for filing two reports late.", kb=kb_full)
    large = analyze("Regulator fines Wells Fargo $3 billion over fake accounts\n\nA regulator fined Wells Fargo "
                    "$3 billion on Tuesday over millions of fake accounts.", kb=kb_full)
    assert not {"industry:banks", "sector:financials", "country:US"} & {g.id for g in small.groups}
    assert "industry:banks" in {g.id for g in large.groups}
    small_wfc = next(c for c in small.companies if c.ticker == "WFC")
    large_wfc = next(c for c in large.companies if c.ticker == "WFC")
    assert small_wfc.relevance == "about" and small_wfc.score < large_wfc.score / 2


def test_a_commodity_named_once_in_the_lead_of_a_story_headlined_on_another_is_context(kb_full):
    text = ("Coffee futures fall to a four-year low\n\nArabica coffee futures fell 3% on Tuesday as rain eased "
            "worries over the Brazilian crop, while sugar was steady. Traders said coffee stocks in "
            "warehouses rose for a third week.")
    analysis = analyze(text, kb=kb_full)
    subjects = {s.entity for s in select_subjects(analysis.body, len(analysis.article.title), analysis.entities,
                                                  analysis.mentions, kb_full)}
    assert "commodity:coffee" in subjects and "commodity:sugar" not in subjects


def _subject_ids(text, kb):
    analysis = analyze(text, kb=kb)
    return {s.entity for s in select_subjects(analysis.body, len(analysis.article.title), analysis.entities,
                                              analysis.mentions, kb)}


def test_an_unknown_company_s_results_make_its_commodity_context_not_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Year Loss Widens\n\nTarrow Petroleum Ltd, which explores for oil in "
            "Alberta, said its loss for the year widened to 4.1 mln dlrs from 2.3 mln dlrs. Revenue fell "
            "to 11.2 mln dlrs, the company said.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_an_unknown_company_s_operations_news_keeps_its_commodity_as_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Completes Wildcat Well\n\nTarrow Petroleum Ltd said its wildcat well "
            "in Alberta tested at 900 barrels of oil a day. The company said it would drill two more wells "
            "on the lease this year.")
    assert "commodity:crude-oil" in _subject_ids(text, kb_full)


def _top_level_alternatives(pattern: str) -> list[str]:
    """A regex's top-level alternatives, as pattern text (brackets and escapes respected)."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return parts + [pattern[start:]]


def test_every_retrospective_alternative_holds_a_hint_word():
    # The hints gate the headline search: an alternative without one would never be looked for.
    alternatives = _top_level_alternatives(RETROSPECTIVE.pattern)
    assert len(alternatives) >= 2
    assert all(any(hint in alt.lower() for hint in RETROSPECTIVE_HINTS) for alt in alternatives), alternatives


@pytest.mark.parametrize("title", ["Fifty Years On: the oil shock", "TWENTY YEARS AFTER the crash",
                                   "The anniversary of the strike"])
def test_retrospective_headline_is_off_market_in_any_case(title):
    assert is_off_market(f"{title}\n\nOil prices rose and shares of miners fell.")


def test_a_commodity_stated_inside_a_price_index_report_is_a_component_not_a_hit(kb_full):
    text = ("Factory-gate prices edge up 0.2 pct in May, producer prices index shows\n\n"
            "The statistics office said its index of prices paid to manufacturers rose 0.2 pct last month "
            "after a flat reading in April, as food and machinery costs climbed. Economists had expected "
            "a slightly larger increase. Among the components, crude oil prices rose 3.1 pct, while "
            "clothing and furniture prices were unchanged.")
    assert "commodity:crude-oil" not in _groups(text, kb_full)


def test_a_commodity_stated_outside_an_aggregate_headline_is_still_a_hit(kb_full):
    text = ("Refiner restarts its coastal plant after repairs\n\n"
            "The refiner said its coastal plant was back at full rates on Monday after two weeks of repairs. "
            "Managers said the unit would run through the summer. Traders said crude oil prices rose 3.1 pct "
            "on the day.")
    assert "commodity:crude-oil" in _groups(text, kb_full)


def test_aggregate_headline_reads_figures_and_sovereign_finance_not_company_names():
    assert aggregate_headline("Consumer prices rise 0.4 pct in March")
    assert aggregate_headline("Country wins new IMF loan after talks")
    assert aggregate_headline("Trade deficit narrows as imports fall")
    assert not aggregate_headline("Credit Suisse shares tumble")
    assert not aggregate_headline("Copper climbs on Chinese demand")


def test_a_commodity_repeated_in_a_consumer_price_report_is_a_component_not_the_subject(kb_full):
    text = ("Consumer prices climb 0.3 pct in April\n\n"
            "Gasoline and food led a 0.3 pct rise in consumer prices last month, the statistics office said. "
            "Gasoline costs rose 4 pct after a fall in March, and economists said gasoline would weigh less "
            "on the index in the summer. Rents and medical care also rose, while clothing was cheaper.")
    assert "commodity:refined-products" not in _subject_ids(text, kb_full)
    assert "commodity:refined-products" not in _groups(text, kb_full)


def test_a_commodity_in_a_price_report_headline_stays_the_subject(kb_full):
    text = ("Gasoline pushes consumer prices up 0.3 pct in April\n\n"
            "Gasoline and food led a 0.3 pct rise in consumer prices last month, the statistics office said.")
    assert "commodity:refined-products" in _subject_ids(text, kb_full)


def test_a_farm_policy_story_is_about_the_sugar_it_names(kb_full):
    text = ("Senate panel backs changes to farm support programme\n\n"
            "A Senate committee voted to change the support programme for farmers on Thursday, cutting "
            "payments for next year's crops. Committee members said the vote was close. The bill would also "
            "lower the loan rate for sugar growers, aides said, and set a new limit on what any one farm "
            "can receive.")
    assert "commodity:sugar" in _subject_ids(text, kb_full)


def test_a_metal_named_once_in_the_lead_of_a_company_results_story_is_not_revived_by_its_family(kb_full):
    text = ("Tarrow Mining Ltd <TML> Year Profit Rises\n\nTarrow Mining Ltd, whose mine in Nevada also "
            "yields some copper, said its profit for the year rose to 4.1 mln dlrs from 2.3 mln dlrs. "
            "Revenue rose to 11.2 mln dlrs, the company said.")
    assert "commodity:copper" not in _subject_ids(text, kb_full)


def test_the_feed_grain_of_a_livestock_story_is_not_its_subject(kb_full):
    text = ("Hog herd grows as farmers expand barns\n\n"
            "The number of hogs on farms rose 4 pct from a year earlier, the government said in its quarterly "
            "report. Analysts said the herd was larger than expected. Cheap corn has made feeding animals "
            "profitable, and corn stocks on farms are ample, while farmers said corn rations would stay high.")
    assert "commodity:corn" not in _subject_ids(text, kb_full)


def test_a_grain_named_in_a_livestock_headline_stays_the_subject(kb_full):
    text = ("Cattle futures climb as corn prices slump\n\n"
            "Cattle futures rose on Tuesday while corn fell, traders said.")
    assert "commodity:corn" in _subject_ids(text, kb_full)


def test_the_cargo_of_a_freight_market_report_is_not_its_subject(kb_full):
    text = ("Dry bulk freight rates firm in busy week\n\n"
            "Rates for carrying bulk cargoes rose this week as owners held out for more, brokers said. "
            "Charterers booked ships for wheat from the Gulf to Asia, and another for wheat to Europe. "
            "A third vessel was fixed to load wheat in Australia later this month.")
    assert "commodity:wheat" not in _subject_ids(text, kb_full)


def test_a_metals_word_in_a_company_s_name_does_not_make_its_story_a_metals_story(kb_full):
    text = ("Varden Mining Corp <VMC> Shares Rise On Bid Talk\n\nVarden Mining Corp said it knew of no reason "
            "for the rise in its share price today. A spokesman would not comment on talk of a bid. The "
            "company said its last report on the Nevada property, in March, found traces of silver.")
    assert "commodity:silver" not in _subject_ids(text, kb_full)


def test_a_metals_word_outside_the_company_s_name_still_frames_the_story(kb_full):
    text = ("Varden Mining Corp <VMC> To Open New Mine\n\nVarden Mining Corp said it would open a new mine in "
            "Nevada next year. A spokesman said building would start in the spring. The company said its last "
            "report on the property, in March, found traces of silver.")
    assert "commodity:silver" in _subject_ids(text, kb_full)


def test_an_unknown_company_s_stake_sale_makes_its_commodity_context_not_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Puts Its Stake In Unit Up For Sale\n\nTarrow Petroleum Ltd, which explores "
            "for oil in Alberta, said it would sell its 40 pct stake in a pipeline unit. The company said "
            "several buyers had shown interest.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_commodity_only_further_down_a_company_results_story_is_its_business_not_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Year Profit Rises\n\nTarrow Petroleum Ltd said its profit for the year "
            "rose to 6.1 mln dlrs from 4.3 mln dlrs. Revenue rose to 31.2 mln dlrs, the company said. "
            "The company said its oil output in Alberta rose, and it sold its oil at higher prices. "
            "It expects to drill more oil wells next year.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_commodity_further_down_an_operations_story_about_a_company_is_still_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> To Close Plant For Repairs\n\nTarrow Petroleum Ltd said it would close "
            "its Alberta plant for a month. Repairs start in May, the company said. "
            "The company said its oil output in Alberta would fall, and it would buy oil from others. "
            "It expects to drill more oil wells next year.")
    assert "commodity:crude-oil" in _subject_ids(text, kb_full)


def test_a_results_headline_is_on_a_company_whatever_the_form_of_its_name(kb_full):
    text = ("Tarrow Sees Higher 1987 Earnings\n\nTarrow, which explores for oil in Alberta, said it expects "
            "higher earnings this year after cutting costs. The company said costs fell 12 pct last year, "
            "and it sold two offices.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_commodity_in_a_results_lead_without_any_quantity_is_the_company_s_business(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Year Profit Rises\n\nTarrow Petroleum Ltd, which sells oil and heating "
            "fuel, said its profit for the year rose to 6.1 mln dlrs. Revenue from oil rose 8 pct to 31.2 mln "
            "dlrs, the company said. It will pay a dividend of 10 cents.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_commodity_in_a_results_lead_with_its_output_in_barrels_stays_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> Year Profit Rises\n\nTarrow Petroleum Ltd, which sells oil and heating "
            "fuel, said its profit for the year rose to 6.1 mln dlrs. Its oil output rose to 9,000 barrels "
            "a day, the company said. It will pay a dividend of 10 cents.")
    assert "commodity:crude-oil" in _subject_ids(text, kb_full)


def test_an_unknown_company_selling_a_unit_makes_its_commodity_context_not_the_subject(kb_full):
    text = ("Tarrow Petroleum Ltd <TPL> To Sell Pipeline Unit\n\nTarrow Petroleum Ltd, which explores for oil in "
            "Alberta, said it agreed to sell its pipeline unit to a group of investors. The company said the "
            "price would be set next month.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_headline_commodity_word_that_opens_the_lead_s_company_name_names_the_company(kb_full):
    text = ("Varden Sugar Says Bid Too Low\n\nVarden Sugar Mills Ltd said the cash offer made for its shares "
            "last week was too low and asked holders to wait. The board said it would meet advisers.")
    assert "commodity:sugar" not in _subject_ids(text, kb_full)


def test_a_headline_commodity_word_outside_any_company_name_stays_the_subject(kb_full):
    text = ("Varden Says Sugar Prices Too Low\n\nVarden Sugar Mills Ltd said world prices were too low "
            "to cover its costs and asked growers to wait. The board said it would meet advisers.")
    assert "commodity:sugar" in _subject_ids(text, kb_full)


def test_a_stake_headline_is_on_a_company_whatever_the_form_of_its_name(kb_full):
    text = ("Varden Takes Stake In Tarrow\n\nVarden said it bought a 20 pct stake in Tarrow, which explores for "
            "oil in Alberta, from a group of private investors. Varden said it did not plan to bid for the rest.")
    assert "commodity:crude-oil" not in _subject_ids(text, kb_full)


def test_a_family_member_in_a_company_results_story_is_its_trade_not_a_subject(kb_full):
    text = ("Hollins Mining Corp raises quarterly profit\n\nHollins Mining Corp said quarterly profit rose "
            "on higher output at its mine. The company sold more gold and more gold was refined at the "
            "plant than a year earlier. It also produced some silver as a by-product.")
    assert "commodity:silver" not in _subject_ids(text, kb_full)
    market_story = text.replace("Hollins Mining Corp raises quarterly profit", "Mine output rises in the north")
    assert "commodity:silver" in _subject_ids(market_story, kb_full)


def test_an_oil_and_gas_production_story_is_about_the_gas_it_names_once(kb_full):
    text = ("Oil and gas production falls in the south\n\nThe ministry said crude oil output fell to 400,000 "
            "barrels a day in March from 420,000 barrels in February. Older fields declined faster than expected, "
            "officials said. Natural gas output was 30 mln cubic metres a day, against 31 mln a month earlier.")
    assert "commodity:natural-gas" in _subject_ids(text, kb_full)
