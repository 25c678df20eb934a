"""The stated stage: the story's subject takes the direction the story states for it."""
from stockgroups.analysis.pipeline import run
from stockgroups.analysis.stated import UNNAMED, unlisted_name


def hits(kb, article, title, text=""):
    a = run(article(text, title=title), kb)
    return a, {c.ticker: c for c in a.companies}


def test_a_linked_subject_company_gets_its_stated_direction(kb_small, article):
    a, companies = hits(kb_small, article, "Cameco's operating profit rose to 120 million dollars")
    assert companies["CCJ"].direction == "up"
    assert any("operating profit rose" in line for line in companies["CCJ"].evidence)


def test_an_unknown_company_is_reported_as_unlisted_with_its_name(kb_small, article):
    a, companies = hits(kb_small, article, "Ortalyk Mining's net sales fell 12% in the third quarter")
    assert companies[""].direction == "down"
    assert companies[""].name == "Ortalyk Mining"
    assert companies[""].via == ("unlisted",)


def test_a_neutral_sentence_gets_no_direction(kb_small, article):
    a, _ = hits(kb_small, article, "The company makes filters for industrial plants in three countries")
    assert not [h for h in a.companies + a.groups if h.direction in ("up", "down")]


def test_unlisted_name_skips_known_names_and_common_words():
    title = "In March, Kazakh miner Ortalyk Mining said profit rose"
    kazakh = title.index("Kazakh")

    class M:  # a mention's offsets are all unlisted_name reads
        start, end = kazakh, kazakh + len("Kazakh")
    assert unlisted_name(title, (M,)) == "Ortalyk Mining"
    assert unlisted_name("profit rose sharply", ()) == UNNAMED
