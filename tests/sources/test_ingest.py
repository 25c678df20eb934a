"""Reading inputs into Articles: encodings, titles, HTML, JSON, folders, gzip, junk."""
from __future__ import annotations

import gzip
import io
import json
import socket
import sys
from pathlib import Path

import pytest

from stockgroups.errors import FetchError, InputError, StockGroupsError
from stockgroups.sources.formats import html as html_mod
from stockgroups.sources.formats.html import read_html
from stockgroups.sources.formats.jsonl import iter_json
from stockgroups.sources.files import parse_bytes
from stockgroups.sources.router import iter_articles
from stockgroups.sources.formats.text import decode, read_text, split_title
from stockgroups.model import Article

FIXTURES = Path(__file__).parents[1] / "fixtures"
STORY = ("Oil jumps as OPEC+ agrees deeper cuts\n\n"
         "Oil prices rose 4% on Thursday after OPEC+ agreed.\n")


def run(*specs: str, **kwargs: object) -> list[tuple[str, Article | StockGroupsError]]:
    return list(iter_articles(list(specs), **kwargs))  # type: ignore[arg-type]


def one(spec: str, **kwargs: object) -> Article | StockGroupsError:
    items = run(spec, **kwargs)
    assert len(items) == 1, items
    return items[0][1]


# --- decoding -------------------------------------------------------------------------

SAMPLE = ("Caf\u00e9 \u201cquotes\u201d \u2014 \u20ac5bn na\u00efve r\u00e9sum\u00e9 stocks "
          "fell sharply today.\n")


@pytest.mark.parametrize("encoding", [
    "utf-8", "utf-8-sig", "utf-16", "utf-16-le-bom", "utf-16-be-bom", "utf-32", "cp1252",
])
def test_decode_encodings(encoding: str) -> None:
    if encoding == "utf-16-le-bom":
        data = b"\xff\xfe" + SAMPLE.encode("utf-16-le")
    elif encoding == "utf-16-be-bom":
        data = b"\xfe\xff" + SAMPLE.encode("utf-16-be")
    else:
        data = SAMPLE.encode(encoding)
    assert decode(data) == SAMPLE


@pytest.mark.parametrize("text, encoding", [
    (("\u0410\u043a\u0446\u0438\u0438 \u0413\u0430\u0437\u043f\u0440\u043e\u043c\u0430 "
     "\u0432\u044b\u0440\u043e\u0441\u043b\u0438 \u043d\u0430 5% \u043f\u043e\u0441\u043b\u0435 "
     "\u0441\u043e\u043e\u0431\u0449\u0435\u043d\u0438\u044f \u043e \u043f\u0440\u0438\u0431\u044b"
     "\u043b\u0438.\n"), "cp1251"),
    ("M\u00fcller sagt: Die B\u00f6rse f\u00e4llt, die Z\u00f6lle steigen.\n", "cp1252"),
])
def test_decode_detects_legacy_encodings(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding)) == text


def test_decode_uses_declared_charset_and_never_raises() -> None:
    latin2 = "Sp\u00f3\u0142ka zyska\u0142a.".encode("iso-8859-2")
    assert decode(latin2, "iso-8859-2") == "Sp\u00f3\u0142ka zyska\u0142a."
    assert decode(b"plain \x81\x8d bytes", "no-such-charset")  # replaced, not raised
    assert decode("caf\u00e9".encode(), "iso-8859-1") == "caf\u00e9"  # valid UTF-8 wins


@pytest.mark.parametrize("name, title, start", [
    ("story_cp1252.txt", "Euro zone bond yields jump as \u201chawkish\u201d ECB surprises markets",
     "Euro zone government bond yields rose"),
    ("story_latin2.txt", ("Orlen zwi\u0119ksza zysk dzi\u0119ki wy\u017cszym mar\u017com "
     "rafineryjnym"), "Polski koncern paliwowy Orlen poinformowa\u0142"),
    ("story_utf16.txt", "Yen slides past 150 per dollar as Tokyo warns on moves",
     "The Japanese yen weakened past 150"),
    ("story.txt.gz", "Chevron to buy Hess in $53 billion all-stock deal",
     "Chevron agreed to buy Hess"),
])
def test_fixture_files(name: str, title: str, start: str) -> None:
    spec = str(FIXTURES / name)
    article = one(spec)
    assert isinstance(article, Article), article
    assert article.source == spec
    assert article.title == title
    assert article.text.startswith(start)
    assert "\ufffd" not in article.text


def test_cp1252_fixture_keeps_curly_quotes_and_euro() -> None:
    article = one(str(FIXTURES / "story_cp1252.txt"))
    assert isinstance(article, Article)
    assert "\u20ac100bn" in article.text and "\u201cThe caf\u00e9 crowd was na\u00efve,\u201d" in \
        article.text


# --- titles ---------------------------------------------------------------------------

@pytest.mark.parametrize("text, title, body_start", [
    # a site name above the headline is skipped
    ("Stock Groups\n\nKazakhstan president orders troops to fire without warning\n\nBody.",
     "Kazakhstan president orders troops to fire without warning", "Body."),
    ("Reuters\nChevron to buy Hess in $53 billion deal\nBody.",
     "Chevron to buy Hess in $53 billion deal", "Body."),
    ("Pipeline & Energy News\n\nKeystone pipeline shut after largest US crude spill\n\nBody.",
     "Keystone pipeline shut after largest US crude spill", "Body."),
    # an ordinary title stays, even when short
    ("Oil jumps\n\nOil prices rose 4% on Thursday after OPEC+ agreed to cut output.",
     "Oil jumps", "Oil prices rose"),
    ("Tesla recalls cars\n\nRecall affects two million vehicles in the US", "Tesla recalls cars",
     "Recall affects"),
    ("Markets: Oil\n\nOil rises as OPEC agrees to cut output further", "Markets: Oil", "Oil rises"),
    # a short Title-Case title over a hard-wrapped body is the title, not a site name
    ("Ghana Cocoa Review\n\nRain fell across the western growing areas in\nthe week to Friday, easing the dry "
     "spell.", "Ghana Cocoa Review", "Rain fell across"),
    ("Port Freight Notes\n\nCARGO RATES WERE QUOTED ON THE FOLLOWING ROUTES IN\nTHE WEEK:",
     "Port Freight Notes", "CARGO RATES"),
    ("Grain Freight Rates\n\nwheat Santos to Rotterdam 20,000 tonnes\nmaize Rosario to Lisbon",
     "Grain Freight Rates", "wheat Santos"),
    # leading blank lines and spaces ignored
    ("\n\n   Headline here  \n\nBody text.", "Headline here", "Body text."),
    ("Only a title", "Only a title", ""),
    ("", "", ""),
])
def test_split_title(text: str, title: str, body_start: str) -> None:
    got_title, body = split_title(text)
    assert got_title == title
    assert body.startswith(body_start)


def test_long_first_line_is_body_not_title() -> None:
    para = "Oil prices rose " * 30
    title, body = split_title(para + "\n\nMore.")
    assert title == "" and body.startswith("Oil prices rose") and body.endswith("More.")


def test_text_body_stays_raw() -> None:
    article = read_text(b"Title line\n\n[ad_1]\n\nBody snowballedFrom here.", "x.txt")
    assert article.text == "[ad_1]\n\nBody snowballedFrom here."


# --- HTML -----------------------------------------------------------------------------

def test_html_news_page() -> None:
    spec = str(FIXTURES / "news_page.html")
    article = one(spec)
    assert isinstance(article, Article), article
    assert article.source == spec
    assert article.title == "Copper climbs as Chile mine strike halts output"
    assert article.published == "2024-03-12"
    assert article.url == "https://news.example.com/markets/copper-chile-strike"
    assert article.text.startswith("Copper prices rose to an eleven-month high")
    assert "Chile is the world's largest copper producer" in article.text
    assert article.html is not None and "<article>" in article.html
    for junk in ("Politics", "Subscribe", "Advertisement", "Share this article", "cookies",
                 "All rights reserved", "Privacy policy", "Gold slips", "dataLayer"):
        assert junk not in article.text, junk


def test_html_sniffed_from_markup_without_extension(tmp_path: Path) -> None:
    page = tmp_path / "page"
    page.write_bytes((FIXTURES / "news_page.html").read_bytes())
    article = one(str(page))
    assert isinstance(article, Article) and article.title.startswith("Copper climbs")


def test_html_meta_charset_is_honoured() -> None:
    sentence = "Starbucks said it would cut prices at its caf\u00e9s by 5% \u2014 its first cut. "
    page = ("<html><head><meta http-equiv='Content-Type' "
            "content='text/html; charset=windows-1252'>"
            "<title>Caf\u00e9 chain \u201cStarbucks\u201d cuts prices</title></head><body><p>"
            + sentence * 5 + "</p></body></html>").encode("cp1252")
    article = read_html(page, "p.html")
    assert "\u201cStarbucks\u201d" in article.title
    assert "caf\u00e9s" in article.text and "\u2014" in article.text


def test_html_falls_back_to_lxml_when_trafilatura_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    import trafilatura

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("extractor crashed")

    monkeypatch.setattr(trafilatura, "bare_extraction", boom)
    page = (FIXTURES / "news_page.html").read_bytes()
    article = read_html(page, "p.html")
    assert article.title.startswith("Copper climbs as Chile mine strike halts output")
    assert "Copper prices rose to an eleven-month high" in article.text
    assert "Privacy policy" not in article.text and "Politics" not in article.text
    assert "dataLayer" not in article.text


def test_lxml_fallback_handles_xml_declaration() -> None:
    title, text = html_mod._lxml_fallback(
        "<?xml version='1.0' encoding='utf-8'?><html><head><title>T</title></head>"
        "<body><nav>Menu</nav><p>Hello <b>there</b> world</p><ul><li>one</li></ul></body></html>")
    assert title == "T"
    assert text == "Hello there world\none"


@pytest.mark.parametrize("page", [
    b"<html><body><script>var x = 1;</script></body></html>",
    b"<html><head><title>Only a title</title></head><body></body></html>",
    b"<<<<>>>>",
    b"<html><body><div><p></div></p></span></body>",
])
def test_broken_or_empty_html_is_an_input_error_not_a_crash(page: bytes) -> None:
    try:
        article = read_html(page, "broken.html")
    except InputError as err:
        assert str(err) == "broken.html: no article text found in the HTML"
    else:
        assert article.text  # whatever came out is text, never an exception


def test_empty_html_page_via_sources(tmp_path: Path) -> None:
    page = tmp_path / "blank.html"
    page.write_bytes(b"<html><body><script>track()</script></body></html>")
    err = one(str(page))
    assert isinstance(err, InputError)
    assert str(err) == f"{page}: no article text found in the HTML"


# --- JSON -----------------------------------------------------------------------------

@pytest.mark.parametrize("doc, expected", [
    ({"title": "T", "text": "Body", "url": "https://x.example/a", "published": "2024-01-02"},
     Article(source="in.json", title="T", text="Body", url="https://x.example/a",
             published="2024-01-02", published_raw="2024-01-02")),
    ({"title": "T", "body": "Body"}, Article(source="in.json", title="T", text="Body")),
    ({"text": "Body only"}, Article(source="in.json", text="Body only")),
])
def test_json_object(doc: dict[str, str], expected: Article) -> None:
    assert list(iter_json(json.dumps(doc).encode(), "in.json")) == [("in.json", expected)]


@pytest.mark.parametrize("doc", [
    {"headline": "no text"}, {"text": 5}, ["a", "b"], "just a string", 42, None,
])
def test_json_wrong_shape(doc: object) -> None:
    items = list(iter_json(json.dumps(doc), "input.json"))
    assert all(isinstance(item, InputError) for _label, item in items)
    if not isinstance(doc, list):
        assert str(items[0][1]) == "input.json: expected an object with 'text' or 'body'"


def test_json_wrong_shape_fixture() -> None:
    spec = str(FIXTURES / "wrong_shape.json")
    err = one(spec)
    assert isinstance(err, InputError)
    assert str(err) == f"{spec}: expected an object with 'text' or 'body'"


def test_json_list_yields_each_item_with_its_index() -> None:
    doc = [{"title": "A", "text": "a"}, {"title": "B"}, {"title": "C", "body": "c"}]
    items = list(iter_json(json.dumps(doc), "list.json"))
    assert [label for label, _ in items] == ["list.json[0]", "list.json[1]", "list.json[2]"]
    assert isinstance(items[0][1], Article) and items[0][1].source == "list.json[0]"
    assert str(items[1][1]) == "list.json[1]: expected an object with 'text' or 'body'"
    assert isinstance(items[2][1], Article) and items[2][1].text == "c"


def test_jsonl_with_one_bad_line() -> None:
    spec = str(FIXTURES / "mixed.jsonl")
    items = run(spec)
    labels = [label for label, _ in items]
    assert labels == [f"{spec}:1", f"{spec}:2", f"{spec}:3", f"{spec}:5"]
    good = [item for _, item in items if isinstance(item, Article)]
    assert [a.title for a in good] == ["Nvidia beats estimates", "Boeing deliveries fall"]
    assert good[0].url == "https://news.example.com/nvda" and good[1].published == "2024-04-09"
    bad = items[1][1]
    assert isinstance(bad, InputError) and str(bad).startswith(f"{spec}:2: invalid JSON")
    assert str(items[3][1]) == f"{spec}:5: expected an object with 'text' or 'body'"


def test_invalid_json_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"title": "x", "text": ')
    err = one(str(path))
    assert isinstance(err, InputError) and str(err).startswith(f"{path}: invalid JSON (")


def test_json_sniffed_without_extension_and_json_lines_in_a_json_file(tmp_path: Path) -> None:
    sniffed = tmp_path / "story"
    sniffed.write_text('  {"title": "T", "text": "Body"}')
    lines = tmp_path / "many.json"
    lines.write_text('{"text": "a"}\n{"text": "b"}\n')
    items = run(str(sniffed), str(lines))
    assert [(label, a.text) for label, a in items] == [  # type: ignore[union-attr]
        (str(sniffed), "Body"), (f"{lines}:1", "a"), (f"{lines}:2", "b")]


def test_text_starting_with_a_bracket_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "scraped.txt"
    path.write_text("[ad_1]\n\nOil jumps on supply fears\n\nOil rose 3%.")
    article = one(str(path))
    assert isinstance(article, Article) and article.title == "[ad_1]"


# --- sources --------------------------------------------------------------------------

def test_folder_is_walked_recursively_sorted_skipping_hidden(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / ".git").mkdir()
    for rel in ("b/2.txt", "a.txt", "b/1.txt", ".hidden.txt", ".git/x.txt", "c.txt"):
        (tmp_path / rel).write_text(f"Title {rel}\n\nBody.")
    labels = [label for label, _ in run(str(tmp_path))]
    assert labels == [str(tmp_path / r) for r in ("a.txt", "c.txt", "b/1.txt", "b/2.txt")]


def test_empty_folder(tmp_path: Path) -> None:
    err = one(str(tmp_path))
    assert isinstance(err, InputError) and str(err) == f"{tmp_path}: folder has no input files"


def test_order_is_kept_and_errors_do_not_stop_the_run(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text(STORY)
    specs = [str(good), str(tmp_path / "missing.txt"), str(FIXTURES / "junk.bin"), str(good)]
    items = run(*specs)
    assert [label for label, _ in items] == specs
    assert [type(item).__name__ for _, item in items] == [
        "Article", "InputError", "InputError", "Article"]


@pytest.mark.parametrize("name, content, message", [
    ("empty.txt", b"", "empty input"),
    ("blank.txt", b"  \n\n\t ", "empty input"),
    ("bom-only.txt", b"\xef\xbb\xbf\n", "empty input"),
    ("utf16-blank.txt", "  \n".encode("utf-16"), "empty input"),
    ("junk.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x01", "not text (binary data)"),
    ("controls.dat", bytes(range(1, 9)) * 50 + b"some text", "not text (binary data)"),
    ("fake.gz", b"this is not gzip at all", "corrupt or truncated gzip data"),
    ("magic.txt", b"\x1f\x8b\x08\x00garbage", "corrupt or truncated gzip data"),
    ("empty.json", b"[]", "empty JSON list"),
])
def test_bad_inputs(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    err = one(str(path))
    assert isinstance(err, InputError)
    assert str(err) == f"{path}: {message}"


@pytest.mark.parametrize("name, message", [
    ("junk.bin", "not text (binary data)"),
    ("truncated.txt.gz", "corrupt or truncated gzip data"),
])
def test_bad_fixture_files(name: str, message: str) -> None:
    spec = str(FIXTURES / name)
    err = one(spec)
    assert isinstance(err, InputError) and str(err) == f"{spec}: {message}"


def test_missing_path() -> None:
    err = one("no/such/story.txt")
    assert isinstance(err, InputError)
    assert str(err) == "no/such/story.txt: no such file or directory"


def test_too_big_file_is_refused_before_reading(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    big = tmp_path / "big.txt"
    with open(big, "wb") as f:
        f.truncate(11 * 1024 * 1024)  # sparse: no 11 MB written, st_size says 11 MB
    opened: list[str] = []
    real_open = open
    monkeypatch.setattr("builtins.open",
                        lambda p, *a, **k: opened.append(str(p)) or real_open(p, *a, **k))
    err = one(str(big))
    assert isinstance(err, InputError)
    assert str(err) == f"{big}: larger than the 10 MB limit"
    assert str(big) not in opened


def test_max_bytes_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text(STORY)
    err = one(str(path), max_bytes=16)
    assert isinstance(err, InputError) and str(err) == f"{path}: larger than the 16 bytes limit"


def test_gzip_bomb_is_capped(tmp_path: Path) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"A" * (2 * 1024 * 1024)))
    err = one(str(path), max_bytes=1024 * 1024)
    assert isinstance(err, InputError)
    assert str(err) == f"{path}: larger than the 1 MB limit after decompression"


def test_gzip_detected_by_magic_bytes_and_inner_type_by_name(tmp_path: Path) -> None:
    raw = tmp_path / "story.download"
    raw.write_bytes(gzip.compress(STORY.encode()))
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress((FIXTURES / "news_page.html").read_bytes()))
    items = run(str(raw), str(page))
    assert items[0][1].title == "Oil jumps as OPEC+ agrees deeper cuts"  # type: ignore[union-attr]
    assert items[1][1].title.startswith("Copper climbs")  # type: ignore[union-attr]
    assert items[1][1].html is not None  # type: ignore[union-attr]


class _Stdin:
    def __init__(self, data: bytes) -> None:
        self.buffer = io.BytesIO(data)


def test_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(STORY.encode()))
    article = one("-")
    assert isinstance(article, Article)
    assert article.source == "-" and article.title == "Oil jumps as OPEC+ agrees deeper cuts"


def test_stdin_too_big(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", _Stdin(b"x" * 100))
    err = one("-", max_bytes=10)
    assert isinstance(err, InputError) and str(err) == "-: larger than the 10 bytes limit"


def test_urls_go_to_the_fetcher() -> None:
    page = (FIXTURES / "news_page.html").read_bytes()
    calls: list[str] = []

    def fetcher(url: str) -> tuple[bytes, str | None, str]:
        calls.append(url)
        if url.endswith("/gone"):
            raise FetchError(f"{url}: HTTP 404")
        if url.endswith(".txt"):
            return STORY.encode("cp1252"), "text/plain; charset=windows-1252", url
        return page, "text/html; charset=utf-8", url + "?final"

    specs = ["https://news.example.com/a", "https://news.example.com/gone",
             "http://news.example.com/b.txt"]
    items = run(*specs, fetcher=fetcher)
    assert calls == specs
    assert [label for label, _ in items] == specs
    html_article, gone, text_article = (item for _, item in items)
    assert isinstance(html_article, Article) and html_article.source == specs[0]
    assert html_article.title.startswith("Copper climbs")
    assert isinstance(gone, FetchError) and str(gone) == "https://news.example.com/gone: HTTP 404"
    assert isinstance(text_article, Article)
    assert text_article.url == specs[2] and text_article.title.startswith("Oil jumps")


def test_private_urls_refused_by_default_without_touching_the_network(monkeypatch) -> None:
    def no_connection(*args: object, **kwargs: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", no_connection)
    monkeypatch.setattr(socket, "create_connection", no_connection)
    err = one("http://127.0.0.1:9/story")
    assert isinstance(err, FetchError) and "private or reserved address" in str(err)


def test_parse_bytes_content_type_decides_over_sniffing() -> None:
    items = parse_bytes(b'{"text": "x"}', "https://x.example/feed", content_type="text/html")
    assert isinstance(items[0][1], Article)  # parsed as a (tiny) web page, not as JSON


@pytest.mark.parametrize("spec", ["no/such.txt", str(FIXTURES / "junk.bin"),
                                  str(FIXTURES / "truncated.txt.gz")])
def test_errors_are_one_line_naming_the_input(spec: str) -> None:
    err = one(spec)
    assert isinstance(err, StockGroupsError)
    assert "\n" not in str(err) and str(err).startswith(spec + ": ")


def test_deeply_nested_json_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    err = one(str(path))
    assert isinstance(err, InputError) and str(err) == f"{path}: invalid JSON (nested too deeply)"


def test_folder_walk_skips_pipes(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "story.txt").write_text(STORY)
    assert [label for label, _ in run(str(tmp_path))] == [str(tmp_path / "story.txt")]
