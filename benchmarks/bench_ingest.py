"""End-to-end ingest throughput, peak memory and search latency of the store.

Writes N articles (default 100,000; ~200 words of real news vocabulary each; about one
in eight a republished, spun or updated copy of an earlier story; dates spread over 60
days) as one JSON Lines archive, then runs the real `stockgroups ingest` in a child
process into a fresh store (analysis, clustering, FTS indexing, one transaction per
batch) and times it. Then it runs full-text queries against the result. Prints the
figures the README quotes.

    .venv/bin/python benchmarks/bench_ingest.py [--n 100000] [--jobs 2]
    .venv/bin/python benchmarks/bench_ingest.py --n 10000 --backend both   # + PostgreSQL

Measured on the 2-core dev machine, 100,000 articles, --jobs 2 (four runs): 992 to 1,148
articles/s end to end, peak RSS 362-367 MB, search p50 9-10 ms and p95 29-31 ms, 87,506
stories for the 87,506 planted originals, re-run of the same archive 5-6 s (all
duplicates). With --jobs 1: ~655 articles/s (analysis is ~65% of it).
"""
from __future__ import annotations

import argparse
import contextlib
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
ENTRY = ("from stockgroups.interfaces.cli.main import main; from stockgroups.interfaces.cli.store import register; "
         "register(main); main()")

PLACES = ["Kazakhstan", "Chile", "Peru", "Taiwan", "Brazil", "Nigeria", "Norway", "Australia",
          "Canada", "Indonesia", "South Africa", "Saudi Arabia", "Germany", "Japan", "India",
          "Mexico", "Poland", "Egypt", "Vietnam", "Argentina"]
COMPANIES = ["Chevron", "Exxon Mobil", "Cameco", "Freeport-McMoRan", "Newmont", "Apple",
             "Microsoft", "Nvidia", "Delta Air Lines", "Boeing", "Pfizer", "JPMorgan Chase",
             "Walmart", "Tesla", "BHP", "Rio Tinto", "Glencore", "Shell", "TotalEnergies"]
COMMODITIES = ["oil", "copper", "uranium", "gold", "wheat", "natural gas", "coffee", "lithium",
               "nickel", "iron ore", "cocoa", "sugar"]
EVENTS = [
    "Protests spread across {place} as thousands marched against rising fuel prices",
    "Workers at a major {commodity} mine in {place} went on strike",
    "{company} said quarterly earnings beat expectations",
    "{company} cut its full-year guidance, blaming weaker demand",
    "A powerful earthquake struck {place}, damaging ports and factories",
    "The central bank of {place} raised interest rates by half a point",
    "A fire broke out at a refinery in {place}, forcing the plant to shut",
    "Regulators fined {company} over antitrust violations",
    "{place} announced new export limits on {commodity}",
    "Floods in {place} disrupted {commodity} shipments",
]
FILLER = [
    "Analysts said the move could weigh on {commodity} supply over the coming weeks",
    "Traders in London and New York watched prices closely as the news spread",
    "Officials said they would review the situation and report again next week",
    "The government said it was monitoring the situation and asked for calm",
    "Shipping companies reported delays at several terminals along the coast",
    "Investors moved into safer assets as volatility picked up across markets",
    "The company said it had enough inventory to meet customer orders for now",
    "Local media reported that talks between unions and management had stalled",
    "Economists expect the impact on growth to be limited but noticeable",
    "Prices of {commodity} rose {n} percent in early trading before paring gains",
    "{company} shares moved {n} percent as investors assessed the exposure",
    "A spokesperson for {company} declined to comment on the report",
    "Output in {place} accounts for about {n} percent of world {commodity} supply",
    "Insurers said claims could reach {n} million dollars",
]
SWAPS = {"said": "stated", "rose": "climbed", "company": "firm", "percent": "per cent",
         "markets": "exchanges", "weeks": "weeks ahead", "prices": "costs"}
QUERIES = ["uranium", "copper strike", '"central bank"', "refinery AND fire", "earthquake",
           "Kazakhstan OR Chile", "lithium", "antitrust", "guidance NOT earnings", "floods",
           "oil AND prices", "Nvidia", "export limits", "mine*", "inventory", "insurers"]
DAY = 86400
START = 1_735_689_600  # 2025-01-01
COPY_WITHIN_S = 2 * DAY  # outlets republish a story within a day or two


def vocabulary() -> list[str]:
    """Real news words (from eval/articles), so unrelated stories share little wording."""
    import re

    words: list[str] = []
    for path in sorted((ROOT / "eval" / "articles").iterdir()):
        words += re.findall(r"\b[a-z]{3,}\b", path.read_text(encoding="utf-8", errors="ignore"))
    return words


VOCAB = vocabulary()


def prose(rng: random.Random) -> str:
    """A sentence of 12-25 words drawn from the news vocabulary (word frequencies kept)."""
    words = rng.choices(VOCAB, k=rng.randint(12, 25))
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def sentence(rng: random.Random, template: str, facts: dict) -> str:
    return template.format(n=rng.randint(1, 40), **facts) + "."


def make_story(rng: random.Random, i: int) -> dict:
    facts = {"place": rng.choice(PLACES), "company": rng.choice(COMPANIES),
             "commodity": rng.choice(COMMODITIES)}
    lead = sentence(rng, rng.choice(EVENTS), facts)
    body = [sentence(rng, rng.choice(FILLER), facts) for _ in range(rng.randint(2, 4))]
    body += [prose(rng) for _ in range(rng.randint(6, 9))]
    rng.shuffle(body)
    body.insert(rng.randint(1, 4), f"Report {i} was filed at {rng.randint(0, 23)}:"
                                   f"{rng.randint(10, 59)} with reference {rng.randint(1, 10**9)}.")
    return {"title": lead[:-1], "text": " ".join([lead, *body])}


def copy_of(rng: random.Random, story: dict) -> dict:
    kind = rng.random()
    if kind < 0.4:  # republished as is, with the outlet's furniture
        return {"title": story["title"], "text": "(Wire) - " + story["text"] + " Copyright."}
    if kind < 0.7:  # spun
        words = [SWAPS.get(w, w) if rng.random() < 0.5 else w for w in story["text"].split()]
        return {"title": story["title"], "text": " ".join(words)}
    return {"title": "UPDATE 1-" + story["title"],  # updated with a new paragraph
            "text": story["text"] + " " + sentence(rng, rng.choice(FILLER),
                                                   {"place": "the region", "company": "it",
                                                    "commodity": "the commodity"})}


def write_archive(path: Path, n: int, seed: int = 7) -> int:
    """Writes the archive; returns how many distinct stories it holds (copies planted)."""
    rng = random.Random(seed)
    originals = 0
    recent: list[tuple[dict, int]] = []
    with path.open("w", encoding="utf-8") as f:
        for i in range(n):
            when = START + int(i / n * 60 * DAY) + rng.randint(0, 3600)
            fresh = [story for story, t in recent if when - t < COPY_WITHIN_S]
            if fresh and rng.random() < 0.125:
                story = copy_of(rng, rng.choice(fresh))
            else:
                story = make_story(rng, i)
                originals += 1
                recent = (recent + [(story, when)])[-500:]
            stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(when))
            doc = {**story, "url": f"https://outlet{i % 50}.example.com/{i}", "published": stamp}
            f.write(json.dumps(doc) + "\n")
    return originals


def ingest(archive: Path, db: str, jobs: int) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", ENTRY, "ingest", str(archive), "--db",
                           db, "-q", "--jobs", str(jobs)],
                          capture_output=True, text=True, check=False)
    if proc.returncode:
        sys.exit(proc.stderr)
    return time.perf_counter() - start, proc.stdout.strip()


def measure(backend: str, db: str, archive: Path, args: argparse.Namespace) -> dict:
    """Ingest the archive into a fresh store, re-run it, then time searches."""
    from stockgroups.store.open import open_store

    elapsed, summary = ingest(archive, db, args.jobs)
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rerun, rerun_summary = ingest(archive, db, args.jobs)
    latencies = []
    with open_store(db, create=False) as store:
        counts = store.counts()
        for q in range(args.queries):
            t = time.perf_counter()
            store.search(QUERIES[q % len(QUERIES)], limit=20)
            latencies.append((time.perf_counter() - t) * 1000)
        size = store.size_bytes() or 0
    latencies.sort()
    return {"backend": backend, "elapsed": elapsed, "summary": summary, "peak_mb": peak_mb,
            "rerun": rerun, "rerun_summary": rerun_summary, "counts": counts,
            "size_mb": size / 1e6, "p50": latencies[len(latencies) // 2],
            "p95": latencies[int(len(latencies) * 0.95)]}


def postgres_url(args: argparse.Namespace, stack: contextlib.ExitStack) -> str:
    """--postgres URL, or a throwaway local server (the tests' one) with a new database."""
    import psycopg

    if args.postgres:
        base = args.postgres
    else:
        sys.path.insert(0, str(ROOT / "tests"))
        from pgserver import PgServer

        server = PgServer()
        stack.callback(server.stop)
        base = server.start()
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS stockgroups_bench")
        conn.execute("CREATE DATABASE stockgroups_bench")
    return base.rsplit("/", 1)[0] + "/stockgroups_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--postgres", metavar="URL",
                        help="an existing PostgreSQL server's URL (its stockgroups_bench "
                             "database is recreated); default: a throwaway local server")
    parser.add_argument("--keep", metavar="DIR", help="keep the archive and store here")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp, contextlib.ExitStack() as stack:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        archive, db = folder / "archive.jsonl", folder / "store.db"
        for old in folder.glob("store.db*"):
            old.unlink()
        originals = write_archive(archive, args.n)
        words = sum(len(json.loads(line)["text"].split()) for line in
                    archive.open(encoding="utf-8")) / args.n
        if args.backend in ("sqlite", "both"):
            results.append(measure("sqlite", str(db), archive, args))
        if args.backend in ("postgresql", "both"):
            results.append(measure("postgresql", postgres_url(args, stack), archive, args))
    print(f"articles            {args.n} (mean {words:.0f} words), jobs {args.jobs}, "
          f"{originals} planted stories, {args.n - originals} copies")
    for r in results:
        print(f"== {r['backend']}")
        print(f"stored              {r['counts']['articles']} articles in "
              f"{r['counts']['stories']} stories")
        print(f"ingest wall time    {r['elapsed']:.1f} s (process start, KB load and analysis "
              "included)")
        print(f"throughput          {args.n / r['elapsed']:,.0f} articles/s")
        print(f"peak RSS (client)   {r['peak_mb']:.0f} MB")
        print(f"store size          {r['size_mb']:.0f} MB")
        print(f"search p50 / p95    {r['p50']:.1f} / {r['p95']:.1f} ms ({args.queries} queries, "
              "top 20)")
        print(f"re-run (all known)  {r['rerun']:.1f} s: {r['rerun_summary']}")
        print(r["summary"])


if __name__ == "__main__":
    main()
