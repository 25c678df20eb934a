"""A stored story shows each signal's track record and, with prices in the store, its realised move."""
from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from stockgroups.interfaces.cli.main import main
from stockgroups.services.stories import show_story
from stockgroups.store.open import open_store

KZ_SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "10_kazakhstan_unrest_uranium.json"


def test_a_priced_story_shows_realised_car_beside_its_predictions(priced_store):
    result = CliRunner().invoke(main, ["ingest", str(KZ_SAMPLE), "--db", priced_store, "--quiet"])
    assert result.exit_code == 0, result.output
    with open_store(priced_store, create=False) as store:
        record = show_story(store, 1)
    assert all("text" in c["calibration"] for c in record["companies"] + record["groups"])
    realised = {c["ticker"]: c["realised"] for c in record["companies"] if "realised" in c}
    assert {"CCJ", "UEC"} <= set(realised)  # uranium miners the story moves, priced in the sample
    for r in realised.values():
        assert r["window"] == [0, 1] and isinstance(r["car"], float)


def test_a_story_without_prices_still_shows_its_track_record(tmp_path):
    db = str(tmp_path / "plain.db")
    assert CliRunner().invoke(main, ["ingest", str(KZ_SAMPLE), "--db", db, "--quiet"]).exit_code == 0
    with open_store(db, create=False) as store:
        record = show_story(store, 1)
    assert record["groups"] and all("calibration" in g and "realised" not in g for g in record["groups"])
