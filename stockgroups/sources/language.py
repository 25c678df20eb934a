"""Which language a story is written in: a light offline detector, good enough to tell a
reader "this story is not in a language the knowledge base covers".

Letters of a non-Latin script decide alone (Cyrillic, Greek, Arabic, Hebrew, CJK...);
Latin-script text is scored by its commonest function words, which every language has
many of in any sentence and which hardly overlap between languages. Short or ambiguous
text gets None rather than a guess.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from itertools import islice

import ahocorasick

# The languages the knowledge base's aliases, cues and event rules are written in.
KB_LANGUAGES = ("en",)
SAMPLE_CHARS = 1000  # the start of a story (~160 words) says its language
MIN_WORDS = 6  # fewer words than this: too short to tell
MIN_FUNCTION_WORDS = 3  # the winning language must have at least this many hits
# The winner must beat the runner-up by this factor, or the text is called ambiguous.
MIN_LEAD = 1.5
SCRIPT_SHARE = 0.5  # a non-Latin script owning this share of the letters decides
# Below this share of characters past the Latin blocks, a text cannot reach SCRIPT_SHARE
# of its letters (letters are at most all of the characters): skip the per-letter count.
NON_LATIN_MIN_SHARE = 0.2
_NON_LATIN_RE = re.compile("[\u0370-\U0010ffff]")

# Function words (articles, pronouns, prepositions, conjunctions, auxiliaries) that are
# frequent in the language and rare as words of the others listed; none is also an
# English word ("a", "is", "per", "for", "to"...), so English tables and lists of numbers
# never look like another language.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the of and to in is that for it with as was on by at from this be "
                    "are have has had its which were been their said would will after "
                    "than but an they who also".split()),
    "de": frozenset("der die das und ist nicht mit den dem des ein eine einer auf sich "
                    "für von zu im auch als wird werden hat sind bei nach aus wie oder "
                    "noch über vor".split()),
    "fr": frozenset("le la les des du et est une dans pour que qui sur pas par au aux "
                    "avec ce cette sont ont été il elle ils leur selon mais ou".split()),
    "es": frozenset("el los las del y que en por con para una es se su al lo como más "
                    "pero sus fue ha han este esta entre según desde sobre".split()),
    "it": frozenset("il lo gli della delle dei degli che di e è una con non sono "
                    "alla nel nella anche più ha hanno del stato dopo secondo".split()),
    "pt": frozenset("o os da das dos e que em para com uma não por mais foi são "
                    "ao na pelo pela seu sua também ainda após segundo".split()),
    "nl": frozenset("de het een en van dat niet op te met voor zijn er aan ook als "
                    "bij door naar werd wordt heeft hebben nog maar om".split()),
    "sv": frozenset("och att det som en är på för av med inte har om ett var "
                    "vid också från efter kan ska sina".split()),
    "da": frozenset("og det som en er på af med til ikke har om et var ved "
                    "også fra efter kan skal sine blev".split()),
    "pl": frozenset("w na z się że nie jest o od za po przez jak ale oraz są "
                    "był była było także przy dla".split()),
    "tr": frozenset("ve bir bu da de için ile olarak daha çok gibi olan en ama sonra "
                    "kadar ancak değil göre ise".split()),
    "fi": frozenset("ja ei että se oli ovat joka mutta kun myös jo tai kuin sen "
                    "hän ole mukaan vuoden".split()),
    "cs": frozenset("se na je že v ve z ze o k s jsou byl bylo také jako ale "
                    "podle při".split()),
    "id": frozenset("yang dan di dari ini itu dengan untuk tidak akan pada ke dalam "
                    "juga karena oleh adalah telah sudah".split()),
}

# Each function word with the languages it belongs to: one lookup per word of the text.
WORD_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _lang, _words in FUNCTION_WORDS.items():
    for _word in _words:
        WORD_LANGUAGES[_word] = (*WORD_LANGUAGES.get(_word, ()), _lang)

# For ASCII text: the words of str.split() one at a time (enough are read to pass MIN_WORDS),
# every separator it knows as a plain space, and the ASCII function words as " word " keys,
# so an automaton pass counts each whole-word occurrence as the split would.
_WORD = re.compile(r"\S+")
_SPACES_BYTES = bytes(0x20 if chr(c).isspace() else c for c in range(256))
_ASCII_FUNCTION_WORDS = ahocorasick.Automaton()
for _word, _langs in WORD_LANGUAGES.items():
    if _word.isascii():
        _ASCII_FUNCTION_WORDS.add_word(f" {_word} ", _langs)
_ASCII_FUNCTION_WORDS.make_automaton()

# Non-Latin scripts: the Unicode name prefix of their letters, and the language named.
SCRIPTS = (
    ("CYRILLIC", "ru"), ("GREEK", "el"), ("ARABIC", "ar"), ("HEBREW", "he"),
    ("HIRAGANA", "ja"), ("KATAKANA", "ja"), ("HANGUL", "ko"), ("CJK", "zh"),
    ("THAI", "th"), ("DEVANAGARI", "hi"), ("BENGALI", "bn"), ("TAMIL", "ta"),
    ("GEORGIAN", "ka"), ("ARMENIAN", "hy"),
)
NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "sv": "Swedish", "da": "Danish", "pl": "Polish",
    "tr": "Turkish", "fi": "Finnish", "cs": "Czech", "id": "Indonesian", "ru": "Russian",
    "el": "Greek", "ar": "Arabic", "he": "Hebrew", "ja": "Japanese", "ko": "Korean",
    "zh": "Chinese", "th": "Thai", "hi": "Hindi", "bn": "Bengali", "ta": "Tamil",
    "ka": "Georgian", "hy": "Armenian", "uk": "Ukrainian",
}
# Letters only Ukrainian writes among Cyrillic languages.
_UKRAINIAN_RE = re.compile("[іїєґІЇЄҐ]")


def language_name(code: str) -> str:
    return NAMES.get(code, code)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language `text` is written in, or None when unsure."""
    sample = text[:SAMPLE_CHARS]
    script = _dominant_script(sample)
    if script:
        if script == "ru" and _UKRAINIAN_RE.search(sample):
            return "uk"
        if script == "zh" and any(unicodedata.name(c, "").startswith(("HIRAGANA", "KATAKANA"))
                                  for c in sample):
            return "ja"
        return script
    # Split on spaces only: function words stand mid-sentence, rarely beside punctuation,
    # and a regular-expression tokenizer would cost more than the rest of detection.
    lower = sample.lower()
    if lower.isascii():  # most text: no string per word, function words found by one automaton pass
        words = (m.group() for m in _WORD.finditer(lower))
        if sum(1 for _ in islice(filter(str.isalpha, words), MIN_WORDS)) < MIN_WORDS:
            return None
        scores = dict.fromkeys(FUNCTION_WORDS, 0)
        spaced = lower.encode("ascii").translate(_SPACES_BYTES).decode("ascii")
        for _, langs in _ASCII_FUNCTION_WORDS.iter(f" {spaced} "):
            for lang in langs:
                scores[lang] += 1
    else:
        words = Counter(filter(str.isalpha, lower.split()))  # word -> how often
        if words.total() < MIN_WORDS:
            return None
        scores = dict.fromkeys(FUNCTION_WORDS, 0)
        for word in WORD_LANGUAGES.keys() & words.keys():  # only the function words present
            for lang in WORD_LANGUAGES[word]:
                scores[lang] += words[word]
    # The two highest scores; the best language is English on a tie, else the first listed.
    top, second = sorted(scores.values(), reverse=True)[:2]
    best = "en" if scores["en"] == top else next(lang for lang, n in scores.items() if n == top)
    if top < MIN_FUNCTION_WORDS or top < MIN_LEAD * second:
        return None
    return best


def _dominant_script(sample: str) -> str | None:
    """The language of the non-Latin script most letters are in, if one dominates."""
    if sample.isascii():
        return None
    others = _NON_LATIN_RE.findall(sample)
    if len(others) < NON_LATIN_MIN_SHARE * len(sample):
        return None  # Latin-script text with a few accents or symbols: no need to look closer
    letters = sum(1 for ch in sample if ch.isalpha())
    counts: dict[str, int] = {}
    for ch in others:
        if not ch.isalpha():
            continue
        name = unicodedata.name(ch, "")
        for prefix, lang in SCRIPTS:
            if name.startswith(prefix):
                counts[lang] = counts.get(lang, 0) + 1
                break
    if not letters or not counts:
        return None
    lang, n = max(counts.items(), key=lambda kv: kv[1])
    if lang == "zh" and counts.get("ja"):
        lang, n = "ja", n + counts["ja"]
    return lang if n >= SCRIPT_SHARE * letters else None


__all__ = ["KB_LANGUAGES", "detect_language", "language_name"]
