"""The CLI as a user meets it: formats, exit codes, one-line errors, help on every command."""
import gzip
import json
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from stockgroups import config as settings
from stockgroups.interfaces.cli.main import main

STORY = "Workers strike at Escondida\n\nWorkers at the Escondida copper mine in Chile went on strike on Monday, halting output.\n"


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def story(tmp_path):
    p = tmp_path / "story.txt"
    p.write_text(STORY, encoding="utf-8")
    return p


def test_json_is_one_object_per_line_in_input_order(runner, tmp_path, story):
    second = tmp_path / "second.json"
    second.write_text(json.dumps({"title": "Rate hike", "body": "The Fed raised rates.", "published": "2024-01-02"}))
    result = runner.invoke(main, ["analyze", str(story), str(second), "--format", "json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [d["source"] for d in lines] == [str(story), str(second)]
    assert lines[1]["published"] == "2024-01-02"


def test_text_format_names_the_article(runner, story):
    result = runner.invoke(main, ["analyze", str(story)])
    assert result.exit_code == 0
    assert "Escondida" in result.output


@pytest.mark.parametrize("name, content, message", [
    ("junk.bin", bytes(range(256)) * 8, "binary"),
    ("empty.txt", b"", "empty"),
    ("bad.json", b'{"headline": 3}', "expected"),
    ("broken.gz", gzip.compress(STORY.encode())[:20], "gzip"),
])
def test_bad_inputs_get_one_line_and_the_good_ones_still_come_out(runner, tmp_path, story, name, content, message):
    bad = tmp_path / name
    bad.write_bytes(content)
    result = runner.invoke(main, ["analyze", str(bad), str(story), "--format", "json"])
    assert result.exit_code == 1
    err = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(err) == 1 and name in err[0] and message in err[0].lower(), err
    assert "Traceback" not in result.output + result.stderr
    assert json.loads(result.stdout.splitlines()[0])["source"] == str(story)


def test_missing_path(runner):
    result = runner.invoke(main, ["analyze", "/no/such/file.txt"])
    assert result.exit_code == 1
    assert "/no/such/file.txt" in result.stderr


def test_private_url_is_refused(runner):
    result = runner.invoke(main, ["analyze", "http://127.0.0.1:9/x"])
    assert result.exit_code == 1
    assert "127.0.0.1" in result.stderr and "Traceback" not in result.stderr


def test_oversize_input_refused(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "1000")
    big = tmp_path / "big.txt"
    big.write_text("Title\n\n" + "word " * 1000)
    result = runner.invoke(main, ["analyze", str(big)])
    assert result.exit_code == 1 and "big.txt" in result.stderr


def test_stdin(runner):
    result = runner.invoke(main, ["analyze", "-", "--format", "json"], input=STORY)
    assert result.exit_code == 0
    assert json.loads(result.output)["title"] == "Workers strike at Escondida"


def _commands(group, prefix=""):
    for name, cmd in group.commands.items():
        yield prefix + name, cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, prefix + name + " ")


def test_every_command_has_help_with_an_example_of_itself():
    runner = CliRunner()
    problems = []
    for name, cmd in _commands(main):
        out = runner.invoke(main, [*name.split(), "--help"])
        if out.exit_code != 0 or not cmd.help:
            problems.append(f"{name}: --help fails or is empty")
        elif not isinstance(cmd, click.Group):
            after = out.output.split("Example", 1)[1] if "Example" in out.output else ""
            if f"stockgroups {name}" not in after:
                problems.append(f"{name}: --help has no example running `stockgroups {name}`")
    assert not problems, "\n".join(problems)


def test_every_setting_is_documented_in_the_readme():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for s in settings.SETTINGS:
        assert s.name in readme and s.env in readme, s.name


def test_installed_entry_point_runs(story):
    exe = Path(sys.executable).with_name("stockgroups")
    proc = subprocess.run([str(exe), "analyze", str(story), "--format", "json"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["title"].startswith("Workers")


@pytest.mark.parametrize("url", ["ftp://example.com/story", "file:///etc/passwd", "gopher://x/1"])
def test_other_url_schemes_are_refused(runner, url):
    result = runner.invoke(main, ["analyze", url])
    assert result.exit_code == 1
    assert "only http and https" in result.stderr
