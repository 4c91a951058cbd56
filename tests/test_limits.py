"""Bounds: no page, file or listing may cost more than its limit, and each refusal is a row.

Real crawls against loopback sites with lowered limits (``-s``), so the pages
stay small and the tests fast; the memory figures at the default limits are
``benchmarks/memory.py``'s.
"""

import gzip
import subprocess
import sys
import textwrap

import pytest

from ingest.crawl.discovery import feed_entries, sitemap_entries
from ingest.extract.limits import Limits, TooLarge, check_elements, check_size, read_file
from ingest.extract.process import Job, process_job
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import FAST, ROOT, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story

BOMB_BYTES = 300_000_000  # what the bomb file unpacks to


@pytest.fixture(scope="module")
def plugins():
    return load_plugins(PluginConfig(entry_points=False))


def page_with(elements: int) -> bytes:
    """An article page of exactly ``elements`` elements (html, head, title, body, h1 and p's)."""
    paragraphs = "".join(f"<p>Line {i} of the story.</p>" for i in range(elements - 5))
    return f"<html><head><title>T</title></head><body><h1>T</h1>{paragraphs}</body></html>".encode()


def test_size_bound_is_inclusive():
    check_size(100, Limits(html_bytes=100))
    with pytest.raises(TooLarge, match=r"page has 102 bytes of HTML \(limit 100, "):
        check_size(102, Limits(html_bytes=100))
    # a reader that stops one byte past the bound (a WARC import) knows no more than that
    with pytest.raises(TooLarge, match=r"page has over 100 bytes of HTML \(limit 100, "):
        check_size(101, Limits(html_bytes=100))
    check_size(10**9, Limits(html_bytes=0))  # 0: no bound


def test_element_bound_counts_every_element(plugins):
    import lxml.html

    tree = lxml.html.document_fromstring(page_with(40))
    assert sum(1 for _ in tree.iter()) == 40
    check_elements(tree, Limits(elements=40))
    with pytest.raises(TooLarge, match="page has over 39 elements"):
        check_elements(tree, Limits(elements=39))


def test_a_page_past_a_bound_is_an_error_not_an_article(plugins):
    body = page_with(40)
    job = Job(url="https://n.example/a", body=body, classify=False, keep_body=True)
    assert process_job(plugins, job).article is not None

    job.limits = Limits(elements=39)
    outcome = process_job(plugins, job)
    assert outcome.article is None and outcome.is_article
    assert [(e["stage"], e["kind"]) for e in outcome.errors] == [("extract", "too_large")]
    assert outcome.body_z is not None  # parsed, so kept raw for a later re-extraction

    job.limits = Limits(html_bytes=len(body) - 2)
    outcome = process_job(plugins, job)
    assert outcome.errors[0]["message"].startswith(f"page has {len(body):,} bytes of HTML")
    assert outcome.body_z is None  # never decoded, never kept


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    path = tmp_path_factory.mktemp("bomb") / "bomb.html.gz"
    with gzip.open(path, "wb", compresslevel=9) as f:
        f.write(b"<html><body><p>")
        chunk = b"a" * 1_000_000
        for _ in range(BOMB_BYTES // len(chunk)):
            f.write(chunk)
    assert path.stat().st_size < 1_000_000
    return path


def test_read_file_stops_at_the_bound(bomb, tmp_path):
    with pytest.raises(TooLarge, match=r"bomb.html.gz unpacks to over 1,000 bytes"):
        read_file(bomb, 1000)
    plain = tmp_path / "page.html"
    plain.write_bytes(b"x" * 1001)
    assert read_file(plain, 1001) == b"x" * 1001
    with pytest.raises(TooLarge, match=r"page.html holds over 1,000 bytes"):
        read_file(plain, 1000)


def test_extract_refuses_a_gzip_bomb_in_bounded_memory(bomb):
    """`ingest extract` once unpacked the whole file: 300 MB here, gigabytes in the wild."""
    probe = textwrap.dedent(
        f"""
        import resource, subprocess, sys
        done = subprocess.run([sys.executable, "-m", "ingest", "extract", {str(bomb)!r}],
                              capture_output=True, text=True)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
        print(done.returncode, peak)
        print(done.stderr)
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    ).stdout
    status, peak = map(int, out.splitlines()[0].split())
    assert status == 1
    assert "extract too_large: " in out and "unpacks to over 5,000,000 bytes" in out
    assert peak < 200, f"ingest extract peaked at {peak} MB on a gzip bomb"


def test_listings_stop_at_the_entry_bound():
    urls = "".join(f"<url><loc>https://n.example/{i}</loc></url>" for i in range(7))
    sitemap = f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>"
    entries = sitemap_entries(sitemap.encode(), limit=7)
    assert len(entries) == 7 and not entries.more and entries.too_many(7) is None
    entries = sitemap_entries(sitemap.encode(), limit=5)
    assert [e.url for e in entries] == [f"https://n.example/{i}" for i in range(5)]
    assert entries.more
    assert entries.too_many(5) == (
        "lists more than 5 entries; the first 5 were planned (INGEST_MAX_LISTING_ENTRIES)"
    )
    items = "".join(f"<item><link>https://n.example/{i}</link></item>" for i in range(3))
    feed = f"<rss><channel>{items}</channel></rss>".encode()
    assert len(feed_entries(feed, limit=3)) == 3 and not feed_entries(feed, limit=3).more
    assert feed_entries(feed, limit=2).more


def hostile_site(base: str) -> dict:
    bomb = gzip.compress(b"<html><body>" + b" " * 5_000_000, compresslevel=9)
    urls = "".join(f"<url><loc>{base}/news/2024/03/s{i}</loc></url>" for i in range(7))
    pages = {f"/news/2024/03/s{i}": article_page(f"Story {i}", story(i)) for i in range(7)}
    return {
        "/": index_page(
            [
                "/big",
                "/bomb",
                "/huge",
                "/huge-unsized",
                "/long-line",
                "/many",
                "/rambling",
                "/sitemap.xml",
            ]
        ),
        "/big": article_page("Too big to extract", story(1, 600)),  # 162 KB
        "/bomb": Resource(bomb, headers={"Content-Encoding": "gzip"}),
        "/huge": Resource(b"<html><body>" + b"x" * 1_200_000 + b"</body></html>"),
        # its size announced by no header: Scrapy cancelled it with no word of why
        "/huge-unsized": Resource(
            b"<html><body>" + b"x" * 1_200_000 + b"</body></html>", unsized=True
        ),
        # headers that go on: a crawl grew by hundreds of MB a second reading them
        "/rambling": Resource(article_page("Rambling", story(2)), header_flood=2_000_000),
        "/long-line": Resource(article_page("Long", story(3)), headers={"X-Long": "a" * 20_000}),
        "/many": Resource(page_with(3000)),
        "/sitemap.xml": Resource(
            f"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>{urls}</urlset>",
            content_type="application/xml",
        ),
        **pages,
    }


def test_a_crawl_records_every_bound_it_meets(tmp_path):
    with LocalSite({}) as site:
        site.resources.update(
            {
                p: r if isinstance(r, Resource) else Resource(r)
                for p, r in hostile_site(site.url).items()
            }
        )
        db = tmp_path / "news.db"
        run_ingest(
            "crawl", site.url + "/", "--db", str(db), "--max-depth", "2", *FAST,
            "-s", "DOWNLOAD_MAXSIZE=1000000", "-s", "INGEST_MAX_HTML_BYTES=150000",
            "-s", "INGEST_MAX_ELEMENTS=2000", "-s", "INGEST_MAX_LISTING_ENTRIES=5",
            "-s", "ROBOTSTXT_OBEY=0",
            cwd=tmp_path,
        )  # fmt: skip
    errors = rows(db, "select replace(url, ?, ''), stage, kind from errors order by url", site.url)
    assert errors == [
        ("/big", "extract", "too_large"),
        ("/bomb", "fetch", "too_large"),
        ("/huge", "fetch", "too_large"),
        ("/huge-unsized", "fetch", "too_large"),
        ("/long-line", "fetch", "too_large"),
        ("/many", "extract", "too_large"),
        ("/rambling", "fetch", "too_large"),
        ("/sitemap.xml", "discover", "too_many_entries"),
    ]
    said = dict(rows(db, "select replace(url, ?, ''), message from errors", site.url))
    assert said["/rambling"] == "the answer's headers ran past 262,144 bytes"
    assert said["/long-line"] == "a header line of the answer ran past 16,384 bytes"
    assert said["/huge-unsized"] == (
        "the body ran past DOWNLOAD_MAXSIZE (no Content-Length announced its size)"
    )
    planned = rows(db, "select count(*) from urls where found_via like 'sitemap %'")
    assert planned == [(5,)]
    titles = rows(db, "select title from articles order by title")
    assert titles == [(f"Story {i}",) for i in range(5)]
    big = rows(db, "select message from errors where url = ?", site.url + "/big")[0][0]
    assert big.endswith("bytes of HTML (limit 150,000, INGEST_MAX_HTML_BYTES)")
    kept = rows(db, "select replace(url, ?, ''), body is not null from pages", site.url)
    assert ("/big", 0) in kept and ("/many", 1) in kept
    many = rows(db, "select message from errors where url = ?", site.url + "/many")
    assert many == [("page has over 2,000 elements (INGEST_MAX_ELEMENTS)",)]


def listing_chain(base: str, prefix: str, links: int) -> dict[str, Resource]:
    """Sitemap indexes (or feeds) ``{prefix}/0.xml``... each listing the next, ``links`` long."""
    ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
    chain = {}
    for n in range(links):
        nxt = f"{base}{prefix}/{n + 1}.xml"
        if prefix == "/feeds":
            body = f"<rss><channel><item><link>{nxt}</link></item></channel></rss>"
        else:
            body = f"<sitemapindex {ns}><sitemap><loc>{nxt}</loc></sitemap></sitemapindex>"
        chain[f"{prefix}/{n}.xml"] = Resource(body, content_type="application/xml")
    return chain


def test_a_chain_of_sitemap_indexes_or_feeds_is_read_only_so_deep(tmp_path):
    """Each sitemap index listing the next one was read to the crawl's end: an index is
    read through at most three others (INGEST_MAX_LISTING_DEPTH), feeds alike."""
    ns = "xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'"
    with LocalSite({}) as site:
        base = site.url
        site.resources.update(
            {
                "/robots.txt": Resource(f"Sitemap: {base}/idx/0.xml\n", "text/plain"),
                **listing_chain(base, "/idx", 6),
                **listing_chain(base, "/feeds", 6),
                "/idx/2.xml": Resource(  # nested twice, as real sites do: read
                    f"<sitemapindex {ns}><sitemap><loc>{base}/idx/3.xml</loc></sitemap>"
                    f"<sitemap><loc>{base}/news.xml</loc></sitemap></sitemapindex>",
                    content_type="application/xml",
                ),
                "/news.xml": Resource(
                    f"<urlset {ns}><url><loc>{base}/news/2024/03/s1</loc></url></urlset>",
                    content_type="application/xml",
                ),
                "/news/2024/03/s1": Resource(article_page("Story 1", story(1))),
                "/": Resource(index_page([])),  # the article's link home
            }
        )
        db = tmp_path / "news.db"
        run_ingest(
            "crawl", base + "/feeds/0.xml", "--db", str(db), *FAST, "-s", "ROBOTSTXT_OBEY=0",
            cwd=tmp_path,
        )  # fmt: skip
    assert "/idx/5.xml" not in site.hits and "/feeds/5.xml" not in site.hits
    kinds = (("/feeds", "feed"), ("/idx", "sitemap"))
    errors = rows(db, "select replace(url, ?, ''), stage, kind, message from errors", base)
    assert sorted(errors) == [
        (
            f"{p}/4.xml",
            "discover",
            "too_deep",
            f"a {kind} reached through 4 feeds and sitemaps (limit 3, "
            "INGEST_MAX_LISTING_DEPTH): not read",
        )
        for p, kind in kinds
    ]
    ended = rows(
        db, "select replace(url, ?, ''), state, reason from urls where url like '%.xml'", base
    )
    assert sorted(ended) == sorted(
        [(f"{p}/{n}.xml", "fetched", kind) for p, kind in kinds for n in range(4)]
        + [(f"{p}/4.xml", "fetched", "too_deep") for p, _ in kinds]
        + [("/news.xml", "fetched", "sitemap")]
    )
    assert rows(db, "select title from articles") == [("Story 1",)]
