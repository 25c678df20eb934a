"""A throwaway PostgreSQL server for the store's tests: initdb into a temporary folder,
listen on a free loopback port, stopped (and its folder removed) by stop().

PostgreSQL refuses to run as root: under root the server runs as the `postgres` user
that Debian's package creates. Anything missing is a PgUnavailable with one line.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

START_TIMEOUT_S = 60
COMMAND_TIMEOUT_S = 120
SERVER_USER = "postgres"


class PgUnavailable(Exception):
    """The server could not be had; str() is the one line the test run prints."""


def _bindir() -> str:
    forced = os.environ.get("STOCKGROUPS_TEST_PG_BINDIR")  # for the test of this failing
    if forced is not None:
        if os.path.exists(os.path.join(forced, "initdb")):
            return forced
        raise PgUnavailable(f"no initdb in {forced}: run tools/ensure_postgres.sh or "
                            "apt-get install postgresql")
    try:
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True,
                             timeout=10, check=True).stdout.strip()
        if os.path.exists(os.path.join(out, "initdb")):
            return out
    except (OSError, subprocess.SubprocessError):
        pass
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if found:
        return os.path.dirname(found[-1])
    initdb = shutil.which("initdb")
    if initdb:
        return os.path.dirname(os.path.realpath(initdb))
    raise PgUnavailable("PostgreSQL server programs (initdb, pg_ctl) not found: run "
                        "tools/ensure_postgres.sh or apt-get install postgresql")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self) -> None:
        self.bindir = _bindir()
        self.root = tempfile.mkdtemp(prefix="stockgroups-pg-")
        self.data = os.path.join(self.root, "data")
        self.port = _free_port()
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam(SERVER_USER)
            except KeyError:
                raise PgUnavailable(f"running as root and there is no {SERVER_USER!r} user "
                                    "to run PostgreSQL as") from None
            os.chown(self.root, user.pw_uid, user.pw_gid)
            runuser = shutil.which("runuser")
            if not runuser:
                raise PgUnavailable("running as root and runuser is missing")
            self.prefix = [runuser, "-u", SERVER_USER, "--"]
        self.started = False

    def _run(self, *args: str) -> None:
        cmd = [*self.prefix, *args]
        try:
            done = subprocess.run(cmd, check=False, capture_output=True, text=True,
                                  timeout=COMMAND_TIMEOUT_S, cwd=self.root)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise PgUnavailable(f"{os.path.basename(args[0])} failed: {err}") from None
        if done.returncode:
            last = (done.stderr or done.stdout).strip().splitlines()[-1:] or ["no output"]
            raise PgUnavailable(f"{os.path.basename(args[0])} failed: {last[0]}")

    def start(self) -> str:
        """Start the server; returns the URL of its `postgres` database."""
        self._run(os.path.join(self.bindir, "initdb"), "-D", self.data, "-U", "stockgroups",
                  "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
        self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-o", opts, "-l",
                  os.path.join(self.root, "server.log"), "-w", "-t", str(START_TIMEOUT_S),
                  "start")
        self.started = True
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://stockgroups@127.0.0.1:{self.port}/{database}"

    def stop(self) -> None:
        try:
            if self.started:
                self._run(os.path.join(self.bindir, "pg_ctl"), "-D", self.data, "-m",
                          "immediate", "-w", "-t", "30", "stop")
        except PgUnavailable:
            pass
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
