"""Throughput and scaling of `stockgroups batch` on Spark local[1] and local[2], beside `analyze`.

Generates N wire stories (the templates of bench_analyze.py), writes one JSON Lines file,
and times, as whole processes: `analyze --format json` pinned to one core, then the Spark job
with one and with two local cores. Spark's fixed cost (JVM, session, KB load per worker) is
measured on a 20-article run and reported apart from the steady rate.

    .venv/bin/python benchmarks/bench_batch.py [--n 200000] [--partitions 8]
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_analyze import make_story

CLI = Path(sys.executable).with_name("stockgroups")


def timed(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark command failed: {proc.stderr.decode()[-400:]}")
    return time.perf_counter() - t0


def write_corpus(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            story = make_story(rng)
            story["url"] = f"https://bench.example/{i}"
            story["published"] = f"2024-01-{1 + i % 28:02d}"
            fh.write(json.dumps(story) + "\n")


def batch(corpus: Path, out: Path, cores: int, partitions: int) -> float:
    if out.exists():
        shutil.rmtree(out)
    return timed([str(CLI), "batch", str(corpus), str(out), "--master", f"local[{cores}]",
                  "--partitions", str(partitions)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--partitions", type=int, default=8)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus, small = Path(tmp) / "stories.jsonl", Path(tmp) / "small.jsonl"
        write_corpus(corpus, args.n, args.seed)
        write_corpus(small, 20, args.seed)
        pin = ["taskset", "-c", "0"] if shutil.which("taskset") else []
        single = timed([*pin, str(CLI), "analyze", str(corpus), "--format", "json"])
        fixed = {k: batch(small, Path(tmp) / f"fixed{k}", k, args.partitions) for k in (1, 2)}
        runs = {k: batch(corpus, Path(tmp) / f"out{k}", k, args.partitions) for k in (1, 2)}
    print(f"articles                  {args.n}, {args.partitions} partitions")
    print(f"analyze, one process      {single:.1f} s, {args.n / single:.0f} articles/s")
    for k in (1, 2):
        steady = args.n / max(runs[k] - fixed[k], 1e-9)
        print(f"batch local[{k}]            {runs[k]:.1f} s whole, {args.n / runs[k]:.0f} articles/s; "
              f"fixed cost {fixed[k]:.1f} s; steady {steady:.0f} articles/s ({steady / k:.0f} per core)")
    print(f"scaling local[2]/local[1] {runs[1] / runs[2]:.2f}x whole, "
          f"{(runs[1] - fixed[1]) / (runs[2] - fixed[2]):.2f}x steady")
    print(f"per-core batch vs analyze {(args.n / (runs[1] - fixed[1])) / (args.n / single):.2f}")


if __name__ == "__main__":
    main()
