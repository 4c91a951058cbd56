"""Where a date sits: in the article, or in a block about other pages; each rule directly."""

import lxml.html

from ingest.extract.placement import _aside, dateline, marked, placed, time_stamp


def tree(body: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><body>{body}</body></html>")


def first(page: lxml.html.HtmlElement, tag: str = "time") -> lxml.html.HtmlElement:
    return page.xpath(f"//{tag}")[0]


def aside(body: str) -> bool:
    return _aside(list(first(tree(body)).iterancestors()))


def test_a_block_about_other_pages_is_told_by_its_tag_class_or_id():
    assert aside("<aside><time>x</time></aside>")
    assert aside('<div class="sidebar"><p><time>x</time></p></div>')
    assert aside('<div id="comments"><time>x</time></div>')
    assert aside('<ul class="list" id="read-more-links"><li><time>x</time></li></ul>')
    assert not aside('<div class="content" id="story"><time>x</time></div>')
    # the nearest article or the body ends the search: what holds them is not asked
    assert not aside('<div class="sidebar"><article><time>x</time></article></div>')
    assert not aside('<div class="sidebar"><main><time>x</time></main></div>')


def test_a_time_marked_as_the_publications():
    def mark(attributes: str) -> bool:
        return marked(first(tree(f"<time {attributes}>x</time>")))

    assert mark('class="entry-publish-date"')
    assert mark('itemprop="datePublished"')
    assert mark('id="published"')
    assert mark("pubdate")
    assert not mark('class="updated" itemprop="dateModified" id="t1"')
    assert not mark("")
    # or the element holding it is: the mark on the span, the time inside
    assert marked(first(tree('<span class="publishInfo__date"><time>x</time></span>')))
    assert not marked(first(tree('<div class="published"><p><time>x</time></p></div>')))


def test_a_time_without_datetime_is_read_from_its_short_text():
    def read(html: str):
        found = time_stamp(first(tree(html)))
        return found.text if found else None

    assert read("<time> November 9, 2023 3:02am EST</time>") == "2023-11-09"
    assert read("<time>\n 31.03.2020 </time>") == "2020-03-31"
    assert read('<time datetime="2024-03-05T10:00">yesterday</time>') == "2024-03-05T10:00:00"
    assert read(f"<time>{'31.03.2020'.ljust(121, '.')}</time>") is None


def stamps(body: str, needs_mark=None) -> list[tuple[str, bool]]:
    page = tree(body)
    found = placed(page, page.xpath("//time"), time_stamp, needs_mark)
    return [(stamp.text, own) for stamp, own in found]


def test_the_articles_first_date_and_the_first_of_anywhere_else():
    body = (
        '<div class="nav"><time datetime="nope">x</time><time datetime="2024-01-01">a</time></div>'
        '<article><time datetime="2024-03-05">b</time><time datetime="2024-03-06">c</time>'
        '</article><time datetime="2024-01-02">d</time>'
    )
    assert stamps(body) == [("2024-01-01", False), ("2024-03-05", True)]
    # a date in the article's body, named by itemprop, is the article's too
    body = (
        '<div itemprop="articleBody"><time datetime="2024-03-05">b</time></div>'
        '<div><time datetime="2024-01-02">d</time></div>'
    )
    assert stamps(body) == [("2024-03-05", True), ("2024-01-02", False)]


def test_on_a_page_marking_no_article_a_date_counts_if_marked():
    body = '<div><time datetime="2024-01-01">a</time><time pubdate datetime="2024-03-05">b</time>'
    assert stamps(body, marked) == [("2024-01-01", False), ("2024-03-05", True)]
    assert stamps(body) == [("2024-01-01", True), ("2024-03-05", False)]
    # on a page that marks its article, a date outside it is another page's
    assert stamps(f"<main><p>Story.</p></main>{body}", marked) == [("2024-01-01", False)]
    assert stamps(f"<main><p>Story.</p></main>{body}") == [("2024-01-01", False)]


def test_a_date_in_a_block_about_other_pages_inside_the_article_is_slight():
    body = '<article><div class="related"><time datetime="2024-01-01">a</time></div></article>'
    assert stamps(body) == [("2024-01-01", False)]


def test_a_dateline_is_a_short_text_not_an_updates_and_holds_no_time():
    def read(html: str):
        found = dateline(first(tree(html), "p"))
        return found.text if found else None

    assert read('<p class="date"><span>12 March</span> 2024</p>') == "2024-03-12"
    assert read('<p class="date-updated">12 March 2024</p>') is None
    assert read('<p class="date" id="last-modified">12 March 2024</p>') is None
    assert read('<p class="date">12 March 2024 <time>x</time></p>') is None
    padded = "12 March 2024".ljust(120, ".")
    assert read(f'<p class="date">{padded}</p>') == "2024-03-12"
    assert read(f'<p class="date">{padded}.</p>') is None
