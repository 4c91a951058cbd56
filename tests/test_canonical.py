"""One canonical address, two stories (ingest.store.canonical): what counts as another
story, and the crawl that meets a canonical link naming one story's own address."""

from ingest.store.canonical import another_story

from conftest import FAST, rows, run_ingest
from sites import LocalSite, article_page

FIRST = [
    "The zebra at the city zoo gave birth to a healthy foal on Sunday morning.",
    "Keepers said mother and foal were resting quietly in their enclosure.",
]
MORE = [
    "Visitors will be able to see the pair from the viewing deck next week.",
    "The zoo last saw a zebra born there eleven years ago, in a colder spring.",
    "Its director thanked the keepers who stayed with the mother through the night.",
    "A name for the foal will be chosen by a vote of the city's schoolchildren.",
]
OTHER = [
    "Quokka sightings on the island doubled this summer, rangers reported.",
    "Tourists were reminded not to feed or touch the small marsupials.",
]


def held(title: str, lines: list[str], url: str = "https://n.example/a") -> dict:
    return {"url": url, "title": title, "text": "\n".join(lines)}


def test_another_story_is_another_headline_and_few_words_of_the_shorter_text():
    new = held("Quokkas everywhere", OTHER, "https://n.example/b")
    assert another_story(held("Zebra foal born", FIRST), new)
    # the same story grown from two sentences to six, under a new headline: one story
    grown = held("Zebra foal born at the zoo, a first in eleven years", FIRST + MORE, new["url"])
    assert not another_story(held("Zebra foal born", FIRST), grown)
    # the same headline, whatever the text (a print edition, a page of the story)
    assert not another_story(held("Quokkas everywhere", FIRST), new)
    # the same page read again, or a held copy with no text of its own: not judged
    assert not another_story(held("Zebra foal born", FIRST, new["url"]), new)
    assert not another_story({"url": "https://n.example/a", "title": "x", "text": None}, new)


def test_a_small_edit_of_a_story_in_an_unspaced_script_is_the_same_story():
    """Split on spaces, each sentence of Chinese is one word: any edit left none in common."""
    before = [
        "市议会周二晚上经过长时间辩论后批准了新的预算。",
        "官员表示该计划将资助全区桥梁和学校的维修。",
    ]
    after = [
        "市议会周二晚上经过长时间辩论后批准了新预算。",
        "官员们表示，该计划将资助全区桥梁和学校的维修。",
    ]
    edited = held("市议会批准新预算案", after, "https://n.example/b")
    assert not another_story(held("市议会批准预算", before), edited)
    assert another_story(held("市议会批准预算", before), held("新闻", OTHER, edited["url"]))


def test_a_page_at_the_address_another_page_claimed_says_what_it_replaced(tmp_path):
    """/story-1 names /story-0 as its canonical: fetched first, it holds /story-0's article;
    /story-0 itself then takes its own address, and the errors row says where story 1 went."""
    claiming = article_page("Quokkas everywhere", OTHER).replace(
        "</head>", '<link rel="canonical" href="/story-0"></head>'
    )
    pages = {"/story-1": claiming, "/story-0": article_page("Zebra foal born", FIRST)}
    db = tmp_path / "news.db"
    with LocalSite(pages) as site:
        for path in ("/story-1", "/story-0"):
            run_ingest("crawl", site.url + path, "--no-follow", "--db", str(db), *FAST)
    assert rows(db, "select title from articles") == [("Zebra foal born",)]
    assert rows(db, "select title from article_versions") == [("Quokkas everywhere",)]
    [(url, message)] = rows(db, "select url, message from errors where kind = 'canonical_shared'")
    assert url == f"{site.url}/story-0"
    assert message == (
        f"{site.url}/story-1 named this page's address as its canonical with another story, "
        "stored here before: that story is now a version in article_versions"
    )


def test_shards_whose_stories_claim_one_canonical_address_merge_apart(tmp_path):
    """Each worker's story named the section as its canonical: merged, they were one
    article, the other story only a version."""
    section = '<link rel="canonical" href="/politics/"></head>'
    stories = [("/zebra", "Zebra foal born", FIRST), ("/quokka", "Quokkas everywhere", OTHER)]
    with LocalSite(
        {p: article_page(t, s).replace("</head>", section) for p, t, s in stories}
    ) as site:
        for name, (path, _, _) in zip("ab", stories, strict=True):
            run_ingest("crawl", site.url + path, "--no-follow", "--db",
                       str(tmp_path / f"{name}.db"), *FAST)  # fmt: skip
    merged = tmp_path / "news.db"
    for _ in range(2):  # merged again, the same
        run_ingest("merge", str(tmp_path / "a.db"), str(tmp_path / "b.db"), "--into", str(merged))
        assert rows(merged, "select title from articles order by title") == [
            ("Quokkas everywhere",), ("Zebra foal born",)
        ]  # fmt: skip
        assert rows(merged, "select count(*) from article_versions") == [(0,)]
        assert rows(merged, "select url from errors where kind = 'canonical_shared'") == [
            (f"{site.url}/quokka",)
        ]
    linked = "select count(*) from urls join articles on articles.id = urls.article_id"
    assert rows(merged, f"{linked} where urls.url like '%/quokka'") == [(1,)]
