"""The Spark batch job gives, article for article and field for field, what `analyze --format json` gives."""
from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from stockgroups.batch import spark as batch_spark
from stockgroups.interfaces.cli.main import main

pytestmark = pytest.mark.spark

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def spark():
    session = batch_spark.session("local[1]", app_name="stockgroups-test")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> list[str]:
    """A JSON Lines archive made from the bundled samples (plus one bad and one blank line) and a folder."""
    root = tmp_path_factory.mktemp("batch-in")
    lines = []
    for path in sorted(SAMPLES.glob("*.txt"))[:4]:
        title, _, text = path.read_text(encoding="utf-8").partition("\n")
        lines.append(json.dumps({"title": title, "text": text, "url": f"https://news.example/{path.stem}",
                                 "published": f"2024-03-0{len(lines) + 1}"}))
    lines.insert(2, "{not json")
    lines.insert(3, "")
    (root / "archive.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    folder = root / "pages"
    folder.mkdir()
    for path in sorted(SAMPLES.iterdir())[4:9]:
        (folder / path.name).write_bytes(path.read_bytes())
    return [str(root / "archive.jsonl"), str(folder)]


@pytest.fixture(scope="module")
def batch_out(spark, inputs, tmp_path_factory) -> tuple[Path, object]:
    out = tmp_path_factory.mktemp("batch-out") / "run"
    summary = batch_spark.run_batch(inputs, str(out), spark=spark, partitions=2)
    return out, summary


def _cli_json(inputs: list[str]) -> dict[str, dict]:
    result = CliRunner().invoke(main, ["analyze", *inputs, "--format", "json"])
    return {d["source"]: d for d in map(orjson.loads, result.stdout.splitlines()) if d}


def test_batch_articles_equal_analyze_json_field_for_field(batch_out, inputs):
    out, _ = batch_out
    want = _cli_json(inputs)
    got = {}
    for row in batch_spark.read_articles(str(out)):
        got[row["source"]] = row
    assert set(got) == set(want)
    for source, expected in want.items():
        actual = got[source]
        assert set(actual) == set(expected), source
        for field, value in expected.items():
            # nested fields (lists, objects) are JSON text in the Parquet columns
            got_value = json.loads(actual[field]) if isinstance(value, (list, dict)) else actual[field]
            assert got_value == value, (source, field)


def test_batch_reports_unreadable_lines_in_errors_with_their_reason(batch_out, inputs):
    out, summary = batch_out
    import pandas as pd

    errors = pd.read_parquet(out / "errors").to_dict(orient="records")
    assert [e["source"] for e in errors] == [f"{inputs[0]}:3"]
    assert "invalid JSON" in errors[0]["error"]
    assert summary.errors == 1 and summary.articles == len(_cli_json(inputs))


def test_group_days_count_each_group_once_per_story_with_signed_tone(spark):
    def groups(*g):
        return json.dumps([{"id": i, "kind": "commodity", "name": i, "score": s, "direction": d}
                                        for i, s, d in g])
    rows = [("a", "A", "2024-01-02T10:00:00Z", groups(("commodity:gold", 0.8, "up"))),
            ("b", "B", "2024-01-02T18:00:00Z", groups(("commodity:gold", 0.4, "down"), ("country:KZ", 0.5, "down"))),
            ("c", "C", "2024-01-03", groups(("commodity:gold", 0.6, "up"))),
            ("d", "D", None, groups(("commodity:gold", 0.9, "up")))]
    df = spark.createDataFrame(rows, "source string, title string, published string, groups string")
    days = {(r["group"], str(r["day"])): r for r in batch_spark.group_days(df).collect()}
    gold = days[("commodity:gold", "2024-01-02")]
    assert gold["volume"] == 2
    assert gold["net_tone"] == pytest.approx((0.8 - 0.4) / 2)
    assert [s["source"] for s in gold["top_stories"]] == ["a", "b"]
    assert days[("country:KZ", "2024-01-02")]["net_tone"] == pytest.approx(-0.5)
    assert ("commodity:gold", "None") not in days and len(days) == 3


def test_batch_refuses_a_non_empty_output_folder_without_overwrite(tmp_path, inputs):
    (tmp_path / "keep.txt").write_text("x")
    result = CliRunner().invoke(main, ["batch", inputs[0], str(tmp_path)])
    assert result.exit_code == 1
    assert "not empty" in result.output and len(result.output.strip().splitlines()) == 1


def test_batch_without_java_is_a_one_line_error(tmp_path, inputs, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    result = CliRunner().invoke(main, ["batch", inputs[0], str(tmp_path / "out"), "--master", "local[1]"])
    assert result.exit_code == 1
    assert "Java is not installed" in result.output and len(result.output.strip().splitlines()) == 1
