"""Small web sites the tests build and serve on 127.0.0.1, for real crawls."""

from __future__ import annotations

import contextlib
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Protocol


class Hold(Protocol):
    def wait(self, timeout: float | None = None) -> object: ...


@dataclass
class Resource:
    body: bytes | str
    content_type: str | None = "text/html; charset=utf-8"  # None: no Content-Type header
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering: a server that hangs
    headers: dict[str, str] | None = None  # more response headers (Location for a redirect)
    trickle: float = 0.0  # seconds between bytes: a server that never quite finishes
    cut: int | None = None  # bytes of the body sent before the connection closes: a drop
    conditional: Resource | None = None  # the answer to a request with If-None-Match
    unsized: bool = False  # no Content-Length: the body ends when the connection closes
    header_flood: int = 0  # bytes of headers to send before the others: a server that rambles
    # waited on (an Event, a Barrier: anything with .wait(timeout)) before answering, for
    # up to HOLD seconds: a page held until something else has happened
    hold: Hold | None = None


#: Seconds a ``Resource.hold`` keeps its request at most (less than DOWNLOAD_TIMEOUT).
HOLD = 20


class LocalSite:
    """A threaded HTTP server over a dict of path -> Resource, changeable between crawls."""

    def __init__(self, resources: dict[str, Resource | str], host: str = "127.0.0.1"):
        self.resources = {
            p: r if isinstance(r, Resource) else Resource(r) for p, r in resources.items()
        }
        # one entry each per request, in the same order in all three (their handlers run
        # in threads of their own: one lock over the three appends)
        self.hits: list[str] = []
        self.hit_times: list[float] = []  # time.monotonic() of each request's arrival
        self.asked: list[dict[str, str]] = []  # each request's headers
        lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                with lock:
                    site.hits.append(self.path)
                    site.hit_times.append(time.monotonic())
                    site.asked.append(dict(self.headers))
                resource = site.resources.get(self.path)
                if resource is None:
                    resource = Resource("<html><body>not found</body></html>", status=404)
                if resource.conditional and self.headers.get("If-None-Match"):
                    resource = resource.conditional
                if resource.hold is not None:  # a barrier the others never came to: answer
                    with contextlib.suppress(threading.BrokenBarrierError):
                        resource.hold.wait(HOLD)
                if resource.delay:
                    time.sleep(resource.delay)
                body = resource.body.encode() if isinstance(resource.body, str) else resource.body
                try:
                    self.send_response(resource.status)
                    if resource.content_type is not None:
                        self.send_header("Content-Type", resource.content_type)
                    if not resource.unsized:
                        self.send_header("Content-Length", str(len(body)))
                    for _ in range(resource.header_flood // 1000):
                        self.send_header("X-Pad", "a" * 990)
                        self.flush_headers()
                    for name, value in (resource.headers or {}).items():
                        self.send_header(name, value)
                    self.end_headers()
                    if resource.trickle:
                        for i in range(len(body)):
                            self.wfile.write(body[i : i + 1])
                            self.wfile.flush()
                            time.sleep(resource.trickle)
                    else:
                        self.wfile.write(body[: resource.cut])
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LocalSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def article_page(
    title: str,
    paragraphs: list[str],
    links: list[str] = (),
    site: str = "Test Daily",
    published: str | None = "2024-03-01",
) -> str:
    """A plain news article page with a little boilerplate around the story."""
    body = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    dated = (
        f'<meta property="article:published_time" content="{published}T08:00:00Z">'
        if published
        else ""
    )
    nav = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>{title} | {site}</title>
<meta property="og:type" content="article">
<meta property="og:site_name" content="{site}">
{dated}
</head><body>
<header><div class="logo">{site}</div><nav><ul><li><a href="/">Home</a></li></ul></nav></header>
<main><article><h1>{title}</h1>
<p class="byline">By Ada Writer</p>
{body}
</article>
<aside><h2>More stories</h2><ul>{nav}</ul></aside></main>
<footer><p>Sign up for our free newsletter to get the latest news in your inbox.</p>
<p>© 2024 {site}. All rights reserved.</p></footer>
</body></html>"""


def index_page(links: list[str], site: str = "Test Daily") -> str:
    items = "".join(f'<li><a href="{href}">Story {i}</a></li>' for i, href in enumerate(links))
    return f"""<!doctype html><html lang="en"><head><title>{site}</title></head>
<body><h1>{site}</h1><ul>{items}</ul></body></html>"""


SENTENCES = [
    "The city council approved the new budget after a long debate on Tuesday evening.",
    "Officials said the plan would fund repairs to bridges and schools across the region.",
    "Critics argued that the spending was rushed and lacked a clear review process.",
    "Residents who attended the meeting asked for more details about the timeline.",
    "The mayor promised a public report on the progress of every project next spring.",
    "Economists expect the investment to create several hundred jobs in construction.",
]


def story(n: int, paragraphs: int = 4) -> list[str]:
    """Distinct, realistic paragraphs for story ``n``."""
    return [
        f"Story {n}, part {i + 1}: "
        + " ".join(SENTENCES[(n + i + k) % len(SENTENCES)] for k in range(3))
        for i in range(paragraphs)
    ]


# Words for stories that share no five words in a row, for duplicate detection tests.
WORDS = (
    "council budget river bridge school hospital railway station harbour market winter "
    "summer election minister mayor court judge police village farmers workers union "
    "museum festival library teacher students doctors nurses tenants landlord factory "
    "engineers drought flood storm energy prices wages pensions taxes tourism airport"
).split()


def prose(n: int, paragraphs: int = 4) -> list[str]:
    """Distinct paragraphs for story ``n``: no two stories share five words in a row."""
    out = []
    for p in range(paragraphs):
        words = [WORDS[(n * 7 + p * 13 + i * (n + 3)) % len(WORDS)] for i in range(18)]
        out.append(f"Story {n} part {p}: " + " ".join(words) + ".")
    return out
