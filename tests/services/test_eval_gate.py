"""The quality gate: the labelled eval set must stay at or above the pinned floors."""
import json
from pathlib import Path

import pytest

from stockgroups.errors import StockGroupsError
from stockgroups.services.evaluate import check_floors, load_labels, run_eval, score_case, summarize
from stockgroups.sources.router import iter_articles
from stockgroups.model import Analysis, Article, GroupHit
from stockgroups.analysis.pipeline import run

EVAL = Path(__file__).resolve().parents[2] / "eval"


def _run(kb, folder):
    def analyze(path):
        for _, item in iter_articles([str(path)]):
            assert not isinstance(item, StockGroupsError), item
            return run(item, kb)

    return run_eval(folder, kb, analyze)


@pytest.fixture(scope="module")
def results(kb_full):
    return _run(kb_full, EVAL)


def test_eval_set_meets_the_floors(results):
    summary, _ = results
    floors = json.loads((EVAL / "floors.json").read_text())
    assert check_floors(summary, floors) == [], summary


def test_holdout_set_meets_its_floors(kb_full):
    """The holdout was labelled blind and is not tuned on; its floors catch regressions."""
    summary, cases = _run(kb_full, EVAL / "holdout")
    floors = json.loads((EVAL / "holdout" / "floors.json").read_text())
    assert check_floors(summary, floors) == [], summary
    assert all(not (r.fp or r.tp) for r in cases if r.trap)


def test_every_trap_is_clean(results):
    _, cases = results
    dirty = [(r.file, r.fp) for r in cases if r.trap and (r.fp or r.tp)]
    assert dirty == []


def test_eval_set_is_big_enough_and_well_formed(kb_full):
    labels = load_labels(EVAL / "labels.jsonl")
    assert len(labels) >= 60
    assert sum(1 for label in labels if label.get("trap")) >= 10
    for label in labels:
        assert (EVAL / label["file"]).exists(), label["file"]
        for gid, direction in label.get("must", {}).items():
            assert gid in kb_full.entities, gid
            assert direction in ("up", "down", "mixed", "neutral")
        for gid in label.get("may", []) + label.get("must_not", []):
            assert gid in kb_full.entities, gid


def _analysis(groups):
    return Analysis(article=Article(source="x"),
                    groups=tuple(GroupHit(g, g.split(":")[0], g, 0.5, d, ("x",)) for g, d in groups))


def test_scoring_counts_hits_false_hits_misses_must_nots_and_wrong_directions_and_checks_floors():
    label = {"file": "a", "must": {"country:KZ": "down", "commodity:uranium": "up"}, "may": ["sector:energy"],
             "must_not": ["country:UZ"]}
    res = score_case(label, _analysis([("country:KZ", "down"), ("commodity:uranium", "down"),
                                       ("sector:energy", "up"), ("country:UZ", "up")]))
    assert res.tp == ["country:KZ", "commodity:uranium"] and res.fp == ["country:UZ"] and res.fn == []
    assert res.must_not_hit == ["country:UZ"] and len(res.wrong_direction) == 1
    summary = summarize([res])
    assert summary["precision"] == pytest.approx(2 / 3, abs=1e-4) and summary["recall"] == 1.0
    assert summary["direction_accuracy"] == 0.5
    assert check_floors(summary, {"recall": 1.0, "precision": 0.9}) == ["precision 0.6667 < floor 0.9000"]
