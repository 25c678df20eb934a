"""HTML bytes -> Article: trafilatura for the main text and metadata, lxml as a fallback."""
from __future__ import annotations

import logging
import re

from stockgroups.errors import InputError
from stockgroups.model import Article
from stockgroups.sources.dates import parse_published
from stockgroups.sources.formats.text import bom_encoding, decode

log = logging.getLogger(__name__)

# Where a page declares its charset; only the head is searched.
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""",
                              re.IGNORECASE)
META_SNIFF_BYTES = 4096
# lxml refuses str input that still carries an XML encoding declaration.
_XML_DECL_RE = re.compile(r"^\s*<\?xml[^>]*\?>")

# The fallback keeps text from these block elements and drops page furniture.
FALLBACK_BLOCKS = ("p", "h1", "h2", "h3", "h4", "li", "blockquote", "pre", "td")
FALLBACK_DROP = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form",
                 "iframe", "svg", "button", "select", "template")


def decode_html(data: bytes, declared: str | None = None) -> str:
    """Decode a page: BOM, UTF-8, then the HTTP charset or the page's own <meta charset>."""
    if declared is None and bom_encoding(data) is None:
        m = _META_CHARSET_RE.search(data[:META_SNIFF_BYTES])
        if m:
            declared = m.group(1).decode("ascii")
    return decode(data, declared)


def read_html(data: bytes | str, source: str, *, declared: str | None = None,
              url: str | None = None) -> Article:
    """Article from a web page; raises InputError only when no body text can be found."""
    page = data if isinstance(data, str) else decode_html(data, declared)
    title, text, published, found_url = _trafilatura(page, url)
    if not text:
        fb_title, text = _lxml_fallback(page)
        title = title or fb_title
    title, text = title.strip(), text.strip()
    if not text:
        raise InputError(f"{source}: no article text found in the HTML")
    first, _, rest = text.partition("\n")
    if title and first.strip() == title:
        text = rest.strip()  # the <h1> repeats the title; Analysis.body adds it back once
    iso, raw_date = parse_published(published)
    return Article(source=source, title=title, text=text, url=found_url or url,
                   published=iso, published_raw=raw_date, html=page)


def _trafilatura(page: str, url: str | None) -> tuple[str, str, str | None, str | None]:
    import trafilatura  # imported late: it takes ~0.3 s and plain-text runs never need it

    try:
        doc = trafilatura.bare_extraction(page, url=url, with_metadata=True,
                                          include_comments=False, include_tables=True)
    except Exception as err:  # noqa: BLE001 - broken markup must fall back, never crash a batch
        log.debug("trafilatura failed on %s: %s", url, err)
        return "", "", None, None
    if doc is None:
        return "", "", None, None
    return (getattr(doc, "title", None) or "", getattr(doc, "text", None) or "",
            getattr(doc, "date", None), getattr(doc, "url", None))


def _lxml_fallback(page: str) -> tuple[str, str]:
    """Title and block text by plain lxml, for pages trafilatura finds nothing in."""
    import lxml.etree
    import lxml.html

    page = _XML_DECL_RE.sub("", page, count=1)
    if not page.strip():
        return "", ""
    try:
        root = lxml.html.document_fromstring(page)
    except (lxml.etree.ParserError, ValueError) as err:
        log.debug("lxml could not parse the page: %s", err)
        return "", ""
    title = " ".join(root.findtext(".//title", default="").split())
    for el in list(root.iter(*FALLBACK_DROP)):
        el.drop_tree()
    blocks = [" ".join(el.text_content().split()) for el in root.iter(*FALLBACK_BLOCKS)
              if not _has_block_ancestor(el)]
    blocks = [b for b in blocks if b]
    if not blocks:
        body = root.find("body")
        text = " ".join(body.text_content().split()) if body is not None else ""
        blocks = [text] if text else []
    return title, "\n".join(blocks)


def _has_block_ancestor(el: object) -> bool:
    parent = el.getparent()  # type: ignore[attr-defined]
    while parent is not None:
        if parent.tag in FALLBACK_BLOCKS:
            return True
        parent = parent.getparent()
    return False


__all__ = ["decode_html", "read_html"]
