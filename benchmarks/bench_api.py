"""Load test of `stockgroups serve` over a store of 100,000 stories, loopback only.

Builds the store (the sample news analysed once by the real pipeline, then written as
100,000 stories dated over a year, straight through Store.insert, so the FTS index,
groups and companies tables are all full size), starts the real server in a child
process, and fires an open-loop load at a fixed rate (default 200 requests/s) on each
target: the story list page (/), a group page and GET /api/stories. Latency is measured
from the planned send time, so a stalled server cannot hide its queue. Bounded: a fixed
number of requests per target, a per-request timeout, and the server is stopped at the end.

    .venv/bin/python benchmarks/bench_api.py [--stories 100000] [--rate 200] [--seconds 10]
"""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stockgroups.kb.load import load_kb  # noqa: E402 (after the sys.path line above)
from stockgroups.model import Article  # noqa: E402
from stockgroups.services.ingest import analyse  # noqa: E402
from stockgroups.sources.router import iter_articles  # noqa: E402
from stockgroups.store import views  # noqa: E402
from stockgroups.store.base import ArticleRow  # noqa: E402
from stockgroups.store.sqlite import Store  # noqa: E402

DAY = 86400.0
END = 1_780_000_000.0  # the newest story's time (mid 2026)
BATCH = 5000
TARGETS = ("/", "/groups/commodity:crude-oil", "/api/stories?limit=30")
# Each request a distinct cursor: every one misses the read cache (same work, new key).
COLD_TARGETS = ("/api/stories?limit=30&cursor=1779000000.000000_{n}",
                "/?cursor=1779000000.000000_{n}")
REQUEST_TIMEOUT_S = 5.0
SERIAL = itertools.count(1_000_000)


def templates(kb) -> list[tuple]:
    """The sample news, analysed once: (title, text, analysis JSON, groups, version)."""
    out = []
    for _, item in iter_articles([str(ROOT / "samples")]):
        if isinstance(item, Article):
            title, text, data, groups, version, _sig, _facts = analyse(item, kb)
            out.append((title, text, data, groups, version))
    return out


def build(db: Path, n: int, seed: int = 11) -> float:
    rng = random.Random(seed)
    kb = load_kb()
    base = templates(kb)
    start = time.perf_counter()
    with Store(db) as store:
        for first in range(1, n + 1, BATCH):
            rows, new = [], []
            for i in range(first, min(n, first + BATCH - 1) + 1):
                title, text, data, groups, version = base[rng.randrange(len(base))]
                epoch = END - rng.random() * 365 * DAY
                stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))
                rows.append(ArticleRow(
                    id=i, story_id=i, url_key=f"bench.example/{i}", content_hash=f"h{i}",
                    source="bench", url=f"https://bench.example/{i}",
                    title=f"{title} #{i}", text=text, published=stamp, seen_at=stamp,
                    epoch=epoch, similarity=0.0, kb_version=version, analysis=data,
                    groups=groups, sig=None))
                new.append((i, 1.0))
            with store.transaction():
                store.insert(rows, new)
        views.refresh_index(store)
    return time.perf_counter() - start


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "STOCKGROUPS_API_KEY": "bench", "STOCKGROUPS_RATE_LIMIT": "0",
           "STOCKGROUPS_HOME": str(db.parent)}
    exe = Path(sys.executable).with_name("stockgroups")
    proc = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


async def one(reader_writer_pool: asyncio.Queue, path: str, port: int) -> tuple[int, int]:
    """GET over a kept-alive loopback connection: (status, body bytes)."""
    reader, writer = await reader_writer_pool.get()
    try:
        writer.write(f"GET {path.replace('{n}', str(next(SERIAL)))} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        length = 0
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
        body = await reader.readexactly(length)
        return status, len(body)
    finally:
        reader_writer_pool.put_nowait((reader, writer))


async def load(path: str, port: int, rate: float, count: int, conns: int) -> dict:
    pool: asyncio.Queue = asyncio.Queue()
    for _ in range(conns):
        pool.put_nowait(await asyncio.open_connection("127.0.0.1", port))
    latencies: list[float] = []
    errors = 0
    t0 = time.perf_counter() + 0.2

    async def fire(k: int) -> None:
        nonlocal errors
        planned = t0 + k / rate
        await asyncio.sleep(max(0.0, planned - time.perf_counter()))
        try:
            status, _ = await asyncio.wait_for(one(pool, path, port), REQUEST_TIMEOUT_S)
            if status != 200:
                errors += 1
        except (asyncio.TimeoutError, OSError, ValueError, IndexError):
            errors += 1
        latencies.append(time.perf_counter() - planned)

    await asyncio.gather(*(fire(k) for k in range(count)))
    elapsed = time.perf_counter() - t0
    while not pool.empty():
        _, writer = pool.get_nowait()
        writer.close()
    latencies.sort()

    def pct(p: float) -> float:
        return latencies[min(len(latencies) - 1, int(p * len(latencies)))] * 1000

    return {"target": path, "requests": count, "errors": errors,
            "achieved_rps": round(count / elapsed, 1), "p50_ms": round(pct(0.50), 1),
            "p95_ms": round(pct(0.95), 1), "p99_ms": round(pct(0.99), 1),
            "max_ms": round(latencies[-1] * 1000, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stories", type=int, default=100_000)
    parser.add_argument("--rate", type=float, default=200.0)
    parser.add_argument("--seconds", type=float, default=10.0, help="per target")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--keep", metavar="DIR", help="build (or reuse) the store here")
    parser.add_argument("--cold", action="store_true",
                        help="also run cache-missing requests (a new cursor each)")
    args = parser.parse_args()
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="sg-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "bench.db"
    if not db.exists():
        took = build(db, args.stories)
        print(f"built {args.stories:,} stories in {took:.1f} s "
              f"({db.stat().st_size / 1e6:.0f} MB)")
    port = free_port()
    server = start_server(db, port)
    results = []
    try:
        for path in TARGETS + (COLD_TARGETS if args.cold else ()):
            asyncio.run(load(path, port, args.rate, 20, 4))  # warm-up, not counted
            results.append(asyncio.run(load(path, port, args.rate,
                                            int(args.rate * args.seconds), args.connections)))
            print(json.dumps(results[-1]))
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = all(r["errors"] == 0 and r["p99_ms"] <= 100 for r in results
             if "{n}" not in r["target"])
    print("target 200 req/s with p99 <= 100 ms:", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
