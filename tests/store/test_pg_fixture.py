"""When no PostgreSQL server can be started, the store's PostgreSQL tests fail with one
line naming what is missing; they are never skipped."""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]


def test_missing_postgres_fails_the_postgres_tests_with_one_line(tmp_path):
    env = {**os.environ, "STOCKGROUPS_TEST_PG_BINDIR": str(tmp_path / "no-postgres")}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider",
         str(TESTS / "store" / "test_store.py"), "-k", "test_fresh_store_is_migrated"],
        capture_output=True, text=True, timeout=120, env=env, cwd=TESTS.parent, check=False)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert re.search(r"\b1 passed, \d+ deselected, 1 error\b", out), out  # sqlite ran
    assert "skipped" not in out
    message = f"PostgreSQL store tests: no initdb in {tmp_path / 'no-postgres'}"
    assert message in out and "During handling" not in out
