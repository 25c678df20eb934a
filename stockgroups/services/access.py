"""The API key that guards every write: the `api_key` setting, else one generated on
first use and kept in the user's folder (readable by the user only)."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from stockgroups import config
from stockgroups.errors import StockGroupsError

KEY_FILENAME = "api_key"
KEY_BYTES = 24


def key_path() -> Path:
    return config.user_home() / KEY_FILENAME


def api_key() -> tuple[str, bool]:
    """(the key, whether it was generated just now); the caller prints a new one once."""
    configured = str(config.get("api_key") or "").strip()
    if configured:
        return configured, False
    path = key_path()
    try:
        if path.exists():
            key = path.read_text(encoding="utf-8").strip()
            if key:
                return key, False
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(key + "\n")
    except OSError as err:
        raise StockGroupsError(f"{path}: cannot keep the API key ({err.strerror or err})") \
            from None
    return key, True


__all__ = ["api_key", "key_path"]
