"""The crawl's memory of what it met: exact answers in 8 bytes a key, across folds."""

import pytest

from ingest.crawl import fingerprints
from ingest.crawl.fingerprints import Fingerprints


@pytest.fixture
def small_folds(monkeypatch):
    monkeypatch.setattr(fingerprints, "FOLD", 8)


def test_keys_are_met_once_across_folded_runs(small_folds):
    met = Fingerprints()
    urls = [f"https://news.example/story/{i}" for i in range(100)]
    for url in urls:
        met.add(url)
        met.add(url)  # twice: still one key
    assert len(met) == 100
    assert all(url in met for url in urls)
    assert not any(f"{url}/other" in met for url in urls)
    # folded into sorted runs of doubling sizes, 8 bytes a key
    assert sum(len(run) for run in met._runs) + len(met._new) == 100
    assert [len(run) for run in met._runs] == [64, 32]
    assert all(list(run) == sorted(run) for run in met._runs)


def test_a_discarded_key_is_gone_and_can_come_back(small_folds):
    met = Fingerprints(f"u{i}" for i in range(20))  # u0...u15 in runs, u16... new
    met.discard("u3")  # from a run
    met.discard("u18")  # from the new keys
    met.discard("never added")
    assert "u3" not in met and "u18" not in met and len(met) == 18
    met.add("u3")
    met.add("u18")
    assert "u3" in met and "u18" in met and len(met) == 20
    met.update(["u3", "u40"])
    assert len(met) == 21


def test_bytes_fingerprints_as_scrapy_gives_them():
    met = Fingerprints([b"\x01" * 20])
    assert b"\x01" * 20 in met
    assert b"\x02" * 20 not in met


def test_scrapy_uses_the_compact_duplicate_filter():
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from ingest.crawl import settings

    crawler = get_crawler(settings_dict={"DUPEFILTER_CLASS": settings.DUPEFILTER_CLASS})
    dupefilter = fingerprints.CompactDupeFilter.from_crawler(crawler)
    assert not dupefilter.request_seen(Request("https://news.example/a"))
    assert dupefilter.request_seen(Request("https://news.example/a"))
    assert not dupefilter.request_seen(Request("https://news.example/b"))
    assert len(dupefilter.requested) == 2
