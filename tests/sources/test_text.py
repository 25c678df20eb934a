"""Charsets: bad bytes replaced where they are, never the whole document re-decoded."""
from __future__ import annotations

import pytest

from stockgroups.sources.formats.feeds import parse_feed
from stockgroups.sources.formats.html import decode_html
from stockgroups.sources.formats.text import decode

NAMES = "Nestlé, Société Générale and Müller of Zürich said the deal would close."


def with_bad_byte(text: str) -> bytes:
    data = text.encode("utf-8")
    cut = data.index(b" and ")
    return data[:cut] + b"\xff" + data[cut:]


@pytest.mark.parametrize("declared", [None, "utf-8", "iso-8859-1", "windows-1252"])
def test_utf8_with_one_bad_byte_keeps_accented_names(declared):
    text = decode(with_bad_byte(NAMES), declared)
    assert text == NAMES.replace(" and ", "\ufffd and ", 1)


def test_utf8_page_with_one_bad_byte_keeps_accented_names():
    page = (b'<html><head><meta charset="utf-8"><title>t</title></head><body><p>'
            + with_bad_byte(NAMES) + b"</p></body></html>")
    assert "Société Générale" in decode_html(page) and "Zürich" in decode_html(page)


def test_utf8_feed_with_one_bad_byte_keeps_accented_names():
    feed = (b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>F'
            b"</title><item><title>" + with_bad_byte(NAMES) + b"</title><link>https://x.example/1"
            b"</link><description>Body</description></item></channel></rss>")
    title = parse_feed(feed, "f.xml").items[0].article.title
    assert "Société Générale" in title and "Müller" in title


def test_declared_legacy_charset_with_one_bad_byte_is_still_that_charset():
    data = "Zloty: Kraków i Łódź, spółka ogłosiła wyniki.".encode("cp1250")
    data = data.replace(b" i ", b" i\x81 ", 1)  # 0x81 is no character in Windows-1250
    text = decode(data, "windows-1250")
    assert text == "Zloty: Kraków i\ufffd Łódź, spółka ogłosiła wyniki."


def test_undeclared_legacy_text_is_detected():
    text = "Müller sagt: Die Börse fällt, die Zölle steigen, die Händler sind nervös.\n"
    assert decode(text.encode("cp1252")) == text
