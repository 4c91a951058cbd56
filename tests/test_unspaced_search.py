"""Search in scripts written without spaces: Chinese, Japanese and Thai words are found
inside their clauses through the trigram index, and searches in other scripts are unchanged.

The pages of the crawl declare ``lang="en"`` whatever their text: the index follows the
characters an article holds, not the language it is filed under (an English story that
names a place in Japanese is indexed too).
"""

import json
import sqlite3

import pytest
from test_datasette import datasette
from test_datasette import query as canned

from ingest.article import compress
from ingest.store.schema import open_database

from conftest import FAST, copy_database, run_ingest
from sites import LocalSite, article_page, index_page, story

HARBOUR = (  # Chinese: the north pier (北码头) closes
    "港务局星期一宣布，由于强风和海浪，北码头将从本周三起关闭两个星期，所有渡轮改由南码头出发。",
    "港务局发言人表示，工人们将利用这段时间修复码头的木板和照明设备，预计维修费用约为三百万元。",
    "当地居民对这一决定表示理解，但一些商户担心关闭期间游客人数会明显减少，生意受到影响。",
)
STORM = (  # Chinese: a rainstorm warning; no 码头 in it
    "气象台星期二发布暴雨橙色预警，提醒市民减少外出，并注意防范山洪和城市内涝。",
    "教育局随后宣布，全市中小学星期三停课一天，幼儿园也将暂停开放，具体安排另行通知。",
    "交通部门表示，地铁将照常运营，但部分公交线路可能因道路积水而临时调整。",
)
BRIDGE = (  # Japanese: a bridge over Tokyo Bay opens
    "東京湾に架かる新しい橋の開通式が日曜日に行われ、多くの市民が早朝から集まりました。",
    "知事は式典で、この橋が湾岸地域の交通渋滞を大きく緩和すると述べ、関係者に感謝しました。",
    "橋の全長は約二キロで、歩行者と自転車のための専用レーンも設けられています。",
)
AIRPORT = (  # Chinese: the page of /news/0 as the outlet rewrote it: an airport, no pier
    "机场管理局星期四宣布，第二跑道完成翻修后重新开放，每天可增加一百个航班。",
    "管理局表示，翻修工程比原计划提前两周完成，总费用约为五千万元。",
    "航空公司欢迎这一消息，并计划在夏季增开前往东南亚的航线。",
)
TITLES = {
    "/news/0": "港务局关闭北码头",
    "/news/1": "暴雨预警",
    "/news/2": "東京湾の新しい橋が開通",
    "/news/3": "Headline 3",
    "/news/4": "Harbour reopens",
    "/news/5": "Ferries return",
}
ENGLISH_QUERIES = ["harbour", "council budget", "harbo*", '"port authority"', "harbour OR council"]


def pages() -> dict[str, str]:
    found = {
        "/news/0": article_page(TITLES["/news/0"], list(HARBOUR)),
        "/news/1": article_page(TITLES["/news/1"], list(STORM)),
        "/news/2": article_page(TITLES["/news/2"], list(BRIDGE)),
        "/news/3": article_page(TITLES["/news/3"], story(3)),
        "/news/4": article_page(
            TITLES["/news/4"],
            ["The harbour reopened after a week of repairs, the port authority said. " * 3],
        ),
        "/news/5": article_page(  # English, naming a place in Japanese: filed as English
            TITLES["/news/5"],
            ["Ferries to Tokyo Bay (東京湾) run again from Monday, the operator said. " * 3],
        ),
    }
    found["/"] = index_page(list(found))
    return found


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    db = tmp_path_factory.mktemp("unspaced") / "news.db"
    with LocalSite(pages()) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)
    return db


def without_trigram_index(path) -> None:
    """The database as an ingest from before the trigram index left it."""
    conn = sqlite3.connect(path)
    for name in ("articles_trigram_ai", "articles_trigram_ad", "articles_trigram_au"):
        conn.execute(f"drop trigger {name}")
    conn.execute("drop table articles_trigram")
    conn.commit()
    conn.close()


def search(db, *args: str) -> list[dict]:
    return json.loads(run_ingest("search", *args, "--db", str(db), "--json").stdout)


def paths(results: list[dict]) -> list[str]:
    return ["/" + r["url"].split("/", 3)[3] for r in results]


def test_a_word_of_two_characters_finds_exactly_the_articles_holding_it(crawled):
    pier = search(crawled, "码头")
    assert paths(pier) == ["/news/0"]
    assert pier[0]["title"] == TITLES["/news/0"] and pier[0]["rank"] is None
    assert "[码头]" in pier[0]["snippet"]
    assert paths(search(crawled, "暴雨")) == ["/news/1"]
    assert paths(search(crawled, "知事")) == ["/news/2"]  # Japanese, in the text only
    assert sorted(paths(search(crawled, "星期"))) == ["/news/0", "/news/1"]
    assert paths(search(crawled, "码头 星期")) == ["/news/0"]  # every term must appear
    assert search(crawled, "码头 暴雨") == []
    assert search(crawled, "机场") == []


def test_three_characters_or_more_go_through_the_index_ranked_and_marked(crawled):
    north = search(crawled, "北码头")
    assert paths(north) == ["/news/0"] and isinstance(north[0]["rank"], float)
    assert "[北码头]" in north[0]["snippet"]
    assert paths(search(crawled, "開通式")) == ["/news/2"]
    assert paths(search(crawled, "北码头 工人")) == ["/news/0"]  # with a short term too
    assert search(crawled, "北码头 暴雨") == []
    either = search(crawled, '"北码头" OR "開通式"')  # FTS5 syntax, each term 3+ characters
    assert sorted(paths(either)) == ["/news/0", "/news/2"]


def test_export_search_keeps_the_articles_holding_the_words(crawled):
    for query, expected in (("码头", ["/news/0"]), ("北码头", ["/news/0"]), ("橋", ["/news/2"])):
        exported = run_ingest("export", "--db", str(crawled), "--search", query)
        assert paths([json.loads(line) for line in exported.stdout.splitlines()]) == expected


def test_a_column_filter_looks_in_that_column_of_the_trigram_index(crawled):
    """title:北码头 was one literal term, "title:" included: it matched nothing, unsaid."""
    assert paths(search(crawled, "title:北码头")) == ["/news/0"]
    assert paths(search(crawled, "text:工人们")) == ["/news/0"]
    assert search(crawled, "title:工人们") == []  # in the text alone
    assert paths(search(crawled, "title:码头")) == ["/news/0"]  # two characters: title or text


def test_searches_in_other_scripts_are_what_they_were(crawled, tmp_path):
    """Every English search gives, in order, what it gives on the same database without the
    trigram index."""
    before = copy_database(crawled, tmp_path, "copy.db")
    without_trigram_index(before)
    for query in ENGLISH_QUERIES:
        assert search(crawled, query) == search(before, query), query
        exported = run_ingest("export", "--db", str(crawled), "--search", query).stdout
        assert exported == run_ingest("export", "--db", str(before), "--search", query).stdout
    assert paths(search(crawled, "harbour")) == ["/news/4"]


def test_the_index_holds_the_articles_with_such_characters_whatever_their_language(crawled):
    conn = sqlite3.connect(crawled)
    indexed = conn.execute(
        "select articles.url, articles.language from articles_trigram_docsize d"
        " join articles on articles.rowid = d.id"
    ).fetchall()
    assert sorted(paths([{"url": url} for url, _ in indexed])) == [
        "/news/0",
        "/news/1",
        "/news/2",
        "/news/5",  # English, naming Tokyo Bay in Japanese
    ]
    # their pages declare English: the Chinese and Japanese ones are filed as what they
    # plainly read as, the English one as English; all are indexed
    assert sorted({language for _, language in indexed}) == ["en", "ja", "zh"]
    conn.execute("insert into articles_trigram(articles_trigram) values ('integrity-check')")
    conn.close()


def test_an_older_database_gets_the_index_when_opened(crawled, tmp_path):
    old = copy_database(crawled, tmp_path, "old.db")
    without_trigram_index(old)
    unindexed = run_ingest("search", "码头", "--db", str(old), "--json")
    assert json.loads(unindexed.stdout) == []
    assert "has no index of Chinese, Japanese or Thai text" in unindexed.stderr
    assert "any command that writes to it (crawl, reextract) adds it" in unindexed.stderr
    open_database(old).close()
    found = run_ingest("search", "码头", "--db", str(old), "--json")
    assert paths(json.loads(found.stdout)) == ["/news/0"] and found.stderr == ""
    assert paths(search(old, "開通式")) == ["/news/2"]


def test_reextract_moves_a_rewritten_article_to_its_new_words(crawled, tmp_path):
    db = copy_database(crawled, tmp_path, "copy.db")
    conn = sqlite3.connect(db)
    (url,) = conn.execute("select url from articles where url like '%/news/0'").fetchone()
    rewritten = article_page("机场跑道重新开放", list(AIRPORT))
    conn.execute("update pages set body = ? where url = ?", [compress(rewritten.encode()), url])
    conn.commit()
    conn.close()
    run_ingest("reextract", "--db", str(db), "--workers", "0")
    assert paths(search(db, "机场")) == ["/news/0"]
    assert paths(search(db, "第二跑道")) == ["/news/0"]
    assert search(db, "码头") == [] and search(db, "北码头") == []
    assert paths(search(db, "暴雨")) == ["/news/1"]  # the others as they were


def test_the_triggers_follow_title_and_text_in_every_write(tmp_path):
    db = open_database(tmp_path / "writes.db")

    def indexed() -> list[str]:
        return [
            row[0]
            for row in db.execute(
                "select articles.id from articles_trigram_docsize d"
                " join articles on articles.rowid = d.id order by 1"
            )
        ]

    def shadow() -> list:
        """What the trigram index stores: any write to it changes this."""
        tables = ("articles_trigram_data", "articles_trigram_docsize")
        return [db.execute(f"select * from {table}").fetchall() for table in tables]

    def touches_index(sql: str) -> bool:
        before = shadow()
        db.execute(sql)
        return shadow() != before

    rows = [
        {"id": "th", "url": "u1", "title": "ท่าเรือปิด", "text": "ท่าเรือทางเหนือปิดแล้ว"},
        {"id": "en", "url": "u2", "title": "Pier", "text": "The pier closed."},
        {"id": "ja", "url": "u3", "title": "Pier", "text": "Tokyo: 桟橋が閉鎖"},
    ]
    db["articles"].insert_all(rows, alter=True)
    assert indexed() == ["ja", "th"]
    assert not touches_index("update articles set last_seen = 'x' where id = 'ja'")
    assert not touches_index("update articles set text = 'The pier opened.' where id = 'en'")
    assert touches_index("update articles set text = 'Tokyo: 新しい桟橋' where id = 'ja'")
    db.execute("update articles set title = '码头' where id = 'en'")  # enters
    db.execute("update articles set text = 'Tokyo: pier' where id = 'ja'")  # leaves
    assert indexed() == ["en", "th"]
    db.execute("delete from articles where id = 'th'")
    assert indexed() == ["en"]
    found = db.execute(
        "select rowid from articles_trigram where articles_trigram match 'ท่าเรือ'"
    ).fetchall()
    assert found == []
    db.execute("insert into articles_trigram(articles_trigram) values ('integrity-check')")
    db.close()


def test_an_index_defined_otherwise_is_made_again_from_the_articles(tmp_path):
    """An index whose triggers chose other articles (the scripts covered changed) would be
    told to delete rows it never held: it is dropped and filled again on opening."""
    path = tmp_path / "changed.db"
    db = open_database(path)
    db.execute("drop trigger articles_trigram_ai")
    db.execute(
        "create trigger articles_trigram_ai after insert on articles when 0 begin select 1; end"
    )
    article = {"id": "zh", "url": "u", "title": "码头", "text": "北码头关闭"}
    db["articles"].insert(article, alter=True)
    db.conn.commit()
    db.close()
    db = open_database(path)
    found = db.execute("select rowid from articles_trigram where articles_trigram match '北码头'")
    assert found.fetchall() == [(1,)]
    db.close()


def test_datasette_canned_searches_find_chinese_and_japanese_words(crawled, tmp_path):
    with datasette(crawled, tmp_path / "serve.log") as base:
        server = base + "/news"
        pier = canned(server, "search", q="码头", outlet="", language="")
        assert [r["title"] for r in pier] == ["港务局关闭北<mark>码头</mark>"]
        assert "<mark>码头</mark>" in pier[0]["snippet"] and pier[0]["rank"] is None
        north = canned(server, "search", q="北码头", outlet="", language="")
        assert [r["title"] for r in north] == ["港务局关闭<mark>北码头</mark>"]
        assert isinstance(north[0]["rank"], float)
        bridge = canned(server, "search", q="開通式", outlet="", language="")
        assert [r["url"].endswith("/news/2") for r in bridge] == [True]
        assert canned(server, "search", q="码头", outlet="", language="ja") == []
        feed = canned(server, "follow_search", q="知事", outlet="", language="")
        assert [r["atom_title"] for r in feed] == [TITLES["/news/2"]]
        harbour = canned(server, "search", q="harbour", outlet="", language="")
        assert [r["title"] for r in harbour] == ["<mark>Harbour</mark> reopens"]
        assert canned(server, "search", q="", outlet="", language="") == []


def test_a_quoted_or_prefixed_short_term_is_found_as_a_plain_one(crawled):
    for query in ('"码头"', "码头*", '"码头" 星期', "码头* 星期*"):
        result = run_ingest("search", query, "--db", str(crawled), "--json")
        assert paths(json.loads(result.stdout)) == ["/news/0"], query
        assert result.stderr == "", query
    assert paths(search(crawled, '"北码头"')) == ["/news/0"]
    assert paths(search(crawled, '"北码头" 暴雨*')) == []


def test_what_operators_cannot_find_in_the_trigram_index_is_said(crawled):
    mixed = run_ingest("search", "harbour OR 码头", "--db", str(crawled), "--json")
    assert json.loads(mixed.stdout) == []
    assert mixed.stderr.splitlines() == [
        "With OR, NOT, NEAR or ^, a search in Chinese, Japanese or Thai goes to the trigram "
        "index, where a term needs three characters: 码头 matches nothing there. Without those "
        "operators (plain words, quotes, prefix*), shorter terms are found too.",
        "A search holding Chinese, Japanese or Thai looks only among the articles with such "
        "characters: harbour finds no article without them. Search for those words apart.",
    ]
    long = run_ingest("search", '"北码头" OR harbour', "--db", str(crawled), "--json")
    assert paths(json.loads(long.stdout)) == ["/news/0"]
    assert long.stderr.splitlines() == mixed.stderr.splitlines()[1:]
    exported = run_ingest("export", "--db", str(crawled), "--search", "NEAR(码头 北码头)")
    assert exported.stderr.splitlines()[0] == mixed.stderr.splitlines()[0]
    assert run_ingest("search", '"北码头" OR "開通式"', "--db", str(crawled)).stderr == ""


def test_a_colon_or_a_plus_in_a_term_is_text_not_syntax(crawled):
    from ingest.query.matching import query_terms

    assert query_terms("C++ 教程") == ["C++", "教程"]
    assert query_terms("10:30 码头") == ["10:30", "码头"]
    assert query_terms("码头 OR 暴雨") is None
    done = run_ingest("search", "10:30 码头", "--db", str(crawled), "--json", check=False)
    assert (done.returncode, json.loads(done.stdout)) == (0, [])  # no story says 10:30
    assert paths(search(crawled, "码头 北码头")) == ["/news/0"]


SEOUL = (  # Korean: Seoul City Hall (서울시청) closes its plaza for repairs
    "서울시는 월요일 서울시청 앞 광장을 보수 공사를 위해 두 달 동안 닫는다고 밝혔습니다.",
    "시청 관계자는 서울의 겨울 축제가 다른 장소에서 열릴 것이라고 말했습니다.",
    "시민들은 공사 기간 동안 지하철역 출구 일부를 이용할 수 없습니다.",
)
BUSAN = (  # Korean: a ferry line from Busan (부산에서); no Seoul in it
    "부산에서 제주로 가는 새 여객선 노선이 다음 달부터 운항을 시작합니다.",
    "해운사는 하루 두 번 배를 운항하고 주말에는 한 번 더 운항할 계획이라고 밝혔습니다.",
    "관광업계는 새 노선이 여름철 관광객 증가에 도움이 될 것으로 기대하고 있습니다.",
)


def test_a_korean_word_is_found_with_the_particles_joined_to_it(tmp_path):
    """Korean spaces its words but joins particles to them: 서울 is in 서울시는, 서울시청
    and 서울의, none of them the word 서울 alone, so a search for it found nothing."""
    found = {
        "/news/0": article_page("서울시청 광장 공사", list(SEOUL)),
        "/news/1": article_page("부산 여객선 노선", list(BUSAN)),
        "/news/5": article_page(  # English, naming a place in Japanese: filed as English
            TITLES["/news/5"],
            ["Ferries to Tokyo Bay (東京湾) run again from Monday, the operator said. " * 3],
        ),
    }
    found["/"] = index_page(list(found))
    db = tmp_path / "news.db"
    with LocalSite(found) as site:
        run_ingest("crawl", site.url + "/", "--db", str(db), *FAST)

    def titles(query: str) -> list[str]:
        return [hit["title"] for hit in search(db, query)]

    assert titles("서울") == ["서울시청 광장 공사"]
    assert titles("부산") == ["부산 여객선 노선"]  # 부산에서
    assert titles("운항 노선") == ["부산 여객선 노선"]  # every word: 운항을, 운항하고
    assert titles("서울 노선") == []
    assert titles('"서울"') == []  # quoted, the user's own FTS5 query: the word alone
    assert titles("시") == []  # one syllable is a word alone: as a start, 시민들은, 시청...
    # with FTS5's operators, a bare Korean word is a word's start too; a quoted one alone
    assert sorted(titles("서울 OR 부산")) == ["부산 여객선 노선", "서울시청 광장 공사"]
    assert titles("부산 NOT 서울") == ["부산 여객선 노선"]  # 서울시는 is 서울 too
    assert titles('"서울" OR 부산') == ["부산 여객선 노선"]
    assert titles("NEAR(서울 광장, 3)") == ["서울시청 광장 공사"]


def test_an_exact_duplicate_found_by_a_short_term_points_at_its_originals_text(tmp_path):
    """The search without FTS5 (terms of two characters) reads each article's text for the
    snippet: an exact duplicate's is its original's."""
    same = article_page(TITLES["/news/0"], list(HARBOUR))
    db = tmp_path / "news.db"
    with LocalSite({"/news/a": same, "/news/b": same}) as site:
        run_ingest("crawl", f"{site.url}/news/a", f"{site.url}/news/b", "--no-follow",
                   "--db", str(db), *FAST)  # fmt: skip
    found = {r["id"]: r for r in search(db, "码头")}
    [(copy, original)] = [(i, r["duplicate_of"]) for i, r in found.items() if r["duplicate_of"]]
    assert set(found) == {copy, original}
    assert found[copy]["snippet"] == f"(the text of article {original})"
    assert "[码头]" in found[original]["snippet"]
