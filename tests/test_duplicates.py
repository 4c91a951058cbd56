"""The same story twice: exact copies linked and stored once, syndicated near-copies clustered.

One real crawl of three outlets served on 127.0.0.1, then the store's rules one by one.
"""

import random

import pytest

from ingest.article import Article
from ingest.store.duplicates import signature, similarity
from ingest.store.writer import Store

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page, index_page

VOCABULARY = (
    "the council approved new budget after long debate on tuesday evening officials said plan "
    "would fund repairs to bridges and schools across region critics argued that spending was "
    "rushed lacked clear review process residents who attended meeting asked for more details "
    "about timeline mayor promised public report progress every project next spring economists "
    "expect investment create several hundred jobs in construction river flooded low streets "
    "near harbour firefighters worked through night rescue families police closed roads while "
    "engineers inspected damaged railway line farmers warned drought could ruin harvest prices "
    "of bread milk rose sharply shops reported queues hospital opened ward doctors nurses union "
    "called strike over wages pensions minister met leaders talks continue"
).split()


def story(seed: int, paragraphs: int = 12, words: int = 30) -> list[str]:
    """A distinct story: its own random sentences (different stories share no 5 words)."""
    rng = random.Random(seed)
    return [
        " ".join(rng.choice(VOCABULARY) for _ in range(words)).capitalize() + "."
        for _ in range(paragraphs)
    ]


def test_copies_are_linked_and_syndicated_stories_clustered(tmp_path):
    wire = story(1)
    # Outlet B rewrites the headline, adds an intro, cuts the end and changes a word.
    edited = wire[:-1]
    edited[3] = edited[3].replace(" ", " indeed ", 1)
    outlet_b = ["Our correspondent adds local reactions to this agency report below.", *edited]
    # Outlet C changes two words.
    outlet_c = [p.replace(" ", " also ", 1) if i in (2, 7) else p for i, p in enumerate(wire)]
    own = {name: story(seed) for name, seed in (("a", 10), ("b", 20), ("c", 30))}

    def outlet(site: str, pages: dict) -> dict:
        pages = {path: article_page(*args, site=site) for path, args in pages.items()}
        pages["/"] = index_page(list(pages))
        return pages

    a = outlet(
        "Alpha Times",
        {"/news/wire": ("Storm hits the coast", wire), "/news/own": ("Alpha's own", own["a"])},
    )
    b = outlet(
        "Beta Post",
        {
            "/world/storm": ("Coast battered by storm", outlet_b),
            "/local/copy": ("Alpha's own", own["a"]),  # an exact copy of A's story
            "/local/own": ("Beta's own", own["b"]),
        },
    )
    c = outlet(
        "Gamma Herald",
        {"/a/storm": ("Storm hits the coast", outlet_c), "/a/own": ("Gamma's own", own["c"])},
    )
    db = tmp_path / "dups.db"
    with LocalSite(a) as site_a, LocalSite(b) as site_b, LocalSite(c) as site_c:
        seeds = [s.url + "/" for s in (site_a, site_b, site_c)]
        out = run_ingest("crawl", *seeds, "--db", str(db), *FAST)

    assert rows(db, "select count(*) from articles") == [(7,)]
    # The exact copy is a row (its outlet published it) pointing to the one stored first,
    # whose text it does not store again.
    [(copy_id, original, text)] = rows(
        db, "select id, duplicate_of, text from articles where duplicate_of is not null"
    )
    assert text is None
    [(original_text,)] = rows(db, "select text from articles where id = ?", original)
    assert original_text == "\n".join(own["a"])
    [(dup_url, original_url)] = rows(db, "select url, original_url from duplicates")
    assert {dup_url.split("/", 3)[3], original_url.split("/", 3)[3]} == {"local/copy", "news/own"}
    # The wire story is one cluster across the three outlets.
    clusters = rows(db, "select title, articles, outlets from story_clusters order by outlets desc")
    assert clusters[0][1:] == (3, 3)
    three = rows(
        db,
        "select a.url from articles a join story_clusters s on s.cluster_id = a.cluster_id"
        " where s.outlets >= 3 order by a.url",
    )
    assert sorted(u.rsplit("/", 1)[1] for (u,) in three) == ["storm", "storm", "wire"]
    # Each outlet's own story stands alone; the copy shares its original's cluster.
    assert clusters[1:] == [("Alpha's own", 2, 2)]
    alone = rows(db, "select title from articles where cluster_id is null order by title")
    assert alone == [("Beta's own",), ("Gamma's own",)]
    health = dict(rows(db, "select outlet, duplicates from crawl_health"))
    assert sorted(health.values()) == [0, 0, 1]
    assert "dupl." in out.stdout


def article(url: str, title: str, text: list[str]) -> dict:
    return Article(url=url, title=title, text="\n".join(text), canonical_url=url).to_dict()


def test_store_merges_clusters_and_frees_a_copy_that_changed(tmp_path):
    db = tmp_path / "store.db"
    store = Store(db, batch_size=1)
    crawl = store.start_crawl("test", [], {})
    base = story(5, paragraphs=14)

    def near(text: list[str]) -> list[str]:
        return [text[0].replace(" ", " truly ", 1), *text[1:]]

    first, second, bridge = base[0:10], base[3:13], base[1:12]
    # Two stories sharing less than half their text, each with a near copy: two clusters.
    for n, text in enumerate((first, near(first), second, near(second))):
        store.add_article(article(f"http://s{n}.test/a", f"T{n}", text), crawl, f"2024-01-0{n + 1}")
    assert similarity(signature("\n".join(first)), signature("\n".join(second))) < 0.6
    assert len(rows(db, "select distinct cluster_id from articles")) == 2
    # A story overlapping both joins them into one.
    store.add_article(article("http://s9.test/a", "Bridge", bridge), crawl, "2024-01-09")
    [(cluster, members)] = rows(db, "select cluster_id, articles from story_clusters")
    assert members == 5
    assert rows(db, "select url from articles where id = ?", cluster) == [("http://s0.test/a",)]

    # An exact copy, then its text changes: it gets its text back and leaves the link.
    store.add_article(article("http://copy.test/a", "T0", first), crawl, "2024-02-01")
    [(dup, text)] = rows(db, "select duplicate_of, text from articles where url like '%copy%'")
    assert dup is not None and text is None
    changed = [*first[:-1], "A new last paragraph written only for this copy of the story."]
    store.add_article(article("http://copy.test/a", "T0", changed), crawl, "2024-02-02")
    store.close()
    [(dup, text)] = rows(db, "select duplicate_of, text from articles where url like '%copy%'")
    assert dup is None and text == "\n".join(changed)
    # the version it replaced keeps the text it had, read from the original
    [(old_text, diff, seen)] = rows(db, "select text, diff, replaced_at from article_versions")
    assert old_text == "\n".join(first) and seen == "2024-02-02"
    assert "+A new last paragraph written only for this copy of the story." in diff


def test_copies_keep_their_text_when_the_original_changes(tmp_path):
    db = tmp_path / "orig.db"
    store = Store(db, batch_size=1)
    crawl = store.start_crawl("test", [], {})
    text = story(3, paragraphs=6)
    store.add_article(article("http://orig.test/a", "T", text), crawl, "2024-01-01")
    store.add_article(article("http://copy.test/a", "T", text), crawl, "2024-01-02")
    assert rows(db, "select text from articles where url like '%copy%'") == [(None,)]
    store.add_article(article("http://orig.test/a", "T", [*text, "A correction."]), crawl,
                      "2024-01-03")  # fmt: skip
    store.close()
    [(dup, copy_text)] = rows(db, "select duplicate_of, text from articles where url like '%copy%'")
    assert dup is None and copy_text == "\n".join(text)


def test_signatures_and_band_keys_stay_the_same_across_versions():
    """Both are stored in the database: a change to the hashing would cluster old and new
    articles apart. These values were computed once and must not move."""
    import hashlib

    from ingest.store.duplicates import band_keys, words

    short = signature(" ".join(f"Word{i}" for i in range(40)))  # most bins filled by rotation
    assert hashlib.sha1(short.tobytes()).hexdigest()[:16] == "894e9f3ec9cc448a"
    assert list(short[:4]) == [2770826108, 116390347, 1756921882, 3397453417]
    assert band_keys(short)[:3] == [-6794852408639252776, 8443657719925226829, 479486337149327743]
    long = signature(" ".join(f"w{i}" for i in range(400)))
    assert hashlib.sha1(long.tobytes()).hexdigest()[:16] == "b15c633fa674eaa2"
    overlap = signature(" ".join(f"w{i}" for i in range(200, 600)))
    assert similarity(long, overlap) == 0.265625  # 196 of 596 shingles shared: about 0.33
    assert similarity(long, long.tobytes()) == 1.0
    with pytest.raises(ValueError):  # a truncated signature is an error, not a low score
        similarity(long, long.tobytes()[:-4])
    assert signature(" ".join(["a"] * 39)) is None and signature(None) is None
    assert words("Ab, CD e") == ["ab", "cd", "e"]


def test_stories_in_chinese_are_compared_character_by_character():
    """Chinese has no spaces: each character is a token, so a copy that changed one
    character is still near its original, and a short story is weighed by its words."""
    rng = random.Random(7)
    hanzi = "市政府议会通过预算修复桥梁学校交通港口渔民商贩医院工人工资谈判继续警察道路"

    def chinese(seed: int) -> str:
        rng.seed(seed)
        return "。".join("".join(rng.choice(hanzi) for _ in range(30)) for _ in range(12))

    original, other = chinese(1), chinese(2)
    copy = original[:100] + "桥" + original[101:]
    assert original[100] != "桥"
    assert similarity(signature(original), signature(copy)) == 0.9765625  # 125 of 128 bins
    assert similarity(signature(original), signature(other)) == 0.0
    assert signature(original[:90]) is not None  # 90 characters: 44 words, three sentences
    assert signature(original[:60]) is None  # 60 tokens, but 30 words: too short to cluster
