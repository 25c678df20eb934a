"""`stockgroups watch` evaluates alert rules as it ingests; `alerts`, `serve` and the key."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

from click.testing import CliRunner
from localserver import LocalServer, QuietHandler

from stockgroups.interfaces.cli.main import main
from stockgroups.services import access, alerts
from stockgroups.store.sqlite import Store

FEED = Path(__file__).resolve().parents[1] / "fixtures" / "feeds" / "news" / "wire_rss2.xml"


def test_watch_delivers_each_matching_story_once_to_the_webhook(tmp_path, monkeypatch):
    monkeypatch.setenv("STOCKGROUPS_ALLOW_PRIVATE_WEBHOOKS", "1")
    posts = []
    body = FEED.read_bytes()

    class Handler(QuietHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self):
            posts.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = LocalServer(Handler)
    db = str(tmp_path / "w.db")
    try:
        with Store(db) as store:
            alerts.create_rule(store, name="metals", target="commodity:uranium",
                               webhook=server.base + "/hook", min_score=0.5,
                               allow_private=True)
        feeds = tmp_path / "feeds.txt"
        feeds.write_text(server.base + "/wire.xml\n")
        runner = CliRunner()
        args = ["watch", "--feeds", str(feeds), "--db", db, "--every", "50ms", "--rounds",
                "2", "--allow-private", "--politeness", "0", "--no-fetch-pages"]
        first = runner.invoke(main, args)
        again = runner.invoke(main, args)
    finally:
        server.stop()
    assert first.exit_code == 0, first.output
    assert "alerts: 1 new, 1 sent" in first.stderr
    assert again.exit_code == 0 and "alerts:" not in again.stderr
    assert [p["matched"] for p in posts] == ["commodity:uranium"]


def test_alerts_command_reports_counts(tmp_path):
    db = str(tmp_path / "a.db")
    Store(db).close()
    result = CliRunner().invoke(main, ["alerts", "--db", db])
    assert result.exit_code == 0 and "0 new alerts; 0 sent" in result.output


def test_alerts_command_never_creates_a_store(tmp_path):
    result = CliRunner().invoke(main, ["alerts", "--db", str(tmp_path / "missing.db")])
    assert result.exit_code == 1 and len(result.output.strip().splitlines()) == 1
    assert not (tmp_path / "missing.db").exists()


def test_serve_refuses_a_bad_port_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "s.db"),
                                       "--port", "70000"])
    assert result.exit_code == 2 and "70000" in result.output
    assert "Traceback" not in result.output


def test_api_key_is_generated_once_and_kept_private(monkeypatch):
    monkeypatch.delenv("STOCKGROUPS_API_KEY", raising=False)
    key, created = access.api_key()
    again, created_again = access.api_key()
    assert created and not created_again and key == again and len(key) >= 24
    assert stat.S_IMODE(os.stat(access.key_path()).st_mode) == 0o600
    monkeypatch.setenv("STOCKGROUPS_API_KEY", "from-the-setting")
    assert access.api_key() == ("from-the-setting", False)


def test_watchlist_commands_save_and_show_exposure(web_copy, tmp_path):
    csv = tmp_path / "h.csv"
    csv.write_text("ticker,weight\nCCJ,2\nXOM,1\n", encoding="utf-8")
    runner = CliRunner()
    saved = runner.invoke(main, ["watchlist", "save", "Mine", str(csv), "--db", str(web_copy)])
    assert saved.exit_code == 0 and "2 holdings" in saved.output
    shown = runner.invoke(main, ["watchlist", "show", "Mine", "--db", str(web_copy)])
    assert shown.exit_code == 0 and "CCJ" in shown.output and "net exposure" in shown.output
    bad = tmp_path / "bad.csv"
    bad.write_text("not a ticker!\n", encoding="utf-8")
    failed = runner.invoke(main, ["watchlist", "save", "X", str(bad), "--db", str(web_copy)])
    assert failed.exit_code == 1 and "line 1" in failed.output
    missing = runner.invoke(main, ["watchlist", "show", "Nope", "--db", str(web_copy)])
    assert missing.exit_code == 1 and "no watchlist named" in missing.output
