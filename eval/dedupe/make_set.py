"""Build the labelled near-duplicate set: eval/dedupe/docs.jsonl.

Every article of eval/articles/ is a story. Each gets the copies an aggregator meets:
the wire copy republished with another outlet's furniture, a lightly edited copy, a
spun copy (words swapped for synonyms), an updated version (new paragraphs and an
"UPDATE 1-" headline) and an excerpt (the first part only). Hard negatives are added:
template-written earnings and rate-decision stories that share most of their wording
but report different companies and numbers, each its own story. A pair of documents is
labelled "same story" exactly when their `story` fields are equal.

    .venv/bin/python eval/dedupe/make_set.py    # deterministic: seed fixed
"""
from __future__ import annotations

import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from stockgroups.errors import StockGroupsError  # noqa: E402 (after the sys.path line above)
from stockgroups.sources.router import iter_articles  # noqa: E402

OUT = Path(__file__).with_name("docs.jsonl")
SEED = 20251125

SYNONYMS = {
    "said": "stated", "rose": "climbed", "fell": "dropped", "shares": "stock",
    "company": "firm", "percent": "per cent", "announced": "unveiled", "biggest": "largest",
    "cut": "reduced", "increase": "rise", "decline": "drop", "market": "marketplace",
    "prices": "costs", "expected": "anticipated", "government": "administration",
    "billion": "bn", "million": "mn", "about": "around", "after": "following",
    "because": "as", "investors": "traders", "major": "big", "sharply": "steeply",
    "officials": "authorities", "began": "started", "stopped": "halted", "help": "assist",
    "big": "large", "new": "fresh", "also": "additionally", "week": "seven days",
    "on": "upon", "the": "the", "a": "one", "its": "the", "would": "will", "could": "may",
}
MASTHEADS = [
    ("{title} | Daily Ledger", "DAILY LEDGER - ",
     "Copyright 2025 Daily Ledger. All rights reserved."),
    ("{title} - Market Pulse", "(Market Pulse) - ",
     "Read more: markets, commodities, currencies."),
    ("{title} :: Asia Trade Wire", "SINGAPORE (ATW) - ",
     "Reporting by staff; editing by the desk."),
]
UPDATE_PARAGRAPHS = [
    "Later in the day, officials said they expected to give more details at a news conference "
    "on Wednesday, and analysts cautioned that the full impact might take weeks to assess.",
    "Trading volumes were well above average, and several brokers revised their forecasts for "
    "the rest of the quarter after the news was confirmed by a second source.",
    "A spokesperson declined to comment on the figures beyond the statement, saying the "
    "situation was still developing and that an update would follow.",
]
COMPANIES = ["Acme Industrial", "Borealis Foods", "Cobalt Networks", "Delta Freight",
             "Evergreen Retail",
             "Fulcrum Bank", "Granite Homes", "Helios Solar", "Ironbridge Steel", "Juniper Health",
             "Keystone Insurance", "Lumen Motors", "Meridian Pharma", "Northstar Airlines",
             "Orchid Cosmetics", "Pioneer Chemicals"]
EARNINGS = ("{co} reports {q} results",
            "{co} said on {day} that revenue for the {q} rose {pct} percent to ${rev} billion, "
            "{verb} analysts' average estimate of ${est} billion. Net income was ${ni} million, "
            "or {eps} cents a share. The company said demand in its main markets remained "
            "{tone} and it {guide} its forecast for the full year. Shares of {co} {move} "
            "{chg} percent in extended trading. Chief executive officer {ceo} told analysts on a "
            "conference call that the company would keep investing in new products and in "
            "cost savings, and that it expected margins to improve in the second half.")
CEOS = ["Maria Lopez", "John Carter", "Aiko Tanaka", "Peter Novak", "Sara Ahmed", "Liam Brown"]
RATES = ("Central bank of {country} {act} rates to {rate} percent",
         "The central bank of {country} {act} its benchmark interest rate by {bp} basis points to "
         "{rate} percent on {day}, as {expect} by most economists in a survey. Policymakers "
         "said inflation remained {infl} and that they would watch wage growth and the "
         "currency closely before deciding on further moves. The {currency} {fx} against the "
         "dollar after the decision, and government bond yields {yields}. The next policy "
         "meeting is scheduled for {month}.")
COUNTRIES = [("Norway", "krone"), ("Sweden", "krona"), ("Poland", "zloty"), ("Chile", "peso"),
             ("Thailand", "baht"), ("Hungary", "forint"), ("South Africa", "rand"),
             ("New Zealand", "dollar"), ("Peru", "sol"), ("Israel", "shekel")]


def base_articles() -> list[tuple[str, str, str]]:
    out = []
    for path in sorted((ROOT / "eval" / "articles").iterdir()):
        for _, item in iter_articles([str(path)]):
            if isinstance(item, StockGroupsError) or len(item.text.split()) < 60:
                continue
            out.append((path.stem, item.title, item.text))
    return out


def spin(text: str, share: float, rng: random.Random) -> str:
    words = text.split(" ")
    for i, w in enumerate(words):
        key = w.lower().strip(".,;:\"'")
        if key in SYNONYMS and rng.random() < share * 3:
            words[i] = w.replace(key, SYNONYMS[key]) if w.islower() else SYNONYMS[key]
        elif rng.random() < share / 3:
            words[i] = ""  # a dropped word
    return " ".join(w for w in words if w)


def sentences(text: str) -> list[str]:
    return [s.strip() + "." for s in text.replace("\n", " ").split(". ") if s.strip()]


def variants(story: str, title: str, text: str, rng: random.Random) -> list[dict]:
    head, lead, foot = rng.choice(MASTHEADS)
    sents = sentences(text)
    excerpt = " ".join(sents[: max(3, int(len(sents) * 0.6))])
    kept = [s for s in sents if rng.random() > 0.15] or sents
    docs = [
        ("original", title, text),
        ("republished", head.format(title=title), lead + text + "\n" + foot),
        ("edited", title, " ".join(kept)),
        ("spun", title, spin(text, 0.06, rng)),
        ("spun-heavy", "", spin(text, 0.12, rng)),
        ("update", "UPDATE 1-" + title, text + "\n" + " ".join(rng.sample(UPDATE_PARAGRAPHS, 2))),
        ("excerpt", title, excerpt),
    ]
    return [{"story": story, "kind": kind, "title": t, "text": x} for kind, t, x in docs]


def template_negatives(rng: random.Random) -> list[dict]:
    docs = []
    for i, co in enumerate(COMPANIES):
        q = rng.choice(["first quarter", "second quarter", "third quarter", "fourth quarter"])
        beat = rng.random() < 0.5
        title, text = (s.format(
            co=co, q=q, day=rng.choice(["Monday", "Tuesday", "Wednesday", "Thursday"]),
            pct=rng.randint(2, 30), rev=round(rng.uniform(1, 40), 1),
            est=round(rng.uniform(1, 40), 1), verb="beating" if beat else "missing",
            ni=rng.randint(50, 900), eps=rng.randint(10, 150),
            tone="strong" if beat else "soft", guide="raised" if beat else "cut",
            move="rose" if beat else "fell", chg=round(rng.uniform(1, 12), 1),
            ceo=rng.choice(CEOS)) for s in EARNINGS)
        docs.append({"story": f"earnings-{i}", "kind": "template", "title": title, "text": text})
    for i, (country, currency) in enumerate(COUNTRIES):
        up = rng.random() < 0.5
        title, text = (s.format(
            country=country, currency=currency, act="raised" if up else "cut",
            bp=rng.choice([25, 50, 75]), rate=round(rng.uniform(1, 11), 2),
            day=rng.choice(["Monday", "Wednesday", "Thursday"]),
            expect="expected" if rng.random() < 0.7 else "not expected",
            infl="high" if up else "close to target", fx="rose" if up else "fell",
            yields="rose" if up else "fell",
            month=rng.choice(["March", "June", "September", "December"])) for s in RATES)
        docs.append({"story": f"rates-{i}", "kind": "template", "title": title, "text": text})
    return docs


def main() -> None:
    rng = random.Random(SEED)
    docs = []
    for story, title, text in base_articles():
        docs.extend(variants(story, title, text, rng))
    docs.extend(template_negatives(rng))
    rng.shuffle(docs)
    with OUT.open("w", encoding="utf-8") as f:
        for i, doc in enumerate(docs):
            f.write(json.dumps({"id": i, **doc}, ensure_ascii=False) + "\n")
    stories = len({d["story"] for d in docs})
    print(f"wrote {len(docs)} documents of {stories} stories to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
