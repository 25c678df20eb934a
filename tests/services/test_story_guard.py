"""Clustering at ingest never merges look-alike announcements by different companies
(two defence contracts, two bond sales): `stories` then shows each company's story."""
from __future__ import annotations

import pytest

from stockgroups.model import Article
from stockgroups.services.ingest import Collector
from stockgroups.store.base import StoryFilter

CONTRACT = ("{co} wins $1.2 billion Pentagon contract for missile interceptors\n"
            "{co} said on Tuesday it had won a contract worth about $1.2 billion from the "
            "United States Department of Defense to build missile interceptors over the next "
            "five years. The award covers production, testing and support, and the Army "
            "expects first deliveries in 2027. Shares of {co} rose in early trading as "
            "analysts said the contract would lift revenue in its defence unit. The Pentagon "
            "said several bidders had competed for the work.")
BONDS = ("{co} sells $3 billion of bonds in four parts\n"
         "{co} sold $3 billion of senior unsecured notes on Wednesday in four parts maturing "
         "from 2029 to 2054, according to a person familiar with the deal. Proceeds will "
         "refinance debt coming due next year and fund general corporate purposes. Orders "
         "peaked above $11 billion, letting the issuer tighten pricing by 25 basis points "
         "from initial talk, and the longest part priced to yield 1.4 points over Treasuries.")


def articles(template: str, companies: tuple[str, ...]) -> list[tuple[str, Article]]:
    out = []
    for i, co in enumerate(companies):
        title, text = template.format(co=co).split("\n", 1)
        out.append((f"s{i}", Article(source=f"s{i}", title=title, text=text,
                                     url=f"https://news{i}.example/{i}",
                                     published=f"2026-03-03T1{i}:00:00Z")))
    return out


@pytest.mark.parametrize("template, companies, tickers", [
    (CONTRACT, ("Lockheed Martin", "Northrop Grumman"), ("LMT", "NOC")),
    (BONDS, ("Pfizer", "Microsoft"), ("PFE", "MSFT")),
])
def test_look_alike_announcements_of_two_companies_stay_two_stories(
        kb_full, fresh_store, template, companies, tickers):
    summary = Collector(fresh_store, kb_full).add(articles(template, companies))
    assert summary.line() == "2 new (2 new stories), 0 duplicate, 0 failed"
    for name, ticker in zip(companies, tickers):
        (story,) = fresh_store.stories(where=StoryFilter(ticker=ticker))
        assert story["title"].startswith(name)


def test_a_copy_of_the_same_companys_announcement_still_joins(kb_full, fresh_store):
    (label, first), = articles(CONTRACT, ("Lockheed Martin",))
    copy = Article(source="copy", title=first.title, text=first.text.replace("said", "stated"),
                   url="https://other.example/copy", published="2026-03-03T12:00:00Z")
    summary = Collector(fresh_store, kb_full).add([(label, first), ("copy", copy)])
    assert summary.line() == "2 new (1 new stories), 0 duplicate, 0 failed"
