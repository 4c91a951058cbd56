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
