"""A test HTTP server on 127.0.0.1 in a thread, that stops by itself."""
from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIFETIME_S = 20.0  # the server stops after this, whatever the test does


class QuietHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


class LocalServer:
    """Serves `handler` on a free loopback port until stop() or LIFETIME_S."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.timeout = 0.05
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        deadline = time.monotonic() + LIFETIME_S
        while not self._stop.is_set() and time.monotonic() < deadline:
            self.httpd.handle_request()
        self.httpd.server_close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
