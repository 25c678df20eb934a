"""`stockgroups eval --external`: the shared scorer's figures, read as it writes them, against
pinned floors. The scorer here is a stand-in written by the test (make test needs no ../shared)."""
from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from stockgroups.errors import InputError
from stockgroups.interfaces.cli.main import main
from stockgroups.services import external_eval

FIGURES = {
    "reuters": {"stories": 3, "precision": 0.5, "recall": 0.25, "f1": 1 / 3, "seconds": 0.1},
    "yahoo": {"articles": 2, "labelled companies written in the text": 4, "recall": 0.75,
              "named precision (49 large caps, labelled span)": None, "seconds": 0.1},
    "phrasebank": {"sentences": 5, "coverage of positive/negative": 0.4, "agreement": 1.0,
                   "neutral given a direction": 0.2, "seconds": 0.1},
}


def _shared(tmp_path: Path, figures: dict = FIGURES) -> Path:
    """A shared folder whose tools/score_news.py checks its arguments and writes `figures`."""
    shared = tmp_path / "shared"
    (shared / "tools").mkdir(parents=True)
    (shared / "tools" / "score_news.py").write_text(textwrap.dedent(f"""
        import json, pathlib, sys
        a = sys.argv[1:]
        assert a[0] == "run" and pathlib.Path(a[a.index("--product") + 1]).exists(), a
        assert a[a.index("--sets") + 1] == "reuters,yahoo,phrasebank", a
        pathlib.Path(a[a.index("--json") + 1]).write_text({json.dumps(json.dumps(figures))})
    """), encoding="utf-8")
    return shared


def _floors(tmp_path: Path, floors: dict) -> Path:
    path = tmp_path / "floors.json"
    path.write_text(json.dumps({"_how": "a note", **floors}), encoding="utf-8")
    return path


def test_figures_are_the_scorers_own(tmp_path: Path) -> None:
    product = tmp_path / "stockgroups"
    product.write_text("")
    assert external_eval.run_scorer(_shared(tmp_path), product) == json.loads(json.dumps(FIGURES))


def test_a_missing_shared_folder_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no tools/score_news.py here"):
        external_eval.scorer_path(tmp_path / "nowhere")
    out = CliRunner().invoke(main, ["eval", "--external", "--shared", str(tmp_path / "nowhere")])
    assert out.exit_code == 1 and out.output.count("\n") == 1 and "Traceback" not in out.output


def test_the_table_shows_floors_naive_and_targets_and_fails_below_a_floor(tmp_path: Path) -> None:
    product = tmp_path / "stockgroups"
    product.write_text("")
    shared = _shared(tmp_path)
    ok = _floors(tmp_path, {"reuters": {"f1": 0.3}, "phrasebank": {"neutral given a direction": 0.25}})
    out = CliRunner().invoke(main, ["eval", "--external", "--shared", str(shared), "--product", str(product),
                                    "--floors", str(ok)])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if x.startswith("reuters f1"))
    assert line.split()[2:6] == ["0.333", "0.300", "0.770", "0.880"]  # ours, floor, naive tagger, target
    assert "yahoo named precision" in out.output  # a figure the scorer could not compute shows as -
    low = _floors(tmp_path, {"reuters": {"f1": 0.4}, "phrasebank": {"neutral given a direction": 0.1},
                             "yahoo": {"gone metric": 0.1}})
    out = CliRunner().invoke(main, ["eval", "--external", "--shared", str(shared), "--product", str(product),
                                    "--floors", str(low)])
    assert out.exit_code == 1
    errors = [x for x in out.output.splitlines() if x.startswith("stockgroups: error:")]
    assert errors == ["stockgroups: error: reuters f1 0.3333 is past its floor 0.4000",
                      "stockgroups: error: phrasebank neutral given a direction 0.2000 is past its ceiling 0.1000",
                      "stockgroups: error: yahoo gone metric missing is past its floor 0.1000"]


def test_bounds_may_rise_but_not_fall_and_ceilings_the_other_way() -> None:
    old = {"reuters": {"f1": 0.3}, "phrasebank": {"neutral given a direction": 0.1}}
    assert external_eval.bounds_that_went_the_wrong_way(old, old) == []
    assert external_eval.bounds_that_went_the_wrong_way(
        old, {"reuters": {"f1": 0.5}, "phrasebank": {"neutral given a direction": 0.05}}) == []
    assert external_eval.bounds_that_went_the_wrong_way(
        old, {"reuters": {"f1": 0.2}, "phrasebank": {"neutral given a direction": 0.2}}) == [
        "reuters f1: floor went from 0.3 to 0.2",
        "phrasebank neutral given a direction: ceiling went from 0.1 to 0.2"]
    assert external_eval.bounds_that_went_the_wrong_way(old, {"reuters": {"f1": 0.3}}) == [
        "phrasebank neutral given a direction: bound 0.1 was removed"]


def test_the_pinned_external_floors_name_metrics_the_scorer_prints() -> None:
    pinned = external_eval.load_bounds(Path(__file__).resolve().parents[2] / "eval" / "external_floors.json")
    assert set(pinned) == set(external_eval.SETS)
    printed = {("reuters", m) for m in ("precision", "recall", "f1")} | set(external_eval.TARGETS)
    assert {(s, m) for s, metrics in pinned.items() for m in metrics} <= printed
