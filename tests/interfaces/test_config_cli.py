"""`stockgroups config` and bad settings at the command line."""
from __future__ import annotations

import json

from click.testing import CliRunner

from stockgroups.interfaces.cli.main import main


def test_config_shows_each_setting_value_and_source(monkeypatch, tmp_path):
    monkeypatch.setenv("STOCKGROUPS_HOME", str(tmp_path))
    (tmp_path / "config.toml").write_text('teaser_pages = 5\n')
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "20MB")
    out = CliRunner().invoke(main, ["config"])
    assert out.exit_code == 0, out.output
    lines = out.stdout.splitlines()
    assert lines[:2] == [f"Stock Groups folder: {tmp_path}",
                         f"config file: {tmp_path / 'config.toml'}"]
    table = {line.split()[0]: line.split(None, 2)[1:] for line in lines[2:]}
    assert table["max_bytes"] == ["20MB", "environment STOCKGROUPS_MAX_BYTES"]
    assert table["teaser_pages"] == ["5", f"config file {tmp_path / 'config.toml'}"]
    assert table["fetch_timeout"] == ["10s", "default"]
    data = json.loads(CliRunner().invoke(main, ["config", "--format", "json"]).stdout)
    assert {r["name"] for r in data["settings"]} >= {"max_bytes", "allow_link_local", "db"}


def test_bad_setting_is_a_one_line_error_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "ten megs")
    story = tmp_path / "s.txt"
    story.write_text("Title\n\nBody text.\n")
    for args in (["analyze", str(story)], ["config"],
                 ["ingest", str(story), "--db", str(tmp_path / "s.db")]):
        out = CliRunner().invoke(main, args)
        assert out.exit_code == 1, args
        assert out.output.strip() == ("Error: setting max_bytes: 'ten megs' from environment "
                                      "STOCKGROUPS_MAX_BYTES: not a size (use e.g. 10MB, 512k)")


def test_max_bytes_written_as_the_readme_writes_it_works_for_analyze(monkeypatch, tmp_path):
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "10MB")
    story = tmp_path / "s.txt"
    story.write_text("Copper miners strike in Chile\n\nWorkers at the mine went on strike.\n")
    out = CliRunner().invoke(main, ["analyze", str(story), "--format", "json"])
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["title"] == "Copper miners strike in Chile"
