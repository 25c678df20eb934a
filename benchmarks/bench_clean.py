"""How long clean_text takes on a scraped story of about 150 words (target: < 0.1 ms).

    .venv/bin/python benchmarks/bench_clean.py [--runs N]
"""
from __future__ import annotations

import argparse
import time

from stockgroups.analysis.clean import clean_text

WORDS = ["Kazakhstan’s", "president", "ordered", "troops", "to", "fire", "as", "fuel-price",
         "protests", "spread", "to", "Almaty,", "and", "snowballedFrom", "anger", "at", "Tokayev."]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3000)
    args = parser.parse_args()
    story = "Stock Groups\n\n[ad_1]\n\n" + "\n\n".join(
        " ".join((WORDS * 20)[i:i + 25]) for i in range(0, 150, 25)) + \
        "\n\nXinhua News Agency | Xinhua News Agency | Getty Images\n\n[ad_2]"
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        for _ in range(args.runs):
            clean_text(story)
        best = min(best, (time.perf_counter() - start) / args.runs)
    print(f"clean_text          {best * 1e3:.3f} ms per story (best of 3 x {args.runs})")


if __name__ == "__main__":
    main()
