"""Every setting in one place, with its help text, built once at the edge into one typed object.

A value comes from, strongest first: a command-line flag, the environment
(STOCKGROUPS_<NAME>), the config file (TOML; `config.toml` in the user's Stock Groups
folder, or the file STOCKGROUPS_CONFIG names), else the default. Sizes read "10MB",
"512k" or a byte count; durations "30s", "5m", "1.5h" or seconds. A bad value is a
one-line SettingError naming the setting and where the value came from.
"""
from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from stockgroups.errors import StockGroupsError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10 reads TOML with the backport
    import tomli as tomllib

CONFIG_FILE_NAME = "config.toml"
CONFIG_ENV = "STOCKGROUPS_CONFIG"  # names another config file (an empty value: none at all)
HOME_ENV = "STOCKGROUPS_HOME"


class SettingError(StockGroupsError):
    """A setting has a value that cannot be read; the message names the setting and its source."""


# -- value types --------------------------------------------------------------------------

_SIZE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(i?b?)\s*$", re.IGNORECASE)
_SIZE_UNITS = {"": 1, "k": 1024, "m": 1024 ** 2, "g": 1024 ** 3}
_DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$", re.IGNORECASE)
_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}
_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off", "")


def parse_size(text: object) -> int:
    """"10MB", "10 MB", "512k", "1GiB", "2048" -> bytes (units of 1024, as limits are shown)."""
    if isinstance(text, bool):
        raise ValueError("not a size (use e.g. 10MB, 512k)")
    if isinstance(text, int):
        value = text
    else:
        m = _SIZE_RE.match(str(text))
        if not m or (m.group(3) and m.group(3).lower() == "i"):
            raise ValueError("not a size (use e.g. 10MB, 512k)")
        value = int(float(m.group(1)) * _SIZE_UNITS[m.group(2).lower()])
    if value <= 0:
        raise ValueError("must be more than zero")
    return value


def _seconds(text: object) -> float:
    if isinstance(text, bool):
        raise ValueError("not a duration (use e.g. 30s, 5m, 1h)")
    if isinstance(text, (int, float)):
        seconds = float(text)
    else:
        m = _DURATION_RE.match(str(text))
        if not m:
            raise ValueError("not a duration (use e.g. 30s, 5m, 1h)")
        seconds = float(m.group(1)) * _DURATION_UNITS[(m.group(2) or "s").lower()]
    if seconds < 0:
        raise ValueError("must not be negative")
    return seconds


def parse_duration(text: object) -> float:
    """"5m" -> 300.0; "90", "90s" -> 90.0; "1.5h" -> 5400.0; "250ms" -> 0.25."""
    seconds = _seconds(text)
    if seconds <= 0:
        raise ValueError("must be more than zero")
    return seconds


def parse_delay(text: object) -> float:
    """A duration that may be zero: "0" means no wait."""
    return _seconds(text)


def parse_bool(text: object) -> bool:
    if isinstance(text, bool):
        return text
    value = str(text).strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError("not a yes/no value (use true or false)")


def parse_count(text: object) -> int:
    if isinstance(text, bool):
        raise ValueError("not a whole number")
    try:
        value = int(str(text).strip()) if not isinstance(text, int) else text
    except ValueError:
        raise ValueError("not a whole number") from None
    if value < 0:
        raise ValueError("must be zero or more")
    return value


def parse_text(text: object) -> str:
    if not isinstance(text, str):
        raise ValueError("not a text value")
    return text


def parse_paths(text: object) -> tuple[str, ...]:
    """Folders separated by the OS path separator (":" here), or a TOML list of folders."""
    if isinstance(text, (list, tuple)):
        items = [str(t) for t in text]
    elif isinstance(text, str):
        items = text.split(os.pathsep)
    else:
        raise ValueError("not a list of folders")
    return tuple(os.path.expanduser(i) for i in items if i)


# -- the settings -------------------------------------------------------------------------


@dataclass(frozen=True)
class Setting:
    name: str
    parse: Callable[[object], Any]
    default: object  # raw value, read by `parse`; a callable is called at load time
    help: str
    flag: str = ""  # the command-line flag that sets it, where there is one

    @property
    def env(self) -> str:
        return "STOCKGROUPS_" + self.name.upper()


def user_home() -> Path:
    """The user's Stock Groups folder: $STOCKGROUPS_HOME, else $XDG_DATA_HOME/stockgroups,
    else ~/.local/share/stockgroups. Read at call time so tests can point it elsewhere."""
    if os.environ.get(HOME_ENV):
        return Path(os.environ[HOME_ENV]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stockgroups"


def user_kb_dir() -> Path:
    """Where the user's own companies and groups live (`stockgroups kb import`)."""
    return user_home() / "kb"


SETTINGS: tuple[Setting, ...] = (
    Setting("db", parse_text, "",
            "SQLite store of ingest, stories, search, export and watch; empty means "
            "stockgroups.db in the user's Stock Groups folder.", flag="--db"),
    Setting("max_bytes", parse_size, "10MB",
            "Largest input read (a file, stdin, a URL's body, one JSON Lines line, a gzip "
            "member once decompressed); larger inputs are refused. E.g. 10MB, 512k."),
    Setting("fetch_timeout", parse_duration, "10s",
            "Time budget for one URL, redirects included. E.g. 10s, 1m."),
    Setting("allow_private", parse_bool, False,
            "Allow URLs on private and loopback addresses (10.x, 192.168.x, 127.x, ...).",
            flag="--allow-private"),
    Setting("allow_link_local", parse_bool, False,
            "Allow link-local and cloud-metadata addresses (169.254.0.0/16, fe80::/10, "
            "100.100.100.200, fd00:ec2::254, ...), which allow_private alone never opens."),
    Setting("kb_dirs", parse_paths, lambda: str(user_kb_dir()),
            "Extra knowledge-base folders (separated by ':') loaded over the shipped one; by "
            "default the user's own folder, where `stockgroups kb import` writes."),
    Setting("teaser_pages", parse_count, 20,
            "Most article pages fetched for the teaser-only entries of one feed; the other "
            "entries keep their teaser. 0 fetches none."),
    Setting("teaser_time", parse_duration, "60s",
            "Time budget for fetching the article pages of one feed's teaser entries."),
    Setting("host_delay", parse_delay, "1s",
            "Least time between two requests to the same host (politeness).",
            flag="--politeness"),
    Setting("watch_every", parse_duration, "5m",
            "Time between two polls of one feed by `stockgroups watch`.", flag="--every"),
    Setting("api_key", parse_text, "",
            "Key that write requests of `serve` must send (X-API-Key header or Authorization: "
            "Bearer); empty means one generated on first serve and kept in the user's folder."),
    Setting("host", parse_text, "127.0.0.1", "Address `serve` listens on.", flag="--host"),
    Setting("port", parse_count, 8000, "Port `serve` listens on.", flag="--port"),
    Setting("max_body", parse_size, "1MB",
            "Largest request body `serve` accepts; larger ones get HTTP 413. E.g. 1MB."),
    Setting("rate_limit", parse_count, 1200,
            "Requests per minute one client may make to `serve` (bursts up to a fifth of it "
            "at once); 0 turns the limit off."),
    Setting("allow_private_webhooks", parse_bool, False,
            "Allow alert webhooks on private, loopback or link-local addresses."),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """The effective settings, typed; `origin[name]` says where each value came from."""

    db: str = ""
    max_bytes: int = 10 * 1024 * 1024
    fetch_timeout: float = 10.0
    allow_private: bool = False
    allow_link_local: bool = False
    kb_dirs: tuple[str, ...] = ()
    teaser_pages: int = 20
    teaser_time: float = 60.0
    host_delay: float = 1.0
    watch_every: float = 300.0
    api_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    max_body: int = 1024 * 1024
    rate_limit: int = 1200
    allow_private_webhooks: bool = False
    origin: Mapping[str, str] = field(default_factory=dict, compare=False)
    config_file: str | None = None  # the file read, if any

    def with_flags(self, **flags: Any) -> Settings:
        """A copy with the flags the user gave (None means not given)."""
        return load(flags=flags, base=self)


def config_path() -> Path | None:
    """The config file to read: $STOCKGROUPS_CONFIG (empty: none), else config.toml in the
    user's folder. It need not exist."""
    named = os.environ.get(CONFIG_ENV)
    if named is not None:
        return Path(named).expanduser() if named.strip() else None
    return user_home() / CONFIG_FILE_NAME


def _read_config_file(path: Path | None) -> tuple[dict[str, Any], str | None]:
    if path is None:
        return {}, None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        if os.environ.get(CONFIG_ENV):
            raise SettingError(f"{path}: config file not found (named by {CONFIG_ENV})") from None
        return {}, None
    except OSError as err:
        raise SettingError(f"{path}: cannot read the config file ({err.strerror or err})") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise SettingError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise SettingError(f"{path}: not valid TOML ({err})") from None
    table = data.get("stockgroups", data) if isinstance(data.get("stockgroups"), dict) else data
    for key in table:
        if key not in BY_NAME:
            known = ", ".join(BY_NAME)
            raise SettingError(f"{path}: unknown setting {key!r} (known: {known})")
    return dict(table), str(path)


def _parse(setting: Setting, raw: object, where: str) -> Any:
    try:
        return setting.parse(raw)
    except ValueError as err:
        shown = raw if isinstance(raw, str) else repr(raw)
        raise SettingError(f"setting {setting.name}: {shown!r} from {where}: {err}") from None


def load(flags: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None,
         base: Settings | None = None) -> Settings:
    """The effective settings from flags, environment, config file and defaults.

    `flags` maps setting names to the values given on the command line (None: not given).
    With `base`, only the flags are applied over an already loaded object.
    """
    flags = {k: v for k, v in (flags or {}).items() if v is not None}
    unknown = [k for k in flags if k not in BY_NAME]
    if unknown:
        raise SettingError(f"unknown setting(s): {', '.join(unknown)}")
    if base is not None:
        values = {f.name: getattr(base, f.name) for f in fields(Settings)
                  if f.name in BY_NAME}
        origin = dict(base.origin)
        config_file = base.config_file
    else:
        env = os.environ if env is None else env
        path = config_path()
        file_values, config_file = _read_config_file(path)
        values, origin = {}, {}
        for s in SETTINGS:
            if s.env in env:
                values[s.name] = _parse(s, env[s.env], f"environment {s.env}")
                origin[s.name] = f"environment {s.env}"
            elif s.name in file_values:
                values[s.name] = _parse(s, file_values[s.name], f"{config_file}")
                origin[s.name] = f"config file {config_file}"
            else:
                default = s.default() if callable(s.default) else s.default
                values[s.name] = _parse(s, default, "the default")
                origin[s.name] = "default"
    for name, raw in flags.items():
        s = BY_NAME[name]
        where = f"flag {s.flag}" if s.flag else f"flag --{name.replace('_', '-')}"
        values[name] = _parse(s, raw, where)
        origin[name] = where
    return Settings(**values, origin=origin, config_file=config_file)


def describe(settings: Settings) -> list[dict[str, Any]]:
    """One row per setting: name, value as shown to a user, where it came from, help."""
    rows = []
    for s in SETTINGS:
        value = getattr(settings, s.name)
        rows.append({"name": s.name, "value": show_value(s, value),
                     "source": settings.origin.get(s.name, "default"), "env": s.env,
                     "help": s.help})
    return rows


def show_value(setting: Setting, value: Any) -> str:
    if setting.parse is parse_size:
        for unit, scale in (("GB", 1024 ** 3), ("MB", 1024 ** 2), ("KB", 1024)):
            if value >= scale and value % scale == 0:
                return f"{value // scale}{unit}"
        return f"{value}"
    if setting.parse in (parse_duration, parse_delay):
        for unit, scale in (("h", 3600.0), ("m", 60.0), ("s", 1.0)):
            if value >= scale and value % scale == 0:
                return f"{value / scale:g}{unit}"
        return f"{value:g}s"
    if setting.parse is parse_paths:
        return os.pathsep.join(value)
    if setting.name == "db" and not value:
        return "(unset: stockgroups.db in the user's folder)"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def get(name: str) -> object:
    """One effective setting (environment, config file, default): the older interface,
    kept for callers that have no Settings object at hand. kb_dirs reads as ':'-joined text."""
    value = getattr(load(), BY_NAME[name].name)
    if isinstance(value, tuple):
        return os.pathsep.join(value)
    return value


__all__ = [
    "SETTINGS",
    "Setting",
    "SettingError",
    "Settings",
    "config_path",
    "describe",
    "get",
    "load",
    "parse_duration",
    "parse_size",
    "user_home",
    "user_kb_dir",
]
