"""The market commands end to end on the bundled sample prices: import, study, calibrate."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import SAMPLE_PRICES

from stockgroups.interfaces.cli.main import main

URANIUM = "CCJ,UEC,DNN,NXE,UUUU"
STORY = {
    "title": "Kazakhstan unrest spreads as protesters storm government offices",
    "published": "2022-01-05T09:00:00Z",
    "text": ("Protests over a jump in fuel prices turned into nationwide unrest in Kazakhstan, "
             "the world's largest uranium producer. Demonstrators set fire to government "
             "buildings in Almaty and the government resigned. Traders said uranium could rise "
             "on supply worries; Cameco and other uranium miners outside the country may gain, "
             "while Kazatomprom's output is at risk. Chevron operates the Tengiz oil field in "
             "Kazakhstan. Bitcoin miners lost power when the internet was shut down."),
}


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args: str, code: int = 0):
        result = runner.invoke(main, list(args), catch_exceptions=False)
        assert result.exit_code == code, result.output
        return result

    return invoke


def test_prices_import_is_idempotent_and_lists_the_tickers(run, tmp_path):
    db = str(tmp_path / "p.db")
    first = run("prices", "import", str(SAMPLE_PRICES), "--db", db)
    assert "(6004 new, 0 already stored)" in first.output
    again = run("prices", "import", str(SAMPLE_PRICES), "--db", db)
    assert "(0 new, 6004 already stored)" in again.output
    listing = run("prices", "list", "--db", db).output
    assert "CCJ      2021-06-01 .. 2022-06-30" in listing


def test_prices_import_of_a_bad_file_prints_line_numbered_errors_and_imports_nothing(
        run, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("date,ticker,close\n2022-01-03,CCJ,1\n2022-01-04,CCJ,-2\n2022-01-05,X,y\n")
    db = str(tmp_path / "p.db")
    result = run("prices", "import", str(bad), "--db", db, code=1)
    assert f"{bad}:3: close '-2' is not a positive number" in result.output
    assert f"{bad}:4: close 'y'" in result.output
    assert "nothing imported" in result.output and "Traceback" not in result.output
    assert "no prices stored" in run("prices", "list", "--db", db).output


def test_study_json_has_the_documented_shape_with_car_as_a_fraction(run, priced_store):
    out = run("study", "--event-date", "2022-01-01", "--tickers", URANIUM, "--window", "0,1",
              "--db", priced_store, "--format", "json").output
    data = json.loads(out)
    assert data["event_date"] == "2022-01-01" and data["day0"] == "2022-01-03"
    assert data["window"] == [0, 1] and data["days"] == ["2022-01-03", "2022-01-04"]
    ccj = next(c for c in data["companies"] if c["ticker"] == "CCJ")
    assert set(ccj) >= {"ticker", "car", "ar", "alpha", "beta", "t", "status"}
    assert abs(ccj["car"]) < 1 and ccj["car"] == pytest.approx(sum(ccj["ar"]), abs=1e-5)
    (group,) = data["groups"]
    assert group["n"] == 5 and group["car_cap_weighted"] is not None
    assert {"t_cross", "t_bmp", "z_rank"} <= set(group)


def test_study_html_and_png_draw_car_over_the_window(run, priced_store, tmp_path):
    png = tmp_path / "car.png"
    html = run("study", "--event-date", "2022-01-03", "--group", "uranium=" + URANIUM,
               "--group", "<oil>=CVX,XOM", "--db", priced_store, "--format", "html",
               "--png", str(png)).output
    assert html.startswith("<!doctype html>") and "<svg" in html and "<polyline" in html
    assert "&lt;oil&gt;" in html and "<oil>" not in html
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("args, words", [
    (("--event-date", "2022-01-03", "--tickers", "CCJ", "--window", "5,1"), "comes after"),
    (("--event-date", "2022-01-03", "--tickers", "CCJ", "--window", "x"), "two day numbers"),
    (("--event-date", "not-a-date", "--tickers", "CCJ"), "give YYYY-MM-DD"),
    (("--event-date", "2025-01-03", "--tickers", "CCJ"), "import prices around 2025-01-03"),
    (("--event-date", "2022-07-01", "--tickers", "CCJ"), "no trading day on or after"),
    (("--event-date", "2022-01-03", "--group", "nogroup"), "write NAME=T1,T2"),
    (("--tickers", "CCJ"), "give a STORY_ID"),
    (("999",), "story 999: no such story"),
])
def test_study_bad_input_is_a_one_line_error(run, priced_store, args, words):
    result = run("study", *args, "--db", priced_store, code=1)
    assert words in result.output and "Traceback" not in result.output


def test_study_of_an_unknown_ticker_is_reported_not_a_crash(run, priced_store):
    data = json.loads(run("study", "--event-date", "2022-01-03", "--tickers", "CCJ,NOPE",
                          "--db", priced_store, "--format", "json").output)
    statuses = {c["ticker"]: c["status"] for c in data["companies"]}
    assert statuses == {"CCJ": "ok", "NOPE": "no prices"}


def test_stored_story_is_studied_with_predictions_beside_realised_car_and_calibrated(
        run, priced_store, tmp_path):
    story = tmp_path / "kz.json"
    story.write_text(json.dumps(STORY), encoding="utf-8")
    run("ingest", str(story), "--db", priced_store, "-q")
    data = json.loads(run("study", "1", "--window", "0,1", "--db", priced_store,
                          "--format", "json").output)
    assert data["story"]["id"] == 1 and data["day0"] == "2022-01-05"
    by_id = {p["id"]: p for p in data["predictions"]}
    ccj = by_id["CCJ"]
    assert ccj["predicted"] == "up" and ccj["car"] is not None
    assert ccj["hit"] == (ccj["car"] > 0)
    text = run("study", "1", "--db", priced_store).output
    assert "predicted direction beside realised CAR" in text and "  up      CCJ" in text
    page = run("study", "1", "--db", priced_store, "--format", "html").output
    assert "Predicted direction beside realised CAR" in page and "<td>CCJ</td>" in page
    table = json.loads(run("calibrate", "--db", priced_store, "--format", "json").output)
    assert table["cases"] >= 1
    assert table["cells"]["*|company|up"]["n"] >= 1
    assert "signals with prices" in run("calibrate", "--db", priced_store).output


def test_analyze_json_shows_calibration_beside_each_signal(run, tmp_path):
    story = tmp_path / "kz.json"
    story.write_text(json.dumps(STORY), encoding="utf-8")
    data = json.loads(run("analyze", str(story), "--format", "json").output)
    assert data["groups"] and data["companies"]
    for signal in data["groups"] + data["companies"]:
        text = signal["calibration"]["text"]
        if signal["direction"] in ("up", "down"):
            assert text.startswith(("right ", "too few cases"))
        else:
            assert text.startswith("not measured")


def test_prices_download_without_the_yfinance_extra_is_a_one_line_error(run, tmp_path,
                                                                       monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "yfinance", None)  # as if the extra were not installed
    result = run("prices", "download", "CCJ", "--start", "2022-01-03",
                 "--db", str(tmp_path / "p.db"), code=1)
    assert "needs yfinance" in result.output and "Traceback" not in result.output
