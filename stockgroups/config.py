"""Every setting in one place, with its help text; environment variables override defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Setting:
    name: str
    default: object
    help: str

    @property
    def env(self) -> str:
        return "STOCKGROUPS_" + self.name.upper()


SETTINGS: tuple[Setting, ...] = (
    Setting("max_bytes", 10 * 1024 * 1024, "Largest input read, in bytes (files, stdin, URLs); larger inputs are refused."),
    Setting("fetch_timeout", 10.0, "Seconds to wait for a URL before giving up."),
    Setting("allow_private", False, "Allow fetching URLs on private, loopback or link-local addresses."),
    Setting("db", "", "SQLite store for ingest, stories, search, export and watch; empty means "
            "stockgroups.db in the user's folder ($STOCKGROUPS_HOME, else ~/.local/share/stockgroups)."),
    Setting("kb_dirs", lambda: str(user_kb_dir()),
            "Extra knowledge-base folders (os.pathsep separated) loaded over the shipped one; "
            "by default the user's own folder, where `stockgroups kb import` writes "
            "($STOCKGROUPS_HOME/kb, else ~/.local/share/stockgroups/kb)."),
    Setting("api_key", "", "Key that write requests of `serve` must send (X-API-Key header or "
            "Authorization: Bearer); empty means one generated on first serve and kept in the "
            "user's folder."),
    Setting("host", "127.0.0.1", "Address `serve` listens on."),
    Setting("port", 8000, "Port `serve` listens on."),
    Setting("max_body", 1024 * 1024, "Largest request body `serve` accepts, in bytes; larger "
            "ones get HTTP 413."),
    Setting("rate_limit", 1200, "Requests per minute one client may make to `serve` "
            "(bursts up to a fifth of it at once); 0 turns the limit off."),
    Setting("allow_private_webhooks", False, "Allow alert webhooks on private, loopback or "
            "link-local addresses."),
)


def user_home() -> Path:
    """The user's Stock Groups folder: $STOCKGROUPS_HOME, else $XDG_DATA_HOME/stockgroups,
    else ~/.local/share/stockgroups. Read at call time so tests can point it elsewhere."""
    if os.environ.get("STOCKGROUPS_HOME"):
        return Path(os.environ["STOCKGROUPS_HOME"]).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "stockgroups"


def user_kb_dir() -> Path:
    """Where the user's own companies and groups live (`stockgroups kb import`)."""
    return user_home() / "kb"


def get(name: str) -> object:
    """The setting's value: its environment variable if set, else the default."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = os.environ.get(setting.env)
    if raw is None:
        default = setting.default
        return default() if callable(default) else default
    if isinstance(setting.default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(setting.default, int):
        return int(raw)
    if isinstance(setting.default, float):
        return float(raw)
    return raw
