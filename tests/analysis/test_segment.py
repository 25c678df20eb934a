import pytest

from stockgroups.analysis.segment import Sentences, sentence_spans


@pytest.mark.parametrize("body, want", [
    ("One. Two! Three?", ["One.", "Two!", "Three?"]),
    ('He said "stop." Then left.', ['He said "stop."', "Then left."]),
    ("Title\n\nBody starts here.", ["Title", "Body starts here."]),
    ("Prices rose 3.5% in the U.S. on Monday.", ["Prices rose 3.5% in the U.S. on Monday."]),
    ("No end", ["No end"]),
    ("", []),
])
def test_sentence_spans(body, want):
    assert [body[s:e] for s, e in sentence_spans(body)] == want


def test_index_finds_the_sentence_of_an_offset():
    body = "One two. Three four. Five."
    s = Sentences(body)
    assert s.text(s.index(body.index("four"))) == "Three four."
    assert s.index(0) == 0
