"""Serve the demo sites on 127.0.0.1, as a web server and as an HTTP proxy.

The ``.example`` hosts resolve nowhere, so a crawl reaches them by sending
every request to this server as its proxy (Scrapy: ``meta["proxy"] =
server.proxy_url``, or ``HTTP_PROXY``); the request line then carries the
absolute URL and the server answers for that host. Plain requests are
answered by their ``Host`` header, so a browser with a hosts-file entry works
too. Nothing is logged: tests read ``hits`` instead.
"""

from __future__ import annotations

import contextlib
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

from ingest.demo.site import DemoSite, build_site

HTML = "text/html; charset=utf-8"
NOT_FOUND = (
    b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
    b"<body><h1>Not Found</h1><p>The requested page does not exist.</p></body></html>\n"
)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, site: DemoSite, hits: Counter[tuple[str, str]], lock: threading.Lock):
        self.site, self.hits, self.hits_lock = site, hits, lock
        super().__init__(("127.0.0.1", 0), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"  # keep-alive, as crawlers expect of a proxy
    server_version = "ingest-demo/1"

    def do_GET(self) -> None:
        self._answer(body=True)

    def do_HEAD(self) -> None:
        self._answer(body=False)

    def _target(self) -> tuple[str, str]:
        """(host, path) from an absolute request URI (proxy style) or the Host header."""
        if self.path.startswith(("http://", "https://")):
            parts = urlsplit(self.path)
            host = parts.hostname or ""
            path = parts.path or "/"
        else:
            host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
            path = urlsplit(self.path).path or "/"
        return host.lower().strip("[]"), path

    def _answer(self, body: bool) -> None:
        host, path = self._target()
        with self.server.hits_lock:
            self.server.hits[(host, path)] += 1
        found = self.server.site.files.get((host, path))
        status, (ctype, content) = (200, found) if found else (404, (HTML, NOT_FOUND))
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        if body:
            self.wfile.write(content)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass


class DemoServer:
    """The demo sites on a free port of 127.0.0.1, in a background thread.

    Use as a context manager (``with DemoServer() as server: ...``) or call
    ``start()`` and ``stop()``. ``hits`` counts requests per (host, path),
    404s included, so a test can tell what a crawl fetched and what it left;
    it outlives ``stop()``, to be read after a crawl.
    """

    def __init__(self, site: DemoSite | None = None):
        self.site = site or build_site()
        self.hits: Counter[tuple[str, str]] = Counter()
        self._hits_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> DemoServer:
        if self._server is None:
            self._server = _Server(self.site, self.hits, self._hits_lock)
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="ingest-demo-server", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._server = self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the demo server is not running")
        return self._server.server_address[1]

    @property
    def proxy_url(self) -> str:
        """What to give a crawler as its HTTP proxy for the ``.example`` hosts."""
        return f"http://127.0.0.1:{self.port}"


def main() -> None:
    """Serve until interrupted, for trying the demo by hand."""
    with DemoServer() as server:
        print(f"Serving the demo sites; use {server.proxy_url} as HTTP proxy. Ctrl-C stops.")
        for url in server.site.start_urls():
            print(" ", url)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
