"""Batch records -> rows, without Spark: labels as `analyze` gives them, flat rows that read back."""
from __future__ import annotations

import json

from stockgroups.config import Settings
from stockgroups.errors import StockGroupsError
from stockgroups.model import Article
from stockgroups.services.batch import (
    analyze_records,
    batch_router,
    articles_of,
    flatten,
    output_fields,
    unflatten,
)

ROUTER = batch_router(Settings())
LINE = json.dumps({"title": "Copper climbs", "text": "Copper prices rose in London.", "url": "https://x.example/a"})


def test_a_jsonl_line_is_labelled_with_its_file_and_line_number():
    [(label, article)] = list(articles_of("news.jsonl:7", "line", LINE.encode(), ROUTER))
    assert label == "news.jsonl:7" and isinstance(article, Article) and article.source == "news.jsonl:7"
    assert article.title == "Copper climbs"


def test_a_bad_jsonl_line_is_an_error_naming_its_line():
    [(_label, err)] = list(articles_of("news.jsonl:9", "line", b"{oops", ROUTER))
    assert isinstance(err, StockGroupsError) and str(err).startswith("news.jsonl:9: invalid JSON")


def test_a_blank_line_yields_nothing():
    assert list(articles_of("news.jsonl:2", "line", b"   ", ROUTER)) == []


def test_flat_rows_hold_nested_fields_as_json_and_read_back(kb_small):
    [(what, row)] = list(analyze_records([("n.jsonl:1", "line", LINE.encode())], kb_small, ROUTER))
    assert what == "article"
    nested = [k for k, v in row.items() if isinstance(v, str) and v[:1] in "[{"]
    assert "groups" in nested and "entities" in nested
    assert all(not isinstance(v, (list, dict)) for v in row.values())
    back = unflatten(row, nested)
    assert isinstance(back["groups"], list) and back["source"] == "n.jsonl:1"
    assert flatten(back) == row


def test_output_fields_type_every_top_level_field(kb_small):
    fields = dict(output_fields(kb_small))
    assert fields["source"] == "string" and fields["groups"] == "string"
    assert set(fields.values()) <= {"string", "double", "boolean"}



def test_a_path_record_is_read_by_the_router_with_its_size_cap(tmp_path):
    small, big = tmp_path / "small.txt", tmp_path / "big.txt"
    small.write_text("Copper climbs\n\nCopper prices rose in London.\n", encoding="utf-8")
    big.write_text("Big\n\n" + "word " * 400, encoding="utf-8")
    router = batch_router(Settings(max_bytes=1000))
    [(label, article)] = list(articles_of(str(small), "path", b"", router))
    assert label == str(small) and isinstance(article, Article) and article.title == "Copper climbs"
    [(label, err)] = list(articles_of(str(big), "path", b"", router))
    assert isinstance(err, StockGroupsError) and "limit" in str(err)
