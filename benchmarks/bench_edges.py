"""Edges of the input side, measured: peak memory on a gzip bomb line, and a teaser feed
read offline.

    .venv/bin/python benchmarks/bench_edges.py            # both
    .venv/bin/python benchmarks/bench_edges.py --bomb-gib 1

1. A JSON Lines gzip of about 4 MB holding one 4 GiB line between two good lines goes
   through `stockgroups ingest`: it must end with a one-line error for that line, the
   two good lines stored, and a peak RSS (of the child process) under 500 MB.
2. A feed of 55 teaser-only entries whose pages cannot be reached (the .invalid domain
   never resolves) goes through `stockgroups ingest`: how long it takes, and how many
   warning lines it prints.
"""
from __future__ import annotations

import argparse
import gzip
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EXE = str(Path(sys.executable).with_name("stockgroups"))
GOOD = b'{"title": "Copper strike", "text": "Workers at the mine in Chile went on strike."}\n'
CHUNK = 1 << 24


def build_bomb(path: Path, line_bytes: int) -> None:
    with gzip.open(path, "wb", compresslevel=9) as gz:
        gz.write(GOOD)
        gz.write(b'{"text": "')
        block = b"a" * CHUNK
        left = line_bytes
        while left > 0:
            gz.write(block[:min(CHUNK, left)])
            left -= CHUNK
        gz.write(b'"}\n')
        gz.write(GOOD.replace(b"Chile", b"Peru"))


def run(args: list[str], env: dict[str, str]) -> tuple[subprocess.CompletedProcess, float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run([EXE, *args], capture_output=True, text=True, env=env, timeout=3600)
    elapsed = time.perf_counter() - start
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return proc, elapsed, max(peak_kb, before) / 1024


def bomb(tmp: Path, gib: float, env: dict[str, str]) -> None:
    path = tmp / "bomb.jsonl.gz"
    t = time.perf_counter()
    build_bomb(path, int(gib * (1 << 30)))
    print(f"built {path.name}: {path.stat().st_size / 1e6:.1f} MB of gzip holding one "
          f"{gib:g} GiB line ({time.perf_counter() - t:.0f} s)")
    proc, elapsed, peak = run(["ingest", str(path), "--db", str(tmp / "bomb.db"), "-q",
                               "--jobs", "1"], env)
    print(f"ingest: exit {proc.returncode}, {elapsed:.0f} s, peak RSS {peak:.0f} MB")
    print("  stdout:", proc.stdout.strip())
    print("  stderr:", proc.stderr.strip())


def teasers(tmp: Path, env: dict[str, str]) -> None:
    items = "".join(
        f"<item><title>Teaser {i} on copper</title><link>https://news{i % 3}.invalid/s/{i}"
        f"</link><description>Short teaser {i} ...</description></item>" for i in range(55))
    feed = tmp / "teasers.xml"
    feed.write_text(f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                    f"<title>T</title>{items}</channel></rss>")
    proc, elapsed, _ = run(["ingest", str(feed), "--db", str(tmp / "t.db")], env)
    warnings = [line for line in proc.stderr.splitlines() if "warning" in line]
    print(f"teaser feed of 55 entries offline: exit {proc.returncode}, {elapsed:.1f} s, "
          f"{len(warnings)} warning line(s)")
    for line in warnings:
        print("  ", line[:200])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--bomb-gib", type=float, default=4.0)
    parser.add_argument("--skip-bomb", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        env = {**os.environ, "STOCKGROUPS_HOME": str(tmp / "home")}
        teasers(tmp, env)
        if not args.skip_bomb:
            bomb(tmp, args.bomb_gib, env)


if __name__ == "__main__":
    main()
