"""`ingest serve`: the real Datasette server over a demo crawl, through its JSON API and HTML.

The demo crawl is followed by a later crawl written through the real Store, as a crawl would:
one outlet's layout changed (five articles come back with a line of text each), a wire story
appears in a second outlet, and one page fails to extract. That gives every canned query
something to find.
"""

import hashlib
import ipaddress
import json
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import zlib
from contextlib import contextmanager
from pathlib import Path

import pytest
from datasette.utils import tilde_encode

from ingest.article import Article
from ingest.demo import story
from ingest.demo.site import SEED_ARTICLE
from ingest.store.descriptions import DESCRIPTIONS
from ingest.store.schema import JSON_FIELDS, now
from ingest.store.writer import Store

from conftest import ROOT, copy_database, free_port, run_ingest

WIRE_URL = "http://rheinblatt.example/welt/russland-bietet-pakistan-hilfe-an-a19999.html"
BROKEN_URL = "http://courrierdesalpes.example/2021/12/30/page-cassee/"


@contextmanager
def datasette(db, log, *extra: str):
    """`ingest serve` on a free loopback port; yields its base URL, stops it afterwards."""
    port = free_port()
    with open(log, "w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ingest",
                "serve",
                "--db",
                str(db),
                "--port",
                str(port),
                *extra,
            ],  # fmt: skip
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if server.poll() is not None:
                pytest.fail(f"ingest serve exited {server.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(base + "/-/versions.json", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"Datasette did not answer:\n{log.read_text()}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(10)


def later_crawl(db) -> None:
    """A second crawl through the real Store: a broken layout, wire copy, a failed page."""
    store = Store(db)
    crawl_id = store.start_crawl("crawl news", ["http://elfarodelsur.example/"], {})
    seen = now()

    def article(row) -> Article:
        return Article.from_dict(
            {k: json.loads(v) if k in JSON_FIELDS and v else v for k, v in row.items()}
        )

    for row in store.db.query(
        "select * from articles where outlet = 'el-faro' order by published desc limit 5"
    ):
        short = article(row)
        short.text = short.text.split(". ")[0] + ". Suscríbete para seguir leyendo."
        store.add_article(short.to_dict(), crawl_id, seen)
    seed = next(store.db.query("select * from articles where url = ?", [SEED_ARTICLE["url"]]))
    wire = article(seed)
    wire.url = wire.canonical_url = WIRE_URL
    wire.outlet, wire.sitename = "rheinblatt", "Rheinblatt"
    store.add_article(wire.to_dict(), crawl_id, seen)
    store.add_error(
        BROKEN_URL,
        {"stage": "extract", "kind": "ValueError", "message": "no article body"},
        crawl_id,
    )
    store.finish_crawl(crawl_id, {"store/new": 1, "store/updated": 5})
    store.close()


@pytest.fixture(scope="module")
def db(tmp_path_factory, demo_crawl):
    path = copy_database(demo_crawl, tmp_path_factory.mktemp("datasette"))
    later_crawl(path)
    return path


def digest(path) -> str:
    """What the database holds as a reader sees it, the write-ahead log included."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


@pytest.fixture(scope="module")
def unserved(db) -> str:
    """The database's digest before ``ingest serve`` first opened it."""
    return digest(db)


@pytest.fixture(scope="module")
def server(db, unserved, tmp_path_factory):
    with datasette(db, tmp_path_factory.mktemp("log") / "serve.log") as base:
        yield base + "/demo"
    assert digest(db) == unserved, "serving changed the database"


def get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode()


def get_json(url: str, **params) -> dict | list:
    query = urllib.parse.urlencode(params, doseq=True)
    return json.loads(get(f"{url}?{query}" if query else url))


def query(server: str, name: str, **params) -> list[dict]:
    return get_json(f"{server}/{name}.json", _shape="array", **params)


def test_metadata_is_generated_from_the_schema_descriptions(server):
    metadata = get_json(server.rsplit("/", 1)[0] + "/-/metadata.json")
    assert metadata["title"] and metadata["description"]
    tables = metadata["databases"]["demo"]["tables"]
    for name, described in DESCRIPTIONS.items():
        assert tables[name]["description"] == described["description"]
        assert tables[name]["columns"] == described["columns"]
    assert tables["articles"]["sort_desc"] == "published"
    # Datasette shows them: every column of the articles table carries its description.
    html = get(server + "/articles")
    for column, description in DESCRIPTIONS["articles"]["columns"].items():
        assert f'data-column="{column}"' in html
        assert description.replace("'", "&#39;") in html


def test_articles_newest_first_with_facets(server, db):
    data = get_json(server + "/articles.json", _shape="objects", _size=20)
    published = [row["published"] for row in data["rows"]]
    conn = sqlite3.connect(db)
    newest = [r[0] for r in conn.execute("select published from articles order by 1 desc")]
    assert published == newest[:20]
    facets = data["facet_results"]
    outlets = {f["value"]: f["count"] for f in facets["outlet"]["results"]}
    assert outlets == dict(conn.execute("select outlet, count(*) from articles group by 1"))
    assert {f["value"] for f in facets["language"]["results"]} == {"en", "de", "es", "fr"}
    assert facets["authors"]["type"] == "array"
    assert SEED_ARTICLE["authors"][0] in {f["value"] for f in facets["authors"]["results"]}
    months = facets["published_day"]  # the publisher's month, whatever the offset
    assert months["type"] == "month"
    assert [m["value"] for m in months["results"]] == [f"2021-{m:02}" for m in range(12, 0, -1)]
    april = next(m for m in months["results"] if m["value"] == "2021-04")
    selected = get_json(april["toggle_url"])
    assert selected["filtered_table_rows_count"] == april["count"]
    assert all(r["published_day"].startswith("2021-04") for r in selected["rows"])


def test_search_finds_the_seed_article_and_highlights_it(server):
    data = get_json(server + "/articles.json", _search="vaccine", _shape="objects")
    assert SEED_ARTICLE["title"] in [row["title"] for row in data["rows"]]
    html = get(server + "/articles?_search=vaccine")
    assert "Russia offers Pakistan assistance in <mark>vaccines</mark>" in html
    assert re.search(r"corona <mark>vaccine</mark> to Pakistan", html)  # the text's snippet


def test_canned_search_ranks_filters_and_marks_snippets(server):
    rows = query(server, "search", q="vaccine", outlet="", language="")
    assert rows and [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    assert SEED_ARTICLE["title"].replace("vaccines", "<mark>vaccines</mark>") in [
        r["title"] for r in rows
    ]
    # (an exact duplicate may keep no text of its own: its title matched)
    assert all("<mark>" in (r["snippet"] or r["title"]) for r in rows)
    only_wire = query(server, "search", q="vaccine", outlet="rheinblatt", language="")
    assert [r["url"] for r in only_wire] == [WIRE_URL]
    assert query(server, "search", q="vaccine", outlet="", language="fr") == []
    assert query(server, "search", q="", outlet="", language="") == []  # no error either
    # HTML: matches highlighted, everything else escaped, the article a link away.
    html = get(server + "/search?q=vaccine&outlet=&language=")
    assert "<mark>vaccines</mark>" in html
    assert f'href="/demo/articles/{rows[0]["article_id"]}"' in html


def test_canned_latest_per_outlet_and_per_day(server, db):
    latest = query(server, "latest_per_outlet")
    conn = sqlite3.connect(db)
    for outlet in ("yeni-haber", "rheinblatt", "el-faro", "courrier-des-alpes"):
        dates = [r["published"] for r in latest if r["outlet"] == outlet]
        newest = conn.execute(
            "select published from articles where outlet = ? order by 1 desc limit 5", [outlet]
        ).fetchall()
        assert dates == [d for (d,) in newest]
    per_day = query(server, "articles_per_day", outlet="")
    assert sum(r["articles"] for r in per_day) == 181
    assert per_day[0]["day"] == max(r["day"] for r in per_day)
    april = query(server, "articles_per_day", outlet="yeni-haber")
    assert {r["outlet"] for r in april} == {"yeni-haber"}
    assert "2021-04-07" in {r["day"] for r in april}


def test_canned_same_story_finds_the_wire_copy(server):
    rows = query(server, "same_story")
    # The later crawl's copy of the seed story (same text) and the demo's own wire story,
    # edited differently by each outlet that ran it (same headline).
    assert {(r["outlet"], r["title"], r["match"]) for r in rows} == {
        ("yeni-haber", SEED_ARTICLE["title"], "same text"),
        ("rheinblatt", SEED_ARTICLE["title"], "same text"),
        ("yeni-haber", story.WIRE_TITLE, "same headline"),
        ("rheinblatt", story.WIRE_TITLE, "same headline"),
        ("courrier-des-alpes", story.WIRE_TITLE, "same headline"),
    }
    assert [r["outlets"] for r in rows] == [3, 3, 3, 2, 2]


def test_canned_changed_articles_and_extraction_quality(server):
    changed = query(server, "changed_articles")
    assert len(changed) == 5
    assert {r["outlet"] for r in changed} == {"el-faro"}
    assert all(r["earlier_chars"] > r["current_chars"] for r in changed)
    quality = query(server, "extraction_quality")
    assert [(r["outlet"], r["latest_articles"], r["short_texts"]) for r in quality] == [
        ("el-faro", 5, 5)
    ]
    assert quality[0]["earlier_avg_words"] > 100


def test_canned_errors_of_the_last_crawl(server):
    rows = query(server, "last_crawl_errors")
    assert [(r["url"], r["stage"], r["kind"]) for r in rows] == [
        (BROKEN_URL, "extract", "ValueError")
    ]
    all_errors = get_json(server + "/errors.json", _shape="array", _size="max")
    assert len(all_errors) == 9  # the demo's eight are in the table, not in the last crawl


def test_article_page_reads_well_and_links_related_rows(server, db):
    article_id = (
        sqlite3.connect(db)
        .execute("select id from articles where url = ?", [SEED_ARTICLE["url"]])
        .fetchone()[0]
    )
    html = get(f"{server}/articles/{article_id}")
    for paragraph in SEED_ARTICLE["paragraphs"][:3]:
        escaped = paragraph.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;")
        assert f"<p>{escaped}</p>" in html
    url = urllib.parse.quote(SEED_ARTICLE["url"], safe="")
    assert f'href="/demo/errors?url={url}">errors for this URL: 0<' in html
    assert f'href="/demo/article_versions?article_id={article_id}">earlier versions: 0<' in html
    assert 'href="/demo/crawls/1">crawl<' in html
    assert 'href="/demo/pages/http~3A~2F~2Fyenihaber~2Eexample~2Fnews~2F' in html
    # A changed article links to its earlier version, which Datasette lists from the FK.
    changed = query(server, "changed_articles")[0]
    versions = get_json(
        server + "/article_versions.json", article_id=changed["article_id"], _shape="array"
    )
    assert len(versions) == 1 and versions[0]["text"] != ""


def test_raw_pages_are_never_rendered_as_html(server, db):
    (body,) = (
        sqlite3.connect(db)
        .execute("select body from pages where url = ?", [SEED_ARTICLE["url"]])
        .fetchone()
    )
    raw = zlib.decompress(body).decode()
    datasette_own = get(server + "/crawls")
    tags = set(re.findall(r"<(?:div|nav|ul|aside|footer) class=\"[^\"]+\">", raw))
    tags = {tag for tag in tags if tag not in datasette_own}
    assert tags
    pk = tilde_encode(SEED_ARTICLE["url"])
    row_page = get(f"{server}/pages/{pk}")
    assert "zlib-compressed HTML" in row_page
    table_page = get(server + "/pages?_size=max")
    source = get(server + "/page_source?" + urllib.parse.urlencode({"url": SEED_ARTICLE["url"]}))
    for tag in tags:
        assert tag not in row_page and tag not in table_page and tag not in source
    assert "&lt;/html&gt;" in source  # shown as text, escaped
    blob = urllib.request.urlopen(f"{server}/pages/{pk}.blob?_blob_column=body", timeout=30)
    assert blob.headers["content-type"] != "text/html"
    assert blob.headers["x-content-type-options"] == "nosniff"


def refused(request: urllib.request.Request | str) -> int:
    with pytest.raises(urllib.error.HTTPError) as error:
        urllib.request.urlopen(request, timeout=30)
    return error.value.code


def test_served_read_only(server, db, unserved):
    """Every way in that could write is refused, and serving and a tour of every page change
    nothing a reader sees: not at start-up, not on any page."""
    assert digest(db) == unserved
    delete = urllib.parse.urlencode({"sql": "delete from articles"})
    assert refused(f"{server}.json?{delete}") == 400
    assert refused(f"{server}.json?sql=pragma+journal_mode%3Ddelete") == 400
    post = urllib.request.Request(server, data=delete.encode(), method="POST")
    assert refused(post) in (403, 405)
    queries = get_json(server.rsplit("/", 1)[0] + "/-/metadata.json")["databases"]["demo"]
    assert not [name for name, q in queries["queries"].items() if q.get("write")]
    for name, canned in queries["queries"].items():
        params = dict.fromkeys(canned.get("params", []), "harbour")
        rows = json.loads(get(f"{server}/{name}.json?" + urllib.parse.urlencode(params)))
        assert isinstance(rows["rows"], list), name
    for table in ("articles", "pages", "urls", "crawls", "errors", "article_versions"):
        get(f"{server}/{table}?_size=5")
    get(f"{server}/articles?_search=Pakistan")
    assert digest(db) == unserved
    assert sqlite3.connect(db).execute("select count(*) from articles").fetchone()[0] == 181
    css = get(server.rsplit("/", 1)[0] + "/-/ingest.css")
    assert "mark" in css and 'td.col-text::before { content: "text"; }' in css


def test_datasette_options_pass_through(db):
    settings = run_ingest(
        "serve", "--db", str(db), "--setting", "default_page_size", "7", "--get", "/-/settings.json"
    )
    values = json.loads(settings.stdout)
    assert values["default_page_size"] == 7 and values["sql_time_limit_ms"] == 3000


@pytest.mark.parametrize(
    ("options", "error"),
    [
        (["--port", "99999"],  # ingest's own option: its usage, not Datasette's (-p, FILES)
         "Error: Invalid value for '--port': 99999 is not in the range 0<=x<=65535."),
        (["--bogus"],
         "Error: No such option '--bogus'. (Did you mean one of: '--cors', '--host', '--uds'?)"),
    ],
    ids=["port", "unknown-option"],
)  # fmt: skip
def test_an_option_datasette_refuses_is_a_usage_error_of_ingest_serve(db, options, error):
    """The usage named the command twice: ``ingest serve serve [OPTIONS] [FILES]...``."""
    done = run_ingest("serve", "--db", str(db), *options, check=False)
    assert done.returncode == 2
    ours = options[0] == "--port"  # run as python -m ingest here
    assert done.stderr.splitlines() == [
        "Usage: python -m ingest serve [OPTIONS] [DATASETTE_OPTIONS]..."
        if ours
        else "Usage: ingest serve [OPTIONS] [FILES]...",
        f"Try '{'python -m ' if ours else ''}ingest serve --help' for help.",
        "",
        error,
    ]


def listening_addresses(port: int) -> set[str]:
    """The local addresses with a socket listening on ``port``, from the kernel's tables."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if len(raw) == 4:
                    found.add(str(ipaddress.IPv4Address(raw[::-1])))
                else:  # four little-endian 32-bit words
                    words = [raw[i : i + 4][::-1] for i in range(0, 16, 4)]
                    found.add(str(ipaddress.IPv6Address(b"".join(words))))
    return found


def test_served_on_loopback_only(server):
    port = int(server.split(":")[2].split("/")[0])
    assert listening_addresses(port) == {"127.0.0.1"}


def test_the_internal_index_is_hidden_from_the_home_page(server):
    home = get(server.rsplit("/", 1)[0] + "/")
    database = get(server)
    assert "article_lsh" not in home
    assert 'href="/demo/articles"' in home
    assert "select * from article_lsh" not in database
    tables = get_json(server + ".json")["tables"]
    assert [t["hidden"] for t in tables if t["name"] == "article_lsh"] == [True]


def test_tables_come_in_the_order_people_use_them(server):
    home = get(server.rsplit("/", 1)[0] + "/")
    (listed,) = re.findall(r'<p class="ingest-tables">(.*?)</p>', home, re.S)
    names = re.findall(r">(\w+)</a>", listed)
    assert names[:4] == ["articles", "story_clusters", "duplicates", "article_changes"]
    assert "article_minhash" not in names and "article_lsh" not in names
    database = get(server)
    assert re.findall(r'<div class="db-table">\s*<h3><a href="[^"]+">(\w+)<', database)[:3] == [
        "articles",
        "article_versions",
        "crawls",
    ]
    assert "select * from articles</textarea>" in database


def test_canned_queries_are_titled_and_their_sql_folded(server):
    page = get(server + "/same_story")
    assert "<title>The same story in several outlets: demo</title>" in page
    assert '<details class="ingest-sql"><summary>SQL</summary><pre>with keyed as' in page
    assert 'id="sql-editor"' not in page
    metadata = get_json(server.rsplit("/", 1)[0] + "/-/metadata.json")
    queries = metadata["databases"]["demo"]["queries"]
    assert all(q["hide_sql"] and q["title"] for q in queries.values())


def test_urls_are_shortened_in_tables_and_whole_in_their_links(server, db):
    page = get(server + "/articles?_size=max")
    links = re.findall(r'<a href="([^"]+)" title="([^"]+)" class="ingest-url">([^<]+)</a>', page)
    conn = sqlite3.connect(db)
    urls = {u for (u,) in conn.execute("select url from articles")}
    shown = [(href, text) for href, title, text in links if href == title and href in urls]
    assert len({href for href, _ in shown}) == len(urls)
    assert all(len(text) <= 48 for _, text in shown)
    long = [(h, t) for h, t in shown if len(h) > 55]
    assert long and all(
        "/…/" in t and t.startswith(urllib.parse.urlsplit(h).netloc) for h, t in long
    )


def test_an_article_page_is_headed_by_its_headline(server, db):
    conn = sqlite3.connect(db)
    (article_id,) = conn.execute(
        "select id from articles where url = ?", [SEED_ARTICLE["url"]]
    ).fetchone()
    page = get(f"{server}/articles/{article_id}")
    title = SEED_ARTICLE["title"]
    assert f"<title>{title} (yeni-haber)</title>" in page
    assert re.search(rf'<h1 class="ingest-headline"[^>]*>{re.escape(title)}</h1>', page)
    assert '<time datetime="2021-04-07T16:20:00+05:00">2021-04-07 16:20</time>' in page
    # Other tables' rows keep Datasette's heading.
    crawl = get(f"{server}/crawls/1")
    assert re.search(r"<h1[^>]*>crawls: 1</h1>", crawl)


def test_the_dashboard_and_its_scripts_are_served_locally(server):
    base = server.rsplit("/", 1)[0]
    page = get(base + "/-/dashboards/crawl")
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts and all(s.startswith("/") for s in scripts), scripts
    for script in scripts:
        assert len(get(base + script)) > 100, script
    for chart in ("per-day", "languages", "health", "rules-missed"):
        assert f'id="chart-{chart}"' in page


def test_a_followed_search_is_an_atom_feed_even_before_anything_matches(server):
    import xml.etree.ElementTree as ET

    atom = "{http://www.w3.org/2005/Atom}"
    feed = ET.fromstring(get(server + "/follow_search.atom?q=glacier&outlet=&language="))
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries] == [story.WIRE_TITLE] * 3
    assert {e.findtext(f"{atom}id") for e in entries} == {
        e.find(f"{atom}link").get("href") for e in entries
    }
    empty = ET.fromstring(get(server + "/follow_search.atom?q=nothingmatches&outlet=&language="))
    assert empty.findtext(f"{atom}title") == "Follow a search as an Atom feed"
    assert empty.findall(f"{atom}entry") == []


def test_a_second_serve_on_a_port_in_use_says_so_in_one_line(server, db):
    """It had ended in uvicorn's log lines and exit 3."""
    port = urllib.parse.urlsplit(server).port
    done = run_ingest("serve", "--db", str(db), "--port", str(port), check=False, timeout=60)
    assert done.returncode == 1
    assert done.stderr == (
        f"Error: can't listen on 127.0.0.1:{port}: Address already in use "
        "(another serve? --port picks another)\n"
    )


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_a_readers_slip_is_a_400_and_a_blank_search_no_search_with_a_quiet_terminal(db, tmp_path):
    """An empty search box was an "fts5: syntax error" page; a sort by a column the table
    lacks, an HTTP 500 with a traceback and its locals in serve's terminal."""
    log = tmp_path / "serve.log"
    with datasette(db, log) as base:
        articles = base + "/demo/articles"
        everything = get_json(articles + ".json", _shape="array", _size=5)
        assert get_json(articles + ".json", _shape="array", _size=5, _search="") == everything
        assert get_json(articles + ".json", _shape="array", _size=5, _search=" ") == everything
        assert status_of(articles + "?_search=") == 200
        slips = [
            articles + "?_sort=nope",
            base + "/demo/pages.json?_sort=nope",
            articles + "?_search=vaccine&_sort=rank",
        ]
        assert [status_of(url) for url in slips] == [400, 400, 400]
        try:
            urllib.request.urlopen(base + "/demo/pages.json?_sort=nope", timeout=30)
        except urllib.error.HTTPError as exc:
            body = json.loads(exc.read())
        assert (body["ok"], body["status"], body["error"]) == (
            False,
            400,
            "Cannot sort table by nope",
        )
        assert status_of(base + "/demo/nothing_here") == 404
    assert "Traceback" not in log.read_text()


def test_errors_carry_cors_headers_when_served_with_cors(db, tmp_path):
    """Datasette's own error handler added them; the one that answers readers' slips did not."""
    with datasette(db, tmp_path / "serve.log", "--cors") as base:
        for url, status in (
            (base + "/demo/nothing_here", 404),
            (base + "/demo/pages.json?_sort=nope", 400),
        ):
            try:
                urllib.request.urlopen(url, timeout=30)
            except urllib.error.HTTPError as exc:
                assert (exc.code, exc.headers["Access-Control-Allow-Origin"]) == (status, "*")
            else:
                pytest.fail(f"{url} answered 200")
