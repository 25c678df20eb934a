"""The README's worked example: the January 2022 Kazakhstan unrest on the sample prices.

Day 0 = 2022-01-03 and again 2022-01-05; CAR[0,+1] and CAR[0,+5] of the uranium miners,
the oil majors and the bitcoin miners by the market model (estimation 120 days, gap 10,
market: AAPL MSFT AMZN GOOGL NVDA TSLA JPM GS equal-weighted), beside the directions the
product gives on the team's own story about it (eval/articles/kz_unrest_fuel_protests.txt).
Prints Markdown tables and draws docs/kz_unrest_car.png (needs matplotlib).

    python tools/kz_event_study.py
"""
from __future__ import annotations

from pathlib import Path

from stockgroups import analyze
from stockgroups.markets.charts import study_png
from stockgroups.markets.study import StudyParams
from stockgroups.services.study import DEFAULT_MARKET, import_prices, study_tickers
from stockgroups.sources.router import iter_articles
from stockgroups.store.sqlite import Store

ROOT = Path(__file__).resolve().parents[1]
PRICES = ROOT / "prices_sample" / "us_daily_2021-06_2022-06.csv"
STORY = ROOT / "eval" / "articles" / "kz_unrest_fuel_protests.txt"
CHART = ROOT / "docs" / "kz_unrest_car.png"
GROUPS = {"uranium miners": ["CCJ", "UEC", "DNN", "NXE", "UUUU"],
          "oil majors": ["CVX", "XOM"],
          "bitcoin miners": ["MARA", "RIOT", "HUT"]}
DAYS0 = ("2022-01-03", "2022-01-05")
WINDOWS = ((0, 1), (0, 5))
ARROW = {"up": "▲", "down": "▼", "mixed": "◆", "neutral": "●"}


def pct(v: float | None) -> str:
    return "n/a" if v is None else f"{v:+.1%}"


def main() -> None:
    (_, article), = iter_articles([str(STORY)])
    predicted = {c.ticker: c.direction for c in analyze(article).companies}
    results = {}
    with Store(":memory:") as store:
        import_prices(store, [str(PRICES)])
        for day0 in DAYS0:
            for window in WINDOWS:
                results[(day0, window)] = study_tickers(
                    store, day0, [t for g in GROUPS.values() for t in g], DEFAULT_MARKET,
                    StudyParams(window=window), groups=GROUPS).to_dict()
    cols = [(d, w) for d in DAYS0 for w in WINDOWS]
    head = " | ".join(f"day 0 {d[5:]} CAR[{w[0]},+{w[1]}]" for d, w in cols)
    print(f"| ticker | product says | beta | {head} |")
    print("|---|---|---|" + "---|" * len(cols))
    for group, tickers in GROUPS.items():
        for t in tickers:
            cells = []
            for key in cols:
                c = next(x for x in results[key]["companies"] if x["ticker"] == t)
                cells.append(f"{pct(c['car'])} (t {c['t']:.1f})" if c["car"] is not None
                             else c["status"])
            beta = next(x for x in results[cols[0]]["companies"] if x["ticker"] == t)["beta"]
            say = predicted.get(t)
            print(f"| {t} | {ARROW[say] + ' ' + say if say else '-'} | {beta:.2f} | "
                  + " | ".join(cells) + " |")
    print()
    print(f"| group | statistic | {head} |")
    print("|---|---|" + "---|" * len(cols))
    for i, group in enumerate(GROUPS):
        rows = {"CAR equal-weighted": [], "CAR cap-weighted": [], "cross-sectional t": [],
                "BMP t": [], "BMP t, Kolari-Pynnonen": [], "Corrado rank z": []}
        for key in cols:
            g = results[key]["groups"][i]
            rows["CAR equal-weighted"].append(pct(g["car"]))
            rows["CAR cap-weighted"].append(pct(g["car_cap_weighted"]))
            rows["cross-sectional t"].append(f"{g['t_cross']:.2f} (p {g['p_cross']:.3f})")
            rows["BMP t"].append(f"{g['t_bmp']:.2f} (p {g['p_bmp']:.3f})")
            rows["BMP t, Kolari-Pynnonen"].append(
                f"{g['t_bmp_adj']:.2f} (p {g['p_bmp_adj']:.3f}; r {g['mean_correlation']:.2f})")
            rows["Corrado rank z"].append(f"{g['z_rank']:.2f} (p {g['p_rank']:.3f})")
        for name, cells in rows.items():
            print(f"| {group} | {name} | " + " | ".join(cells) + " |")
    study_png([(f"day 0 = {d}, CAR[0,+5]", results[(d, (0, 5))]) for d in DAYS0], CHART)
    print(f"\nchart: {CHART.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
