"""A heading closing the text goes, told by the page's markup; a short closing line stays."""

from ingest.article import Page
from ingest.extract.closing_headings import drop_closing_headings

STORY = [
    "The harbour board voted on Monday to dredge the eastern channel this autumn.",
    "Fishing crews had asked for the work since two boats ran aground in spring.",
    "The dredging is expected to take six weeks and close the channel at night.",
]


def tree(html: str):  # noqa: ANN201
    body = "".join(f"<p>{line}</p>" for line in STORY) + html
    return Page(
        url="https://harbour.example/news/dredging", html=f"<html><body>{body}</body></html>"
    ).tree


def test_a_closing_heading_goes():
    page = tree("<h3>More from the harbour</h3><ul class='rail'><li>...</li></ul>")
    assert drop_closing_headings([*STORY, "More from the harbour"], page) == STORY


def test_an_element_named_a_title_is_a_heading_and_a_run_of_them_goes():
    page = tree("<div class='box-title'><span>Photo credits:</span></div><h2>Comments</h2>")
    assert drop_closing_headings([*STORY, "Photo credits:", "Comments"], page) == STORY


def test_a_short_closing_line_that_is_no_heading_stays():
    page = tree("<p>Thanks to all the crews</p>")
    lines = [*STORY, "Thanks to all the crews"]
    assert drop_closing_headings(lines, page) == lines


def test_a_heading_with_text_under_it_stays():
    page = tree("<h3>What happens next</h3><p>The board meets again in May.</p>")
    lines = [*STORY, "What happens next", "The board meets again in May."]
    assert drop_closing_headings(lines, page) == lines


def test_a_heading_that_ends_as_a_sentence_or_is_the_whole_text_stays():
    page = tree("<h2>The channel will close at night.</h2><h2>Dredging</h2>")
    lines = [*STORY, "The channel will close at night."]
    assert drop_closing_headings(lines, page) == lines
    assert drop_closing_headings(["Dredging"], page) == ["Dredging"]


def test_headings_are_told_by_class_words_in_any_spelling_or_an_id_and_through_inline_markup():
    page = tree(
        "<p class='cssContentHeadline'>Useful links</p>"
        "<div id='rail-title'>Photo credits</div>"
        "<h3>More from <a href='/town'>Harbourtown</a></h3>"
        "<h4><span class='icon'></span>Elsewhere</h4>"
    )
    for closing in ("Useful links", "Photo credits", "More from Harbourtown", "Elsewhere"):
        assert drop_closing_headings([*STORY, closing], page) == STORY, closing


def test_a_signature_a_standfirst_or_a_long_heading_closing_the_text_stays():
    long_heading = "Nine words make this heading too long to be one"
    page = tree(
        "<span class='author-title'>Jane Doe, harbour editor</span>"
        "<div class='subtitle'><p>Reporting by the harbour desk</p></div>"
        "<p class='untitled-note'>Notes from the quay</p>"
        f"<h2>{long_heading}</h2>"
    )
    for closing in (
        "Jane Doe, harbour editor",
        "Reporting by the harbour desk",
        "Notes from the quay",
        long_heading,
    ):
        lines = [*STORY, closing]
        assert drop_closing_headings(lines, page) == lines, closing


def test_a_heading_named_with_sub_or_author_beside_heading_or_headline_goes():
    page = tree(
        "<p class='article__sub-headline'>More on the harbour</p>"
        "<div class='author-bio__heading'>About the author</div>"
    )
    for closing in ("More on the harbour", "About the author"):
        assert drop_closing_headings([*STORY, closing], page) == STORY, closing
