"""Feeds as they really are: versions, encodings, HTML, relative links, dates, broken XML."""
from __future__ import annotations

from pathlib import Path

import pytest

from stockgroups.errors import InputError
from stockgroups.sources.formats.feeds import html_to_text, parse_feed, parse_opml, sniff, to_utf8

FEEDS = Path(__file__).parents[1] / "fixtures" / "feeds"
NEWS = FEEDS / "news"


def feed(name: str, **kw):
    path = NEWS / name if (NEWS / name).exists() else FEEDS / "extra" / name
    return parse_feed(path.read_bytes(), str(path), **kw)


@pytest.mark.parametrize("name, kind", [
    ("news/wire_rss2.xml", "feed"), ("news/prague_atom_latin2.xml", "feed"),
    ("news/shipping_rss1.rdf", "feed"), ("news/metals_rss091_cp1252.rss", "feed"),
    ("news/caijing_gb2312.xml", "feed"), ("extra/list.opml", "opml"),
    ("news/energy_page_cp1252.html", None),
])
def test_sniff(name, kind):
    path = FEEDS / name
    assert sniff(path.read_bytes(), str(path)) == kind


@pytest.mark.parametrize("name, version", [
    ("wire_rss2.xml", "rss20"), ("prague_atom_latin2.xml", "atom10"),
    ("shipping_rss1.rdf", "rss10"), ("metals_rss091_cp1252.rss", "rss091u"),
])
def test_versions(name, version):
    assert feed(name).version == version


def test_rss2_full_text_html_relative_links_and_missing_date():
    f = feed("wire_rss2.xml")
    assert f.problems == []
    first, second, third = (i.article for i in f.items)
    assert first.title.startswith("Kazatomprom cuts uranium")
    assert "<p>" not in first.text and "track()" not in first.text  # HTML and scripts out
    assert first.text.count("\n") >= 3  # paragraphs kept as lines
    assert first.url == ("https://wire.example.com/markets/2025/08/22/"
                         "kazatomprom-cut?utm_source=rss")
    assert first.published == "2025-08-22T08:15:00Z"
    assert third.url == "https://wire.example.com/markets/markets/2025/08/31/red-sea-tanker"
    assert third.published is None
    assert not any(i.teaser for i in f.items)  # content:encoded is the full story
    assert second.source == second.url


@pytest.mark.parametrize("name, expected", [
    ("prague_atom_latin2.xml", "Aleš Michl"),        # ISO-8859-2, declared
    ("metals_rss091_cp1252.rss", "Chile’s Escondida"),  # Windows-1252, undeclared
    ("caijing_gb2312.xml", "比亚迪上半年销量增长"),     # GB2312, declared
])
def test_legacy_encodings_decode(name, expected):
    f = feed(name)
    text = " ".join(i.article.title + " " + i.article.text for i in f.items) + f.title
    assert expected in text
    assert "\ufffd" not in text


def test_atom_dates_are_utc():
    items = feed("prague_atom_latin2.xml").items
    assert items[0].article.published == "2025-08-22T09:40:00Z"  # updated, +02:00 -> UTC
    assert items[1].article.published == "2025-08-28T09:30:00Z"  # published wins


def test_wrong_declared_encoding_is_detected():
    data = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T'
            '</title><item><title>Café “prices” rise €5</title><link>https://x.example/1'
            '</link><description>Coffee prices in the café rose.</description></item>'
            '</channel></rss>').encode("cp1252")
    f = parse_feed(data, "wrong.xml")
    assert f.items[0].article.title == "Café “prices” rise €5"


def test_to_utf8_relabels_declaration():
    out = to_utf8('<?xml version="1.0" encoding="ISO-8859-2"?><a>Łódź</a>'.encode("iso8859_2"))
    assert out.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert "Łódź" in out.decode("utf-8")


def test_broken_xml_is_read_as_far_as_possible_and_reported():
    f = feed("broken.xml")
    titles = [i.article.title for i in f.items]
    assert titles[:2] == ["Czech central bank holds rates, warns on wage growth",
                          "Second story survives"]
    assert f.problems and "broken feed" in f.problems[0]


def test_garbage_is_an_input_error():
    with pytest.raises(InputError):
        parse_feed(b"<rss><<<>>>", "junk.xml")


def test_teasers_are_flagged():
    data = (FEEDS / "extra" / "teasers.xml").read_bytes().replace(b"{BASE}",
                                                                 b"https://t.example")
    items = parse_feed(data, "teasers.xml").items
    assert [i.teaser for i in items] == [True, True]
    assert items[0].article.url == "https://t.example/story/1.html"


def test_opml_lists_feed_urls_in_order():
    urls = parse_opml((FEEDS / "extra" / "list.opml").read_bytes(), "list.opml")
    assert urls == ["../news/wire_rss2.xml", "../news/metals_rss091_cp1252.rss"]
    with pytest.raises(InputError, match="lists no feeds"):
        parse_opml(b"<opml><body><outline text='x'/></body></opml>", "empty.opml")


@pytest.mark.parametrize("fragment, text", [
    ("plain  words", "plain words"),
    ("<p>One</p><p>Two &amp; three</p>", "One\nTwo & three"),
    ("A<br>B<script>x()</script>", "A\nB"),
])
def test_html_to_text(fragment, text):
    assert html_to_text(fragment) == text
