"""Articles recognised by a real crawl: every shared evaluation page on its own host.

Serves each page of ../shared/eval (its trafilatura and outlets sets: real articles,
blogs and a few recipes and product pages) at its published address, through a local
server that the crawl uses as its proxy (``INGEST_PROXY``), crawls them all with
``ingest crawl``, and counts how each URL ended: an article, or why not. This is the
held-out measure "a crawl of news sites, each on its own host" on pages at hand.

    python benchmarks/recognised.py                      # seeded at each article
    python benchmarks/recognised.py --elsewhere          # each at another host
    python benchmarks/recognised.py --home --untyped     # found from a home page; no type
    python benchmarks/recognised.py --misses             # and list the pages not taken

``--elsewhere`` serves page N at ``http://siteN.test/`` with its path, as a mirror or a
test harness would: the page still names its published address (canonical link,
``og:url``, its own links). ``--home`` seeds each host's home page, which links to the
article, and follows links one hop. ``--untyped`` sends no Content-Type.
"""

from __future__ import annotations

import argparse
import sqlite3
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from crawl_speed import EVAL, page_bytes, serve_answers

from ingest.urls import canonical

SETTINGS = [
    "-s", "AUTOTHROTTLE_ENABLED=0",
    "-s", "DOWNLOAD_DELAY=0",
    "-s", "CONCURRENT_REQUESTS=32",
    "-s", "CONCURRENT_REQUESTS_PER_DOMAIN=8",
]  # fmt: skip


def eval_pages(elsewhere: bool) -> dict[str, bytes]:
    """Each shared page by the http address it is served at."""
    sys.path.insert(0, str(EVAL))
    import score

    pages: dict[str, bytes] = {}
    for dataset in ("trafilatura", "outlets"):
        for doc in score.load_dataset(str(EVAL / dataset))[1]:
            if not doc.url.startswith("http"):
                continue
            parts = urlsplit(doc.url)._replace(scheme="http")
            if elsewhere:
                parts = parts._replace(netloc=f"site{len(pages)}.test")
            pages[parts.geturl()] = page_bytes(doc.path)
    return pages


def loose(url: str) -> str:
    """A page's address without its query: the crawl drops tracking parameters."""
    return canonical(url).split("?")[0].rstrip("/")


def answers(pages: dict[str, bytes], home: bool, untyped: bool):  # noqa: ANN201
    by_canonical = {canonical(url): body for url, body in pages.items()}
    by_loose = {loose(url): body for url, body in pages.items()}
    homes: dict[str, list[str]] = {}  # a host's home page: the pages served on the host
    for url in pages:
        homes.setdefault(canonical(f"http://{urlsplit(url).netloc}/"), []).append(url)
    # no charset: the pages are bytes in their own encodings, which they declare
    headers = {"Content-Type": "" if untyped else "text/html"}

    def answer(url: str) -> tuple[bytes, dict[str, str]] | None:
        key = canonical(url)
        if home and key in homes and key not in by_canonical:  # unless a page is the home
            links = "".join(f'<li><a href="{u}">A story</a></li>' for u in homes[key])
            return f"<html><body><h1>Home</h1><ul>{links}</ul></body></html>".encode(), headers
        body = pages.get(url) or by_canonical.get(key) or by_loose.get(loose(url))
        return None if body is None else (body, headers)

    return answer, sorted(homes) if home else list(pages)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--elsewhere", action="store_true", help="each page at another host")
    parser.add_argument("--home", action="store_true", help="seed home pages linking to them")
    parser.add_argument("--untyped", action="store_true", help="send no Content-Type")
    parser.add_argument("--misses", action="store_true", help="list the pages not taken")
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"no evaluation data at {EVAL}")
    pages = eval_pages(args.elsewhere)
    answer, seeds = answers(pages, args.home, args.untyped)
    server = serve_answers(answer)
    proxy = f"INGEST_PROXY=http://127.0.0.1:{server.server_port}"
    follow = ["--max-depth", "1"] if args.home else ["--no-follow"]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "recognised.db"
        command = [sys.executable, "-m", "ingest", "crawl", "--db", str(db), *follow]
        done = subprocess.run(
            [*command, "-s", proxy, *SETTINGS, *seeds], capture_output=True, text=True
        )
        with sqlite3.connect(db) as conn:
            ends = dict(conn.execute("select url, reason from urls where state != 'alias'"))
    server.shutdown()
    fate = {url: ends.get(url) or ends.get(canonical(url), "never fetched") for url in pages}
    fates = Counter(fate.values())
    print(f"{len(pages)} pages, exit status {done.returncode}")
    print(f"  articles recognised: {fates.pop('article', 0)} of {len(pages)}")
    for reason, n in fates.most_common():
        print(f"  {reason}: {n}")
    if args.misses:
        for url, reason in fate.items():
            if reason != "article":
                print(f"  miss  {reason:<14} {url}")


if __name__ == "__main__":
    main()
