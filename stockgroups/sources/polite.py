"""Politeness toward the sites we read: a delay between two requests to one host, and
robots.txt rules, fetched once per site through the guarded fetch."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from urllib import robotparser
from urllib.parse import urlsplit

from stockgroups.errors import FetchError
from stockgroups.sources import http as fetch_mod

POLITENESS_DELAY = 1.0  # seconds between two requests to the same host
_STATUS_RE = re.compile(r"HTTP (\d{3})")

Clock = Callable[[], float]
Sleep = Callable[[float], None]


class HostDelay:
    """Waits so that two requests to one host are at least `delay` seconds apart."""

    def __init__(self, delay: float = POLITENESS_DELAY, clock: Clock = time.monotonic,
                 sleep: Sleep = time.sleep) -> None:
        self.delay, self.clock, self.sleep = delay, clock, sleep
        self._last: dict[str, float] = {}

    def wait(self, url: str) -> None:
        host = (urlsplit(url).hostname or "").lower()
        last = self._last.get(host)
        if last is not None:
            gap = self.delay - (self.clock() - last)
            if gap > 0:
                self.sleep(gap)
        self._last[host] = self.clock()


Getter = Callable[[str], "tuple[bytes, str | None, str]"]


class Robots:
    """robots.txt rules per site, fetched once through the guarded fetch.

    A missing robots.txt (404, other 4xx, or unreachable) allows everything; 401 and 403
    forbid everything, as urllib.robotparser does.
    """

    def __init__(self, get: Getter, user_agent: str = fetch_mod.USER_AGENT,
                 delay: HostDelay | None = None) -> None:
        self.get, self.agent, self.delay = get, user_agent, delay
        self._sites: dict[str, robotparser.RobotFileParser] = {}

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        site = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        rules = self._sites.get(site)
        if rules is None:
            rules = self._sites[site] = self._load(site)
        return rules.can_fetch(self.agent, url)

    def _load(self, site: str) -> robotparser.RobotFileParser:
        rules = robotparser.RobotFileParser(site + "/robots.txt")
        if self.delay:
            self.delay.wait(site)
        try:
            body, _, _ = self.get(site + "/robots.txt")
        except FetchError as err:
            m = _STATUS_RE.search(str(err))
            if m and m.group(1) in ("401", "403"):
                rules.disallow_all = True
            else:
                rules.allow_all = True
            return rules
        rules.parse(body.decode("utf-8", errors="replace").splitlines())
        return rules


__all__ = ["POLITENESS_DELAY", "HostDelay", "Robots"]
