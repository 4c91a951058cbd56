"""The cleanup chain as a user sees it: each rule proven through ``clean_article``.

Every rule is unit-tested alone in test_clean.py; here each one runs inside the
chain on a small page, so a rule left out of ``is_boilerplate`` fails a test:
the boilerplate line goes, and a line of the story that looks like it stays.
"""

import pytest

from ingest.article import Article, Page
from ingest.extract.clean import clean_article

HTML = """<html><head><title>Talks open | Yeni Haber</title>
<meta property="og:site_name" content="Yeni Haber"></head><body></body></html>"""
FIRST = "ISLAMABAD: Talks opened today between the two delegations."


def cleaned(text: str, authors: list[str] | None = None, title: str = "Talks open") -> str:
    article = Article(url="http://yenihaber.example/news/1", title=title, text=text)
    article.authors = authors or []
    clean_article(article, Page(url=article.url, html=HTML), None)
    return article.text


@pytest.mark.parametrize(
    ("boilerplate", "story"),
    [
        # date fragment
        ("Thursday, 6 May 2021", "The vote is on Thursday."),
        ("Updated: 06/05/2021 10:45 GMT", "The vote was moved to 10:45 on Thursday morning."),
        # site name standing alone as a logo
        ("60 Yeni Haber", "Yeni Haber reported the talks first."),
        # call to action
        ("Subscribe to our newsletter today!", "Newsletters from banks lure phishing victims."),
        # lead-in to a link
        (
            "Read more: Floods close the coastal road",
            "Read more than twenty pages of the report and you see the problem.",
        ),
        # notice: copyright, comment counts
        ("3 Kommentare", "The council received 3 comments on the plan."),
        (
            "This article is the copyrighted property of Breaking Belize News.",
            "The property was sold to Breaking Belize News last year.",
        ),
        # a photo credit on its own line
        ("AFP / MARCO BERTORELLO", "Ticket prices rose 5/6 of a point."),
        # a caption ending with its credit
        ("The harbour at dawn (Photo: Jane Doe)", "Die Ermittlungen gehen weiter. (Quelle: SWR)"),
        # share bar
        ("Share on Facebook Tweet WhatsApp Email", "Share prices fell sharply on Monday."),
        # byline
        ("By Jane Doe", "By the afternoon the roads into the city were closed to all traffic."),
    ],
    ids=[
        "date-fragment",
        "dateline",
        "site-name",
        "call-to-action",
        "lead-in",
        "notice-comments",
        "notice-copyright",
        "credit",
        "caption",
        "share-bar",
        "byline",
    ],
)
def test_each_rule_removes_its_line_and_keeps_the_look_alike(boilerplate, story):
    assert cleaned(f"{FIRST}\n{boilerplate}\n{story}") == f"{FIRST}\n{story}"


def test_a_line_naming_only_an_author_goes_and_a_sentence_naming_them_stays():
    text = f"{FIRST}\nJane Doe\nJane Doe said the plan would fail."
    assert cleaned(text, authors=["Jane Doe"]) == f"{FIRST}\nJane Doe said the plan would fail."
    # without the author known, her name alone is a line of the story
    assert cleaned(text) == text


def test_a_long_paragraph_is_kept_whatever_it_starts_with():
    """Past 40 words no short-line rule applies: prose that opens like boilerplate stays."""
    long_line = "Read more: " + " ".join(["the council met again to discuss the plan"] * 5)
    assert cleaned(f"{FIRST}\n{long_line}") == f"{FIRST}\n{long_line}"


def test_the_title_repeated_at_the_top_goes_and_blank_lines_with_it():
    text = f"  Talks open  \n\n{FIRST}\n\nTalks open"
    # only the leading repeats go: the same words later on are the story's
    assert cleaned(text) == f"{FIRST}\nTalks open"


def test_the_authors_bio_after_the_story_goes_even_when_long():
    """A bio runs past the 40 words of the short-line rules; the author's name marks it."""
    story = [FIRST, "The talks will go on tomorrow.", "Both sides expect a deal.", "Or not."]
    bio = "Jane Doe is our correspondent in Islamabad. " + "She has covered the region. " * 8
    assert cleaned("\n".join([*story, bio]), authors=["Jane Doe"]) == "\n".join(story)
