"""Feed and OPML bytes -> Articles: RSS 0.9x/1.0/2.0 and Atom via feedparser.

Feeds as they really are: the bytes are decoded here first (BOM, UTF-8, the declared
charset, else detection) because feedparser falls back to Windows-1252 for anything it
cannot decode; HTML in descriptions becomes text; relative links are resolved against
the feed's own address; a missing date stays None; broken XML is read as far as the
lenient parser gets, and what was lost is reported. No fetching here.
"""
from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urljoin

from stockgroups.errors import InputError
from stockgroups.model import Article
from stockgroups.sources.dates import parse_published
from stockgroups.sources.formats.text import bom_encoding, decode

log = logging.getLogger(__name__)

FEED_SUFFIXES = (".rss", ".atom", ".rdf", ".xml")
OPML_SUFFIXES = (".opml",)
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml",
              "application/xml", "text/xml", "application/x-rss+xml")
SNIFF_BYTES = 1024
_ROOT_RE = re.compile(r"<(rss|feed|rdf:RDF|RDF|opml)[\s>]", re.IGNORECASE)
_XML_ENCODING_RE = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])([A-Za-z0-9_.:-]+)(["'])""")
# Labels whose real-world content is a superset encoding: decoding with the superset keeps
# the characters the label's own table lacks (GBK text labelled GB2312 is the usual case).
SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "gb_2312-80": "gb18030",
             "x-gbk": "gb18030", "ks_c_5601-1987": "cp949", "euc-kr": "cp949",
             "shift_jis": "cp932", "sjis": "cp932"}
# An entry whose text is this short, or ends in an ellipsis or "read more", is a teaser:
# the full article is on its page.
TEASER_MAX_WORDS = 60
_TEASER_END_RE = re.compile(r"(\.\.\.|\u2026|\[\u2026\]|\[\.\.\.\]|read more|continue reading"
                            r"|weiterlesen|lire la suite)\W*$", re.IGNORECASE)
BLOCK_TAGS = ("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr")


@dataclass(frozen=True)
class FeedItem:
    """One entry: its Article, and whether only a teaser of the story came with it."""

    article: Article
    teaser: bool


@dataclass
class Feed:
    """What a feed file held: its entries, and the problems met reading it."""

    title: str
    items: list[FeedItem]
    problems: list[str] = field(default_factory=list)
    version: str = ""


def sniff(data: bytes, name: str = "", content_type: str | None = None) -> str | None:
    """"feed", "opml" or None (not a feed: let the ordinary readers take it)."""
    head = data[:SNIFF_BYTES * 4]
    encoding = bom_encoding(head)
    text = head.decode(encoding or "latin-1", errors="ignore")
    m = _ROOT_RE.search(text)
    if m:
        return "opml" if m.group(1).lower() == "opml" else "feed"
    lower = name.lower()
    ctype = (content_type or "").split(";", 1)[0].strip().lower()
    if lower.endswith(OPML_SUFFIXES) or ctype == "text/x-opml":
        return "opml"
    if (lower.endswith(FEED_SUFFIXES) or ctype in FEED_TYPES) and text.lstrip(
            "\ufeff \t\r\n").startswith("<"):
        return "feed"
    return None


def to_utf8(data: bytes, declared: str | None = None) -> bytes:
    """The feed re-encoded as UTF-8, its XML declaration saying so.

    Order: BOM, valid UTF-8, the HTTP charset, the XML declaration, then detection.
    """
    if bom_encoding(data) is None:
        try:
            data.decode("utf-8")
            return _relabel(data)
        except UnicodeDecodeError:
            pass
    m = _XML_ENCODING_RE.match(data)
    label = declared or (m.group(2).decode("ascii") if m else None)
    if label:
        label = SUPERSETS.get(label.strip().lower(), label.strip())
    text = decode(data, label)
    return _relabel(text.lstrip("\ufeff").encode("utf-8"))


def _relabel(data: bytes) -> bytes:
    return _XML_ENCODING_RE.sub(rb"\g<1>utf-8\g<3>", data, count=1)


def parse_feed(data: bytes, source: str, *, content_type: str | None = None,
               base_url: str | None = None) -> Feed:
    """Entries of an RSS or Atom document; InputError only when nothing could be read."""
    import feedparser  # imported late: ~0.1 s, and only feeds need it

    declared = _charset(content_type)
    body = to_utf8(data, declared)
    headers = {"content-type": "application/xml; charset=utf-8"}
    if base_url:
        headers["content-location"] = base_url
    parsed = feedparser.parse(body, response_headers=headers, sanitize_html=True,
                              resolve_relative_uris=True)
    problems: list[str] = []
    if parsed.get("bozo"):
        problems.append(f"{source}: broken feed, read as far as possible "
                        f"({_one_line(parsed.get('bozo_exception'))})")
    channel = parsed.get("feed", {})
    base = base_url or channel.get("link") or None
    items: list[FeedItem] = []
    for i, entry in enumerate(parsed.get("entries", [])):
        label = f"{source}#{i + 1}"
        try:
            item = _item(entry, label, base)
        except InputError as err:
            problems.append(str(err))
            continue
        items.append(item)
    if not items and not channel.get("title"):
        reason = problems[0] if problems else f"{source}: no feed entries found"
        raise InputError(reason)
    return Feed(title=_text(channel.get("title", "")), items=items, problems=problems,
                version=parsed.get("version", ""))


def _item(entry: Any, label: str, base: str | None) -> FeedItem:
    title = _text(entry.get("title", ""))
    content = entry.get("content") or []
    full = max((c.get("value", "") for c in content), key=len, default="")
    summary = entry.get("summary", "") or entry.get("description", "")
    raw = full if len(full) > len(summary) else summary
    text = html_to_text(raw)
    link = entry.get("link") or _alternate(entry)
    if link and base:
        link = urljoin(base, link)
    if link and not link.lower().startswith(("http://", "https://")):
        link = None  # a relative link with nothing to resolve it against names no page
    if not title and not text:
        raise InputError(f"{label}: entry has neither title nor text")
    teaser = not full and (len(text.split()) <= TEASER_MAX_WORDS
                           or bool(_TEASER_END_RE.search(text)))
    published, raw_date = _date(entry)
    article = Article(source=link or label, title=title, text=text, url=link or None,
                      published=published, published_raw=raw_date)
    return FeedItem(article=article, teaser=teaser and bool(link))


def _alternate(entry: Any) -> str | None:
    for link in entry.get("links", []):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link["href"]
    return None


def _date(entry: Any) -> tuple[str | None, str | None]:
    """(UTC ISO 8601 time of publication, else of update, or None; the text as written).

    The feed's own text is parsed first (parse_published reads localised day and month
    names, which feedparser leaves unparsed); feedparser's reading is the fallback.
    """
    for key in ("published", "updated", "created"):
        raw = entry.get(key)
        if not raw:
            continue
        iso, raw = parse_published(raw)
        if iso is None:
            value = entry.get(f"{key}_parsed")
            if value:
                try:
                    dt = datetime.fromtimestamp(calendar.timegm(value), tz=timezone.utc)
                    iso = dt.strftime("%Y-%m-%dT%H:%M:%SZ")
                except (OverflowError, ValueError, OSError):
                    pass
        return iso, raw
    return None, None


def html_to_text(fragment: str) -> str:
    """Text of an HTML fragment, one paragraph a line; plain text passes through."""
    if "<" not in fragment and "&" not in fragment:
        return " ".join(fragment.split())
    import lxml.html
    from lxml.etree import ParserError

    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (ParserError, ValueError):
        return " ".join(re.sub(r"<[^>]*>", " ", fragment).split())
    for el in list(root.iter("script", "style")):
        el.drop_tree()
    for el in root.iter(*BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _text(value: str) -> str:
    return " ".join(html_to_text(value).split())


def parse_opml(data: bytes, source: str) -> list[str]:
    """The feed addresses an OPML outline lists (xmlUrl), in order, without repeats."""
    import lxml.etree

    parser = lxml.etree.XMLParser(recover=True, resolve_entities=False, no_network=True)
    try:
        root = lxml.etree.fromstring(to_utf8(data), parser=parser)
    except lxml.etree.XMLSyntaxError as err:
        raise InputError(f"{source}: not an OPML file ({_one_line(err)})") from None
    if root is None:
        raise InputError(f"{source}: not an OPML file")
    urls: list[str] = []
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if url and url not in urls:
            urls.append(url)
    if not urls:
        raise InputError(f"{source}: OPML lists no feeds (no outline with xmlUrl)")
    return urls


def _charset(content_type: str | None) -> str | None:
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type or "", re.IGNORECASE)
    return m.group(1) if m else None


def _one_line(err: object) -> str:
    return " ".join(str(err).split()) or type(err).__name__


__all__ = ["Feed", "FeedItem", "html_to_text", "parse_feed", "parse_opml", "sniff", "to_utf8"]
