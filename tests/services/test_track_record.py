"""The calibration shown beside each signal: shipped table, store table, the annotate hook."""
from __future__ import annotations

import orjson

from stockgroups.markets.calibration import Case, calibrate
from stockgroups.services.track_record import Calibrator, annotate, shipped_table, table_for
from stockgroups.store.prices import save_calibration
from stockgroups.store.sqlite import Store


def table_of(direction: str, returns: list[float], kind: str = "industry") -> dict:
    return calibrate([Case("civil-unrest", kind, direction, 0.6,
                           {"same-day": r, "next-day": r, "0,+1": r}) for r in returns])


def test_the_shipped_table_notes_its_source_and_method_and_has_company_cells():
    table = shipped_table()
    assert "tools/calibrate_news.py" in table["source"] and "raw returns" in table["method"]
    assert table["cells"]["*|company|up"]["n"] >= table["min_cases"]


def test_annotate_puts_calibration_beside_each_group_and_company():
    table = table_of("up", [0.01] * 9 + [-0.01] * 3)
    analysis = {"events": [{"type": "civil-unrest"}],
                "groups": [{"id": "industry:uranium", "kind": "industry", "direction": "up"},
                           {"id": "country:RU", "kind": "country", "direction": "neutral"}],
                "companies": [{"ticker": "CCJ", "direction": "up"}]}
    annotate(analysis, table)
    assert analysis["groups"][0]["calibration"]["text"] == \
        "right 75% of 12 cases, mean CAR[0,+1] +0.5%"
    assert analysis["groups"][1]["calibration"]["text"].startswith("not measured")
    assert analysis["companies"][0]["calibration"]["text"].startswith("too few cases")


def test_a_stored_story_summary_without_kinds_or_events_is_looked_up_by_id_prefix():
    table = table_of("down", [-0.02] * 10, kind="country")
    story = {"groups": [{"id": "country:KZ", "direction": "down", "score": 0.8}]}
    Calibrator(table).annotate(story)
    cal = story["groups"][0]["calibration"]
    assert cal["cell"] == "*|country|down" and cal["text"].startswith("right 100% of 10")


def test_the_store_table_wins_over_the_shipped_one_when_there_is_one(tmp_path):
    with Store(tmp_path / "s.db") as store:
        assert table_for(store) is shipped_table()
        mine = table_of("up", [0.01] * 10)
        save_calibration(store, mine)
        assert table_for(store)["cells"] == mine["cells"]
        assert table_for(None) is shipped_table()


def test_fragments_serialise_to_the_same_json_as_the_dicts():
    table = table_of("up", [0.01] * 12)
    analysis = {"events": [{"type": "civil-unrest"}],
                "groups": [{"id": "industry:uranium", "kind": "industry", "direction": "up"}],
                "companies": []}
    plain = orjson.dumps(Calibrator(table).annotate(dict(analysis, groups=[dict(analysis["groups"][0])])))
    fast = orjson.dumps(Calibrator(table, fragments=True).annotate(
        dict(analysis, groups=[dict(analysis["groups"][0])])))
    assert orjson.loads(plain) == orjson.loads(fast)
    assert orjson.loads(fast)["groups"][0]["calibration"]["hit_rate"] == 1.0
