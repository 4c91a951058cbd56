"""Teasers of the site's other stories, told apart by the page's own links."""

import pytest

from ingest.article import Page
from ingest.extract.process import process_page
from ingest.extract.teasers import drop_teasers
from ingest.plugins.manager import PluginConfig, load_plugins

URL = "https://news.example/2024/03/05/council-passes-budget"
STORY = [
    "The city council passed its budget on Tuesday after a debate that ran past midnight.",
    "Members argued over the cost of the new tram line and the library's opening hours.",
    "The mayor said the vote showed the council could still agree on what matters.",
]


def page(links: str, url: str = URL, head: str = "") -> Page:
    return Page(url=url, html=f"<html><head>{head}</head><body>{links}</body></html>")


def test_a_linked_headline_between_paragraphs_goes():
    teaser = "Council approves new parking rules for downtown"
    lines = [STORY[0], teaser.upper(), *STORY[1:]]
    found = page(f'<a href="/2024/03/01/parking-rules">{teaser}</a>')
    assert drop_teasers(lines, found) == STORY


RAIL = [
    "More from News Example",
    "Schools brace for a cold winter in old buildings",
    "Heating bills have doubled since last year.",
    "Tram line opens two years late and over budget",
    "Riders say the wait was worth it.",
    "Library extends its opening hours on Sundays",
    "Volunteers will staff the reading rooms.",
]
RAIL_LINKS = (
    '<a href="/2024/03/02/schools-winter">Schools brace for a cold winter in old buildings</a>'
    '<a href="/2024/03/03/tram-line">Tram line opens two years late and over budget</a>'
    '<a href="/2024/03/04/library">Library extends its opening hours on Sundays</a>'
)


def test_a_rail_closing_the_text_goes_with_its_heading_and_summaries():
    assert drop_teasers(STORY * 2 + RAIL, page(RAIL_LINKS)) == STORY * 2


def test_a_rail_with_summaries_needs_three_teasers_under_a_heading():
    """Two linked lines around the story's last paragraph, under a short line that is no
    heading of a rail ("Advertisement"), leave the paragraph."""
    assert drop_teasers(STORY + RAIL[:5], page(RAIL_LINKS)) == [*STORY, *RAIL[:1], RAIL[2], RAIL[4]]
    headed = ["More from News Example and sister papers", *RAIL[1:]]  # seven words
    assert drop_teasers(STORY + headed, page(RAIL_LINKS)) == [*STORY, headed[0], *RAIL[2::2]]


def test_a_rail_ends_at_a_line_too_long_for_a_summary():
    long = " ".join([STORY[2]] * 3)  # 42 words: the story's, not a summary
    lines = [*STORY, RAIL[0], RAIL[1], long, *RAIL[3:]]
    assert drop_teasers(lines, page(RAIL_LINKS)) == [*STORY, RAIL[0], long, RAIL[4], RAIL[6]]


def test_a_roundup_whose_links_are_most_of_its_text_stays_whole():
    lines = ["Here is what you may have missed.", *[f"- {t}" for t in RAIL[1::2]]]
    assert drop_teasers(lines, page(RAIL_LINKS)) == lines


def test_a_table_of_contents_and_links_to_documents_are_no_teasers():
    """Its entries link to the page itself (another query, a fragment); a report is a
    document the story lists."""
    heading = "How the budget deal came together"
    report = "The auditor's report on the budget"
    links = (
        f'<a href="/2024/03/05/council-passes-budget?page=2#deal">{heading}</a>'
        f'<a href="/files/audit-2024.PDF">{report}</a>'
    )
    lines = [STORY[0], heading, *STORY[1:], report]
    assert drop_teasers(lines, page(links, url=URL + "?ref=home")) == lines


def test_a_text_of_hundreds_of_links_is_left_as_it_is():
    words = [f"term{i}" for i in range(301)]
    linked = [" ".join(words[i : i + 7]) for i in range(0, 301, 7)]  # 43 lines of links
    story = STORY * 30  # 450 words: the links are no more than half of the text
    links = "".join(f'<a href="/wiki/{w}">{w}</a>' for w in words)
    assert drop_teasers(story + linked, page(links)) == story + linked
    fewer = "".join(f'<a href="/wiki/{w}">{w}</a>' for w in words[:300])
    assert drop_teasers(story + linked, page(fewer)) == [*story, linked[-1]]


def test_composed_and_decomposed_accents_match():
    decomposed = "Cafe\u0301 owners brace for a cold winter"
    found = page('<a href="/cafe">Café owners brace for a cold winter</a>')
    assert drop_teasers([*STORY, decomposed], found) == STORY


def test_two_teasers_closing_the_text_go_without_a_heading():
    rail = ["Schools brace for a cold winter in old buildings", "Tram line opens late"]
    links = (
        '<a href="/s">Schools brace for a cold winter in old buildings</a>'
        '<a href="/t">Tram line opens late</a>'
    )
    assert drop_teasers(STORY + rail, page(links)) == STORY


def test_items_each_followed_by_a_link_and_no_heading_stay():
    """A glossary's own list: an item's explanation, then a link to the item's page."""
    lines = [
        "Leadership has been studied in three ways.",
        "- Trait theory: leaders are born with the qualities that make them lead others.",
        "Read the trait theory of leadership",
        "- Path-goal theory: a leader clears the path that takes followers to their goals.",
        "Read the path-goal theory of leadership",
    ]
    links = (
        '<a href="/trait">Read the trait theory of leadership</a>'
        '<a href="/path-goal">Read the path-goal theory of leadership</a>'
    )
    assert drop_teasers(lines, page(links)) == [lines[0], lines[1], lines[3]]


def test_a_summary_is_kept_when_the_rail_has_no_heading():
    """Only a heading says teasers with lines between them are a rail, not a list."""
    lines = [*STORY, "Tram line opens two years late and over budget", "Riders waited."]
    found = page('<a href="/tram">Tram line opens two years late and over budget</a>')
    assert drop_teasers(lines, found) == [*STORY, "Riders waited."]


def test_the_pages_own_headline_stays():
    headline = "Council passes budget after a long night"
    own = f'<a href="{URL}/">{headline}</a>'
    assert drop_teasers([headline, *STORY], page(own)) == [headline, *STORY]


def test_a_headline_linking_to_the_address_the_page_declares_stays():
    """A copy served elsewhere links its headline to its published address."""
    headline = "Council passes budget after a long night"
    head = f'<link rel="canonical" href="{URL}">'
    found = page(f'<a href="{URL}">{headline}</a>', url="http://mirror.test/copy", head=head)
    assert drop_teasers([headline, *STORY], found) == [headline, *STORY]


def test_a_link_to_another_site_stays():
    """A story may list its sources: a report, a court's ruling, another paper."""
    source = "The full report of the city auditor"
    found = page(f'<a href="https://auditor.example/report.pdf">{source}</a>')
    assert drop_teasers([*STORY, source], found) == [*STORY, source]


def test_the_same_site_with_or_without_www_and_another_port():
    teaser = "Council approves new parking rules for downtown"
    found = page(f'<a href="https://www.news.example:443/parking">{teaser}</a>')
    assert drop_teasers([*STORY[:2], teaser, STORY[2]], found) == STORY


def test_a_line_with_words_of_its_own_stays():
    line = "Read how Council approves new parking rules for downtown"
    found = page('<a href="/parking">Council approves new parking rules for downtown</a>')
    assert drop_teasers([*STORY, line], found) == [*STORY, line]


def test_a_line_made_of_several_links_goes():
    """A card shows its headline twice (for the eye and for screen readers), or a
    section's name before it; each part is a link."""
    headline = "Schools brace for a cold winter"
    links = f'<a href="/s">{headline}</a><a href="/s">{headline}</a><a href="/ed">Education</a>'
    lines = [STORY[0], f"{headline} {headline}", f"- Education {headline}", *STORY[1:]]
    assert drop_teasers(lines, page(links)) == STORY


def test_a_short_link_takes_no_letters_of_a_word():
    """An index of one-letter links ("A", "B"...) does not make a line a teaser."""
    line = "Cab abba baccab a b c"
    letters = "".join(f'<a href="/index/{c}">{c}</a>' for c in "abc")
    assert drop_teasers([*STORY, line], page(letters)) == [*STORY, line]


def test_a_paragraph_of_more_than_fifty_linked_words_stays():
    a, b, c = (" ".join(f"w{i}{j}" for j in range(17)) for i in range(3))
    d = c.rsplit(" ", 1)[0]  # 16 words, a link of its own
    links = "".join(f'<a href="/s{i}">{t}</a>' for i, t in enumerate((a, b, c, d)))
    lines = [*STORY * 3, f"{a} {b} {c}", f"{a} {b} {d}"]  # 51 and 50 words
    assert drop_teasers(lines, page(links)) == lines[:-1]


def test_short_linked_lines_and_long_linked_paragraphs_stay():
    """Under four words it is a menu item or a tag; over 25, a paragraph set as a link."""
    short = "Local news"
    long = " ".join(["A slideshow's caption runs on as a paragraph of the story."] * 3)
    found = page(f'<a href="/local">{short}</a><a href="/slide/2">{long}</a>')
    assert drop_teasers([*STORY, short, long], found) == [*STORY, short, long]


def test_a_table_of_links_stays():
    row = "| Debian | Ubuntu | Fedora and others |"
    links = "".join(f'<a href="/install/{n}">{n}</a>' for n in ("Debian", "Ubuntu"))
    found = page(links + '<a href="/install/other">Fedora and others</a>')
    assert drop_teasers([*STORY, row], found) == [*STORY, row]


def test_fragment_and_script_links_are_no_other_page():
    """Brackets in a script or mail link ("[quote=x]", "[@]") were read as an IPv6 host: the
    page's extraction ended in a ValueError."""
    line = "Jump to the council's vote tonight"
    links = f'<a href="#vote">{line}</a><a href="javascript:void(0)">{line}</a>'
    links += f'<a href="javascript:reply()[quote=1]">{line}</a><a href="mailto:x [@] y">{line}</a>'
    assert drop_teasers([*STORY, line], page(links)) == [*STORY, line]


def test_the_generic_path_drops_a_related_headline_set_in_the_story():
    related = "Council approves new parking rules for downtown"
    body = "".join(f"<p>{p}</p>" for p in STORY[:2])
    body += f'<p><a href="/2024/03/01/parking-rules">{related}</a></p><p>{STORY[2]}</p>'
    html = (
        "<html><head><title>Council passes budget</title></head><body><article>"
        f"<h1>Council passes budget</h1>{body}</article></body></html>"
    )
    plugins = load_plugins(PluginConfig(entry_points=False))
    text = process_page(plugins, URL, html, classify=False).article["text"]
    assert text.split("\n") == STORY


def test_one_teaser_closing_the_text_is_no_rail():
    """A subheading, a linked line, the last paragraph: only the link goes."""
    lines = [
        *STORY[:2],
        "What comes next",
        "Tram line opens two years late and over budget",
        STORY[2],
    ]
    found = page('<a href="/tram">Tram line opens two years late and over budget</a>')
    assert drop_teasers(lines, found) == [*STORY[:2], "What comes next", STORY[2]]


def test_a_rail_ends_where_two_lines_stand_between_teasers():
    lines = [
        STORY[0],
        "What comes next",
        "Schools brace for a cold winter in old buildings",
        STORY[1],
        STORY[2],
        "Tram line opens two years late and over budget",
        "Riders say the wait was worth it.",
    ]
    links = (
        '<a href="/s">Schools brace for a cold winter in old buildings</a>'
        '<a href="/t">Tram line opens two years late and over budget</a>'
    )
    kept = [STORY[0], "What comes next", *STORY[1:], "Riders say the wait was worth it."]
    assert drop_teasers(lines, page(links)) == kept


def test_a_short_sentence_before_a_rail_is_no_heading():
    lines = [*STORY, "The vote was 7 to 2.", "Schools brace for winter", "Tram line opens late"]
    links = '<a href="/s">Schools brace for winter</a><a href="/t">Tram line opens late</a>'
    assert drop_teasers(lines, page(links)) == [*STORY, "The vote was 7 to 2."]


HEADLINE = "Council approves new parking rules for downtown"


@pytest.mark.parametrize(
    "line",
    [
        f"Read more: {HEADLINE}",
        f"LEE MÁS | {HEADLINE}",
        f"(También puede leer: {HEADLINE})",
        f"Lesen Sie auch » {HEADLINE}",
    ],
)
def test_a_label_before_a_linked_headline_goes(line):
    found = page(f'<a href="/2024/03/01/parking-rules">{HEADLINE}</a>')
    assert drop_teasers([*STORY, line], found) == STORY


@pytest.mark.parametrize(
    "line",
    [
        f"- 11 March 2024: {HEADLINE}",  # a dated item of a list of coverage
        f"Those who said it: {HEADLINE}",  # a label of more than three words
        f"Read more about how {HEADLINE}",  # no colon, bar or chevron: a sentence
        f"Background: {HEADLINE} after a long fight",  # words after the link
    ],
)
def test_a_line_with_more_than_a_label_stays(line):
    found = page(f'<a href="/2024/03/01/parking-rules">{HEADLINE}</a>')
    assert drop_teasers([*STORY, line], found) == [*STORY, line]


def test_a_label_needs_a_headline_of_four_linked_words():
    lines = ["See more: Parking rules", "See what more: Parking rules for downtown"]
    found = page('<a href="/p">Parking rules</a><a href="/d">Parking rules for downtown</a>')
    assert drop_teasers([*STORY, *lines], found) == [*STORY, lines[0]]
