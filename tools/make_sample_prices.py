"""Make prices_sample/ from the team's shared price history (re-runnable).

Source: ../shared/data/prices/us_watchlist_daily.csv.gz, daily closes, volume and market
cap rebuilt from the nightly history of the public NASDAQ stock screener listing
(rreichel3/US-Stock-Symbols). Kept: the Kazakhstan worked example's tickers, four more
of the companies a story on Kazakhstan moves, and the market proxy, 2021-06-01 .. 2022-06-30. Two fixes of the vendor's calendar, both written
in prices_sample/README.md:
  * a row dated on a weekend is the previous Friday's close (the Friday row then repeats
    Thursday's): the weekend value moves to Friday;
  * 2022-05-30 (Memorial Day, markets closed) carries every ticker's previous close again:
    dropped.

    python tools/make_sample_prices.py [--shared ../shared] [--out prices_sample/...csv]
"""
from __future__ import annotations

import argparse
import csv
import gzip
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICKERS = ("CCJ UEC DNN NXE UUUU CVX XOM MARA RIOT HUT "  # the worked example
           "FRHC URG CLSK BITF "  # more of the companies a story on Kazakhstan moves
           "AAPL MSFT AMZN GOOGL NVDA TSLA JPM GS").split()  # the market proxy
START, END = "2021-06-01", "2022-06-30"
US_HOLIDAYS_WITH_STALE_ROWS = {"2022-05-30"}


def number(text: str) -> str:
    value = float(text)
    return str(int(value)) if value == int(value) else repr(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path,
                        default=ROOT / "prices_sample" / "us_daily_2021-06_2022-06.csv")
    args = parser.parse_args()
    rows: dict[tuple[str, str], tuple[str, str, str]] = {}
    with gzip.open(args.shared / "data" / "prices" / "us_watchlist_daily.csv.gz", "rt") as f:
        for r in csv.DictReader(f):
            day = r["assumed_trade_date"]
            if r["symbol"] in TICKERS and START <= day <= END:
                rows[(r["symbol"], day)] = (r["lastsale"], r["volume"], r["marketCap"])
    for (ticker, day), value in sorted(rows.items()):
        weekday = date.fromisoformat(day).weekday()
        if weekday >= 5:
            friday = (date.fromisoformat(day) - timedelta(days=weekday - 4)).isoformat()
            rows[(ticker, friday)] = value
            del rows[(ticker, day)]
    for key in [k for k in rows if k[1] in US_HOLIDAYS_WITH_STALE_ROWS]:
        del rows[key]
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["date", "ticker", "close", "volume", "market_cap"])
        for ticker, day in sorted(rows, key=lambda k: (k[1], k[0])):
            close, volume, cap = rows[(ticker, day)]
            out.writerow([day, ticker, close, number(volume) if volume else "",
                          number(cap) if cap else ""])
    print(f"{args.out}: {len(rows)} rows")


if __name__ == "__main__":
    main()
