import pytest

from stockgroups.analysis.link import find_mentions


def ids(text, kb):
    return [m.entity for m in find_mentions(text, kb)]


@pytest.mark.parametrize("text, want", [
    ("Protests spread across Kazakhstan and Almaty.", ["country:KZ", "place:almaty"]),
    ("Kazakh troops and Kazakhstani police", ["country:KZ", "country:KZ"]),
    ("KAZAKHSTAN UNREST", ["country:KZ"]),
    ("The Russian-led CSTO sent troops.", ["country:RU", "org:csto"]),
    ("Chevron's Tengiz field", ["company:CVX", "place:tengiz"]),
])
def test_finds_aliases_on_word_boundaries(kb_small, text, want):
    assert ids(text, kb_small) == want


@pytest.mark.parametrize("text", [
    "Prussian history and Kazakhstanian? no: Russianness",  # inside longer words
    "kazatompromise",
])
def test_ignores_matches_inside_words(kb_small, text):
    assert "country:RU" not in ids(text, kb_small)
    assert "company:KAP.L" not in ids(text, kb_small)


@pytest.mark.parametrize("text", [
    "Preheat the oven. Apple pie needs six apples and a pinch of cinnamon; this recipe serves four.",
    "Slice the apple thinly.",
    "We watched birds along the Delta river at dawn.",
    "Roast the Turkey for four hours; Thanksgiving guests love it.",
])
def test_ambiguous_names_need_context(kb_small, text):
    assert not [e for e in ids(text, kb_small) if e.startswith(("company:", "country:"))]


@pytest.mark.parametrize("text, want", [
    ("Apple shares rose 3% after the iPhone launch.", "company:AAPL"),
    ("Delta shares fell as fuel costs climbed.", "company:DAL"),
    ("Turkey's central bank in Ankara cut rates.", "country:TR"),
    ("Georgia's government in Tbilisi resigned.", "country:GE"),
])
def test_ambiguous_names_with_support(kb_small, text, want):
    assert want in ids(text, kb_small)


def test_georgia_the_state_is_not_the_country(kb_small):
    found = ids("Georgia voters lined up in Atlanta on Tuesday.", kb_small)
    assert "country:GE" not in found


@pytest.mark.parametrize("text, want", [
    ("Chevron Corp (NYSE: CVX) said", "company:CVX"),
    ("Kazatomprom (LSE:KAP) cut output", "company:KAP.L"),
    ("Traders bought $CCJ on Friday", "company:CCJ"),
])
def test_tickers(kb_small, text, want):
    assert want in ids(text, kb_small)


def test_unknown_exchange_ticker_is_ignored(kb_small):
    assert ids("(FOO: CVX)", kb_small) == []


def test_short_aliases_are_exact_case(kb_small):
    assert "country:US" not in ids("let us go", kb_small)
    assert "country:US" in ids("the U.S. said", kb_small)


@pytest.mark.parametrize("text", [
    "Delegates of the International Coffee Organization met in London to discuss quotas.",
    "The Canadian Wheat Board raised its export estimate for the season.",
])
def test_a_commodity_in_the_name_of_its_market_body_is_the_commodity(kb_full, text):
    assert {"commodity:coffee", "commodity:wheat"} & set(ids(text, kb_full))


def test_a_commodity_in_a_company_name_is_not_the_commodity(kb_full):
    assert "commodity:crude-oil" not in ids("Shares of Harbour Petroleum Ltd rose after the annual meeting.", kb_full)


@pytest.mark.parametrize("text", [
    "The central bank said its gold and foreign exchange reserves rose in March.",
    "Output of crude rubber fell to 40,000 tonnes.",
])
def test_reserve_assets_and_other_crude_materials_are_not_the_commodity(kb_full, text):
    assert not {"commodity:gold", "commodity:crude-oil"} & set(ids(text, kb_full))


def test_payments_made_are_not_the_payments_industry(kb_full):
    assert "industry:payments" not in ids("The developer told banks it cannot make interest payments due this week.",
                                          kb_full)
    assert "industry:payments" in ids("Payments stocks rose as card volumes at merchants beat forecasts.", kb_full)


def test_non_prefixed_name_is_everything_but_the_entity(kb_full):
    assert "commodity:crude-oil" not in ids("Non-oil exports rose 4% in March while the trade gap narrowed.", kb_full)
    assert "commodity:crude-oil" in ids("Oil exports rose 4% in March while the trade gap narrowed.", kb_full)


def test_commodity_stocks_given_in_tonnes_are_inventories_not_miners_shares(kb_full):
    inventory = ids("Copper stocks fall\n\nCopper stocks held by refiners fell to 109,200 short tons in January.", kb_full)
    equities = ids("Copper stocks rally\n\nCopper stocks rose 4% as the metal hit a two-year high.", kb_full)
    assert inventory.count("commodity:copper") == 2 and "industry:copper-miners" not in inventory
    assert "industry:copper-miners" in equities


def test_a_capitalised_name_written_with_a_lower_case_word_is_a_phrase(kb_full):
    assert "company:X" not in ids("US steel makers surged after the tariff announcement.", kb_full)
    assert "company:X" in ids("US Steel said on Monday it would restart a blast furnace.", kb_full)


@pytest.mark.parametrize("text", ["Egypt buys 30,000 tonnes of semolina from millers",
                                  "Durum plantings fall in the northern plains"])
def test_durum_and_semolina_are_wheat(kb_full, text):
    assert "commodity:wheat" in {m.entity for m in find_mentions(text, kb_full)}


@pytest.mark.parametrize("text", [
    "National oil and gas production fell 5% in the first quarter.",
    "Gas and oil production rose 3% last year, the energy ministry said.",
])
def test_gas_paired_with_oil_is_natural_gas(kb_full, text):
    assert "commodity:natural-gas" in ids(text, kb_full)


def test_gas_without_oil_beside_it_is_not_natural_gas(kb_full):
    assert "commodity:natural-gas" not in ids("Police fired tear gas at the crowd as output fell.", kb_full)


def test_a_headline_commodity_the_body_never_words_otherwise_is_the_topic(kb_full):
    text = ("Southern Coffee Rainfall Figures\n\nThe following rainfall was recorded in the growing "
            "areas over the past 72 hours: north 12 mm, south nil, east 4 mm.")
    assert "commodity:coffee" in ids(text, kb_full)


def test_a_headline_commodity_word_the_body_prints_in_a_name_stays_the_name(kb_full):
    text = ("Aurex Gold Agrees To Sell Shares To A Fund\n\nAurex Gold Mines Ltd said a partnership "
            "agreed to buy two mln of its shares at market prices on the exchange.")
    assert "commodity:gold" not in ids(text, kb_full)


def test_a_commodity_word_without_support_is_the_commodity_the_story_reads_elsewhere(kb_full):
    text = ("Miner Hopes For Northern Gold Approval\n\nA miner hopes the government will approve its northern "
            "gold project next month, after it filed its final plan today.\n    The company said this completes "
            "the main papers it needs to go ahead, and that talks with the landowners went well. It expects to "
            "hire about 300 people during building work and said it would pay for a new road and a small clinic "
            "near the site, as agreed last year with the local council.\n    The deposit holds reserves of 40 mln "
            "tonnes grading two grams per tonne gold.")
    assert ids(text, kb_full).count("commodity:gold") == 3


def test_gas_given_in_volume_units_is_natural_gas(kb_full):
    for text in ("The field holds 12 bcf of gas and the company raised its estimate.",
                 "Proved reserves rose to 1.2 trillion cubic feet at year end.",
                 "The well flowed 300,000 cubic metres of gas a day in tests."):
        assert "commodity:natural-gas" in {m.entity for m in find_mentions(text, kb_full)}, text


def test_a_gas_volume_unit_is_natural_gas_beside_gas_words_not_beside_water(kb_full):
    def entities(text):
        return {m.entity for m in find_mentions(text, kb_full)}
    assert "commodity:natural-gas" in entities(
        "The new gas well tested at 6 mln cubic feet a day, the company said.")
    assert "commodity:natural-gas" not in entities(
        "The dam's reservoir held 3 billion cubic metres of water after the spring rains.")


@pytest.mark.parametrize("text", [
    "The airline said aviation fuel cost it more this year.",
    "The terminal will store regular and premium gasolines.",
    "Lawmakers weighed a higher fuel tax to pay for roads.",
])
def test_aviation_fuel_gasolines_and_fuel_tax_name_refined_products(kb_full, text):
    assert "commodity:refined-products" in {m.entity for m in find_mentions(text, kb_full)}
