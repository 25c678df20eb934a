"""Measure the product's signals on real dated news with real prices; ship the table.

Reads ../shared/data/news/yahoo_finance_2017_2018.jsonl.gz at run time (786 Yahoo
Finance articles, 2017-2018; for each company the dataset labels, the closes of the day
before, the day of and the day after publication). Nothing from it is copied into the
repository: only the counts and rates below are written.

For every labelled company the product gives a direction for (up or down), directly as a
company or through a group holding it (its industry, sector or country), the case is a
hit when the company's return had the predicted sign:
  same day  close(day of) / close(day before) - 1   (the story may come after the move)
  next day  close(day after) / close(day of) - 1
  [0,+1]    close(day after) / close(day before) - 1
Returns are raw, not market-adjusted (the dataset has no market series); "always up" is
the share of the same cases whose return was positive, the score of a product that said
"up" every time.

    python tools/calibrate_news.py [--news PATH] [--write]   # --write: update the shipped table

Writes (with --write) stockgroups/markets/data/calibration.json; prints Markdown tables.
"""
from __future__ import annotations

import argparse
import gzip
import json
import sys
from collections import defaultdict
from pathlib import Path

from stockgroups.analysis.pipeline import run
from stockgroups.markets.calibration import Case, calibrate, reaction_stats, wilson
from stockgroups.markets.track_record import MIN_CASES, REACTIONS
from stockgroups.model import Article
from stockgroups.services.knowledge import load_user_kb

ROOT = Path(__file__).resolve().parents[1]
NEWS = ROOT.parent / "shared" / "data" / "news" / "yahoo_finance_2017_2018.jsonl.gz"
TABLE = ROOT / "stockgroups" / "markets" / "data" / "calibration.json"
SAME_TICKER = {"BRK-B": "BRK.B", "BRK": "BRK.B", "FB": "META", "GOOG": "GOOGL"}


def norm(ticker: str) -> str:
    t = ticker.upper().replace("/", ".")
    return SAME_TICKER.get(t, SAME_TICKER.get(t.replace(".", "-"), t))


def holding_groups(kb, ticker: str) -> dict[str, str]:
    """Group id -> kind, for the groups a company belongs to (industry, sector, country)."""
    cid = kb.ticker_index.get(ticker) or kb.ticker_index.get(ticker.replace(".", "-"))
    entity = kb.entities.get(cid) if cid else None
    if entity is None:
        return {}
    out = {}
    if entity.industry:
        out[entity.industry] = "industry"
    if entity.sector:
        out[entity.sector] = "sector"
    if entity.country:
        out[f"country:{entity.country}"] = "country"
    return out


def cases_of(record: dict, kb) -> tuple[list[Case], int]:
    """The directional signals on this article's labelled companies (a company's own signal
    first, then its groups'), and how many labelled companies had the three closes."""
    article = Article(source=record.get("url") or record["id"], title=record.get("title", ""),
                      text=record.get("text", ""), url=record.get("url"),
                      published=record.get("published"))
    analysis = run(article, kb).to_dict()
    event = analysis["events"][0]["type"] if analysis["events"] else "none"
    companies = {norm(c["ticker"]): c for c in analysis["companies"]}
    groups = {g["id"]: g for g in analysis["groups"]}
    cases, priced = [], 0
    for raw, closes in (record.get("closes") or {}).items():
        try:
            prev, curr, nxt = (float(closes[k]) for k in ("prev", "curr", "next"))
        except (KeyError, TypeError, ValueError):
            continue
        if min(prev, curr, nxt) <= 0:
            continue
        priced += 1
        ticker = norm(raw)
        reactions = {"same-day": curr / prev - 1, "next-day": nxt / curr - 1,
                     "0,+1": nxt / prev - 1}
        signal = companies.get(ticker)
        if signal and signal["direction"] in ("up", "down"):
            cases.append(Case(event, "company", signal["direction"], signal["score"],
                              reactions, f"{record['id']} {ticker}"))
        for gid, kind in holding_groups(kb, ticker).items():
            g = groups.get(gid)
            if g and g["direction"] in ("up", "down"):
                cases.append(Case(event, kind, g["direction"], g["score"], reactions,
                                  f"{record['id']} {ticker} via {gid}"))
    return cases, priced


def pct(block: dict, key: str = "hit_rate") -> str:
    return "-" if not block.get("n") else f"{block[key]:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news", type=Path, default=NEWS)
    parser.add_argument("--write", action="store_true", help="update the shipped table")
    args = parser.parse_args()
    if not args.news.exists():
        sys.exit(f"{args.news}: not found (the shared news data sets are needed to measure)")
    kb = load_user_kb()
    cases: list[Case] = []
    articles = priced = 0
    all_returns: dict[str, list[float]] = defaultdict(list)
    headline: list[Case] = []  # one case per article and company: its own signal, else its strongest group
    with gzip.open(args.news, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            found, n = cases_of(record, kb)
            articles += 1
            priced += n
            cases.extend(found)
            best: dict[str, Case] = {}
            for case in found:
                company = case.label.split()[1]
                held = best.get(company)
                if held is None or (held.kind != "company" and
                                    (case.kind == "company" or case.score > held.score)):
                    best[company] = case
            headline.extend(best.values())
            for c in (record.get("closes") or {}).values():
                try:
                    p, cu, nx = float(c["prev"]), float(c["curr"]), float(c["next"])
                except (KeyError, TypeError, ValueError):
                    continue
                if min(p, cu, nx) > 0:
                    all_returns["same-day"].append(cu / p - 1)
                    all_returns["next-day"].append(nx / cu - 1)
                    all_returns["0,+1"].append(nx / p - 1)
    table = calibrate(cases)
    table["source"] = ("Yahoo Finance articles 2017-2018 (FelixDrinkall/financial-news-dataset, "
                       "CC BY-NC-SA 4.0), measured by tools/calibrate_news.py; only counts "
                       "and rates are kept")
    table["method"] = ("raw returns of the labelled companies (close before, of and after "
                       "the publication day), not market-adjusted; a signal on a company "
                       "counts directly or through its industry, sector or country")
    table["cases"] = len(cases)
    table["reactions"] = {"same-day": "return[0]", "next-day": "return[+1]",
                          "0,+1": "return[0,+1]"}
    print(f"{articles} articles, {priced} labelled companies with closes, {len(cases)} "
          f"directional signals on them\n")
    base = {r: reaction_stats("up", v) for r, v in all_returns.items()}
    print("Every labelled company, whatever the product said: up share (= \"always up\") "
          + ", ".join(f"{r} {pct(base[r], 'up_share')}" for r in REACTIONS) + "\n")
    print("One signal per article and company (the company's own, else its strongest group), "
          "both directions:\n")
    print("| reaction | cases | right (95% CI) | always up | right, up signals | right, down signals |")
    print("|---|---|---|---|---|---|")
    for r in REACTIONS:
        values = [(c.direction, c.reactions[r]) for c in headline]
        n = len(values)
        right = sum((v > 0) if d == "up" else (v < 0) for d, v in values)
        ups = sum(v > 0 for _, v in values)
        per = {}
        for want in ("up", "down"):
            sub = [v for d, v in values if d == want]
            hits = sum((v > 0) if want == "up" else (v < 0) for v in sub)
            per[want] = f"{hits / len(sub):.0%} of {len(sub)}" if sub else "-"
        lo, hi = wilson(right, n)
        print(f"| {r} | {n} | {right / n:.0%} ({lo:.0%}-{hi:.0%}) | {ups / n:.0%} | {per['up']} "
              f"| {per['down']} |")
    print("\nPer kind of signal (every signal on a labelled company; cells with fewer than "
          f"{MIN_CASES} cases left out):\n")
    print("| signal | cases | same day: right | always up | next day: right | always up "
          "| [0,+1]: right | always up | mean [0,+1] (95% CI) |")
    print("|---|---|---|---|---|---|---|---|---|")
    cells = table["cells"]
    order = sorted(cells, key=lambda k: (not k.startswith("*|"), -cells[k]["n"], k))
    for key in order:
        cell = cells[key]
        if cell["n"] < MIN_CASES and not key.startswith("*|"):
            continue
        parts = [key.replace("|", " / ").replace("* / ", "all / "), str(cell["n"])]
        for r in REACTIONS:
            b = cell[r]
            parts += [pct(b), pct(b, "up_share")]
        b = cell["0,+1"]
        parts.append(f"{b['mean']:+.2%} [{b['mean_ci'][0]:+.2%}, {b['mean_ci'][1]:+.2%}]"
                     if b.get("mean_ci") else "-")
        print("| " + " | ".join(parts) + " |")
    if args.write:
        TABLE.parent.mkdir(parents=True, exist_ok=True)
        TABLE.write_text(json.dumps(table, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"\nwrote {TABLE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
