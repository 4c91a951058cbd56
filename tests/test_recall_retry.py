"""A short main text is read again by trafilatura favouring recall, and that reading is
taken when it holds prose the first lacks.

The page is the shape a real one had (a list of advice in a block of its own, after the
story's paragraph): trafilatura's default reading leaves the list out, its recall reading
keeps it. The text is made up; the structure is what matters.
"""

from ingest.extract.generic import SHORT_TEXT
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

from sites import prose

URL = "https://news.example/2024/05/burglaries"
STORY = (
    "Break-ins fell again last year, for the sixth year running, the police statistics show. "
    "The figures have gone down since 2015. The pandemic kept the trend going in 2020. "
    "The statisticians counted 75,023 cases in 2020, 13.9 percent fewer than the year before "
    "(2019: down 10.6 percent to 87,145 cases). One case in six was solved, a little fewer "
    "than before."
)
ADVICE = "When you leave your house, even for a short while, always lock the front door."


def page(paragraphs: list[str], items: list[str]) -> str:
    """The story's paragraphs in one block, a list in a block beside it."""
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    listed = "".join(f"<li>{i}</li>" for i in items)
    return (
        f"<html><body><div><div><div>{text}</div></div>"
        f"<div><div><ul>{listed}</ul></div></div></div></body></html>"
    )


def text_of(html: str) -> str:
    plugins = load_plugins(PluginConfig(entry_points=False))
    return process_page(plugins, URL, html, classify=False).article["text"]


def test_a_short_text_gives_way_to_the_recall_reading_that_holds_more_prose():
    assert len(STORY) < SHORT_TEXT
    assert text_of(page([STORY], [ADVICE])) == f"{STORY}\n- {ADVICE}"


def test_a_text_long_enough_is_not_read_again():
    """The second reading costs a second extraction: only short texts pay it. (Read
    again, this page too gives the advice: its text alone shows the bound held.)"""
    paragraphs = [STORY] + [" ".join(prose(n)[:3]) for n in range(1, 6)]
    assert len("\n".join(paragraphs)) > SHORT_TEXT
    assert text_of(page(paragraphs, [ADVICE])) == "\n".join(paragraphs)


def test_a_recall_reading_that_adds_only_labels_or_boilerplate_is_not_taken():
    """Share buttons, a like count, a cookie notice: the recall reading has them as lines
    of the list; none is a story's sentence."""
    for items in (
        ["Share", "Tweet"],
        ["12 bloggers like this"],
        ["We use cookies to give you the best experience on our site."],
    ):
        assert text_of(page([STORY], items)) == STORY, items
