"""fetch(): a real HTTP server on 127.0.0.1 for limits, fakes for anything off-machine."""
from __future__ import annotations

import ipaddress
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from stockgroups.errors import FetchError
from stockgroups.sources.http import USER_AGENT, fetch, is_public_address, parse_ip_host

STOP = threading.Event()
HITS: dict[str, int] = {}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        path = self.path
        HITS[path] = HITS.get(path, 0) + 1
        try:
            self._route(path)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up first, which is what several tests want

    def _send(self, status: int, body: bytes = b"", ctype: str = "text/plain; charset=utf-8",
              headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _route(self, path: str) -> None:
        if path == "/story":
            self._send(200, b"<html><body><p>Copper rose.</p></body></html>",
                       "text/html; charset=utf-8")
        elif path == "/echo":
            self._send(200, f"{self.headers['Host']}\n{self.headers['User-Agent']}".encode())
        elif path == "/big":  # no Content-Length: only the streaming cap can stop it
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(64):
                if STOP.is_set():
                    return
                self.wfile.write(chunk)
        elif path == "/big-declared":
            self._send(200, b"tiny", headers={"Content-Length": str(10**9)})
        elif path == "/slow":
            STOP.wait(3)
            self._send(200, b"late")
        elif path == "/drip":  # headers at once, then a byte every 50 ms for ever
            self.send_response(200)
            self.end_headers()
            while not STOP.wait(0.05):
                self.wfile.write(b".")
                self.wfile.flush()
        elif path == "/loop":
            self._send(302, headers={"Location": "/loop"})
        elif path.startswith("/hop/"):
            n = int(path.rsplit("/", 1)[1])
            self._send(302, headers={"Location": f"/hop/{n - 1}" if n > 1 else "/story"})
        elif path == "/no-location":
            self._send(301)
        elif path == "/teapot":
            self._send(418, b"short and stout")
        else:
            self._send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    STOP.clear()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        STOP.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join(5)


# --- against the local server (allow_private=True: it lives on 127.0.0.1) --------------

def test_fetch_ok(server: str) -> None:
    body, ctype, final = fetch(f"{server}/story", allow_private=True)
    assert body == b"<html><body><p>Copper rose.</p></body></html>"
    assert ctype == "text/html; charset=utf-8"
    assert final == f"{server}/story"


def test_user_agent_names_stock_groups(server: str) -> None:
    body, _, _ = fetch(f"{server}/echo", allow_private=True)
    assert body.decode().splitlines()[1] == USER_AGENT
    assert "StockGroups" in USER_AGENT


def test_connects_to_the_checked_ip_with_the_original_host_header(server: str) -> None:
    port = server.rsplit(":", 1)[1]
    asked: list[str] = []

    def resolver(host: str, port_: int) -> list[str]:
        asked.append(host)
        return ["127.0.0.1"]

    body, _, _ = fetch(f"http://news.example:{port}/echo", allow_private=True,
                       resolver=resolver)
    assert asked == ["news.example"]  # resolved once, by us, then connected to that IP
    assert body.decode().splitlines()[0] == f"news.example:{port}"


@pytest.mark.parametrize("path, status", [("/missing", 404), ("/teapot", 418)])
def test_http_errors(server: str, path: str, status: int) -> None:
    with pytest.raises(FetchError) as err:
        fetch(f"{server}{path}", allow_private=True)
    assert str(err.value) == f"{server}{path}: HTTP {status}"


def test_size_cap_while_streaming(server: str) -> None:
    with pytest.raises(FetchError) as err:
        fetch(f"{server}/big", allow_private=True, max_bytes=100 * 1024)
    assert str(err.value) == f"{server}/big: larger than the 100 KB limit"


def test_size_cap_from_content_length(server: str) -> None:
    with pytest.raises(FetchError) as err:
        fetch(f"{server}/big-declared", allow_private=True)
    assert str(err.value) == f"{server}/big-declared: larger than the 10 MB limit"


@pytest.mark.parametrize("path", ["/slow", "/drip"])
def test_a_slow_or_dripping_server_times_out_as_a_whole(server: str, path: str) -> None:
    # /drip sends a byte every 50 ms for ever: only a timeout on the whole fetch ends it (a
    # per-read timeout would run until the suite's own timeout stops the test).
    with pytest.raises(FetchError) as err:
        fetch(f"{server}{path}", allow_private=True, timeout=0.3)
    assert str(err.value) == f"{server}{path}: timed out after 0.3 s"


def test_redirects_are_followed_and_final_url_reported(server: str) -> None:
    body, _, final = fetch(f"{server}/hop/3", allow_private=True)
    assert body.startswith(b"<html>") and final == f"{server}/story"


def test_redirect_limit(server: str) -> None:
    HITS.pop("/loop", None)
    with pytest.raises(FetchError) as err:
        fetch(f"{server}/loop", allow_private=True, max_redirects=3)
    assert str(err.value) == f"{server}/loop: too many redirects (more than 3)"
    assert HITS["/loop"] == 4  # the first request and three redirects, no more
    fetch(f"{server}/hop/5", allow_private=True, max_redirects=5)
    with pytest.raises(FetchError, match="too many redirects"):
        fetch(f"{server}/hop/6", allow_private=True, max_redirects=5)


def test_redirect_without_location(server: str) -> None:
    with pytest.raises(FetchError, match=r"/no-location: HTTP 301 redirect without a Location"):
        fetch(f"{server}/no-location", allow_private=True)


def test_local_server_refused_without_allow_private(server: str) -> None:
    HITS.pop("/story", None)
    with pytest.raises(FetchError) as err:
        fetch(f"{server}/story")
    assert str(err.value) == (f"{server}/story: refused: 127.0.0.1 is a private or reserved "
                              "address (127.0.0.1)")
    assert "/story" not in HITS  # refused before connecting


# --- redirects and resolution with injected fakes: nothing leaves the machine ----------

class FakeResponse:
    def __init__(self, status: int, headers: dict[str, str], body: bytes = b"") -> None:
        self.status = status
        self.headers = headers
        self._body = [body]

    def read(self, n: int = -1) -> bytes:
        return self._body.pop() if self._body else b""

    def close(self) -> None:
        pass


class FakeOpener:
    """Serves canned responses by URL; records what was requested."""

    def __init__(self, routes: dict[str, FakeResponse]) -> None:
        self.routes = routes
        self.requested: list[str] = []

    def open(self, request: Any, timeout: float) -> FakeResponse:
        self.requested.append(request.full_url)
        return self.routes[request.full_url]


def public_resolver(table: dict[str, list[str]]) -> Any:
    def resolve(host: str, port: int) -> list[str]:
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]
    return resolve


@pytest.mark.parametrize("location, resolved", [
    ("http://internal.example/admin", {"internal.example": ["10.0.0.7"]}),
    ("http://metadata.example/latest", {"metadata.example": ["169.254.169.254"]}),
    ("http://2130706433/", {}),
    ("http://0x7f.1/", {}),
    ("http://[::ffff:127.0.0.1]/", {}),
    ("http://[::1]:8080/", {}),
    ("https://mixed.example/", {"mixed.example": ["93.184.216.34", "192.168.1.5"]}),
])
def test_redirect_to_private_address_is_refused(location: str,
                                                resolved: dict[str, list[str]]) -> None:
    opener = FakeOpener({"https://news.example/story": FakeResponse(302, {"Location": location})})
    resolver = public_resolver({"news.example": ["93.184.216.34"], **resolved})
    with pytest.raises(FetchError) as err:
        fetch("https://news.example/story", opener=opener, resolver=resolver)
    message = str(err.value)
    assert message.startswith("https://news.example/story: refused: ")
    assert f"(redirected to {location})" in message
    assert opener.requested == ["https://news.example/story"]  # never asked for the target


def test_public_redirect_is_followed_with_fakes() -> None:
    opener = FakeOpener({
        "https://news.example/a": FakeResponse(301, {"Location": "/b"}),
        "https://news.example/b": FakeResponse(200, {"Content-Type": "text/html"}, b"<p>ok</p>"),
    })
    resolver = public_resolver({"news.example": ["93.184.216.34"]})
    assert fetch("https://news.example/a", opener=opener, resolver=resolver) == (
        b"<p>ok</p>", "text/html", "https://news.example/b")


def test_unresolvable_host() -> None:
    with pytest.raises(FetchError) as err:
        fetch("https://nowhere.example/", resolver=public_resolver({}))
    assert str(err.value).startswith("https://nowhere.example/: cannot resolve nowhere.example")


def test_credentials_in_url_refused() -> None:
    with pytest.raises(FetchError, match="user name or password"):
        fetch("https://user:secret@news.example/", resolver=public_resolver({}))


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://ftp.example.com/x", "gopher://x.example/", "javascript:alert(1)",
    "data:text/plain,hi",
])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(FetchError) as err:
        fetch(url, resolver=public_resolver({}))
    assert str(err.value) == f"{url}: only http and https URLs can be fetched"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://0177.0.0.1/",
    "http://127.1/", "http://0x7f000001/", "http://[::1]/", "http://[::ffff:7f00:1]/",
    "http://0.0.0.0/", "http://0/", "http://10.1.2.3/", "http://169.254.169.254/latest/",
    "http://[fe80::1]/", "http://localhost/",
])
def test_private_hosts_refused_before_connecting(url: str) -> None:
    def opener_must_not_run(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("connected")

    class Never:
        open = staticmethod(opener_must_not_run)

    with pytest.raises(FetchError, match="private or reserved address"):
        fetch(url, opener=Never())


# --- the address guard as pure functions ----------------------------------------------

@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.255.255.254", "10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "0.0.0.0", "100.64.0.1", "192.0.0.8", "198.18.0.1", "192.0.2.1",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "fe80::1", "fe80::1%eth0", "fc00::1", "fd12:3456::1", "ff02::1", "2001:db8::1",
    "::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:169.254.169.254", "64:ff9b::7f00:1",
    "2002:7f00:1::1", "2002:a00:1::1",
])
def test_not_public(address: str) -> None:
    assert not is_public_address(address)
    assert not is_public_address(ipaddress.ip_address(address.split("%")[0]))


@pytest.mark.parametrize("address", [
    "8.8.8.8", "93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "2a00:1450:4001::200e",
    "::ffff:8.8.8.8", "2002:808:808::1",
])
def test_public(address: str) -> None:
    assert is_public_address(address)


@pytest.mark.parametrize("host, address", [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("0x7F.0.0.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0177.1", "127.0.0.1"), ("127.1", "127.0.0.1"),
    ("0x7f000001", "127.0.0.1"), ("017700000001", "127.0.0.1"), ("127.0.0.1.", "127.0.0.1"),
    ("10.1.258", "10.1.1.2"), ("0", "0.0.0.0"), ("::1", "::1"), ("[::1]", "::1"),
    ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("8.8.8.8", "8.8.8.8"),
])
def test_parse_ip_host_reads_every_numeric_form(host: str, address: str) -> None:
    assert parse_ip_host(host) == ipaddress.ip_address(address)


@pytest.mark.parametrize("host", [
    "example.com", "1.2.3.4.5", "256.1.1.1", "1.2.3.256", "08.1.1.1", "127.0.0.1x",
    "4294967296", "", "news.example.com.",
])
def test_parse_ip_host_leaves_names_alone(host: str) -> None:
    assert parse_ip_host(host) is None


def test_https_goes_through_the_pinned_tls_handler(server: str) -> None:
    # The test server speaks plain HTTP, so the TLS handshake fails: proof that the
    # pinned HTTPS handler ran and turned the failure into a one-line FetchError.
    url = server.replace("http://", "https://") + "/story"
    with pytest.raises(FetchError) as err:
        fetch(url, allow_private=True, timeout=2)
    assert str(err.value).startswith(f"{url}: cannot connect (")
    assert "\n" not in str(err.value)


# --- link-local and cloud metadata: never opened by allow_private alone ------------------

METADATA_URLS = ["http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/",
                 "http://100.100.100.200/latest/", "http://[fd00:ec2::254]/latest/",
                 "http://[::ffff:169.254.169.254]/", "http://169.254.1.1/"]


@pytest.mark.parametrize("url", METADATA_URLS)
def test_metadata_addresses_refused_even_with_allow_private(url: str) -> None:
    class Never:
        @staticmethod
        def open(*args: Any, **kwargs: Any) -> None:
            raise AssertionError("connected")

    with pytest.raises(FetchError, match="link-local or cloud metadata, which only setting "
                                         "allow_link_local opens"):
        fetch(url, opener=Never(), allow_private=True)


def test_metadata_name_resolving_to_link_local_refused_with_allow_private() -> None:
    resolver = public_resolver({"metadata.google.internal": ["169.254.169.254"]})
    with pytest.raises(FetchError, match="allow_link_local"):
        fetch("http://metadata.google.internal/", resolver=resolver, allow_private=True)


def test_allow_link_local_opens_metadata_addresses() -> None:
    opener = FakeOpener({"http://169.254.169.254/x": FakeResponse(200, {}, b"ok")})
    body, _, _ = fetch("http://169.254.169.254/x", opener=opener, allow_link_local=True)
    assert body == b"ok"
