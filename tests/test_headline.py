"""The date printed beside the headline: read from short lines near the right <h1>."""

from datetime import date

import lxml.html

from ingest.extract.dates import page_dates
from ingest.extract.headline import headline, headline_date


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


def printed(html: str, title: str | None = None) -> str | None:
    stamp = headline_date(tree(html), title, lambda stamp: stamp.day <= date(2024, 5, 1))
    return stamp.text if stamp else None


def found(html: str) -> tuple:
    result = page_dates(tree(html), "https://news.example/story", date(2024, 5, 1))
    return result.published, result.published_day, result.published_source


def test_the_date_printed_under_the_headline_outweighs_a_meta_tag():
    html = """<html><head><meta property="article:published_time" content="2020-04-30">
    </head><body><h1>Rent strike spreads</h1>
    <div class="byline"><span>Von Moritz Wichmann</span> <span>29.04.2020, 12:01 Uhr</span></div>
    <p>Text.</p></body></html>"""
    assert found(html) == ("2020-04-29", "2020-04-29", "headline")
    # without the line, the meta tag dates the page
    assert found(html.replace("29.04.2020, 12:01 Uhr", ""))[1:] == ("2020-04-30", "meta")


def test_a_reworked_story_shows_its_new_day_under_the_headline():
    html = """<html><head><script type="application/ld+json">{"@type": "Article",
      "datePublished": "2021-11-29T14:13:37+00:00", "dateModified": "2022-01-12T14:27:30+00:00"}
    </script></head><body><h1>Do fish feel pain?</h1><p>Chief editor</p><p>12.01.2022</p>
    <p>Text.</p></body></html>"""
    # the printed day and the modification together outweigh the first publication
    assert found(html)[1:] == ("2022-01-12", "headline")
    # a printed day alone against JSON-LD and the day a UTC instant names: the printed day
    assert found(html.replace('"dateModified": "2022-01-12T14:27:30+00:00"', '"x": 1'))[1] == (
        "2022-01-12"
    )


def test_the_headline_is_the_h1_that_shares_most_words_with_the_title():
    filler = "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(3))
    html = f"""<html><head><title>Fair supply chains | Newsroom</title></head><body>
    <h1>Newsroom</h1><p>Archive 03.01.2020</p><ul>{filler}</ul>
    <h1>Fair supply chains</h1><p>05.02.2020</p><p>Text.</p></body></html>"""
    assert headline(tree(html), None).text == "Fair supply chains"
    assert printed(html) == "2020-02-05"
    # og:title counts as the title too; one <h1> is the headline whatever its words
    assert headline(tree(html.replace("<title>", "<title>x")), "Fair supply chains").text == (
        "Fair supply chains"
    )
    # a logo's <h1> shares no word with the title's headline part: no headline, even alone
    assert printed(html.replace("<h1>Fair supply chains</h1>", "<h2>Fair</h2>")) is None
    assert printed("<html><body><p>05.02.2020</p></body></html>") is None


def test_a_date_inside_a_sentence_is_what_the_story_is_about_not_its_day():
    html = """<html><body><h1>Angling show in Rostock</h1>
    <p>The next show will take place on 21 and 22 May 2022 in the park, organisers say.</p>
    <p>11.01.2022, 09:50</p></body></html>"""
    assert printed(html) == "2022-01-11"


def test_a_date_just_over_the_headline_counts_when_none_follows():
    html = """<html><body><nav><a href="/">Home</a></nav>
    <div><span>Entertainment News</span><span>January 19, 2020 / 12:25 PM</span></div>
    <h1>Parasite scores upset</h1><p>Text without any date in it.</p></body></html>"""
    assert printed(html) == "2020-01-19"
    # one after the headline comes first
    assert printed(html.replace("Text without", "20.01.2020 Text without")) == "2020-01-20"
    # the text that opens the headline's own block is before it too
    assert printed("<html><body><div>05.02.2020<h1>Story</h1></div></body></html>") == "2020-02-05"


def test_only_the_text_near_the_headline_is_read():
    after = "".join(f"<p>Line number {i} of a long lead-in text</p>" for i in range(12))
    html = f"<html><body><h1>Story</h1>{after}<p>05.02.2020</p></body></html>"
    assert printed(html) is None  # over 300 characters on
    assert printed(html.replace(after, after[: len(after) // 3])) == "2020-02-05"
    before = "".join(f"<p>Menu item {i} with words</p>" for i in range(6))
    html = f"<html><body><p>05.02.2020</p>{before}<h1>Story</h1></body></html>"
    assert printed(html) is None  # over 100 characters back
    assert printed(html.replace(before, before[: len(before) // 4])) == "2020-02-05"


def test_related_blocks_update_lines_scripts_and_implausible_dates_are_passed_over():
    html = """<html><body><h1>Story</h1>
    <aside><p>01.02.2020</p></aside><div class="related-posts"><p>02.02.2020</p></div>
    <p class="date-updated">03.02.2020</p><script>var d = "04.02.2020";</script>
    <p>05.02.2030</p><p>© 2019 News Corp</p><p>06.02.2020</p></body></html>"""
    assert printed(html) == "2020-02-06"  # nor is a copyright line's bare year a day


def test_the_walk_leaves_the_headlines_own_blocks_both_ways():
    html = """<html><body><div><p>01.02.2020</p></div><div><header>
    <h1>Story</h1></header></div><div><p>By A. Writer</p><p>03.02.2020</p></div></body></html>"""
    assert printed(html) == "2020-02-03"  # after the headline's header and its block
    assert printed(html.replace("<p>03.02.2020</p>", "")) == "2020-02-01"  # and before them


def test_asides_marked_by_id_and_scripts_before_the_headline_are_passed_over():
    html = """<html><body><p>01.02.2020</p><script>var d = "02.02.2020";</script>
    <div id="related-stories"><p>03.02.2020</p></div><h1>Story</h1></body></html>"""
    assert printed(html) == "2020-02-01"
    after = "<html><body><h1>Story</h1><div id='sidebar'><p>03.02.2020</p></div></body></html>"
    assert printed(after) is None


def test_the_bounds_are_exact():
    line = "03.02.2020 " + "x" * 49  # a dateline of 60 characters
    assert printed(f"<html><body><h1>S</h1><p>{line}</p></body></html>") == "2020-02-03"
    assert printed(f"<html><body><h1>S</h1><p>{line}x</p></body></html>") is None
    before = "y" * (300 - len(line))  # the line ends on the 300th character after the headline
    html = f"<html><body><h1>S</h1><p>{before}</p><p>{line}</p></body></html>"
    assert printed(html) == "2020-02-03"
    assert printed(html.replace(before, before + "y")) is None


def test_og_title_picks_the_headline_on_a_page_without_a_title_element():
    html = """<html><body><h1>Newsroom</h1><p>03.01.2020</p>
    <h1>Fair supply chains</h1><p>05.02.2020</p></body></html>"""
    assert printed(html) == "2020-01-03"  # no title: the first <h1>
    assert printed(html, "Fair supply chains") == "2020-02-05"


def test_a_logo_is_no_headline_even_the_only_h1_or_the_wordier_one():
    html = """<html><head><title>Council votes to close pool | Daily News</title>
    <meta property="article:published_time" content="2024-03-01T10:00:00Z"></head><body>
    <header><h1 class="logo"><a href="/">Daily News</a></h1><span>Tuesday, March 5, 2024</span>
    </header><article><h2>Council votes to close pool</h2><p>The council voted.</p></article>
    </body></html>"""
    assert found(html) == ("2024-03-01T10:00:00+00:00", "2024-03-01", "meta")
    two = """<html><head><title>Flood warning lifted on the river | Springfield News</title>
    </head><body><h1>Springfield News</h1><p>Tuesday, March 5, 2024</p>
    <h1>Flood warning lifted on the river</h1><p>01.03.2024</p></body></html>"""
    assert headline(tree(two), None).text == "Flood warning lifted on the river"
    assert printed(two) == "2024-03-01"
    # og:title, when given, is the title: the publisher's headline without the site's name
    wordy = two.replace(" on the river", "").replace(
        "Springfield News", "The Springfield Daily News"
    )
    assert headline(tree(wordy), None).text == "The Springfield Daily News"
    assert headline(tree(wordy), "Flood warning lifted").text == "Flood warning lifted"
    one = "<html><head><title>Floods in the north | News</title></head><body><h1>Floods</h1>"
    assert headline(tree(one), None).text == "Floods"  # one word shared is enough


def test_a_line_that_says_it_is_an_update_is_passed_over():
    html = """<html><body><h1>Story</h1><div class="timestamp">Updated March 5, 2024</div>
    <p>01.03.2024</p></body></html>"""
    assert printed(html) == "2024-03-01"
    split = html.replace("Updated March 5, 2024", "<b>Aktualisiert am</b> <span>05.03.2024</span>")
    assert printed(split) == "2024-03-01"


def test_indentation_is_not_distance():
    indent = "\n" + " " * 60
    html = f"<html><body><div>{indent}<h1>Story</h1>{indent * 8}<p>By A. Writer</p>"
    html += f"{indent * 8}<p>01.03.2024</p></div></body></html>"
    assert printed(html) == "2024-03-01"
