"""WARC in and out: a crawl's archive, export of stored pages, import-warc and CC-NEWS.

Real WARC files (warcio writes and reads them), real crawls of the demo, and a
CC-NEWS-like tree (listing plus WARC files built here) served from loopback.
"""

import base64
import gzip
import hashlib
import io
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from ingest.archive.importer import iso
from ingest.archive.reading import readable_digest
from ingest.archive.records import WarcFiles
from ingest.article import decompress
from ingest.extract.limits import MAX_HTML_BYTES
from ingest.store.writer import Store

from conftest import FAST, rows, run_ingest
from sites import LocalSite, Resource, article_page, index_page, story

SKIP = {"first_seen", "last_seen", "crawl_id"}  # when and in which run, not what


def articles(db) -> list[tuple]:
    columns = [c for (_, c, *_) in rows(db, "pragma table_info(articles)") if c not in SKIP]
    return rows(db, f"select {', '.join(columns)} from articles order by id")


def stories(db) -> list[tuple]:
    """articles(), an exact copy's text read from its original, and which of two copies is
    the original (duplicate_of, cluster_id) left out: that is the order pages came in."""
    order = {"text", "duplicate_of", "cluster_id"}
    columns = [c for (_, c, *_) in rows(db, "pragma table_info(articles)") if c not in SKIP | order]
    text = "coalesce(a.text, (select o.text from articles o where o.id = a.duplicate_of))"
    listed = ", ".join(f"a.{c}" for c in columns)
    return rows(db, f"select {listed}, {text} from articles a order by a.id")


@pytest.fixture(scope="module")
def demo_with_warc(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("warc")
    run_ingest(
        "demo", "--db", str(tmp / "demo.db"), "--warc", str(tmp / "warc"),
        "-s", "INGEST_WARC_MAX_BYTES=300000", cwd=tmp,
    )  # fmt: skip
    return tmp


def test_a_crawl_archives_every_response_with_its_request(demo_with_warc):
    paths = sorted((demo_with_warc / "warc").glob("ingest-*.warc.gz"))
    assert len(paths) >= 3  # rotated past INGEST_WARC_MAX_BYTES
    assert all(p.stat().st_size < 300_000 + 100_000 for p in paths[:-1])
    records = []
    for path in paths:
        with open(path, "rb") as f:
            found = [
                (
                    r.rec_type,
                    r.rec_headers.get_header("WARC-Target-URI"),
                    r.http_headers,
                    r.content_stream().read(),
                )
                for r in ArchiveIterator(f)
            ]
        assert found[0][0] == "warcinfo"  # each file opens with its own
        records += found
    responses = [r for r in records if r[0] == "response"]
    requests = [r for r in records if r[0] == "request"]
    pages = rows(demo_with_warc / "demo.db", "select count(*) from pages")[0][0]
    robots = 4  # one robots.txt per outlet, fetched by Scrapy's middleware, not stored as pages
    assert len(responses) == len(requests) == pages + robots
    seed = "http://yenihaber.example/news/2021/04/russia-offers-pakistan-assistance"
    [(_, _, head, body)] = [r for r in responses if r[1] == seed]
    assert head.get_statuscode() == "200" and head.get_header("Content-Encoding") is None
    assert int(head.get_header("Content-Length")) == len(body) and b"Russia offers" in body


def test_every_stored_page_is_dated_as_its_warc_record(demo_with_warc):
    """One stamp for both: they were taken apart and now and then fell in different seconds."""
    dated = {}
    for path in sorted((demo_with_warc / "warc").glob("ingest-*.warc.gz")):
        with open(path, "rb") as f:
            for r in ArchiveIterator(f):
                if r.rec_type == "response":
                    url = r.rec_headers.get_header("WARC-Target-URI")
                    dated[url] = iso(r.rec_headers.get_header("WARC-Date"))
    pages = rows(demo_with_warc / "demo.db", "select url, fetched_at from pages")
    assert [(url, at, dated.get(url)) for url, at in pages if dated.get(url) != at] == []
    assert len(dated) == len(pages) + 4  # and the robots.txt files


def test_import_of_the_crawls_archive_gives_the_same_articles(demo_with_warc, tmp_path):
    db = tmp_path / "imported.db"
    warcs = [str(p) for p in sorted((demo_with_warc / "warc").glob("*.warc.gz"))]
    done = run_ingest("import-warc", *warcs, "--db", str(db))
    assert stories(db) == stories(demo_with_warc / "demo.db")
    assert len(articles(db)) == 180
    assert "320 pages imported" in done.stderr and "4 not 200, 12 not HTML" in done.stderr
    fetched = rows(db, "select fetched_at from pages where url like '%russia-offers-pakistan%'")
    crawled = rows(
        demo_with_warc / "demo.db", "select fetched_at from pages where url like '%russia-offers%'"
    )
    assert fetched == crawled  # the WARC-Date, to the second
    again = run_ingest("import-warc", *warcs, "--db", str(db))
    assert "0 pages imported" in again.stderr and f"{len(warcs)} done before" in again.stderr
    assert rows(db, "select count(*) from articles") == [(180,)]


def test_export_warc_round_trips_a_selection(demo_with_warc, tmp_path):
    out = tmp_path / "el-faro.warc.gz"
    done = run_ingest(
        "export", "--db", str(demo_with_warc / "demo.db"), "--format", "warc",
        "--outlet", "el-faro", "-o", str(out),
    )  # fmt: skip
    assert done.stderr.strip() == "45 pages exported"
    db = tmp_path / "el-faro.db"
    run_ingest("import-warc", str(out), "--db", str(db))
    original = [a for a in stories(demo_with_warc / "demo.db") if "elfarodelsur" in a[1]]
    assert stories(db) == original and len(original) == 45
    # The story El Faro published twice is stored once, whichever page came first.
    assert rows(db, "select count(*) from articles where duplicate_of is not null") == [(1,)]


def build_warc(path: Path, records: list[dict], gzipped: bool = True) -> Path:
    """A WARC file of the given responses (url, body, date, status, type) and revisits."""
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=gzipped)
        for r in records:
            kind = r.get("kind", "response")
            head = StatusAndHeaders(
                f"{r.get('status', 200)} OK",
                [
                    ("Content-Type", r.get("type", "text/html; charset=utf-8")),
                    *r.get("headers", []),
                ],
                protocol=r.get("protocol", "HTTP/1.1"),
            )
            body = r.get("body", b"")
            record = writer.create_warc_record(
                r["url"],
                kind,
                payload=io.BytesIO(body if kind == "response" else b""),
                http_headers=head,
                warc_headers_dict={"WARC-Date": r["date"], **r.get("warc", {})},
            )
            writer.write_record(record)
    return path


def import_said(
    records: int,
    imported: int,
    before: int = 0,
    filtered: int = 0,
    not_200: int = 0,
    not_html: int = 0,
    revisits: int = 0,
    requests: int = 0,
    other: int = 0,
    bad_urls: int = 0,
    bad_records: int = 0,
    read: int = 1,
    done: int = 0,
) -> str:
    """The line import-warc ends with: what became of every record it read."""
    return (
        f"{records} records: {imported} pages imported, {before} stored before, {filtered} "
        f"filtered out, {not_200} not 200, {not_html} not HTML, {revisits} revisits, "
        f"{requests} requests, {other} other records, {bad_urls} bad URLs, {bad_records} bad "
        f"records; {read} files read, {done} done before"
    )  # fmt: skip


def page(n: int) -> bytes:
    return article_page(f"Story {n}", story(n), published="2024-05-01").encode()


ARCHIVE = [
    {"url": "http://a.example/news/2024/05/one", "body": page(1), "date": "2024-05-01T10:00:00Z"},
    {"url": "http://a.example/news/2024/05/two", "body": page(2), "date": "2024-05-03T10:00:00Z"},
    {"url": "http://b.example/news/2024/05/three", "body": page(3), "date": "2024-05-02T10:00:00Z"},
    {"url": "http://a.example/logo.png", "body": b"\x89PNG....", "type": "image/png",
     "date": "2024-05-01T10:00:00Z"},
    {"url": "http://a.example/gone", "body": b"<html>gone</html>", "status": 404,
     "date": "2024-05-01T10:00:00Z"},
    {"url": "http://a.example/news/2024/05/one", "kind": "revisit", "date": "2024-05-04T10:00:00Z"},
]  # fmt: skip


MAY1, MAY5 = "2024-05-01T10:00:00+00:00", "2024-05-05T10:00:00+00:00"


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_import_counts_what_it_does_not_store(tmp_path, gzipped):
    warc = build_warc(tmp_path / ("a.warc.gz" if gzipped else "a.warc"), ARCHIVE, gzipped)
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == (
        import_said(6, 3, not_200=1, not_html=1, revisits=1)
    )
    assert sorted(t for (t,) in rows(db, "select title from articles")) == [
        "Story 1", "Story 2", "Story 3",
    ]  # fmt: skip
    assert rows(db, "select url, fetched_at from pages order by url") == [
        ("http://a.example/news/2024/05/one", "2024-05-01T10:00:00+00:00"),
        ("http://a.example/news/2024/05/two", "2024-05-03T10:00:00+00:00"),
        ("http://b.example/news/2024/05/three", "2024-05-02T10:00:00+00:00"),
    ]
    assert rows(db, "select status, stop_reason from crawls") == [("finished", "finished")]


def test_import_summary_counts_new_and_updated_articles(tmp_path):
    """The counts were read before the last batch was stored: "(0 new, 0 updated)"."""
    db = tmp_path / "news.db"
    first = run_ingest(
        "import-warc", str(build_warc(tmp_path / "a.warc.gz", ARCHIVE)), "--db", str(db)
    )
    assert first.stdout.splitlines()[0] == (
        f"Import 1 done: 3 pages, 3 articles (3 new, 0 updated), 0 errors -> {db}"
    )
    changed = {**ARCHIVE[0], "body": page(4), "date": "2024-05-05T10:00:00Z"}
    second = run_ingest(
        "import-warc", str(build_warc(tmp_path / "b.warc.gz", [changed])), "--db", str(db)
    )
    assert second.stdout.splitlines()[0] == (
        f"Import 2 done: 1 pages, 1 articles (0 new, 1 updated), 0 errors -> {db}"
    )
    assert rows(db, "select crawl_id, sum(new), sum(updated) from crawl_health group by 1") == [
        (1, 3, 0), (2, 0, 1),
    ]  # fmt: skip


def test_an_older_capture_imported_after_a_newer_one_becomes_its_version(tmp_path):
    """An archive older than the text stored: its text replaced the newer one, which became
    a version replaced before it was first seen. Either order gives what a shard merge
    does: the newest text is the article, the older its version."""
    newer = build_warc(tmp_path / "new.warc.gz", [{**ARCHIVE[0], "body": page(4), "date": MAY5}])
    older = build_warc(tmp_path / "old.warc.gz", ARCHIVE[:1])
    article = "select title, first_seen, last_seen from articles"
    version = "select title, first_seen, last_seen, replaced_at, diff from article_versions"
    for name, order in (("new-old.db", [newer, older]), ("old-new.db", [older, newer])):
        db = tmp_path / name
        for warc in order:
            run_ingest("import-warc", str(warc), "--db", str(db))
        assert rows(db, article) == [("Story 4", MAY1, MAY5)], name
        [(title, first_seen, last_seen, replaced_at, diff)] = rows(db, version)
        assert (title, first_seen, last_seen, replaced_at) == ("Story 1", MAY1, MAY1, MAY5), name
        assert diff.split("\n")[:2] == ["-title: Story 1", "+title: Story 4"], name


def test_an_older_capture_leaves_the_newer_page_and_reextract_the_newer_text(tmp_path):
    """An archive older than the stored page replaced it (and its URL's row, dated back to
    05-01): ``ingest reextract`` then read the older page and made its text the article's
    again. In either order, or both in one file (so in one batch), the later fetch's page
    stays, as in a shard merge, and re-reading the older capture changes nothing."""
    url = ARCHIVE[0]["url"]
    later = {**ARCHIVE[0], "body": page(4), "date": MAY5}
    newer = build_warc(tmp_path / "new.warc.gz", [later])
    older = build_warc(tmp_path / "old.warc.gz", ARCHIVE[:1])
    both = build_warc(tmp_path / "both.warc.gz", [later, ARCHIVE[0]])
    again = shutil.copy(older, tmp_path / "old-again.warc.gz")  # not a file done before
    one, four = "\n".join(story(1)), "\n".join(story(4))
    urls = "select url, state, reason, fetched_at, found_at, article_id is not null from urls"
    article = "select text, first_seen, last_seen from articles"
    version = "select text, first_seen, last_seen, replaced_at from article_versions"
    runs = {"new-old.db": [[newer], [older]], "old-new.db": [[older], [newer]]}
    runs["one-file.db"] = [[both]]
    for name, order in runs.items():
        db = tmp_path / name
        for warcs in [*order, [again]]:
            run_ingest("import-warc", *map(str, warcs), "--db", str(db))
        [(stored, fetched_at, body)] = rows(db, "select url, fetched_at, body from pages")
        assert (stored, fetched_at, decompress(body)) == (url, MAY5, page(4)), name
        assert rows(db, urls) == [(url, "fetched", "article", MAY5, MAY1, 1)], name
        assert rows(db, article) == [(four, MAY1, MAY5)], name
        assert rows(db, version) == [(one, MAY1, MAY1, MAY5)], name
        run_ingest("reextract", "--db", str(db))
        assert rows(db, article) == [(four, MAY1, MAY5)], name
        assert rows(db, version) == [(one, MAY1, MAY1, MAY5)], name


def test_a_merged_import_database_keeps_what_its_imports_read(tmp_path):
    """An import database merged into another brings the captures its imports stored: an
    older capture is written down nowhere else, so the file read on in the merged database
    would extract it again and count it imported."""
    url = "http://a.example/news/2024/05/"
    newer = [{"url": f"{url}{n}", "body": page(n + 4), "date": MAY5} for n in range(3)]
    older = [{"url": f"{url}{n}", "body": page(n), "date": MAY1} for n in range(3)]
    shard, merged = tmp_path / "shard.db", tmp_path / "merged.db"
    run_ingest("import-warc", str(build_warc(tmp_path / "new.warc.gz", newer)), "--db", str(shard))
    warc = build_warc(tmp_path / "old.warc.gz", older)
    run_ingest("import-warc", str(warc), "--db", str(shard), "--max", "1")
    run_ingest("merge", str(shard), "--into", str(merged))
    assert rows(merged, "select count(*) from warc_captures") == [(4,)]
    done = run_ingest("import-warc", str(warc), "--db", str(merged), "--max", "1")
    assert "2 records: 1 pages imported, 1 stored before" in done.stderr


def test_an_archive_read_again_finds_what_an_import_stored_before_the_escaped_spelling(tmp_path):
    """Imports before canonical() took Scrapy's escapes stored /a[1] where it now says
    /a%5B1%5D: reading the file again must find those rows, not store every page twice."""
    url = "http://a.example/news/2024/05/story%5B1%5D"
    warc = build_warc(tmp_path / "a.warc.gz", [{"url": url, "body": page(1), "date": MAY1}])
    db = tmp_path / "older.db"
    run_ingest("import-warc", str(warc), "--db", str(db))
    bare = url.replace("%5B", "[").replace("%5D", "]")
    with sqlite3.connect(db) as conn:  # as the import before stored it
        for table in ("pages", "urls", "warc_captures"):
            conn.execute(f"update {table} set url = ? where url = ?", [bare, url])
    copy = shutil.copy(warc, tmp_path / "a-copy.warc.gz")  # the same captures, another file
    again = run_ingest("import-warc", str(copy), "--db", str(db))
    assert "1 records: 0 pages imported, 1 stored before" in again.stderr
    assert rows(db, "select count(*) from pages") == [(1,)]


def test_max_counts_the_records_it_handled_and_a_file_is_done_when_its_last_page_met_it(
    tmp_path,
):
    """--max read the record after the quota (and the images and revisits before it) and
    counted it read, every run; and a file whose last page met the quota was read again
    by the next import only to be found done."""
    url = "http://a.example/news/2024/05/"
    date = "2024-05-01T10:00:00Z"
    image = {"url": f"{url}photo.png", "body": b"\x89PNG", "type": "image/png", "date": date}
    revisit = {"url": f"{url}0", "kind": "revisit", "date": date}
    warc = build_warc(
        tmp_path / "a.warc.gz",
        [{"url": f"{url}0", "body": page(0), "date": date}, image, revisit, image,
         {"url": f"{url}1", "body": page(1), "date": date}, image],
    )  # fmt: skip
    db = tmp_path / "news.db"
    said = []
    for _ in range(3):
        done = run_ingest("import-warc", str(warc), "--db", str(db), "--max", "1")
        said.append(done.stderr.strip().splitlines()[-1])
    assert said == [
        import_said(1, 1),
        # the first is read again, then two images, a revisit, the second page and an image
        import_said(6, 1, before=1, not_html=3, revisits=1),
        import_said(0, 0, read=0, done=1),
    ]


def test_an_older_archive_read_again_skips_what_it_stored_and_gets_done(tmp_path):
    """An older capture leaves no page or URL row dated by it: a file read again (stopped by
    --max, cut off) extracted its older captures again, counted them imported again, and
    with --max spent the quota on the same first ones every time, so it never got done."""
    url = "http://a.example/news/2024/05/"
    newer = [{"url": f"{url}{n}", "body": page(n + 4), "date": MAY5} for n in range(3)]
    older = [{"url": f"{url}{n}", "body": page(n), "date": MAY1} for n in range(3)]
    db = tmp_path / "news.db"
    run_ingest("import-warc", str(build_warc(tmp_path / "new.warc.gz", newer)), "--db", str(db))
    warc = build_warc(tmp_path / "old.warc.gz", older)
    lines = []
    for _ in range(4):
        done = run_ingest("import-warc", str(warc), "--db", str(db), "--max", "1")
        lines.append(done.stderr.strip().splitlines()[-1].split(", 0 filtered")[0])
    assert lines == [
        "1 records: 1 pages imported, 0 stored before",  # --max: the second is not read
        "2 records: 1 pages imported, 1 stored before",
        "3 records: 1 pages imported, 2 stored before",  # the last: done with --max met
        "0 records: 0 pages imported, 0 stored before",  # done before: not read at all
    ]
    assert rows(db, "select source from warc_files order by source") == [
        (str(tmp_path / "new.warc.gz"),), (str(warc),),
    ]  # fmt: skip
    assert rows(db, "select url, fetched_at, crawl_id from warc_captures order by 3, 1") == [
        *[(f"{url}{n}", MAY5, 1) for n in range(3)],
        *[(f"{url}{n}", MAY1, n + 2) for n in range(3)],
    ]
    version = "select article_id, title, first_seen, last_seen, replaced_at from article_versions"
    assert rows(db, f"{version} order by title") == [
        (aid, f"Story {n}", MAY1, MAY1, MAY5)
        for n, (aid,) in enumerate(rows(db, "select id from articles order by title"))
    ]
    assert rows(db, "select title, first_seen, last_seen from articles order by title") == [
        (f"Story {n + 4}", MAY1, MAY5) for n in range(3)
    ]
    assert rows(db, "select count(*) from errors") == [(0,)]


def test_an_archive_older_than_a_crawl_leaves_the_crawled_page(tmp_path):
    """A crawl's page is fetched now: an archive imported after it is older, and its page
    took the crawled one's place, so ``ingest reextract`` made the archive's text current."""
    db = tmp_path / "news.db"
    with LocalSite({"/": index_page(["/news/0"]), "/news/0": page(0).decode()}) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    url = site.url + "/news/0"
    page_row = "select fetched_at, body from pages where url = ?"
    url_row = "select state, reason, fetched_at, fetches, etag, crawl_id from urls where url = ?"
    crawled, frontier = rows(db, page_row, url), rows(db, url_row, url)
    [(fetched_at, _)] = crawled
    warc = build_warc(tmp_path / "old.warc.gz", [{"url": url, "body": page(1), "date": MAY1}])
    run_ingest("import-warc", str(warc), "--db", str(db))
    assert rows(db, page_row, url) == crawled and decompress(crawled[0][1]) == page(0)
    assert rows(db, url_row, url) == frontier
    assert rows(db, "select found_at from urls where url = ?", url) == [(MAY1,)]
    article = "select text, first_seen, last_seen from articles"
    version = "select text, first_seen, last_seen, replaced_at from article_versions"
    zero, one = "\n".join(story(0)), "\n".join(story(1))
    assert rows(db, article) == [(zero, MAY1, fetched_at)]
    assert rows(db, version) == [(one, MAY1, MAY1, fetched_at)]
    run_ingest("reextract", "--db", str(db))
    assert rows(db, article) == [(zero, MAY1, fetched_at)]
    assert rows(db, version) == [(one, MAY1, MAY1, fetched_at)]


@pytest.mark.parametrize(
    ("options", "titles", "cut_told"),
    [
        (["--domain", "a.example"], ["Story 1", "Story 2"], 0),
        (["--since", "2024-05-02"], ["Story 2", "Story 3"], 1),
        (["--until", "2024-05-02"], ["Story 1", "Story 3"], 1),
        (["--max", "1"], ["Story 1"], 0),
    ],
    ids=["domain", "since", "until", "max"],
)
def test_import_filters(tmp_path, options, titles, cut_told):
    """A file read for one domain or month was marked done: the next import of it, for
    another domain or for all, read nothing, and said so with exit 0. A cut record is told
    by the import whose filters it is within, as its page would be."""
    cut = {"url": "http://b.example/news/2024/05/cut", "body": page(4)}
    cut.update(date="2024-05-02T10:00:00Z", warc={"WARC-Truncated": "length"})
    warc = build_warc(tmp_path / "a.warc.gz", [*ARCHIVE, cut])
    db = tmp_path / "news.db"
    run_ingest("import-warc", str(warc), "--db", str(db), *options)
    assert sorted(t for (t,) in rows(db, "select title from articles")) == titles
    assert rows(db, "select count(*) from warc_files") == [(0,)]
    assert rows(db, "select count(*) from errors where kind = 'bad_record'") == [(cut_told,)]
    rest = run_ingest("import-warc", str(warc), "--db", str(db))
    assert rest.stderr.strip().splitlines()[-1].endswith("1 files read, 0 done before")
    everything = ["Story 1", "Story 2", "Story 3"]
    assert sorted(t for (t,) in rows(db, "select title from articles")) == everything
    assert rows(db, "select source from warc_files") == [(str(warc),)]
    assert rows(db, "select count(*) from errors where kind = 'bad_record'") == [(1,)]


def test_an_outlet_no_plugin_declares_is_a_usage_error_before_anything_is_read(tmp_path):
    """It filtered out every page and said so with exit 0."""
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE)
    db = tmp_path / "news.db"
    result = run_ingest("import-warc", str(warc), "--db", str(db), "--outlet", "el_faro",
                        check=False)  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for --outlet: no outlet is named 'el_faro'; did you mean el-faro? "
        "(outlets: ap-news, cnbc, courrier-des-alpes, el-faro,"
    )
    assert not db.exists()


def test_an_empty_file_is_not_done_so_once_written_it_is_read(tmp_path):
    """A download not yet written (0 bytes) was marked done: never read once it was."""
    warc, db = tmp_path / "a.warc.gz", tmp_path / "news.db"
    warc.touch()
    empty = run_ingest("import-warc", str(warc), "--db", str(db))
    assert f"{warc}: no WARC record in it; it is read again next time" in empty.stderr
    assert rows(db, "select count(*) from warc_files") == [(0,)]
    build_warc(warc, ARCHIVE[:1])
    run_ingest("import-warc", str(warc), "--db", str(db))
    assert rows(db, "select title from articles") == [("Story 1",)]


def test_a_file_that_grew_since_it_was_read_is_read_again(tmp_path):
    """A crawl's WARC imported while the crawl still wrote it was marked done: the pages
    written after were never imported, and each later import said "done before"."""
    warc, db = tmp_path / "a.warc.gz", tmp_path / "news.db"
    build_warc(warc, ARCHIVE[:1])
    run_ingest("import-warc", str(warc), "--db", str(db))
    assert rows(db, "select source, bytes from warc_files") == [(str(warc), warc.stat().st_size)]
    again = run_ingest("import-warc", str(warc), "--db", str(db))
    assert again.stderr.strip().splitlines()[-1].endswith("0 files read, 1 done before")
    build_warc(warc, ARCHIVE[:2])  # the crawl wrote on
    grown = run_ingest("import-warc", str(warc), "--db", str(db))
    assert grown.stderr.strip().splitlines()[-1].endswith("1 files read, 0 done before")
    assert sorted(t for (t,) in rows(db, "select title from articles")) == ["Story 1", "Story 2"]
    assert rows(db, "select bytes from warc_files") == [(warc.stat().st_size,)]


def test_a_file_that_is_not_warc_is_an_error_row_and_exit_1(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(gzip.compress(b"this is not a WARC file\n" * 10))
    good = build_warc(tmp_path / "good.warc.gz", ARCHIVE[:1])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(bad), str(good), "--db", str(db), check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"Error: 1 files could not be read: {bad}"
    assert "; 1 files read, 1 unreadable, 0 done before" in done.stderr  # it had said 2 read
    assert rows(db, "select url, kind from errors") == [(str(bad), "bad_warc")]
    assert rows(db, "select title from articles") == [("Story 1",)]
    alone = run_ingest("import-warc", str(bad), "--db", str(db), check=False)
    assert alone.returncode == 1 and "; 0 files read, 1 unreadable, 0 done before" in alone.stderr
    # the run says what the exit status says: every file unreadable had said "finished"
    assert rows(db, "select status, stop_reason from crawls order by id") == [
        ("finished", "1 files could not be read"),  # the good one was read
        ("failed", "1 files could not be read"),
    ]


def test_a_page_gzipped_without_a_content_encoding_is_unpacked_as_the_crawl_does(tmp_path):
    """Its crawl stored the article; imported from that crawl's own WARC, it was "not HTML"
    (unparseable): the round trip lost it. One cut off is an errors row, as in a crawl."""
    packed = gzip.compress(page(1), mtime=0)
    records = [
        {**ARCHIVE[0], "body": packed},
        {**ARCHIVE[1], "body": packed[:200]},
    ]
    db = tmp_path / "news.db"
    warc = build_warc(tmp_path / "a.warc.gz", records)
    done = run_ingest("import-warc", str(warc), "--db", str(db), check=False)
    assert done.stderr.strip().splitlines()[-1] == import_said(2, 1, bad_records=1)
    assert rows(db, "select title from articles") == [("Story 1",)]
    [(message,)] = rows(db, "select message from errors where kind = 'bad_record'")
    assert message.endswith(
        "its body can't be decoded (Content-Encoding: none): the gzip stream is cut off"
    )


def test_a_scheme_in_capitals_is_the_scheme(tmp_path):
    """HTTP://a.example/... was counted "not HTML", its page lost without a row."""
    upper = [
        {**ARCHIVE[0], "url": "HTTP://a.example/news/2024/05/one"},
        {**ARCHIVE[1], "url": "Https://a.example/news/2024/05/two"},
    ]
    db = tmp_path / "news.db"
    done = run_ingest(
        "import-warc", str(build_warc(tmp_path / "a.warc.gz", upper)), "--db", str(db)
    )
    assert done.stderr.strip().splitlines()[-1] == import_said(2, 2)
    assert rows(db, "select url from pages order by url") == [
        ("http://a.example/news/2024/05/one",),
        ("https://a.example/news/2024/05/two",),
    ]


@pytest.mark.parametrize(
    "url", ["http://[::1/news/2024/05/bad", "http://a.example:99999/news", "http:///news/x"]
)
def test_a_record_whose_url_cannot_be_read_is_an_error_row_and_the_rest_is_imported(tmp_path, url):
    """The first two stopped the file's import (the rest never read, the file never done);
    the third was stored as a page of no site."""
    bad = {"url": url, "body": page(9), "date": "2024-05-01T10:00:00Z"}
    warc = build_warc(tmp_path / "a.warc.gz", [ARCHIVE[0], bad, ARCHIVE[1]])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(3, 2, bad_urls=1)
    assert "Traceback" not in done.stderr
    assert rows(db, "select url, stage, kind, message from errors") == [
        (
            str(warc), "fetch", "bad_url",
            f"{warc}: record 2's URL {url!r} is not one a crawl can fetch (no host, or a bad port)",
        )
    ]  # fmt: skip
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]
    assert rows(db, "select source from warc_files") == [(str(warc),)]


@pytest.mark.parametrize(
    ("field", "why"),
    [
        ({"date": "yesterday"}, "a WARC-Date that is not a date: 'yesterday'"),
        ({"date": ""}, "no WARC-Date"),
        ({"date": "0001-01-01T00:00:00+01:00"},
         "a WARC-Date that is not a date: '0001-01-01T00:00:00+01:00'"),
        ({"status": "abc"}, "an HTTP status that is not three digits: 'abc OK'"),
        ({"status": "2000"}, "an HTTP status that is not three digits: '2000 OK'"),
    ],
    ids=["date", "no-date", "date-before-year-1", "status", "status-of-four-digits"],
)  # fmt: skip
def test_a_record_whose_date_or_status_cannot_be_read_is_an_error_row_and_the_rest_is_imported(
    tmp_path, field, why
):
    """The first three stopped the file's import as bad_warc, naming neither the record nor
    its URL: the rest never read, the file never done, every re-run failing the same way.
    A record without a date was dated now, and so stored again on every import. A status
    of four digits was counted as a response not 200, without a word."""
    url = "http://a.example/news/2024/05/bad"
    bad = {"url": url, "body": page(9), "date": "2024-05-01T10:00:00Z", **field}
    warc = build_warc(tmp_path / "a.warc.gz", [ARCHIVE[0], bad, ARCHIVE[1]])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(3, 2, bad_records=1)
    assert "Traceback" not in done.stderr
    assert rows(db, "select url, stage, kind, message from errors") == [
        (str(warc), "fetch", "bad_record", f"{warc}: record 2 ({url}) has {why}")
    ]
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]
    assert rows(db, "select source from warc_files") == [(str(warc),)]
    again = run_ingest("import-warc", str(warc), "--db", str(db))
    assert again.stderr.strip().splitlines()[-1].endswith("0 files read, 1 done before")


@pytest.mark.parametrize(
    ("digests", "why"),
    [
        ([], "bytes that do not match its WARC-Block-Digest"),
        ([b"Block"], "a body that does not match its WARC-Payload-Digest"),
        ([b"Block", b"Payload"], None),
    ],
    ids=["block", "payload", "none"],
)
def test_a_record_whose_bytes_differ_from_its_digest_is_an_errors_row(tmp_path, digests, why):
    """A copy damaged on disk (one byte of a story changed) was imported as if served so;
    warcio checks digests only when asked. A record written without any digest can't be
    checked, and is imported."""
    url = "http://a.example/news/2024/05/hurt"
    story_page = page(9)
    warc = tmp_path / "a.warc"
    with open(warc, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        for r in [ARCHIVE[0], {"url": url, "body": story_page, "date": ARCHIVE[0]["date"]}]:
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            record = writer.create_warc_record(
                r["url"], "response", payload=io.BytesIO(r["body"]), http_headers=head,
                warc_headers_dict={"WARC-Date": r["date"]},
            )  # fmt: skip
            writer.write_record(record)
    data = warc.read_bytes()
    for name in digests:  # warcio writes both digests: they are taken out as other tools do
        data = re.sub(rb"WARC-" + name + rb"-Digest: [^\r]*\r\n", b"", data)
    at = data.rindex(b"Story 9")
    warc.write_bytes(data[:at] + b"Story 8" + data[at + 7 :])  # same length: no record cut
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert "Traceback" not in done.stderr
    if why is None:
        assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 9",)]
        assert rows(db, "select count(*) from errors") == [(0,)]
        return
    assert done.stderr.strip().splitlines()[-1] == import_said(2, 1, bad_records=1)
    message = f"{warc}: record 2 ({url}) holds {why}: damaged or changed since it was written"
    assert rows(db, "select url, stage, kind, message from errors") == [
        (str(warc), "fetch", "bad_record", message)
    ]
    assert rows(db, "select title from articles") == [("Story 1",)]


def test_a_damaged_record_past_the_size_bound_is_told_as_damaged(tmp_path):
    """Its body is read only up to the bound: the rest is read too before it is handed on,
    or its digest would never be checked and the damage be told as a page too large."""
    url = "http://a.example/news/2024/05/huge"
    body = page(9) + b"<!--" + b"x" * MAX_HTML_BYTES + b"-->"
    warc = build_warc(tmp_path / "a.warc", [{"url": url, "body": body, "date": MAY1}], False)
    data = warc.read_bytes()
    at = data.rindex(b"x-->")
    warc.write_bytes(data[:at] + b"y" + data[at + 1 :])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(1, 0, bad_records=1)
    why = (
        "holds bytes that do not match its WARC-Block-Digest: damaged or changed since it "
        "was written"
    )
    assert rows(db, "select kind, message from errors") == [
        ("bad_record", f"{warc}: record 1 ({url}) {why}")
    ]


@pytest.mark.parametrize("chunked", [False, True], ids=["block-digest-holds", "chunked"])
def test_a_payload_digest_alone_does_not_decide_where_writers_differ(tmp_path, chunked):
    """A right WARC-Block-Digest decides over a payload digest that differs; so does a body
    sent in chunks, whose payload digest tools take before or after joining the chunks."""
    body = ARCHIVE[0]["body"]
    fields = [("Content-Type", "text/html")]
    if chunked:
        body = b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body)
        fields.append(("Transfer-Encoding", "chunked"))
    warc = tmp_path / "a.warc"
    with open(warc, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        head = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
        writer.write_record(
            writer.create_warc_record(
                ARCHIVE[0]["url"], "response", payload=io.BytesIO(body), http_headers=head,
                warc_headers_dict={"WARC-Date": ARCHIVE[0]["date"]},
            )
        )  # fmt: skip
    data = warc.read_bytes()
    other = base64.b32encode(hashlib.sha1(b"another body").digest())
    data = re.sub(rb"(WARC-Payload-Digest: sha1:)[A-Z2-7]+", rb"\g<1>" + other, data)
    if chunked:
        data = re.sub(rb"WARC-Block-Digest: [^\r]*\r\n", b"", data)
    warc.write_bytes(data)
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(1, 1)
    assert rows(db, "select title from articles") == [("Story 1",)]


def test_a_capture_archived_twice_is_imported_once_and_counted_so(tmp_path):
    """The second was met while the first was in flight: "2 pages imported", one stored."""
    warc = build_warc(tmp_path / "a.warc.gz", [ARCHIVE[0], ARCHIVE[0], ARCHIVE[1]])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(3, 2, before=1)
    assert rows(db, "select count(*) from articles") == [(2,)]
    assert rows(db, "select count(*) from warc_captures") == [(2,)]


def test_a_digest_is_read_in_any_encoding_of_rfc_3548_and_only_at_its_algorithms_size():
    raw = hashlib.sha1(b"page").digest()
    b32 = base64.b32encode(raw).decode()
    for written in (
        b32,
        b32.lower(),
        raw.hex(),
        raw.hex().upper(),
        base64.b64encode(raw).decode(),
        base64.urlsafe_b64encode(hashlib.sha1(b"page5").digest()).decode(),  # "-" and "_"
    ):
        assert readable_digest(f"sha1:{written}") is not None, written
    assert readable_digest(f"sha1:{b32}") == readable_digest(f"sha1:{raw.hex()}") == f"sha1:{b32}"
    assert readable_digest(f"sha1:{b32.lower()}") == f"sha1:{b32}"
    for unreadable in ("sha1:abc", "sha1:", "sha1", f"sha256:{b32}", "", None):
        assert readable_digest(unreadable) is None, unreadable
    assert readable_digest("blake9:XYZ") == "blake9:XYZ"  # warcio says it can't check it


def test_an_answer_over_http_2_is_imported(tmp_path):
    """Checking digests took a loader of warcio's own, which reads status lines strictly:
    an HTTP/2 answer (as wget and browsers archive them) stopped the import in a traceback."""
    records = [ARCHIVE[0], {**ARCHIVE[1], "protocol": "HTTP/2"}, ARCHIVE[2]]
    warc = build_warc(tmp_path / "a.warc.gz", records)
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(3, 3)
    assert len(rows(db, "select title from articles")) == 3


def test_a_digest_that_reads_as_no_encoding_is_no_evidence_and_the_file_is_read_on(tmp_path):
    """warcio decoded each digest as it read the record: "sha1:abc" on a request raised out
    of the read, and the whole file was unreadable (bad_warc), every page in it lost. A
    right digest written in lower case was taken for damage."""
    warc = tmp_path / "a.warc"
    with open(warc, "wb") as f:
        writer = WARCWriter(f, gzip=False)
        head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        asked = StatusAndHeaders("GET /news/2024/05/one HTTP/1.1", [], is_http_request=True)
        records = [
            writer.create_warc_record(ARCHIVE[0]["url"], "request", http_headers=asked),
            writer.create_warc_record(
                ARCHIVE[0]["url"],
                "response",
                payload=io.BytesIO(ARCHIVE[0]["body"]),
                http_headers=head,
                warc_headers_dict={"WARC-Date": ARCHIVE[0]["date"]},
            ),  # fmt: skip
        ]
        for record in records:
            writer.write_record(record)
    data = warc.read_bytes()
    request_digest = re.search(rb"WARC-Block-Digest: ([^\r]*)", data).group(1)
    data = data.replace(request_digest, b"sha1:abc", 1)  # the request's: no encoding at all
    response = data.index(b"WARC-Type: response")
    digest = re.compile(rb"(WARC-Block-Digest: sha1:)([A-Z2-7]+)")
    data = data[:response] + digest.sub(lambda m: m[1] + m[2].lower(), data[response:], 1)
    warc.write_bytes(data)
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(2, 1, requests=1)
    assert rows(db, "select title from articles") == [("Story 1",)]
    assert rows(db, "select count(*) from errors") == [(0,)]


def test_a_brotli_page_is_read_and_a_body_that_cannot_be_decoded_or_is_cut_is_an_errors_row(
    tmp_path,
):
    """warcio's brotli decoder fails with the Brotli package (an AttributeError): one such
    record, a crawl's own archived redirect, ended the import in a traceback, its pages
    lost. A record the archive says holds part of the page was stored as the whole."""
    import brotli

    br = [("Content-Encoding", "br")]
    two = {**ARCHIVE[1], "body": brotli.compress(page(2)), "headers": br}
    squeezed = brotli.compress(page(7))
    garbled = {**ARCHIVE[0], "url": ARCHIVE[0]["url"] + "-garbled", "body": squeezed[:-40]}
    garbled["headers"] = br
    # a page stored decoded, its header kept: read as it is, as warcio reads such gzip
    decoded = {**ARCHIVE[2], "url": ARCHIVE[2]["url"] + "-decoded", "body": page(4), "headers": br}
    cut = {**ARCHIVE[0], "url": ARCHIVE[0]["url"] + "-cut", "warc": {"WARC-Truncated": "length"}}
    size = str(len(page(3)) + 1)
    short = {
        **ARCHIVE[2],
        "url": ARCHIVE[2]["url"] + "-short",
        "headers": [("Content-Length", size)],
    }
    head = {**ARCHIVE[2], "url": ARCHIVE[2]["url"] + "-head", "body": b""}  # a HEAD's answer
    head["headers"] = [("Content-Length", size)]
    records = [garbled, cut, short, head, decoded, ARCHIVE[0], two]
    warc = build_warc(tmp_path / "a.warc.gz", records)
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1] == import_said(7, 4, bad_records=3)
    assert rows(db, "select title from articles order by title") == [
        ("Story 1",), ("Story 2",), ("Story 4",)
    ]  # fmt: skip
    assert rows(db, "select message from errors where kind = 'bad_record' order by message") == [
        (f"{warc}: record 1 ({garbled['url']}): its body can't be decoded "
         "(Content-Encoding: br): the brotli stream is cut off",),
        (f"{warc}: record 2 ({cut['url']}) holds part of the page only (WARC-Truncated: length)",),
        (f"{warc}: record 3 ({short['url']}) holds part of the page only: {int(size) - 1:,} of "
         f"the {int(size):,} bytes its Content-Length says",),
    ]  # fmt: skip


def test_a_record_past_the_size_bound_is_too_large_and_no_part_of_it_stored(tmp_path):
    """Its first 5,000,001 bytes were stored as its page, the size said 5,000,001 and so did
    the error; a crawl stores no body of such a page."""
    huge = page(5).replace(b"</body>", b"<!--" + b"x" * 6_000_000 + b"--></body>")
    big = {**ARCHIVE[0], "body": huge}
    warc = build_warc(tmp_path / "a.warc.gz", [big, ARCHIVE[1]])
    db = tmp_path / "news.db"
    run_ingest("import-warc", str(warc), "--db", str(db), check=False)
    stored = "select url, size, body is null from pages order by url"
    assert rows(db, stored) == [(big["url"], 0, 1), (ARCHIVE[1]["url"], len(page(2)), 0)]
    assert rows(db, "select kind, message from errors") == [
        (
            "too_large",
            "page has over 5,000,000 bytes of HTML (limit 5,000,000, INGEST_MAX_HTML_BYTES)",
        )
    ]


@pytest.mark.parametrize("stop", ["cut", "max"])
def test_a_bad_record_is_one_errors_row_however_often_its_file_is_read(tmp_path, stop):
    """A file not done (cut off, or stopped by --max) is read again by the next import, or
    by the same one when named twice: its bad records were errors rows again on every read."""
    url = "http://a.example/news/2024/05/bad"
    bad_url = {"url": "http://[::1/news/2024/05/bad", "body": page(9), "date": ARCHIVE[0]["date"]}
    bad_record = {"url": url, "body": page(8), "date": "yesterday"}
    full = build_warc(tmp_path / "full", [ARCHIVE[0], bad_url, bad_record, *ARCHIVE[1:3]])
    warc = tmp_path / "a.warc.gz"
    if stop == "cut":
        start, end = record_starts(full.read_bytes())[4:6]
        warc.write_bytes(full.read_bytes()[: (start + end) // 2])  # inside the third story
        reads = [[str(warc), str(warc)], [str(warc)]]
    else:
        shutil.copy(full, warc)
        reads = [[str(warc), "--max", "2"]] * 2  # the first stops at two stories: not done
    db = tmp_path / "news.db"
    runs = [run_ingest("import-warc", *options, "--db", str(db), check=False) for options in reads]
    assert rows(db, "select source from warc_files") == ([(str(warc),)] if stop == "max" else [])
    # read again, the bad records are counted as read, and said to be written down before
    assert (
        "1 bad URLs (1 written down before), 1 bad records (1 written down before); "
        in runs[1].stderr
    )
    warc.write_bytes(full.read_bytes())  # whole, if it was not
    run_ingest("import-warc", str(warc), "--db", str(db))
    bad = "select crawl_id, kind, message from errors where kind like 'bad_%' order by id"
    assert rows(db, bad) == [
        (1, "bad_url", f"{warc}: record 2's URL {bad_url['url']!r} is not one a crawl can fetch "
         "(no host, or a bad port)"),
        (1, "bad_record", f"{warc}: record 3 ({url}) has a WARC-Date that is not a date: "
         "'yesterday'"),
    ]  # fmt: skip
    assert rows(db, "select count(*) from articles") == [(3,)]


def record_starts(data: bytes) -> list[int]:
    """Where each record of a WARC begins, and where the file ends."""
    records = ArchiveIterator(io.BytesIO(data))
    return [records.get_record_offset() for _ in records] + [len(data)]


def cut_block(data: bytes, start: int, cut: int, gzipped: bool) -> tuple[int, int]:
    """Bytes of the block a WARC cut at ``cut`` keeps of the record at ``start``, and its
    Content-Length."""
    whole = data[start:]
    kept = data[start:cut]
    if gzipped:
        whole, kept = (zlib.decompressobj(31).decompress(b) for b in (whole, kept))
    head = whole.index(b"\r\n\r\n") + 4
    length = int(re.search(rb"Content-Length: (\d+)", whole[:head])[1])
    return len(kept) - head, length


THREE = "http://b.example/news/2024/05/three"


@pytest.mark.parametrize("gzipped", [True, False], ids=["warc.gz", "warc"])
def test_a_cut_off_warc_is_an_error_and_its_complete_file_imports_the_rest(tmp_path, gzipped):
    """warcio ends quietly where a file is cut: the file was marked done, exit 0."""
    full = build_warc(tmp_path / "full", ARCHIVE[:3], gzipped).read_bytes()
    start, end = record_starts(full)[2:4]
    cut = (start + end) // 2  # inside the third story's block
    kept, length = cut_block(full, start, cut, gzipped)
    warc = tmp_path / ("a.warc.gz" if gzipped else "a.warc")
    warc.write_bytes(full[:cut])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db), check=False)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines()[-1] == f"Error: 1 files could not be read: {warc}"
    assert rows(db, "select url, stage, kind, message from errors") == [(
        str(warc), "fetch", "truncated_warc",
        f"{warc}: cut off after {cut:,} bytes: record 3 ({THREE}) has {kept:,} of its "
        f"{length:,} bytes",
    )]  # fmt: skip
    assert 0 < kept < length
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]
    assert rows(db, "select count(*) from pages where url = ?", THREE) == [(0,)]
    assert rows(db, "select source from warc_files") == []

    warc.write_bytes(full)  # the download finished
    again = run_ingest("import-warc", str(warc), "--db", str(db))
    assert again.stderr.strip().splitlines()[-1] == import_said(3, 1, before=2)
    assert rows(db, "select title from articles order by title") == [
        ("Story 1",), ("Story 2",), ("Story 3",),
    ]  # fmt: skip
    assert rows(db, "select source, records from warc_files") == [(str(warc), 3)]


@pytest.mark.parametrize(
    ("before", "message"),
    [
        (b"WARC-Target-URI", "cut off after {cut:,} bytes, inside record 3's header"),
        (b"Content-Type", "cut off after {cut:,} bytes: the {left:,} bytes after record 2 are "
         "not a whole record"),
    ],
    ids=["before-its-uri", "before-its-length"],
)  # fmt: skip
def test_a_warc_cut_inside_a_record_header_is_an_error(tmp_path, before, message):
    """warcio took the first for the end of the file, and raised AttributeError on the other."""
    full = build_warc(tmp_path / "full", ARCHIVE[:3], gzipped=False).read_bytes()
    start = record_starts(full)[2]
    cut = full.index(before, start)
    warc = tmp_path / "a.warc"
    warc.write_bytes(full[:cut])
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db), check=False)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert rows(db, "select url, stage, kind, message from errors") == [
        (
            str(warc),
            "fetch",
            "truncated_warc",
            f"{warc}: " + message.format(cut=cut, left=cut - start),
        )
    ]
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]
    assert rows(db, "select source from warc_files") == []


@pytest.mark.parametrize("where", ["in-a-record", "between-records"])
def test_a_warc_download_that_drops_is_an_error_and_read_again(tmp_path, where):
    """The server closes the connection part way; between two records only the response's
    own Content-Length tells."""
    full = build_warc(tmp_path / "full.warc.gz", ARCHIVE[:3]).read_bytes()
    start, end = record_starts(full)[2:4]
    cut = (start + end) // 2 if where == "in-a-record" else start
    db = tmp_path / "news.db"
    with LocalSite({"/a.warc.gz": Resource(full, "application/warc", cut=cut)}) as site:
        url = f"{site.url}/a.warc.gz"
        done = run_ingest("import-warc", url, "--db", str(db), check=False)
        site.resources["/a.warc.gz"] = Resource(full, "application/warc")
        again = run_ingest("import-warc", url, "--db", str(db))
    assert done.returncode == 1
    ended = f"{url}: the transfer ended after {cut:,} of {len(full):,} bytes"
    if where == "in-a-record":
        kept, length = cut_block(full, start, cut, gzipped=True)
        ended += f": record 3 ({THREE}) has {kept:,} of its {length:,} bytes"
    else:
        ended += ", after record 2"
    assert rows(db, "select url, stage, kind, message from errors") == [
        (url, "fetch", "truncated_warc", ended)
    ]
    assert "1 pages imported, 2 stored before" in again.stderr
    assert rows(db, "select title from articles order by title") == [
        ("Story 1",), ("Story 2",), ("Story 3",),
    ]  # fmt: skip
    assert rows(db, "select source, records from warc_files") == [(url, 3)]


@pytest.mark.parametrize("layers", [1, 2], ids=["the-file-labelled-so", "gzipped-again"])
def test_a_warc_gzipped_for_the_transfer_is_unpacked_as_it_arrives(tmp_path, layers):
    """A .warc.gz served with Content-Encoding: gzip, its own bytes (Apache's AddEncoding)
    or gzipped again: the second was read as WARC, and a line of binary printed."""
    full = build_warc(tmp_path / "full.warc.gz", ARCHIVE[:2]).read_bytes()
    served = full if layers == 1 else gzip.compress(full)
    encoded = {"Content-Encoding": "gzip"}
    db = tmp_path / "news.db"
    with LocalSite({"/a.warc.gz": Resource(served, headers=encoded)}) as site:
        done = run_ingest("import-warc", f"{site.url}/a.warc.gz", "--db", str(db))
        # cut inside the first record: a cut at a record's end leaves a shorter WARC, whole
        cut = Resource(served[: len(served) // 4], headers=encoded)
        site.resources["/b.warc.gz"] = cut
        broken = run_ingest("import-warc", f"{site.url}/b.warc.gz", "--db", str(db), check=False)
    assert site.asked[0]["Accept-Encoding"] == "identity"
    assert done.stderr.strip().splitlines()[-1] == import_said(2, 2)
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]
    assert broken.returncode == 1
    [(kind, message)] = rows(db, "select kind, message from errors")
    assert kind == "truncated_warc" and "the transfer's gzip encoding is cut or broken" in message


def test_a_cut_off_archive_of_a_crawl_is_imported_whole_once_complete(demo_with_warc, tmp_path):
    """The crawl's own capture, one of its files cut in half, then complete again."""
    folder = tmp_path / "warc"
    shutil.copytree(demo_with_warc / "warc", folder)
    warcs = [str(p) for p in sorted(folder.glob("*.warc.gz"))]
    cut = Path(warcs[0])
    full = cut.read_bytes()
    cut.write_bytes(full[: len(full) // 2])
    db = tmp_path / "imported.db"
    done = run_ingest("import-warc", *warcs, "--db", str(db), check=False)
    assert done.returncode == 1
    [(url, stage, kind, message)] = rows(db, "select url, stage, kind, message from errors")
    assert (url, stage, kind) == (str(cut), "fetch", "truncated_warc")
    assert message.startswith(f"{cut}: cut off after {len(full) // 2:,} bytes")
    assert rows(db, "select source from warc_files order by source") == [(w,) for w in warcs[1:]]
    assert 0 < len(articles(db)) < 180

    cut.write_bytes(full)
    again = run_ingest("import-warc", *warcs, "--db", str(db))
    assert f"1 files read, {len(warcs) - 1} done before" in again.stderr
    assert stories(db) == stories(demo_with_warc / "demo.db")
    assert len(articles(db)) == 180


def cc_news_tree(files: dict[str, list[dict]]) -> dict:
    """A CC-NEWS-like tree: the month's listing and its WARC files, as a LocalSite serves."""
    tree, paths = {}, []
    for name, records in files.items():
        path = f"crawl-data/CC-NEWS/2024/05/{name}"
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        for r in records:
            head = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(
                writer.create_warc_record(
                    r["url"], "response", payload=io.BytesIO(r["body"]), http_headers=head,
                    warc_headers_dict={"WARC-Date": r["date"], **r.get("warc", {})},
                )
            )  # fmt: skip
        tree[f"/{path}"] = Resource(buffer.getvalue(), content_type="application/warc")
        paths.append(path)
    listing = gzip.compress("\n".join(paths).encode() + b"\n")
    tree["/crawl-data/CC-NEWS/2024/05/warc.paths.gz"] = Resource(
        listing, content_type="application/gzip"
    )
    return tree


def test_cc_news_month_from_a_mirror_and_resumed(tmp_path):
    first = {"CC-NEWS-20240501000000-00001.warc.gz": ARCHIVE[:2]}
    second = {"CC-NEWS-20240502000000-00002.warc.gz": ARCHIVE[2:3]}
    db = tmp_path / "news.db"
    with LocalSite(cc_news_tree(first)) as mirror:
        done = run_ingest(
            "import-warc", "--cc-news", "2024-05", "--cc-base", mirror.url, "--db", str(db)
        )
        assert "2 pages imported" in done.stderr and "1 files read" in done.stderr
        mirror.resources.update(cc_news_tree({**first, **second}))
        again = run_ingest(
            "import-warc", "--cc-news", "2024-05", "--cc-base", mirror.url, "--db", str(db)
        )
        assert "1 pages imported" in again.stderr and "1 done before" in again.stderr
        fetched = [h for h in mirror.hits if h.endswith(".warc.gz")]
    assert fetched == [
        "/crawl-data/CC-NEWS/2024/05/CC-NEWS-20240501000000-00001.warc.gz",
        "/crawl-data/CC-NEWS/2024/05/CC-NEWS-20240502000000-00002.warc.gz",
    ]  # each file read once
    assert sorted(t for (t,) in rows(db, "select title from articles")) == [
        "Story 1", "Story 2", "Story 3",
    ]  # fmt: skip
    assert rows(db, "select count(*) from warc_files") == [(2,)]


def test_cc_news_months_are_checked(tmp_path):
    done = run_ingest(
        "import-warc", "--cc-news", "2024-13", "--db", str(tmp_path / "x.db"), check=False
    )
    assert done.returncode == 2 and "Invalid value for --cc-news" in done.stderr


def test_import_dates_are_checked(tmp_path):
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE[:1])
    done = run_ingest(
        "import-warc", str(warc), "--db", str(tmp_path / "x.db"), "--since", "7d", check=False
    )
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--since': '7d' is not a date like 2021-05-01"
    )
    for option, value, said in (
        ("--until", "2024-13-45", "'2024-13-45' is not a date like 2021-05-01"),
        ("--max", "-1", "-1 is not in the range x>=0."),  # it imported nothing, exit 0
    ):
        db = str(tmp_path / "x.db")
        done = run_ingest("import-warc", str(warc), "--db", db, option, value, check=False)
        assert done.returncode == 2
        assert done.stderr.splitlines()[-1] == f"Error: Invalid value for '{option}': {said}"


def test_import_waits_for_a_live_crawl_then_refuses(tmp_path):
    """Another live run on the database: one line, not a traceback."""
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE[:1])
    db = tmp_path / "x.db"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time; from ingest.store.writer import Store; "
         f"Store({str(db)!r}).start_crawl('crawl news', [], {{}}); print('ready', flush=True); "
         "time.sleep(60)"],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        started = time.monotonic()
        done = run_ingest(
            "import-warc", str(warc), "--db", str(db), "--writer-wait", "2", check=False
        )
        waited = time.monotonic() - started
    finally:
        holder.kill()
        holder.wait()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith(f"Error: another crawl is writing to {db}")
    assert 2 <= waited < 20  # it waited as long as asked (the default is 30 s)


def test_a_file_is_marked_done_only_once_its_pages_are_stored(tmp_path):
    """It was marked done while its pages still waited in the store's batch: a kill at that
    moment lost them for good, since a re-run skips a file done. The database itself
    checks the order here, with a trigger on the row that marks the file done."""
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE[:3])
    db = tmp_path / "news.db"
    Store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute(
            "create trigger pages_first before insert on warc_files begin"
            " select raise(abort, 'marked done before its pages were stored')"
            " where (select count(*) from pages) < 3; end"
        )
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert "3 records: 3 pages imported" in done.stderr
    assert rows(db, "select source, records from warc_files") == [(str(warc), 3)]


def test_a_capture_kept_as_no_longer_article_is_not_read_again_when_its_file_is(tmp_path):
    """A capture that gave no article where one was stored has no pages row of its own (the
    article keeps its page): a file read again (cut short by --max, say) extracted it again
    and wrote its no_longer_article row once more each time."""
    url = "http://a.example/news/2024/05/one"
    links = index_page(["/news/2024/05/two", "/news/2024/05/three"]).encode()
    first = build_warc(tmp_path / "first.warc.gz", ARCHIVE[:1])
    later = build_warc(
        tmp_path / "later.warc.gz",
        [{"url": url, "body": links, "date": "2024-05-09T10:00:00Z"}, ARCHIVE[1]],
    )
    db = tmp_path / "news.db"
    run_ingest("import-warc", str(first), "--db", str(db))
    run_ingest("import-warc", str(later), "--db", str(db), "--max", "1")
    assert rows(db, "select source from warc_files") == [(str(first),)]  # later: cut short
    again = run_ingest("import-warc", str(later), "--db", str(db))
    assert "2 records: 1 pages imported, 1 stored before" in again.stderr
    gone = "select url, kind from errors where kind = 'no_longer_article'"
    assert rows(db, gone) == [(url, "no_longer_article")]
    assert rows(db, "select reason from urls where url = ?", url) == [("no_longer_article",)]
    assert rows(db, "select title from articles order by title") == [("Story 1",), ("Story 2",)]


def test_an_older_capture_that_is_no_article_is_not_a_story_taken_down(tmp_path):
    """A capture of a story's URL from before the story (a list of links), imported after
    it, was written down as the story taken down (a no_longer_article errors row, once more
    whenever its file was read again): it came before the stored page, which stays."""
    url = ARCHIVE[0]["url"]
    links = index_page(["/news/2024/05/two"]).encode()
    story_warc = build_warc(tmp_path / "story.warc.gz", [{**ARCHIVE[0], "date": MAY5}])
    before = build_warc(tmp_path / "before.warc.gz", [{"url": url, "body": links, "date": MAY1}])
    again = shutil.copy(before, tmp_path / "before-again.warc.gz")
    urls = "select url, reason, fetched_at, found_at, article_id is not null from urls"
    orders = {"late.db": [story_warc, before, again], "early.db": [before, story_warc]}
    for name, order in orders.items():
        db = tmp_path / name
        for warc in order:
            run_ingest("import-warc", str(warc), "--db", str(db))
        [(fetched_at, body)] = rows(db, "select fetched_at, body from pages")
        assert (fetched_at, decompress(body)) == (MAY5, page(1)), name
        assert rows(db, urls) == [(url, "article", MAY5, MAY1, 1)], name
        assert rows(db, "select title, first_seen, last_seen from articles") == [
            ("Story 1", MAY5, MAY5)
        ], name
        assert rows(db, "select kind, message from errors") == [], name


def test_an_older_article_keeps_its_page_over_a_later_one_that_is_no_article(tmp_path):
    """The story's page (05-01), imported after its URL turned into a list of links (05-05),
    lost its raw page to the later one, and the URL said not_article: ``ingest reextract``
    then found no article in the stored page. Imported in any order, in two files or in
    one, it ends as a crawl that met the story first: its page kept, the URL and an errors
    row saying the story is gone."""
    url = ARCHIVE[0]["url"]
    links = {"url": url, "body": index_page(["/news/2024/05/two"]).encode(), "date": MAY5}
    story_warc = build_warc(tmp_path / "story.warc.gz", ARCHIVE[:1])
    links_warc = build_warc(tmp_path / "links.warc.gz", [links])
    runs = {"story-links.db": [[story_warc], [links_warc]]}
    runs["links-story.db"] = [[links_warc], [story_warc]]
    for name, both in (("links-story", [links, ARCHIVE[0]]), ("story-links", [ARCHIVE[0], links])):
        runs[f"one-file-{name}.db"] = [[build_warc(tmp_path / f"{name}.warc.gz", both)]]
    urls = "select url, state, reason, fetched_at, found_at, article_id from urls"
    article = "select id, url, title, text, first_seen, last_seen from articles"
    errors = "select url, stage, kind, message from errors"
    for name, order in runs.items():
        db = tmp_path / name
        for warcs in [*order, [story_warc], [links_warc]]:  # and each file read again
            run_ingest("import-warc", *map(str, warcs), "--db", str(db))
        [(aid,)] = rows(db, "select id from articles")
        [(stored, fetched_at, body)] = rows(db, "select url, fetched_at, body from pages")
        assert (stored, fetched_at, decompress(body)) == (url, MAY1, page(1)), name
        assert rows(db, urls) == [(url, "fetched", "no_longer_article", MAY5, MAY1, aid)], name
        text = "\n".join(story(1))
        assert rows(db, article) == [(aid, url, "Story 1", text, MAY1, MAY1)], name
        gone = (
            f"the page is no article now (not_article): article {aid} and the page it was read "
            "from are kept as stored"
        )
        assert rows(db, errors) == [(url, "extract", "no_longer_article", gone)], name
        assert rows(db, "select count(*) from article_versions") == [(0,)], name
        run_ingest("reextract", "--db", str(db))
        assert rows(db, article) == [(aid, url, "Story 1", text, MAY1, MAY1)], name
        assert rows(db, errors) == [(url, "extract", "no_longer_article", gone)], name


def test_records_that_are_no_http_answer_are_counted_not_dropped_unsaid(tmp_path):
    """A warcinfo, a resource (a page saved with no HTTP answer) and a metadata record were
    counted in the records and in no part of them: the parts did not add up."""
    warc = build_warc(tmp_path / "a.warc.gz", ARCHIVE[:1])
    with open(warc, "ab") as f:
        writer = WARCWriter(f, gzip=True)
        writer.write_record(writer.create_warcinfo_record("a.warc.gz", {"software": "test"}))
        for kind, url in (("resource", ARCHIVE[1]["url"]), ("metadata", ARCHIVE[0]["url"])):
            writer.write_record(
                writer.create_warc_record(
                    url, kind, payload=io.BytesIO(page(2)), warc_content_type="text/html"
                )
            )
    db = tmp_path / "news.db"
    done = run_ingest("import-warc", str(warc), "--db", str(db))
    assert done.stderr.strip().splitlines()[-1] == import_said(4, 1, other=3)


def test_two_crawls_archiving_into_one_folder_in_one_second_keep_both_files(tmp_path):
    """Both took PREFIX-<second>-00001.warc.gz: the second truncated the first's file."""
    first, second = WarcFiles(tmp_path), WarcFiles(tmp_path)
    second.started = first.started  # as two crawls begun in the same second
    html = {"Content-Type": "text/html"}
    with first, second:
        first.write_page("http://a.example/1", 200, html, b"<p>one</p>")
        second.write_page("http://b.example/2", 200, html, b"<p>two</p>")
        first.write_page("http://a.example/3", 200, html, b"<p>three</p>")
    assert [p.name[-13:] for p in first.paths + second.paths] == [
        "00001.warc.gz",
        "00002.warc.gz",
    ]
    found = {}
    for path in first.paths + second.paths:
        with open(path, "rb") as f:
            found[path.name[-13:]] = [
                r.rec_headers.get_header("WARC-Target-URI")
                for r in ArchiveIterator(f)
                if r.rec_type == "response"
            ]
    assert found == {
        "00001.warc.gz": ["http://a.example/1", "http://a.example/3"],
        "00002.warc.gz": ["http://b.example/2"],
    }


def test_a_crawl_archives_the_redirects_and_the_tries_scrapy_answered_itself(tmp_path):
    """Only what reached the crawl was written: no 301 of a moved page, and one record of
    a 500 tried three times (the README says every response)."""
    pages = {
        "/": index_page(["/old", "/news/2024/03/flaky"]),
        "/old": Resource("", status=301, headers={"Location": "/news/2024/03/new"}),
        "/news/2024/03/new": article_page("New", story(1)),
        "/news/2024/03/flaky": Resource("<html>down</html>", status=500),
    }
    db, folder = tmp_path / "news.db", tmp_path / "warc"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), "--warc", str(folder), *FAST)
        answers = len(site.hits)
    written = []
    for path in sorted(folder.glob("*.warc.gz")):
        with open(path, "rb") as f:
            written += [
                (r.rec_headers.get_header("WARC-Target-URI").removeprefix(site.url),
                 r.http_headers.get_statuscode())
                for r in ArchiveIterator(f) if r.rec_type == "response"
            ]  # fmt: skip
    assert sorted(written) == [
        ("/", "200"),
        ("/news/2024/03/flaky", "500"),  # tried again twice (RETRY_TIMES): each try kept
        ("/news/2024/03/flaky", "500"),
        ("/news/2024/03/flaky", "500"),
        ("/news/2024/03/new", "200"),
        ("/old", "301"),
        ("/robots.txt", "404"),
    ]
    assert len(written) == answers  # every answer the server gave, once
