"""A hostile site: every trap a real crawl meets at once, beside 20 good articles.

The crawl keeps every good article and records every trap as an errors row and a
final urls reason. Time and memory at the default settings are
``benchmarks/faults.py``'s to measure; here the download timeout is lowered so the
test stays short.
"""

from faultkit import TRAPS, hostile_site

from conftest import FAST, rows, run_ingest
from sites import LocalSite


def test_a_hostile_site_keeps_the_good_and_records_every_trap(tmp_path):
    with LocalSite(hostile_site()) as site:
        db = tmp_path / "news.db"
        done = run_ingest(
            "crawl", site.url + "/", "--db", str(db), *FAST, "-s", "DOWNLOAD_TIMEOUT=4",
            cwd=tmp_path,
        )  # fmt: skip
    assert "Traceback" not in done.stderr
    titles = sorted(t for (t,) in rows(db, "select title from articles"))
    assert titles == sorted(f"Good {i}" for i in range(20))
    ended = {
        url.removeprefix(site.url): (state, reason)
        for url, state, reason in rows(db, "select url, state, reason from urls")
    }
    assert {path: ended[path] for path in TRAPS} == TRAPS
    errors = {
        url.removeprefix(site.url): kind for url, kind in rows(db, "select url, kind from errors")
    }
    assert errors == {path: reason for path, (_, reason) in TRAPS.items()}
    assert rows(db, "select count(*) from urls where state = 'queued' or reason is null") == [(0,)]
