"""Whole-process throughput, start-up time and peak memory of `stockgroups analyze`.

Generates N short wire stories (~150 words, written from templates here), writes them as
one JSON Lines file, and times the real CLI over them in a child process pinned to one
core. Prints the figures the README quotes.

    .venv/bin/python benchmarks/bench_analyze.py [--n 3000]
"""
from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = Path(sys.executable).with_name("stockgroups")

PLACES = ["Kazakhstan", "Chile", "Peru", "Taiwan", "Brazil", "Nigeria", "Norway", "Australia", "Canada",
          "Indonesia", "South Africa", "Saudi Arabia", "Russia", "Germany", "Japan", "India", "Mexico"]
COMPANIES = ["Chevron", "Exxon Mobil", "Cameco", "Freeport-McMoRan", "Newmont", "Apple", "Microsoft",
             "Nvidia", "Delta Air Lines", "Boeing", "Pfizer", "JPMorgan Chase", "Walmart", "Tesla"]
COMMODITIES = ["oil", "copper", "uranium", "gold", "wheat", "natural gas", "coffee", "lithium", "nickel"]
LEADS = [
    "Protests spread across {place} on {day} as thousands marched against rising fuel prices, and police used tear gas.",
    "Workers at a major mine in {place} went on strike on {day}, halting output of {commodity}.",
    "{company} said on {day} that quarterly earnings beat expectations, and its shares rose 4% in early trading.",
    "{company} cut its full-year guidance on {day}, blaming weaker demand, and the stock fell 6%.",
    "A powerful earthquake struck {place} on {day}, damaging ports and factories.",
    "The central bank of {place} raised interest rates by half a point on {day} to fight inflation.",
    "A fire broke out at a refinery in {place} on {day}, forcing the plant to shut.",
    "Regulators fined {company} on {day} over antitrust violations in its core market.",
]
FILLER = [
    "Analysts said the move could weigh on {commodity} supply over the coming weeks.",
    "Traders in London and New York watched prices closely as the news spread.",
    "Officials said they would review the situation and report again next week.",
    "The government said it was monitoring the situation and asked for calm.",
    "Shipping companies reported delays at several terminals along the coast.",
    "Investors moved into safer assets as volatility picked up across markets.",
    "The company said it had enough inventory to meet customer orders for now.",
    "Local media reported that talks between unions and management had stalled.",
    "Economists expect the impact on growth to be limited but noticeable.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def make_story(rng: random.Random) -> dict:
    fill = {"place": rng.choice(PLACES), "company": rng.choice(COMPANIES),
            "commodity": rng.choice(COMMODITIES), "day": rng.choice(DAYS)}
    lead = rng.choice(LEADS).format(**fill)
    body = [lead]
    while len(" ".join(body).split()) < 140:
        body.append(rng.choice(FILLER).format(**fill))
    title = lead.split(",")[0][:90]
    return {"title": title, "text": " ".join(body), "url": None, "published": "2024-01-05"}


def run(cmd: list[str], stdin: bytes | None = None) -> tuple[float, int]:
    """Wall seconds and the child's peak RSS in MB."""
    if shutil.which("taskset"):
        cmd = ["taskset", "-c", "0", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, input=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    elapsed = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed: {proc.stderr.decode()[:300]}")
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, max(peak, before) // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    stories = [make_story(rng) for _ in range(args.n)]
    words = sum(len(s["text"].split()) for s in stories) / len(stories)
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "stories.jsonl"
        corpus.write_text("\n".join(json.dumps(s) for s in stories) + "\n", encoding="utf-8")
        one = Path(tmp) / "one.txt"
        one.write_text("Quiet day\n\nNothing happened.\n", encoding="utf-8")
        startup, _ = min(run([str(CLI), "analyze", str(one), "--format", "json"]) for _ in range(3))
        elapsed, rss = run([str(CLI), "analyze", str(corpus), "--format", "json"])
    code = ("import time; t=time.perf_counter(); from stockgroups.kb.load import load_kb; "
            "from stockgroups.analysis.link import alias_matcher; from stockgroups.analysis.events import event_matcher; "
            "kb=load_kb(); alias_matcher(kb); event_matcher(kb); print(time.perf_counter()-t)")
    kb_load = float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
    per_second = args.n / (elapsed - startup) if elapsed > startup else float("inf")
    print(f"articles            {args.n} (mean {words:.0f} words)")
    print(f"whole run           {elapsed:.2f} s, {args.n / elapsed:.0f} articles/s including start-up")
    print(f"steady throughput   {per_second:.0f} articles/s (one core)")
    print(f"start-up            {startup:.2f} s (process start, imports, KB load, one article)")
    print(f"KB load + indexes   {kb_load:.2f} s")
    print(f"peak RSS            {rss} MB")
    print(f"cores               {os.cpu_count()} on the machine, run pinned to 1")


if __name__ == "__main__":
    main()
