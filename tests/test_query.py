"""Querying a crawl: full-text search in the terminal and the real Datasette server."""

import csv
import json
import re
import sqlite3
import urllib.request
from contextlib import closing
from urllib.parse import urlsplit

import pyarrow.parquet as pq
import pytest
from test_datasette import datasette

from ingest.demo.site import SEED_ARTICLE

from conftest import FAST, copy_database, run_ingest
from sites import LocalSite, article_page, index_page, story


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("query") / "news.db"
    links = [f"/news/{i}" for i in range(6)]
    pages = {link: article_page(f"Headline {i}", story(i)) for i, link in enumerate(links)}
    pages["/news/5"] = article_page(
        "Glaciers retreat",
        ["Alpine glaciers lost a tenth of their volume in two summers, the survey found. " * 4],
    )
    pages["/"] = index_page(links)
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    return db


def test_search_ranks_and_highlights(crawled):
    results = json.loads(run_ingest("search", "glaciers", "--db", str(crawled), "--json").stdout)
    assert [r["title"] for r in results] == ["Glaciers retreat"]
    assert "[glaciers]" in results[0]["snippet"].lower()
    table = run_ingest("search", "glacier*", "--db", str(crawled), env={"COLUMNS": "40"}).stdout
    assert "Glaciers retreat" in table
    assert results[0]["url"] in table  # piped: never cut to the terminal's width
    assert "No article matches" in run_ingest("search", "volcano", "--db", str(crawled)).stdout


def test_a_word_after_title_or_text_and_a_colon_is_looked_for_in_that_column(crawled):
    """FTS5's column filter: ``title:glaciers`` was quoted whole, a phrase "title glaciers"
    that no article holds."""

    def titles(query: str) -> list[str]:
        found = run_ingest("search", query, "--db", str(crawled), "--json").stdout
        return sorted(r["title"] for r in json.loads(found))

    assert titles("title:glaciers") == titles("TEXT:survey") == ["Glaciers retreat"]
    assert titles("title:survey") == titles("text:headline") == []
    assert len(titles("title:headline")) == 5
    assert titles("title:text:survey") == []  # one word after the column: no syntax error


def test_serve_opens_the_database_in_datasette(crawled, tmp_path):
    # up to a minute to answer, and its log shown if it exits or never does
    with datasette(crawled, tmp_path / "serve.log") as base:
        url = f"{base}/news/articles.json?_search=glaciers&_shape=array"
        with urllib.request.urlopen(url, timeout=30) as response:
            rows = json.load(response)
    assert [row["title"] for row in rows] == ["Glaciers retreat"]


# -- the terminal over the demo crawl --------------------------------------------------


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_crawl):
    return copy_database(demo_crawl, tmp_path_factory.mktemp("demo-query"))


def sql(db, query: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(query, params).fetchall()
    finally:
        conn.close()


URLS = "select url from articles where outlet = ?"
UNFETCHED = (  # errors with no page counted for them (a 404's page row is no page)
    "select count(*) from errors where url like ?"
    " and not exists (select 1 from pages where pages.url = errors.url and pages.status < 400)"
)


def search_json(db, *args: str) -> list[dict]:
    return json.loads(run_ingest("search", *args, "--db", str(db), "--json").stdout)


def test_a_language_stored_by_its_iso_639_3_code_is_found_by_it(demo_db, tmp_path):
    """The detector names some languages by three letters (Ligurian "lij"), which have no
    two-letter code; ``--language`` took two letters only, and such articles were found by
    no language at all."""
    db = copy_database(demo_db, tmp_path)
    with sqlite3.connect(db) as conn:
        title = conn.execute("select title from articles where title = ?", [SEED_ARTICLE["title"]])
        conn.execute("update articles set language = 'lij' where title = ?", [title.fetchone()[0]])
    conn.close()
    found = search_json(db, "vaccine", "--language", "LIJ")
    assert [r["title"] for r in found] == [SEED_ARTICLE["title"]]
    assert SEED_ARTICLE["title"] not in [
        r["title"] for r in search_json(db, "vaccine", "--language", "en")
    ]


def test_search_filters_by_outlet_language_and_date(demo_db):
    results = search_json(demo_db, "vaccine")
    assert SEED_ARTICLE["title"] in [r["title"] for r in results]
    assert [r["rank"] for r in results] == sorted(r["rank"] for r in results)
    assert all(re.search(r"\[vaccines?\]", r["snippet"], re.I) for r in results)
    assert search_json(demo_db, "vaccine", "--language", "en") == results
    # as written in a page or a locale: "EN" and "en-GB" found nothing, without a word
    assert search_json(demo_db, "vaccine", "--language", "EN", "--language", "en-GB") == results
    own = "ace, bcl, crh, ext, gcf, gcr, gom, grc, guw, hbo, kab, kik, lij, ltg, nso, pcm, vec"
    for given, said in (
        ("English", f"is no language code articles are stored by: two letters (ISO 639-1, "
                    f"like de or pt), or one of {own}"),
        ("eng", f"is no language code articles are stored by: two letters (ISO 639-1, like "
                f"de or pt), or one of {own}"),  # "eng" found nothing: English is "en"
        ("yue", "is stored as zh"),
        ("zxx", "is no language: such articles have none"),
    ):  # fmt: skip
        wrong = run_ingest(
            "search", "vaccine", "--db", str(demo_db), "--language", given, check=False
        )
        assert (wrong.returncode, wrong.stderr.splitlines()[-1]) == (
            2,
            f"Error: Invalid value for '--language': {given!r} {said}",
        )
    assert search_json(demo_db, "vaccine", "--outlet", "rheinblatt") == []
    both = search_json(demo_db, "vaccine", "--outlet", "rheinblatt", "--outlet", "yeni-haber")
    assert both == [r for r in results if r["outlet"] == "yeni-haber"]
    since = search_json(demo_db, "vaccine", "--since", "2021-05-01")
    assert since == [r for r in results if r["published_day"] >= "2021-05-01"]
    assert 0 < len(since) < len(results)
    assert SEED_ARTICLE["title"] not in [r["title"] for r in since]  # published 2021-04-07
    until = search_json(demo_db, "vaccine", "--until", "2021-04-07")
    assert SEED_ARTICLE["title"] in [r["title"] for r in until]
    assert until == [r for r in results if r["published_day"] <= "2021-04-07"]
    bad = run_ingest("search", "vaccine", "--db", str(demo_db), "--since", "May", check=False)
    assert bad.returncode == 2 and "not a date" in bad.stderr
    for dates in (["--since", "2022-01-01", "--until", "2021-01-01"],
                  ["--until", "2021-01-01", "--since", "2022-01-01"]):  # fmt: skip
        reversed_ = run_ingest("export", "--db", str(demo_db), *dates, check=False)
        assert (reversed_.returncode, reversed_.stdout) == (2, "")
        assert reversed_.stderr.splitlines()[-1].endswith(
            "--since 2022-01-01 is after --until 2021-01-01: nothing is in both"
        )
    same_day = search_json(demo_db, "vaccine", "--since", "2021-04-07", "--until", "2021-04-07")
    assert SEED_ARTICLE["title"] in [r["title"] for r in same_day]
    broken = run_ingest("search", '"vaccine', "--db", str(demo_db), check=False)
    assert broken.returncode == 2 and "not a valid search" in broken.stderr
    for command in (["search", "*"], ["export", "--search", "**"]):
        special = run_ingest(*command, "--db", str(demo_db), check=False)
        assert special.returncode == 2
        assert special.stderr.splitlines()[-1].startswith(
            "Error: not a valid search: unknown special query"
        )
    huge = run_ingest("search", "x", "--limit", "9" * 20, "--db", str(demo_db), check=False)
    assert huge.returncode == 2 and "is not in the range 1<=x<=100000" in huge.stderr
    table = run_ingest("search", "vaccine", "--db", str(demo_db), "--outlet", "yeni-haber")
    assert "Russia offers Pakistan assistance" in table.stdout


def test_the_table_shows_stored_text_as_it_is(demo_db, tmp_path):
    """Rich drew a page's own markup and emoji codes: ":thumbs_up:" became 👍, "[bold red]"
    vanished, and the snippet's brackets around a match mixed with the text's own."""
    db = copy_database(demo_db, tmp_path)
    title = "Budget [bold red]vote[/] passes :thumbs_up: today"
    text = r"Line with [Budget] bold and the vaccine C:\rollout [1] :smile: in the end."
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute(
            "update articles set title = ?, text = ? where title = ?",
            [title, text, SEED_ARTICLE["title"]],
        )
    shown = run_ingest("search", "rollout", "--db", str(db)).stdout
    assert title in shown
    assert text in shown  # a backslash before the match had made rich raise a traceback
    assert "👍" not in shown and "😄" not in shown
    # JSON keeps its brackets around the match
    [found] = search_json(db, "rollout")
    assert found["snippet"] == text.replace("rollout", "[rollout]")
    told = run_ingest("search", "a:b:c", "--db", str(db))
    assert told.stdout == "No article matches 'a:b:c'.\n"


def test_a_set_of_columns_is_fts5_syntax_and_a_column_no_index_has_is_said(demo_db):
    in_title = search_json(demo_db, "title:vaccine")
    assert in_title and search_json(demo_db, "{title}:vaccine") == in_title
    every = {r["id"] for r in search_json(demo_db, "{title text}:vaccine", "--limit", "100")}
    assert every == {r["id"] for r in search_json(demo_db, "vaccine", "--limit", "100")}
    assert len(every) > len(in_title)
    typo = run_ingest("search", "titel:vaccine", "--db", str(demo_db))
    assert typo.stderr == (
        '"titel:" names no column: title: and text: look in one column alone, and "titel:…" '
        "is searched as words\n"
    )
    assert run_ingest("search", "10:30", "--db", str(demo_db)).stderr == ""  # a time
    assert run_ingest("search", "https://yenihaber.example", "--db", str(demo_db)).stderr == ""
    for query in ("NOT vaccine", "vaccine OR"):  # "NOT vaccine" had found the vaccine stories
        told = run_ingest("search", query, "--db", str(demo_db), check=False)
        word = query.split()[0 if query.startswith("NOT") else -1]
        assert (told.returncode, told.stderr.splitlines()[-1]) == (
            2,
            f"Error: Invalid value for 'QUERY': {word} needs a term on each side: "
            '"flood NOT insurance" finds flood without insurance; "not" as a word is lower case',
        )
    assert search_json(demo_db, "vaccine NOT pakistan")  # an operator between terms is fine
    near = run_ingest("search", "NEAR(gas pipeline, abc)", "--db", str(demo_db), check=False)
    assert (near.returncode, near.stderr.splitlines()[-1]) == (
        2,
        'Error: not a valid search: expected integer, got "abc"',
    )


@pytest.mark.parametrize("command", [["search", "vaccine"], ["export"]], ids=["search", "export"])
def test_an_outlet_named_that_nothing_has_is_a_usage_error_with_the_closest(demo_db, command):
    """``--outlet el_faro`` matched nothing, said nothing, and exited 0."""
    typo = run_ingest(*command, "--db", str(demo_db), "--outlet", "yeni-haber", "--outlet",
                      "el_faro", check=False)  # fmt: skip
    assert (typo.returncode, typo.stdout) == (2, "")
    assert typo.stderr.splitlines()[-1].startswith(
        "Error: Invalid value for --outlet: no outlet is named 'el_faro'; did you mean el-faro? "
        "(outlets: ap-news, cnbc, courrier-des-alpes, el-faro, fox-news,"
    )
    # an outlet a plugin declares, without an article here: nothing to give, and no error
    none = run_ingest(*command, "--db", str(demo_db), "--outlet", "reuters")
    assert none.returncode == 0


def test_an_exact_duplicate_found_by_its_title_points_at_its_originals_text(demo_db):
    """Its text is its original's (NULL of its own): the snippet was NULL and every search
    that found one ended in a traceback."""
    [(copy, original)] = sql(
        demo_db, "select id, duplicate_of from articles where duplicate_of is not null"
    )
    [title] = [t for (t,) in sql(demo_db, "select title from articles where id = ?", [copy])]
    word = max(title.split(), key=len)
    results = {r["id"]: r for r in search_json(demo_db, word)}
    assert results[copy]["snippet"] == f"(the text of article {original})"
    assert results[copy]["duplicate_of"] == original
    assert results[original]["duplicate_of"] is None
    assert f"[{word}]" in results[original]["snippet"]
    table = run_ingest("search", word, "--db", str(demo_db))  # exit 0: the table is drawn
    assert "(the text of article" in table.stdout


def test_an_empty_search_is_a_usage_error_in_search_and_export(demo_db, tmp_path):
    """An unset shell variable (--search "$Q") once exported every article; then it matched
    nothing, exit 0, as if no article matched: now the user hears of it."""
    warc = str(tmp_path / "none.warc.gz")
    for query in ("", "   "):
        said = run_ingest("search", query, "--db", str(demo_db), check=False)
        assert (said.returncode, said.stderr.splitlines()[-1]) == (
            2,
            "Error: Invalid value for 'QUERY': give words to search for",
        )
        for more in ([], ["--format", "warc", "-o", warc]):
            export = ["export", "--db", str(demo_db), "--search", query, *more]
            exported = run_ingest(*export, check=False)
            assert (exported.returncode, exported.stdout) == (2, "")
            assert exported.stderr.splitlines()[-1] == (
                "Error: Invalid value for '--search': give words to search for"
            )


def test_stats_counts_outlets_dates_crawls_and_errors(demo_db):
    stats = json.loads(run_ingest("stats", "--db", str(demo_db), "--json").stdout)
    assert stats["totals"]["articles"] == 180 and stats["totals"]["outlets"] == 4
    outlets = {o["outlet"]: o for o in stats["outlets"]}
    expected = sql(
        demo_db,
        "select outlet, count(*), min(published_day), max(published_day),"
        " group_concat(distinct language) from articles group by outlet",
    )
    assert set(outlets) == {row[0] for row in expected}
    for outlet, count, first, last, language in expected:
        row = outlets[outlet]
        assert (row["articles"], row["first_published"], row["last_published"]) == (
            count,
            first,
            last,
        )
        assert row["languages"] == sorted(language.split(","))  # the wire story is in en
        # Each demo outlet has a dead link and a page robots.txt forbids, neither fetched.
        assert row["errors"] == 2
        # The rate counts each request once: errors over pages plus errors with no page.
        (host,) = {urlsplit(url).hostname for (url,) in sql(demo_db, URLS, [outlet])}
        (unfetched,) = sql(demo_db, UNFETCHED, [f"http://{host}/%"])[0]
        assert row["error_rate"] == round(2 / (row["pages"] + unfetched), 4)
    assert sum(o["pages"] for o in stats["outlets"]) == stats["totals"]["pages"]
    crawl = stats["last_crawl"]
    assert crawl["id"] == 1 and crawl["articles"] == 180 and crawl["errors"] == 8
    assert crawl["errors_by_kind"] == {"fetch http_404": 4, "fetch robots_disallowed": 4}
    text = run_ingest("stats", "--db", str(demo_db)).stdout
    assert "yeni-haber" in text and "Last crawl: 1" in text and "fetch http_404" in text


def test_stats_and_the_crawl_health_count_the_same_pages(demo_db):
    """Per outlet, `ingest stats` and the crawl's health table agree: a 404 is an error of
    the outlet, not a page of it."""
    stats = json.loads(run_ingest("stats", "--db", str(demo_db), "--json").stdout)
    health = dict(sql(demo_db, "select outlet, pages from crawl_health where crawl_id = 1"))
    assert {o["outlet"]: o["pages"] for o in stats["outlets"]} == health
    assert stats["totals"]["pages"] == stats["last_crawl"]["pages"] == sum(health.values())
    (not_found,) = sql(demo_db, "select count(*) from pages where status = 404")[0]
    (stored,) = sql(demo_db, "select count(*) from pages")[0]
    assert stored == sum(health.values()) + not_found
    summary = run_ingest("stats", "--db", str(demo_db)).stdout
    assert f"{sum(health.values())} pages" in summary.replace("\n", " ")


def test_an_export_never_replaces_the_database_a_links_target_or_a_files_privacy(demo_db, tmp_path):
    """-o naming the database replaced it with the export, exit 0; a symbolic link was
    replaced by the export, its target left as it was; a private file became 644."""
    db = copy_database(demo_db, tmp_path)
    before = sql(db, "select count(*) from articles")
    for output in (db, db.with_name(db.name + "-wal")):
        done = run_ingest("export", "--db", str(db), "-o", str(output), check=False)
        assert done.returncode == 2
        assert done.stderr.splitlines()[-1] == (
            f"Error: Invalid value for --output: {output} is the database itself"
        )
    assert sql(db, "select count(*) from articles") == before
    target = tmp_path / "kept" / "el-faro.jsonl"
    target.parent.mkdir()
    target.write_text("old\n")
    target.chmod(0o600)
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    run_ingest("export", "--db", str(db), "--outlet", "el-faro", "-o", str(link))
    assert link.is_symlink() and (target.stat().st_mode & 0o777) == 0o600
    assert len(target.read_text().splitlines()) == 45  # el-faro's articles, through the link


def test_an_export_to_standard_output_is_utf_8_whatever_the_locale(demo_db):
    """Under a Latin-1 standard output, the first quotation mark ended it in a traceback."""
    done = run_ingest(
        "export", "--db", str(demo_db), "--outlet", "el-faro", env={"PYTHONIOENCODING": "latin-1"}
    )
    assert len(done.stdout.splitlines()) == 45 and "Traceback" not in done.stderr


def test_a_table_in_a_terminal_without_the_characters_shows_them_as_question_marks(demo_db):
    """Under an ASCII standard output, a table with "kündigt" ended in a traceback."""
    ascii_out = {"PYTHONIOENCODING": "ascii"}
    found = run_ingest("search", "Stadtrat", "--db", str(demo_db), env=ascii_out)
    assert "Anna Becker k?ndigt Entscheidung ?ber Radschnellweg an" in found.stdout
    stats = run_ingest("stats", "--db", str(demo_db), env=ascii_out)
    assert "rheinblatt" in stats.stdout and "Traceback" not in stats.stderr
    # JSON is data: UTF-8 whatever the locale, never a character replaced
    for command in (["search", "Stadtrat"], ["stats"]):
        latin = run_ingest(
            *command, "--db", str(demo_db), "--json", env={"PYTHONIOENCODING": "latin-1"}
        )
        utf8 = run_ingest(*command, "--db", str(demo_db), "--json")
        assert latin.stdout == utf8.stdout and "?" not in json.dumps(json.loads(latin.stdout))


def test_export_jsonl_csv_and_parquet_with_filters(demo_db, tmp_path):
    jsonl = run_ingest(
        "export", "--db", str(demo_db), "--outlet", "el-faro", "--since", "2021-06-01"
    )
    records = [json.loads(line) for line in jsonl.stdout.splitlines()]
    expected = sql(
        demo_db,
        "select id from articles where outlet = 'el-faro' and published >= '2021-06-01'"
        " order by published desc, id",
    )
    assert [r["id"] for r in records] == [i for (i,) in expected]
    assert all(isinstance(r["authors"], list) and r["text"] for r in records)
    assert f"{len(records)} articles exported" in jsonl.stderr

    out = tmp_path / "de.csv"
    run_ingest(
        "export", "--db", str(demo_db), "--format", "csv", "--language", "de", "-o", str(out)
    )
    with open(out, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    german = sql(demo_db, "select count(*) from articles where language = 'de'")[0][0]
    assert len(rows) == german == 44 and {r["language"] for r in rows} == {"de"}
    assert all("\n" in r["text"] for r in rows)  # paragraphs kept, quoted

    searched = run_ingest("export", "--db", str(demo_db), "--search", "vaccine").stdout
    ids = {json.loads(line)["id"] for line in searched.splitlines()}
    assert ids == {r["id"] for r in search_json(demo_db, "vaccine", "--limit", "100")}

    parquet = tmp_path / "all.parquet"
    run_ingest("export", "--db", str(demo_db), "--format", "parquet", "-o", str(parquet))
    table = pq.read_table(parquet)
    assert table.num_rows == 180
    assert str(table.schema.field("authors").type) == "list<element: string>"
    seed = next(r for r in table.to_pylist() if r["url"] == SEED_ARTICLE["url"])
    assert seed["authors"] == SEED_ARTICLE["authors"] and seed["title"] == SEED_ARTICLE["title"]
    refused = run_ingest("export", "--db", str(demo_db), "--format", "parquet", check=False)
    assert refused.returncode == 2 and "--output" in refused.stderr


PROMO = (
    '<html><head><title>{0}</title><meta property="og:type" content="article"></head><body>'
    "<article><h1>{0}</h1><p>Sign up for our free newsletter to get the latest news in your "
    "inbox.</p><p>Follow us on Twitter.</p></article></body></html>"
)


def test_pages_whose_text_came_out_empty_count_in_the_extraction_quality_query(tmp_path):
    """Such a page is a no_text error now, not an article row with an empty text: the
    query that lists outlets whose texts came out empty counts the errors."""
    from ingest.query.datasette.queries import quality_sql

    pages = {
        "/news/harbour-quay-closed-after-cracks": article_page("Harbour quay closed", story(1)),
        "/news/sign-up-for-our-newsletter-today": PROMO.format("Our newsletter"),
        "/news/follow-the-coast-courier-on-social": PROMO.format("Follow us"),
    }
    pages["/"] = index_page(list(pages))
    db = tmp_path / "news.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    site_name = urlsplit(site.url).netloc
    reasons = sql(db, "select reason, count(*) from urls where url like '%/news/%' group by 1")
    assert reasons == [("article", 1), ("no_text", 2)]
    assert sql(db, "select stage, kind from errors") == [("clean", "no_text")] * 2
    assert sql(db, "select count(*) from pages where url like '%/news/%'") == [(3,)]  # kept
    quality = sql(db, quality_sql(exclude_duplicates=False))
    assert [row[:4] for row in quality] == [(site_name, 3, 2, 2)]
