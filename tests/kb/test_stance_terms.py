"""The stance vocabulary file: valid as shipped, and its checks reject bad rows."""
import csv

import pytest

from stockgroups.analysis.stance import KINDS, NEGATION, VOCAB_COLUMNS, VOCAB_PATH, load_vocab


def test_shipped_vocabulary_loads_and_every_row_is_the_teams_own():
    vocab = load_vocab()
    with open(VOCAB_PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(vocab.terms) == len(rows) > 300
    assert {r["source"] for r in rows} == {"team"}
    assert {r["kind"] for r in rows} <= KINDS
    assert any(t.kind == NEGATION for t in vocab.terms.values())


def write(tmp_path, rows):
    path = tmp_path / "terms.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(VOCAB_COLUMNS)
        w.writerows(rows)
    return path


@pytest.mark.parametrize("row, message", [
    (("rose", "sideways", "move", "1", "team", "2026-12-01"), "polarity"),
    (("rose", "up", "mood", "1", "team", "2026-12-01"), "unknown kind"),
    (("rose", "up", "move", "1.5", "team", "2026-12-01"), "outside"),
    (("rose", "up", "move", "heavy", "team", "2026-12-01"), "not a number"),
    (("rose", "up", "move", "1", "", "2026-12-01"), "source"),
    (("not", "up", "negation", "1", "team", "2026-12-01"), "polarity"),
    (("# up", "up", "move", "1", "team", "2026-12-01"), "may only end"),
])
def test_bad_rows_are_rejected_with_their_line(tmp_path, row, message):
    with pytest.raises(ValueError, match=message):
        load_vocab(write(tmp_path, [row]))


def test_a_term_listed_twice_is_rejected(tmp_path):
    row = ("rose", "up", "move", "1", "team", "2026-12-01")
    with pytest.raises(ValueError, match="twice"):
        load_vocab(write(tmp_path, [row, row]))


def test_a_number_term_needs_a_number_after_it(tmp_path):
    from stockgroups.analysis.segment import Sentences
    from stockgroups.analysis.stance import find_phrases

    vocab = load_vocab(write(tmp_path, [("up #", "up", "move", "1", "team", "2026-12-01")]))
    for body, want in (("Shares were up 4% today", 1), ("They set up a new office", 0)):
        assert len(find_phrases(body, Sentences(body), (), len(body), vocab)) == want
