"""`stockgroups eval --diff REF`: per-article gains and losses between two versions of the code."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path

from click.testing import CliRunner

from stockgroups.analysis.pipeline import run
from stockgroups.interfaces.cli.main import main
from stockgroups.services.eval_diff import compare, score_outputs
from stockgroups.services.evaluate import score_case

ROOT = Path(__file__).resolve().parents[2]
LABEL = {"file": "articles/a.txt", "trap": False, "must": {"commodity:copper": "up", "country:CL": "down"},
         "may": [], "must_not": ["country:PE"], "companies": {"FCX": "up"}}


def _output(groups: dict[str, str], companies: dict[str, str]) -> dict:
    return {"groups": [{"id": g, "direction": d} for g, d in groups.items()],
            "companies": [{"ticker": t, "direction": d} for t, d in companies.items()]}


def test_an_article_lists_what_the_new_code_fixed_and_what_it_broke(kb_small) -> None:
    then = _output({"commodity:copper": "down", "country:PE": "down"}, {})
    now = _output({"commodity:copper": "up", "industry:uranium": "up"}, {"FCX": "up"})
    before = score_outputs([LABEL], {"articles/a.txt": then}, kb_small)
    after = score_outputs([LABEL], {"articles/a.txt": now}, kb_small)
    [change] = compare(before, after)
    assert change.file == "articles/a.txt"
    assert change.gained == ("company missed FCX", "direction commodity:copper down (want up)",
                             "extra country:PE", "must-not country:PE")
    assert change.lost == ("extra industry:uranium",)
    assert compare(after, after) == []


def test_scoring_an_output_dict_agrees_with_scoring_the_analysis(kb_small, article) -> None:
    analysis = run(article("Copper climbs as Chilean miners strike at a big mine. Prices of copper rose.",
                           title="Copper up on strike"), kb_small)
    direct = score_case(LABEL, analysis, kb_small)
    [via_json] = score_outputs([LABEL], {"articles/a.txt": json.loads(json.dumps(analysis.to_dict()))}, kb_small)
    assert (direct.tp, direct.fp, direct.fn, direct.companies_missed) == \
        (via_json.tp, via_json.fp, via_json.fn, via_json.companies_missed)


def test_eval_diff_runs_the_code_at_a_ref_in_a_temporary_worktree(tmp_path, monkeypatch) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(
        "Copper rises as miners strike in Chile\n\nWorkers at a large copper mine in Chile walked out on "
        "Monday, and copper prices rose on the news as traders weighed the loss of output.\n", encoding="utf-8")
    (tmp_path / "labels.jsonl").write_text(json.dumps(LABEL) + "\n", encoding="utf-8")
    worktrees = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True,
                               timeout=60, check=True).stdout
    monkeypatch.chdir(ROOT)
    out = CliRunner().invoke(main, ["eval", "--diff", "HEAD", "--dir", str(tmp_path)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[0].split() == ["metric", "HEAD", "now"]
    assert any(line.startswith("f1 ") for line in lines) and "article(s) changed" in out.output
    after = subprocess.run(["git", "-C", str(ROOT), "worktree", "list"], capture_output=True, text=True,
                           timeout=60, check=True).stdout
    new = set(after.splitlines()) - set(worktrees.splitlines())
    assert not [w for w in new if "stockgroups-diff-" in w]  # the temporary worktree is gone


def test_an_unknown_ref_is_a_one_line_error(tmp_path, monkeypatch) -> None:
    (tmp_path / "labels.jsonl").write_text(json.dumps(LABEL) + "\n", encoding="utf-8")
    monkeypatch.chdir(ROOT)
    out = CliRunner().invoke(main, ["eval", "--diff", "no-such-ref-anywhere", "--dir", str(tmp_path)])
    assert out.exit_code == 1 and out.output.count("\n") == 1 and "Traceback" not in out.output
