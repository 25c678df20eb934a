"""The light language detector and the languages the KB covers."""
from __future__ import annotations

import pytest

from stockgroups.sources.language import KB_LANGUAGES, detect_language

TEXTS = {
    "en": "The company said on Monday that output at the mine would fall, and shares of "
          "its rivals rose as traders weighed the risk of a long strike.",
    "de": "Das Unternehmen teilte am Montag mit, dass die Förderung in der Mine sinken "
          "werde, und die Aktien der Konkurrenten stiegen.",
    "fr": "La société a annoncé lundi que la production de la mine allait baisser, et les "
          "actions de ses concurrents sont en hausse selon les analystes.",
    "es": "La empresa dijo el lunes que la producción de la mina caería, y las acciones de "
          "sus rivales subieron según los analistas del sector.",
    "ru": "Компания заявила в понедельник, что добыча на руднике снизится, а акции "
          "конкурентов выросли.",
    "ja": "同社は月曜日、鉱山の生産量が減少すると発表し、競合他社の株価は上昇した。",
    "zh": "该公司周一表示，矿山产量将下降，竞争对手的股价上涨。",
    "ar": "قالت الشركة يوم الاثنين إن الإنتاج في المنجم سينخفض وارتفعت أسهم منافسيها.",
}


@pytest.mark.parametrize("lang", sorted(TEXTS))
def test_detects_the_language_of_a_news_sentence(lang):
    assert detect_language(TEXTS[lang]) == lang


@pytest.mark.parametrize("text", ["", "OPEC+", "Copper 4%", "12345 67890"])
def test_too_little_text_is_none_not_a_guess(text):
    assert detect_language(text) is None


def test_the_kb_covers_english():
    assert KB_LANGUAGES == ("en",)


@pytest.mark.parametrize("text", [
    "ACME CORP <ACME> YEAR NET\nShr 34 cts vs 1.19 dlrs\nNet 807,000 vs 2,858,000\n"
    "Assets 510.2 mln vs 480.1 mln\nNote: a per share figure of a unit",
    "Revenue per share rose to a record, and profit per unit was a third higher.",
])
def test_english_tables_and_per_share_lines_are_not_another_language(text):
    assert detect_language(text) in ("en", None)
