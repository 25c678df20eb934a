"""Screenshots of the main pages for the README (docs/screenshots/*.png).

Ingests samples/ into a throwaway store, serves it on a free loopback port, and has
Debian's chromium (through Playwright, no download) photograph each page's first screen.

    .venv/bin/python tools/take_screenshots.py
"""
from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
KEY = "screenshots"


def main() -> None:
    exe = Path(sys.executable).with_name("stockgroups")
    folder = Path(tempfile.mkdtemp(prefix="sg-shots-"))
    db = folder / "samples.db"
    subprocess.run([str(exe), "ingest", str(ROOT / "samples"), "--db", str(db), "--quiet"],
                   check=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"STOCKGROUPS_HOME": str(folder), "STOCKGROUPS_API_KEY": KEY,
           "PATH": "/usr/bin:/bin"}
    server = subprocess.Popen([str(exe), "serve", "--db", str(db), "--port", str(port)],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        OUT.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
            page = browser.new_page(viewport={"width": 1100, "height": 760}, base_url=base)
            page.goto("/")
            page.screenshot(path=str(OUT / "today.png"))
            page.click("a.title >> text=OPEC+ extends output cuts into next year")
            page.screenshot(path=str(OUT / "story.png"))
            page.locator("section[aria-label='exposure graph']").screenshot(
                path=str(OUT / "story-graph.png"))
            page.goto("/groups/commodity:crude-oil")
            page.screenshot(path=str(OUT / "group.png"))
            page.goto("/login")
            page.fill("input[name=api_key]", KEY)
            page.click("form.upload button")
            page.fill("input[name=name]", "Energy and metals")
            page.fill("textarea[name=holdings]", "ticker,weight\nXOM,3\nCVX,2\nCCJ,2\nFCX,1\n"
                      "commodity:gold,1")
            page.click("form.upload button")
            page.wait_for_url("**/watchlists/*")
            page.screenshot(path=str(OUT / "watchlist.png"))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print("\n".join(f"{f.name}: {f.stat().st_size // 1024} KB" for f in sorted(OUT.glob("*.png"))))


if __name__ == "__main__":
    main()
