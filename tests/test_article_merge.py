"""How an incoming article meets the stored one (ingest.store.merge), row by row.

Fast and direct: the crawl tests prove the same through whole crawls, but only
these pin each rule (versions, aliases, exact copies, clusters, diffs) to exact
values, so a one-line change to any of them fails here.
"""

from __future__ import annotations

import pytest

from ingest.article import content_hash
from ingest.store.duplicates import BANDS
from ingest.store.learned import SiteBoilerplate
from ingest.store.merge import ArticleMerge, is_alias, text_diff
from ingest.store.schema import open_database

from sites import prose


@pytest.fixture
def merge(tmp_path):
    db = open_database(tmp_path / "m.db")
    counted: list[tuple[str | None, str]] = []
    merge = ArticleMerge(db, SiteBoilerplate(db), lambda o, c: counted.append((o, c)), 0.6)
    merge.counted = counted  # type: ignore[attr-defined]
    yield merge
    db.close()


def row(aid: str, text: str, seen: str, title: str = "Title", **more) -> dict:
    url = more.pop("url", f"https://news.example/{aid}")
    return {
        "id": aid,
        "url": url,
        "canonical_url": more.pop("canonical_url", url),
        "outlet": "daily",
        "title": title,
        "text": text,
        "content_hash": content_hash(title, text),
        "last_seen": seen,
        "crawl_id": more.pop("crawl_id", 1),
        **more,
    }


def stored(merge, aid: str) -> dict:
    return next(merge.db.query("select * from articles where id = ?", [aid]))


def test_a_new_article_is_first_seen_when_seen(merge):
    merge.upsert(row("a", "One.\nTwo.", "2024-03-01T10:00:00+00:00"))
    got = stored(merge, "a")
    assert (got["first_seen"], got["last_seen"]) == ("2024-03-01T10:00:00+00:00",) * 2
    assert (got["duplicate_of"], got["cluster_id"]) == (None, None)
    assert merge.counted == [("daily", "new")]


def test_the_same_text_again_is_unchanged_and_seen_later(merge):
    merge.upsert(row("a", "One.\nTwo.", "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("a", "One.\nTwo.", "2024-03-02T10:00:00+00:00", crawl_id=2))
    got = stored(merge, "a")
    assert (got["first_seen"], got["last_seen"], got["crawl_id"]) == (
        "2024-03-01T10:00:00+00:00",
        "2024-03-02T10:00:00+00:00",
        2,
    )
    assert merge.counted == [("daily", "new"), ("daily", "unchanged")]
    assert merge.db["article_versions"].count == 0


def test_a_shards_row_keeps_its_first_seen_and_never_moves_last_seen_back(merge):
    merge.upsert(
        row("a", "One.", "2024-03-02T10:00:00+00:00", first_seen="2024-03-01T10:00:00+00:00")
    )
    merge.upsert(
        row("a", "One.", "2024-03-01T12:00:00+00:00", first_seen="2024-02-28T10:00:00+00:00")
    )
    got = stored(merge, "a")
    assert (got["first_seen"], got["last_seen"]) == (
        "2024-02-28T10:00:00+00:00",
        "2024-03-02T10:00:00+00:00",
    )


def test_a_changed_text_keeps_the_old_one_as_a_version_with_its_diff(merge):
    merge.upsert(row("a", "One.\nTwo.", "2024-03-01T10:00:00+00:00", title="Old"))
    merge.upsert(row("a", "One.\nThree.", "2024-03-02T10:00:00+00:00", title="New", crawl_id=2))
    got = stored(merge, "a")
    assert (got["title"], got["text"], got["first_seen"]) == (
        "New",
        "One.\nThree.",
        "2024-03-01T10:00:00+00:00",
    )
    (version,) = merge.db.query("select * from article_versions")
    assert {k: version[k] for k in version if k != "id"} == {
        "article_id": "a",
        "title": "Old",
        "text": "One.\nTwo.",
        "content_hash": content_hash("Old", "One.\nTwo."),
        "first_seen": "2024-03-01T10:00:00+00:00",
        "last_seen": "2024-03-01T10:00:00+00:00",
        "replaced_at": "2024-03-02T10:00:00+00:00",
        "diff": "-title: Old\n+title: New\n@@ -2 +2 @@\n-Two.\n+Three.",
        "crawl_id": 2,
    }
    assert merge.counted == [("daily", "new"), ("daily", "updated")]


def test_an_alias_does_not_replace_what_the_canonical_page_gave(merge):
    canonical_url = "https://news.example/a"
    merge.upsert(row("a", "Full text.", "2024-03-01T10:00:00+00:00", url=canonical_url))
    amp = row(
        "a", "Short.", "2024-03-02T10:00:00+00:00",
        url="https://news.example/print/a", canonical_url=canonical_url,
    )  # fmt: skip
    merge.upsert(amp)
    got = stored(merge, "a")
    assert (got["url"], got["text"], got["last_seen"]) == (
        canonical_url,
        "Full text.",
        "2024-03-02T10:00:00+00:00",
    )
    assert merge.counted == [("daily", "new"), ("daily", "unchanged")]
    assert merge.db["article_versions"].count == 0


def test_a_version_stored_before_the_escaped_spelling_is_still_the_canonical_pages():
    # Rows stored before canonical() took Scrapy's escapes name their canonical /a[1]
    # where the URL fetched says /a%5B1%5D: the same page, so a print copy is an alias.
    stored = {"url": "https://n.example/a%5B1%5D", "canonical_url": "https://n.example/a[1]"}
    printed = {"url": "https://n.example/print/a%5B1%5D", "canonical_url": stored["url"]}
    assert is_alias(stored, printed) is True
    assert is_alias(stored, {**printed, "url": stored["url"]}) is False


def test_is_alias_only_for_a_canonical_version_met_again_elsewhere():
    canonical = {"url": "https://n.example/a", "canonical_url": "https://n.example/a"}
    printed = {"url": "https://n.example/print/a", "canonical_url": "https://n.example/a"}
    assert is_alias(canonical, printed) is True
    assert is_alias(canonical, canonical) is False  # the same URL: a new version
    assert is_alias(printed, canonical) is False  # the canonical page replaces an alias's text
    other = {**printed, "url": "https://n.example/print2/a"}
    assert is_alias(printed, other) is False  # the stored one was no canonical page either
    bare = {"url": "https://n.example/a", "canonical_url": None}
    assert is_alias(bare, printed) is True  # no canonical stored: the URL is its own
    # the incoming page names itself canonical: not an alias, whatever the stored one says
    assert is_alias(canonical, {"url": "https://n.example/b", "canonical_url": None}) is False
    # an AMP spelling is the canonical URL itself once canonicalized: not an alias
    amp = {"url": "https://n.example/amp/a", "canonical_url": "https://n.example/a"}
    assert is_alias(canonical, amp) is False


def test_an_exact_copy_is_stored_once_and_joins_its_original(merge):
    text = "\n".join(prose(3))
    merge.upsert(row("a", text, "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("b", text, "2024-03-01T11:00:00+00:00"))
    copy = stored(merge, "b")
    assert (copy["duplicate_of"], copy["text"], copy["cluster_id"]) == ("a", None, "a")
    assert stored(merge, "a")["cluster_id"] == "a"
    assert merge.counted == [
        ("daily", "new"),
        ("daily", "new"),
        ("daily", "duplicates"),
        (None, "clustered"),
    ]
    ids = [r[0] for r in merge.db.execute("select article_id from article_minhash")]
    assert ids == ["a"]  # the copy has no signature of its own
    # seen again unchanged, it stays a copy
    merge.upsert(row("b", text, "2024-03-02T10:00:00+00:00"))
    assert (stored(merge, "b")["duplicate_of"], stored(merge, "b")["text"]) == ("a", None)


def test_when_an_original_changes_its_copies_keep_the_text_they_copied(merge):
    text = "\n".join(prose(3))
    merge.upsert(row("a", text, "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("b", text, "2024-03-01T11:00:00+00:00"))
    merge.upsert(row("a", text + "\nA correction.", "2024-03-02T10:00:00+00:00"))
    copy = stored(merge, "b")
    assert (copy["duplicate_of"], copy["text"]) == (None, text)


def test_a_copy_that_changes_keeps_its_originals_text_as_its_version(merge):
    text = "\n".join(prose(3))
    merge.upsert(row("a", text, "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("b", text, "2024-03-01T11:00:00+00:00"))
    merge.upsert(row("b", "Something else entirely.", "2024-03-02T10:00:00+00:00"))
    (version,) = merge.db.query("select article_id, text from article_versions")
    assert version == {"article_id": "b", "text": text}
    assert stored(merge, "b")["duplicate_of"] is None


def test_near_copies_share_a_cluster_named_by_the_oldest(merge):
    story = prose(5, paragraphs=6)
    merge.upsert(row("a", "\n".join(story), "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("z", "\n".join(prose(9, paragraphs=6)), "2024-03-01T10:30:00+00:00"))
    edited = [*story[:5], story[5] + " Officials added that more would follow."]
    merge.upsert(row("b", "\n".join(edited), "2024-03-01T11:00:00+00:00"))
    clusters = dict(merge.db.execute("select id, cluster_id from articles"))
    assert clusters == {"a": "a", "b": "a", "z": None}
    assert merge.counted[-1] == (None, "clustered")
    assert merge.db["article_lsh"].count == 3 * BANDS  # one key per band for each signature


def test_text_diff_names_the_title_then_the_changed_lines():
    assert text_diff("A", "x\ny", "A", "x\nz") == "@@ -2 +2 @@\n-y\n+z"
    assert text_diff("A", "x", "B", "x") == "-title: A\n+title: B"
    assert text_diff(None, None, "B", "x") == "-title: \n+title: B\n@@ -1 +1 @@\n-\n+x"
    assert text_diff("A", "x", "A", "x") == ""


def test_boilerplate_is_learned_once_per_new_article_and_never_makes_a_version(merge):
    """A line a site repeats is learned from articles stored for the first time only; an
    article stored before it was learned and read again without it is the same version."""
    footer = "Sign up for the Daily newsletter today."
    first = row("a", f"{prose(1)[0]}\n{footer}", "2024-03-01T10:00:00+00:00", site="n.example")
    merge.upsert(first)
    merge.upsert({**first, "last_seen": "2024-03-01T12:00:00+00:00"})  # seen again: not learned
    learned = merge.db.execute("select line, articles from site_lines where line = ?", [footer])
    assert learned.fetchall() == [(footer, 1)]
    for n in (2, 3):
        merge.upsert(row(f"s{n}", f"{prose(n)[0]}\n{footer}", f"2024-03-0{n}", site="n.example"))
    assert merge.db.execute(
        "select articles from site_lines where line = ?", [footer]
    ).fetchall() == [(3,)]
    assert stored(merge, "s3")["text"] == prose(3)[0]  # the third teaches it and loses it
    assert stored(merge, "a")["text"] == f"{prose(1)[0]}\n{footer}"  # stored before
    merge.upsert({**first, "last_seen": "2024-03-05T10:00:00+00:00"})  # read again, cleaned
    assert merge.db["article_versions"].count == 0
    assert merge.counted[-1] == ("daily", "unchanged")
    assert merge.db.execute(
        "select articles from site_lines where line = ?", [footer]
    ).fetchall() == [(3,)]  # an update teaches nothing


def test_counts_go_to_the_outlet_else_the_site(merge):
    merge.upsert({**row("a", "One.", "2024-03-01"), "outlet": None, "site": "n.example"})
    merge.upsert({**row("b", "Two.", "2024-03-01"), "outlet": None})
    assert merge.counted == [("n.example", "new"), ("(none)", "new")]


def test_an_article_that_becomes_a_copy_loses_its_own_signature(merge):
    text = "\n".join(prose(3))
    merge.upsert(row("a", text, "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("b", "\n".join(prose(8)), "2024-03-01T11:00:00+00:00"))
    assert sorted(r[0] for r in merge.db.execute("select article_id from article_minhash")) == [
        "a",
        "b",
    ]
    merge.upsert(row("b", text, "2024-03-02T10:00:00+00:00"))
    assert stored(merge, "b")["duplicate_of"] == "a"
    assert [r[0] for r in merge.db.execute("select article_id from article_minhash")] == ["a"]
    assert [r[0] for r in merge.db.execute("select distinct article_id from article_lsh")] == ["a"]


def test_a_page_that_names_another_canonical_is_a_new_version_not_an_alias():
    stored_row = {"url": "https://n.example/a", "canonical_url": "https://n.example/a"}
    assert is_alias(stored_row, {**stored_row, "canonical_url": "https://n.example/b"}) is False


def test_text_diff_with_missing_titles_and_texts():
    assert text_diff("A", "x", None, None) == "-title: A\n+title: \n@@ -1 +1 @@\n-x\n+"
    assert text_diff(None, "x", "", "x") == ""  # no title either way: nothing changed


def test_a_similarity_exactly_at_the_threshold_clusters(tmp_path):
    from ingest.store import duplicates

    story = prose(5, paragraphs=6)
    edited = [*story[:4], "An entirely different closing paragraph about the harbour."]
    first, second = "\n".join(story), "\n".join(edited)
    exact = duplicates.similarity(duplicates.signature(first), duplicates.signature(second))
    db = open_database(tmp_path / "t.db")
    merge = ArticleMerge(db, SiteBoilerplate(db), lambda o, c: None, exact)
    merge.upsert(row("a", first, "2024-03-01T10:00:00+00:00"))
    merge.upsert(row("b", second, "2024-03-01T11:00:00+00:00"))
    assert dict(db.execute("select id, cluster_id from articles")) == {"a": "a", "b": "a"}
    db.close()


def test_clusters_keep_their_name_and_merge_when_a_story_bridges_them(tmp_path):
    db = open_database(tmp_path / "t.db")
    merge = ArticleMerge(db, SiteBoilerplate(db), lambda o, c: None, 0.3)
    one, two = prose(1, paragraphs=6), prose(2, paragraphs=6)
    merge.upsert(row("old", "\n".join(prose(9, paragraphs=6)), "2024-03-01T09:00:00+00:00"))
    merge.upsert(row("b", "\n".join(one), "2024-03-02T10:00:00+00:00"))
    merge.upsert(row("c", "\n".join([*one[:5], "A new ending."]), "2024-03-03T10:00:00+00:00"))
    merge.upsert(row("d", "\n".join(two), "2024-03-04T10:00:00+00:00"))
    merge.upsert(row("e", "\n".join([*two[:5], "Another end."]), "2024-03-05T10:00:00+00:00"))
    clusters = dict(db.execute("select id, cluster_id from articles"))
    assert clusters == {"old": None, "b": "b", "c": "b", "d": "d", "e": "d"}
    # the oldest article, rewritten to follow the first story, joins that story's cluster
    # under its name rather than renaming it after itself
    merge.upsert(row("old", "\n".join([*one[:5], "Late."]), "2024-03-06T10:00:00+00:00"))
    clusters = dict(db.execute("select id, cluster_id from articles"))
    assert clusters == {"old": "b", "b": "b", "c": "b", "d": "d", "e": "d"}
    # a story carrying both joins the two clusters into the older one
    merge.upsert(row("f", "\n".join([*one[:3], *two[:3]]), "2024-03-07T10:00:00+00:00"))
    assert set(dict(db.execute("select id, cluster_id from articles")).values()) == {"b"}
    db.close()


def test_the_workers_signature_is_stored_unless_learned_boilerplate_changed_the_text(merge):
    from ingest.store.duplicates import signature
    from ingest.store.merge import SIGNATURE

    made = bytes(range(256)) * 2  # 128 bins of 4 bytes: not what this text would give
    text = "\n".join(prose(4))
    merge.upsert({**row("a", text, "2024-03-01"), SIGNATURE: made})
    assert merge.db.execute("select signature from article_minhash").fetchall() == [(made,)]
    assert SIGNATURE not in merge.db["articles"].columns_dict  # never a column

    footer = "Sign up for the Daily newsletter today."
    for n in (5, 6, 7):  # the third article teaches the footer and loses it
        body = f"{chr(10).join(prose(n))}\n{footer}"
        merge.upsert({**row(f"s{n}", body, "2024-03-02", site="n.example"), SIGNATURE: made})
    kept = dict(merge.db.execute("select article_id, signature from article_minhash").fetchall())
    assert kept["s5"] == made and kept["s6"] == made
    assert kept["s7"] == signature("\n".join(prose(7))).tobytes()


def test_a_job_asking_for_it_gets_its_articles_signature():
    from ingest.extract.process import Job, process_job
    from ingest.plugins.manager import PluginConfig, load_plugins
    from ingest.store.duplicates import signature

    text = "".join(f"<p>{line}</p>" for line in prose(2))
    html = f"<html><body><article><h1>Council vote</h1>{text}</article></body></html>"
    plugins = load_plugins(PluginConfig.default([]))
    job = Job(url="https://news.example/2024/03/01/vote", body=html.encode(), signature=True)
    outcome = process_job(plugins, job)
    assert outcome.signature == signature(outcome.article["text"]).tobytes()
    job.signature = False
    assert process_job(plugins, job).signature is None
