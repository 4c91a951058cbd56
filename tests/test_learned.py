"""Boilerplate learned across a site's pages, kept in the database for later runs."""

import sqlite3

from conftest import FAST, run_ingest
from sites import LocalSite, article_page, index_page, story

PROMO = "Exclusive offer for our readers this week only"
QUOTE = (
    "The council said in a statement that it would review every contract signed since "
    "the scheme began, and that residents would be told of the outcome before the summer, "
    "whatever the cost of the review turned out to be in the end."
)
#: The same in Chinese, without a space: 43 words, however few ``split`` finds.
QUOTE_ZH = (
    "市议会在一份声明中表示，将审查自该计划启动以来签署的每一份合同，并且会在夏季到来之前"
    "把审查结果告诉所有居民，无论这次审查最终需要花费多少钱，都会把详细的情况向社会公开说明。"
)


def test_a_line_on_many_articles_of_a_site_is_learned_and_removed(tmp_path):
    links = [f"/news/{i}" for i in range(6)]
    pages = {
        link: article_page(f"Headline {i}", [*story(i), PROMO, QUOTE, QUOTE_ZH])
        for i, link in enumerate(links)
    }
    pages["/"] = index_page(links)
    db = tmp_path / "learned.db"
    with LocalSite(pages) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
        with sqlite3.connect(db) as conn:
            texts = [t for (t,) in conn.execute("select text from articles")]
            assert len(texts) == 6
            # learned once seen on 3 articles: the first two stored keep it for now
            assert sum(PROMO in t for t in texts) == 2
            assert all(QUOTE in t for t in texts)  # a long paragraph is prose, never learned
            assert all(QUOTE_ZH in t for t in texts)  # in any script
            assert all(story(i)[0] in "\n".join(texts) for i in range(6))
            [(line, articles)] = conn.execute(
                "select line, articles from site_lines where line = ?", [PROMO]
            ).fetchall()
            assert articles == 6
        # fetched again: cleaned, but not a new version of the article
        run_ingest("crawl", site.url + "/", "--refresh", "--db", str(db), *FAST)
        with sqlite3.connect(db) as conn:
            assert not any(PROMO in t for (t,) in conn.execute("select text from articles"))
            assert conn.execute("select count(*) from article_versions").fetchone() == (0,)
    run_ingest("reextract", "--db", str(db))
    with sqlite3.connect(db) as conn:
        texts = [t for (t,) in conn.execute("select text from articles")]
        assert not any(PROMO in t for t in texts)
        provenance = conn.execute("select distinct provenance from articles").fetchall()
        assert all('"text": "ingest.store.learned"' in p for (p,) in provenance)
        # reextract applies what was learned and does not count the same articles again
        assert conn.execute(
            "select articles from site_lines where line = ?", [PROMO]
        ).fetchone() == (6,)
