"""Every setting in one place, with its help text; environment variables override defaults."""
from __future__ import annotations

import os
from dataclasses import dataclass


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
    Setting("kb_dirs", "", "Extra knowledge-base folders (os.pathsep separated) loaded over the shipped one."),
)


def get(name: str) -> object:
    """The setting's value: its environment variable if set, else the default."""
    setting = next(s for s in SETTINGS if s.name == name)
    raw = os.environ.get(setting.env)
    if raw is None:
        return setting.default
    if isinstance(setting.default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(setting.default, int):
        return int(raw)
    if isinstance(setting.default, float):
        return float(raw)
    return raw
