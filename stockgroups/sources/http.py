"""The only HTTP code in Stock Groups: bounded, size-capped, and refusing private addresses.

Every hop of a redirect chain is resolved and checked, then the connection is made to
the very IP that was checked (the Host header and TLS name stay the hostname), so a
DNS answer that changes between check and connect cannot reach an internal address.
Proxies from the environment are not used: a proxy would make the connection itself,
and the address check would then guard the wrong host.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

from stockgroups import __version__
from stockgroups.errors import FetchError

DEFAULT_MAX_BYTES = 10 * 1024 * 1024  # a news page is rarely over 2 MB; 10 MB bounds memory
DEFAULT_TIMEOUT = 10.0
USER_AGENT = f"StockGroups/{__version__} (news analysis; +https://example.invalid/stockgroups)"
ALLOWED_SCHEMES = ("http", "https")
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
CHUNK_BYTES = 64 * 1024

# IPv6 prefixes that embed an IPv4 address a packet may end up at.
NAT64_PREFIX = ipaddress.ip_network("64:ff9b::/96")
# Special-purpose blocks some Python versions' ipaddress tables still call global
# (3.11 treats 192.0.0.8, the IPv4 dummy address, as global); no news site lives there.
EXTRA_BLOCKED = tuple(ipaddress.ip_network(n) for n in ("192.0.0.0/24", "100.64.0.0/10"))

# Link-local blocks and cloud instance-metadata endpoints: a request there can read a
# server's credentials, so allow_private alone never opens them (allow_link_local does).
METADATA_NETWORKS = tuple(ipaddress.ip_network(n) for n in (
    "169.254.0.0/16",  # IPv4 link-local: AWS, GCP, Azure, Oracle metadata at 169.254.169.254
    "fe80::/10",  # IPv6 link-local
    "100.100.100.200/32",  # Alibaba Cloud metadata
    "fd00:ec2::254/128",  # AWS metadata over IPv6
    "168.63.129.16/32",  # Azure host wire server
    "192.0.0.192/32",  # Oracle Cloud legacy metadata
))

Resolver = Callable[[str, int], Sequence[str]]


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT, max_bytes: int = DEFAULT_MAX_BYTES,
          allow_private: bool = False, allow_link_local: bool = False, max_redirects: int = 5,
          opener: Any = None, resolver: Resolver | None = None) -> tuple[bytes, str | None, str]:
    """GET a URL: (body, content type, final URL). Raises FetchError with a one-line reason.

    `timeout` is a budget for the whole fetch, redirects included; it is checked between
    reads, so one stalled read can overrun it by at most one more `timeout`. `opener` (anything with
    urllib's `open(request, timeout=)`) and `resolver` (host, port -> IP strings) are
    for tests; an injected opener makes its own connections, so IP pinning is then its job.
    """
    resolve = resolver or _getaddrinfo
    deadline = time.monotonic() + timeout
    current = url
    for _hop in range(max_redirects + 1):
        ip = _check_target(current, url, allow_private, resolve, allow_link_local)
        request = urllib.request.Request(current, headers={
            "User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain,"
            "application/json;q=0.9,*/*;q=0.5", "Accept-Encoding": "identity"})
        remaining = _remaining(deadline, url, timeout)
        response = _open(opener or pinned_opener(ip), request, remaining, url, timeout)
        try:
            status = getattr(response, "status", None) or response.getcode()
            if status in REDIRECT_CODES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(f"{url}: HTTP {status} redirect without a Location")
                current = urljoin(current, location.strip())
                continue
            if status >= 400:
                raise FetchError(f"{url}: HTTP {status}")
            body = _read_capped(response, max_bytes, deadline, url, timeout)
            return body, response.headers.get("Content-Type"), current
        finally:
            response.close()
    raise FetchError(f"{url}: too many redirects (more than {max_redirects})")


def is_public_address(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for a globally routable unicast address; False for anything internal or special."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            addr = ipaddress.IPv6Address(str(addr).split("%", 1)[0])
        if addr.ipv4_mapped is not None:
            return is_public_address(addr.ipv4_mapped)
        embedded = addr.sixtofour or (addr.teredo[1] if addr.teredo else None)
        if embedded is None and addr in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is not None and not is_public_address(embedded):
            return False
    # is_global alone lets multicast through (224.0.0.1 is "global"), hence the full list.
    if any(addr in net for net in EXTRA_BLOCKED if net.version == addr.version):
        return False
    return addr.is_global and not (
        addr.is_private or addr.is_loopback or addr.is_link_local or addr.is_multicast
        or addr.is_reserved or addr.is_unspecified)


def is_link_local_or_metadata(ip: str | ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for link-local addresses and cloud-metadata endpoints, however written
    (IPv4-mapped, NAT64, 6to4 and Teredo forms included)."""
    addr = ipaddress.ip_address(ip) if isinstance(ip, str) else ip
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.scope_id:
            addr = ipaddress.IPv6Address(str(addr).split("%", 1)[0])
        embedded = addr.ipv4_mapped or addr.sixtofour or (addr.teredo[1] if addr.teredo
                                                           else None)
        if embedded is None and addr in NAT64_PREFIX:
            embedded = ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)
        if embedded is not None and is_link_local_or_metadata(embedded):
            return True
    return addr.is_link_local or any(addr in net for net in METADATA_NETWORKS
                                     if net.version == addr.version)


def parse_ip_host(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a numeric host names, in any form inet_aton accepts, else None.

    "2130706433", "0x7f.1", "0177.0.0.1" and "127.1" all mean 127.0.0.1 to the C resolver,
    so they are read the same way here rather than trusted to look like names.
    """
    host = host.strip("[]")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    parts = host.split(".")
    if parts and parts[-1] == "":
        parts = parts[:-1]  # a trailing dot ("127.0.0.1.") is still the same address
    if not 1 <= len(parts) <= 4:
        return None
    try:
        numbers = [_inet_aton_part(p) for p in parts]
    except ValueError:
        return None
    *leading, last = numbers
    if any(n > 0xFF for n in leading) or last >= 1 << (8 * (5 - len(numbers))):
        return None
    value = 0
    for n in leading:
        value = value << 8 | n
    value = value << (8 * (5 - len(numbers))) | last
    return ipaddress.IPv4Address(value)


def _inet_aton_part(part: str) -> int:
    if part.lower().startswith("0x"):
        return int(part[2:] or "0", 16)
    if len(part) > 1 and part.startswith("0"):
        return int(part, 8)
    if not part.isdigit():
        raise ValueError(part)
    return int(part)


def _check_target(current: str, original: str, allow_private: bool, resolve: Resolver,
                  allow_link_local: bool = False) -> str:
    """The IP to connect to for `current`, after the scheme and address checks."""
    try:
        parts = urlsplit(current)
        port = parts.port
    except ValueError as err:
        raise FetchError(f"{original}: invalid URL ({err})") from None
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        raise FetchError(f"{original}: only http and https URLs can be fetched")
    host = parts.hostname
    if not host:
        raise FetchError(f"{original}: URL has no host")
    if parts.username is not None or parts.password is not None:
        raise FetchError(f"{original}: URLs with a user name or password are not fetched")
    port = port or (443 if parts.scheme.lower() == "https" else 80)
    numeric = parse_ip_host(host)
    try:
        ips = [str(numeric)] if numeric is not None else list(resolve(host, port))
    except (OSError, UnicodeError) as err:
        raise FetchError(f"{original}: cannot resolve {host} ({err})") from None
    if not ips:
        raise FetchError(f"{original}: cannot resolve {host}")
    via = "" if current == original else f" (redirected to {current})"
    if not allow_link_local:
        for ip in ips:
            if is_link_local_or_metadata(ip):
                raise FetchError(f"{original}: refused: {host} is a private or reserved address "
                                 f"({ip}), link-local or cloud metadata, which only setting "
                                 f"allow_link_local opens{via}")
    if not allow_private:
        for ip in ips:
            if allow_link_local and is_link_local_or_metadata(ip):
                continue
            if not is_public_address(ip):
                raise FetchError(f"{original}: refused: {host} is a private or reserved "
                                 f"address ({ip}){via}")
    return ips[0]


def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    seen: list[str] = []
    for *_rest, sockaddr in infos:
        if sockaddr[0] not in seen:
            seen.append(sockaddr[0])
    return seen


def _remaining(deadline: float, url: str, timeout: float) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"{url}: timed out after {timeout:g} s")
    return left


def _open(opener: Any, request: urllib.request.Request, remaining: float, url: str,
          timeout: float) -> Any:
    try:
        return opener.open(request, timeout=remaining)
    except urllib.error.HTTPError as err:
        return err  # an error status is a response: the caller reads its code and headers
    except urllib.error.URLError as err:
        if isinstance(err.reason, (socket.timeout, TimeoutError)):
            raise FetchError(f"{url}: timed out after {timeout:g} s") from None
        raise FetchError(f"{url}: cannot connect ({err.reason})") from None
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except (http.client.HTTPException, OSError, ValueError) as err:
        raise FetchError(f"{url}: cannot fetch ({err})") from None


def _read_capped(response: Any, max_bytes: int, deadline: float, url: str,
                 timeout: float) -> bytes:
    """Read the body in chunks, stopping as soon as it passes max_bytes or the deadline."""
    length = response.headers.get("Content-Length")
    if length and length.isdigit() and int(length) > max_bytes:
        raise FetchError(f"{url}: larger than the {format_size(max_bytes)} limit")
    read = getattr(response, "read1", None) or response.read
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            _remaining(deadline, url, timeout)
            chunk = read(CHUNK_BYTES)
            if not chunk:
                break
            total += len(chunk)
            if total > max_bytes:
                raise FetchError(f"{url}: larger than the {format_size(max_bytes)} limit")
            chunks.append(chunk)
    except TimeoutError:
        raise FetchError(f"{url}: timed out after {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as err:
        raise FetchError(f"{url}: connection broken while reading ({err})") from None
    return b"".join(chunks)


def format_size(n: int) -> str:
    """10485760 -> "10 MB": how limits are named in messages."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if n >= scale and n % scale == 0:
            return f"{n // scale} {unit}"
    return f"{n} bytes"


def checked_ip(url: str, *, allow_private: bool = False, allow_link_local: bool = False,
               resolver: Resolver | None = None) -> str:
    """The address to connect to for `url`, after the scheme and private-address checks;
    with pinned_opener(), the building blocks for callers that need their own requests
    (conditional GETs in watch.py) under the same guard."""
    return _check_target(url, url, allow_private, resolver or _getaddrinfo, allow_link_local)


def pinned_opener(ip: str) -> urllib.request.OpenerDirector:
    """An opener whose connections go to `ip` only, with no redirect or proxy handling."""
    opener = urllib.request.OpenerDirector()
    opener.add_handler(_PinnedHTTPHandler(ip))
    opener.add_handler(_PinnedHTTPSHandler(ip))
    return opener


def _pin(conn: http.client.HTTPConnection, ip: str) -> http.client.HTTPConnection:
    # HTTPConnection.connect() calls self._create_connection((host, port), ...); swapping
    # the host for the checked IP keeps Host header, SNI and certificate name unchanged.
    def create(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        return socket.create_connection((ip, address[1]), *args, **kwargs)

    conn._create_connection = create  # type: ignore[attr-defined]
    return conn


class _PinnedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, ip: str) -> None:
        super().__init__()
        self._ip = ip

    def http_open(self, req: urllib.request.Request) -> Any:
        ip = self._ip
        return self.do_open(lambda host, **kw: _pin(http.client.HTTPConnection(host, **kw), ip),
                            req)


class _PinnedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, ip: str) -> None:
        super().__init__(context=ssl.create_default_context())
        self._ip = ip

    def https_open(self, req: urllib.request.Request) -> Any:
        ip = self._ip
        return self.do_open(
            lambda host, **kw: _pin(http.client.HTTPSConnection(host, **kw), ip),
            req, context=self._context)


def post_json(url: str, body: bytes, *, timeout: float = DEFAULT_TIMEOUT,
              allow_private: bool = False, headers: dict[str, str] | None = None,
              opener: Any = None, resolver: Resolver | None = None) -> int:
    """POST a JSON body (a webhook) under the same address guard as fetch(); redirects are
    not followed. Returns the status; FetchError on a refused target, timeout or HTTP error."""
    ip = checked_ip(url, allow_private=allow_private, resolver=resolver)
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "User-Agent": USER_AGENT, "Content-Type": "application/json", **(headers or {})})
    response = _open(opener or pinned_opener(ip), request, timeout, url, timeout)
    try:
        status = getattr(response, "status", None) or response.getcode()
        if status >= 300:
            raise FetchError(f"{url}: HTTP {status}")
        return int(status)
    finally:
        response.close()


__all__ = [
    "DEFAULT_MAX_BYTES",
    "USER_AGENT",
    "fetch",
    "post_json",
    "format_size",
    "is_link_local_or_metadata",
    "is_public_address",
    "parse_ip_host",
]
