"""clean_text: boilerplate lines out, real text untouched (its speed: benchmarks/bench_clean.py)."""
from __future__ import annotations

import pytest

from stockgroups.analysis.clean import clean_text, split_glued_words
from stockgroups.sources.formats.text import read_text

STORY = "Oil prices rose 3% on Monday after the strike."


@pytest.mark.parametrize("junk", [
    # ad markers
    "[ad_1]", "[ad_2]", "[ad]", "[ad_2].", "ADVERTISEMENT", "Advertisement",
    "Story continues below advertisement", "Scroll to continue with content",
    # photo credits
    "Xinhua News Agency | Xinhua News Agency | Getty Images",
    "Bloomberg | Bloomberg | Getty Images",
    "Mikhail Svetlov | Getty Images News | Getty Images",
    "Jane Doe | Reuters",
    "Photo: Reuters", "Photo credit: John Smith/AP", "Image credit: Shutterstock",
    "Image credit Getty", "Getty Images", "Reuters", "AP Photo", "AFP", "Bloomberg",
    "AFP via Getty Images", "AP Photo/Evan Vucci", "AP Photo/J. Scott Applewhite",
    "REUTERS/Dado Ruvic", "Reuters/File Photo", "Andrew Harrer/Bloomberg via Getty Images",
    "SOPA Images/LightRocket via Getty Images",
    # bylines and contributor lines
    "By Jane Doe", "By Jane Doe and John Smith", "By Jane Doe, CNN Business", "BY JANE DOE",
    "By Maria de la Cruz", "By The Associated Press",
    "— CNBC’s Natasha Turak contributed to this report.",
    "Reuters staff contributed reporting.",
    "(Reporting by Jane Doe in London; Editing by John Smith)",
    "Reporting by Jane Doe; Editing by John Smith and Mark Potter",
    "Additional reporting by Tom Jones",
    "Our Standards: The Thomson Reuters Trust Principles.",
    # share widgets, prompts, cross-links
    "Share this article", "Share", "Share on Facebook", "Facebook Twitter LinkedIn Email",
    "Facebook | Twitter | Email | Print", "Copy link", "Link copied!",
    "Share: Facebook | Twitter | LinkedIn | Email | Copy link",
    "Share this article: Facebook Twitter LinkedIn Email", "Share this: Facebook | Twitter | LinkedIn",
    "By Kyle Branson | Published 2022-12-09",
    "Follow us on Twitter", "Follow CNBC International on Twitter and Facebook.",
    "Sign up for our newsletter", "Sign up now to get the Morning Briefing in your inbox",
    "Subscribe to our newsletter", "Read more: Why oil is rising", "READ MORE: Markets wrap",
    "Related: Gold hits a record", "See also: The week ahead", "Click here to subscribe.",
    "WATCH: How the strike hits copper",
    # cookie banners and footers
    "We use cookies to improve your experience on our site.",
    "This website uses cookies. By continuing to browse you agree to our use of cookies.",
    "By continuing to use this site you consent to our cookie policy.",
    "Accept all cookies", "Accept", "Reject all", "Manage preferences", "Cookie settings",
    "© 2024 CNBC LLC. All Rights Reserved.", "Copyright 2023 Reuters.", "All rights reserved.",
    # leftovers
    ".", "***", "— —",
])
def test_boilerplate_line_is_dropped(junk: str) -> None:
    assert clean_text(f"{STORY}\n\n{junk}\n\nShares fell.") == f"{STORY}\n\nShares fell."


@pytest.mark.parametrize("keep", [
    "By Friday, the index had fallen 5% from its peak.",
    "By contrast, copper fell.",
    "Reuters reported that the deal was close, citing three sources.",
    "Bloomberg News said the talks had stalled.",
    "The company said the advertisement market was weak.",
    "Google said it will stop using third-party cookies in Chrome next year.",
    "Analysts said investors should read more closely: margins shrank.",
    "Photographs of the damage showed flooded mines.",
    "Reuters/Ipsos poll shows support for the plan slipping to 38% this month.",
    "AP reported the attack was the worst in a decade.",
    "Share prices fell 4% in early trading.",
    "Facebook parent Meta rose 2%.",
    "Follow-on offerings raised $2 billion.",
    ("The deal, reported by Reuters | Bloomberg first, lifted shares by 5% on Monday as "
    "traders bet on more mergers."),
    "Accepting the offer, the board said shareholders would receive $40 a share.",
])
def test_real_sentence_is_kept(keep: str) -> None:
    assert clean_text(keep) == keep


@pytest.mark.parametrize("glued, expected", [
    ("government snowballedFrom anger", "government snowballed from anger"),
    ("prices roseThe next day", "prices rose the next day"),
    ("shares fellAfter the report", "shares fell after the report"),
    ("oilAnd gas", "oil and gas"),
    ("stocks climbedWhile bonds fell", "stocks climbed while bonds fell"),
])
def test_spinner_glue_is_split(glued: str, expected: str) -> None:
    assert clean_text(glued) == expected


@pytest.mark.parametrize("name", [
    "iPhone", "eBay", "PayPal", "YouTube", "JPMorgan", "McDonald's", "BlackRock",
    "ExxonMobil", "TotalEnergies", "KazMunayGas", "GlaxoSmithKline", "LinkedIn", "iOS",
    "macOS", "WhatsApp", "FedEx", "SoftBank", "OnePlus", "inFrom",  # 2-letter run: kept
])
def test_camel_case_names_survive(name: str) -> None:
    text = f"Shares of {name} rose."
    assert clean_text(text) == text


def test_split_glued_words_ignores_mid_word_runs() -> None:
    assert split_glued_words("XsnowballedFrom 9yearsOf") == "XsnowballedFrom 9yearsOf"


@pytest.mark.parametrize("raw, expected", [
    ("a\u00a0b\u2009c\u202fd", "a b c d"),                  # exotic spaces
    ("zero\u200bwidth\u200c\u200djoin\ufeff", "zerowidthjoin"),
    ("soft\u00adhyphen", "softhyphen"),
    ("bell\x07 and\x00 nul\x1b", "bell and nul"),             # control characters
    ("a\x0bb\x0cc", "a\nb\nc"),                               # vertical tab, form feed
    ("line\r\nbreaks\rhere", "line\nbreaks\nhere"),
    ("non\u2011breaking \u2010hyphen", "non-breaking -hyphen"),
    ("\u22125% and 10\u20122", "-5% and 10\u20132"),         # minus, figure dash
    ("horizontal\u2015bar", "horizontal\u2014bar"),
    ("AT&amp;T &nbsp;rose &#8212; then &#x2019;fell", "AT&T rose \u2014 then \u2019fell"),
    ("AT&T and S&P 500 stay", "AT&T and S&P 500 stay"),      # bare ampersands untouched
    ("“curly” ‘quotes’ — em – en", "“curly” ‘quotes’ — em – en"),
    ("  too   many\tspaces  ", "too many spaces"),
    ("one\n\n\n\n\ntwo\n \n\t\nthree", "one\n\ntwo\n\nthree"),
    ("one\ntwo", "one\ntwo"),                                # single breaks kept
    ("\n\n  lead and trail  \n\n", "lead and trail"),
    ("Apple (Photo by Jane Doe/Getty Images) rose.", "Apple rose."),
    ("Apple (Photo: Reuters) rose.", "Apple rose."),
    ("Stocks rose. ADVERTISEMENT Bonds fell.", "Stocks rose. Bonds fell."),
    ("Text [ad_1] more", "Text more"),
    ("", ""),
])
def test_normalisation(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_dropped_line_between_paragraphs_leaves_one_gap() -> None:
    assert clean_text("One.\n\n[ad_1]\n\nTwo.\n\nShare this article\n\n\nThree.") == \
        "One.\n\nTwo.\n\nThree."


def test_clean_is_idempotent_on_seed_like_text() -> None:
    raw = "Title\n\n[ad_1]\n\nA snowballedFrom B.\n\nBy Jane Doe\n\nEnd."
    once = clean_text(raw)
    assert clean_text(once) == once


def test_seed_page_loses_its_boilerplate_and_keeps_its_text(seed_text: str) -> None:
    article = read_text(seed_text.encode("utf-8"), "seed.txt")
    assert article.title.startswith("Kazakhstan's leader tells security forces")
    body = clean_text(article.text)
    assert "[ad_" not in body
    assert "Getty Images" not in body
    assert "contributed to this report" not in body
    assert "fuel prices and quickly" in body
    assert "pricesAnd" not in body
    assert body.startswith("Demonstrators gathered in Aktau")
    assert body.endswith("removed as head of the security council.")
    assert '"bandits"' in body  # quotes kept
