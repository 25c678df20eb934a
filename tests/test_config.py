"""The one typed settings object: sources in order, sizes and durations, one-line errors."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from stockgroups import config
from stockgroups.config import SETTINGS, SettingError, load, parse_duration, parse_size

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.parametrize("text, expected", [
    ("10MB", 10 * 1024 ** 2), ("10 MB", 10 * 1024 ** 2), ("512k", 512 * 1024),
    ("512KiB", 512 * 1024), ("1g", 1024 ** 3), ("2048", 2048), ("1.5m", 1572864),
    (4096, 4096),
])
def test_sizes_read_as_the_readme_writes_them(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("5m", 300.0), ("30s", 30.0), ("90", 90.0), ("1.5h", 5400.0), ("250ms", 0.25),
    ("1d", 86400.0), (12, 12.0),
])
def test_durations_read_with_units(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("bad", ["ten", "10 parsecs", "-5m", "0", "", "5mi"])
def test_bad_durations_are_refused(bad):
    with pytest.raises(ValueError):
        parse_duration(bad)


def test_environment_value_written_like_the_readme_is_accepted(monkeypatch):
    monkeypatch.setenv("STOCKGROUPS_MAX_BYTES", "10MB")
    s = load()
    assert s.max_bytes == 10 * 1024 * 1024
    assert s.origin["max_bytes"] == "environment STOCKGROUPS_MAX_BYTES"
    assert config.get("max_bytes") == 10 * 1024 * 1024  # the older interface agrees


def test_bad_environment_value_is_one_line_naming_setting_and_source(monkeypatch):
    monkeypatch.setenv("STOCKGROUPS_FETCH_TIMEOUT", "soon")
    with pytest.raises(SettingError) as err:
        load()
    assert str(err.value) == ("setting fetch_timeout: 'soon' from environment "
                              "STOCKGROUPS_FETCH_TIMEOUT: not a duration (use e.g. 30s, 5m, 1h)")


def test_flag_beats_environment_beats_file_beats_default(monkeypatch, tmp_path):
    home = Path(str(tmp_path))
    monkeypatch.setenv("STOCKGROUPS_HOME", str(home))
    (home / "config.toml").write_text('max_bytes = "2MB"\nfetch_timeout = "30s"\n'
                                      "teaser_pages = 3\nallow_private = true\n")
    monkeypatch.setenv("STOCKGROUPS_FETCH_TIMEOUT", "1m")
    s = load(flags={"allow_private": False, "db": None})
    assert (s.max_bytes, s.fetch_timeout, s.teaser_pages, s.allow_private) == (
        2 * 1024 ** 2, 60.0, 3, False)
    path = str(home / "config.toml")
    assert s.origin == {**s.origin, "max_bytes": f"config file {path}",
                        "fetch_timeout": "environment STOCKGROUPS_FETCH_TIMEOUT",
                        "allow_private": "flag --allow-private", "db": "default"}


def test_config_file_path_can_be_named(monkeypatch, tmp_path):
    other = tmp_path / "elsewhere.toml"
    other.write_text("[stockgroups]\nhost_delay = \"0\"\n")
    monkeypatch.setenv("STOCKGROUPS_CONFIG", str(other))
    assert load().host_delay == 0.0
    monkeypatch.setenv("STOCKGROUPS_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(SettingError, match="config file not found"):
        load()


@pytest.mark.parametrize("text, message", [
    ('max_bytes = "lots"\n', "setting max_bytes: 'lots' from {path}: not a size"),
    ("max_bites = 5\n", "{path}: unknown setting 'max_bites'"),
    ("max_bytes = \n", "{path}: not valid TOML"),
    ("allow_private = 3\n", "setting allow_private: '3' from {path}: not a yes/no value"),
])
def test_bad_config_file_is_one_line_error(monkeypatch, tmp_path, text, message):
    path = tmp_path / "config.toml"
    path.write_text(text)
    monkeypatch.setenv("STOCKGROUPS_CONFIG", str(path))
    with pytest.raises(SettingError) as err:
        load()
    assert str(err.value).startswith(message.format(path=path))
    assert "\n" not in str(err.value)


def test_every_setting_has_help_and_a_readme_row():
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("## Settings"):]
    section = section[:section.index("\n## ", 1)]
    rows = {m.group(1) for m in re.finditer(r"^\| (\w+) \| STOCKGROUPS_\w+ \|", section, re.M)}
    for s in SETTINGS:
        assert len(s.help) > 20 and s.help.endswith("."), s.name
        assert s.name in rows and s.env in section, s.name
    assert rows == {s.name for s in SETTINGS}


def test_every_default_parses():
    s = load(env={})
    assert s.max_bytes == 10 * 1024 ** 2 and s.fetch_timeout == 10.0
    assert all(v == "default" for v in s.origin.values())
