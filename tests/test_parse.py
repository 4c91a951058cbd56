"""Pages parse to the very tree trafilatura's own ``load_html`` makes of them."""

import gzip
from pathlib import Path

import pytest
from lxml import etree
from trafilatura.utils import load_html as trafilatura_load_html

from ingest.article import Page, load_html

FIXTURES = sorted((Path(__file__).parent / "fixtures").glob("*/*.html.gz"))
BODY = "<body><article><h1>Title</h1><p>One paragraph of text.</p><p>Two.</p></article></body>"
EDGES = {
    "plain": f"<html>{BODY}</html>",
    "xhtml doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
    f' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n<html>{BODY}</html>',
    "self-closed doctype": '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" />'
    f"\n<html>{BODY}</html>",
    "doctype on a later line": f"\n<!DOCTYPE html/>\n<html>{BODY}</html>",
    "self-closed html": f'<html lang="en" />\n<head><title>t</title></head>{BODY}',
    "encoding declared": f'<?xml version="1.0" encoding="utf-8"?>\n<html>{BODY}</html>',
    "a fragment": "<p>x</p>",
    "two blocks without html": f"<div>{BODY}</div><div>more</div>",
    "only a comment": "<!-- nothing -->",
    "a control character": "<html>" + BODY.replace("One", "On\x0be") + "</html>",
    "a noncharacter": "<html>" + BODY.replace("Two", "Tw\ufffeo") + "</html>",
    "text alone": "just words, no markup",
    "a lone surrogate": "<html>\udcff</html>",  # the string's parse is empty, the bytes' not
    "comments and processing instructions": f"<html><?php echo 1; ?><!-- c -->{BODY}</html>",
}


def same_tree(html: str) -> None:
    ours, theirs = load_html(html), trafilatura_load_html(html)
    assert (ours is None) == (theirs is None)
    if ours is not None:
        assert etree.tostring(ours.getroottree()) == etree.tostring(theirs.getroottree())


@pytest.mark.parametrize("name", EDGES)
def test_an_edge_case_parses_as_trafilatura_parses_it(name):
    same_tree(EDGES[name])


def test_every_character_xml_forbids_is_stripped_as_trafilatura_strips_it():
    forbidden = [*map(chr, [*range(0, 9), 11, 12, *range(14, 32)]), "\ufffe", "\uffff"]
    for char in forbidden:
        same_tree(f"<html>{BODY.replace('One', f'On{char}e')}</html>")


def test_a_page_past_the_parsers_depth_limit_says_so():
    page = Page(url="https://news.example/deep", html="<html><body>" + "<div>" * 300 + "x")
    assert page.tree is not None
    assert page.problem is not None and page.problem[0] == "too_deep"


def test_a_few_stray_control_characters_are_a_typo_and_many_are_binary_data():
    """A page served as HTML with a vertical tab in its title is read; random bytes not."""
    title = "<html><head><title>Vote\x0b today\x00</title></head>"
    typo = Page(url="https://news.example/typo", html=title + BODY + "</html>")
    assert typo.tree is not None and typo.problem is None
    assert typo.tree.findtext(".//h1") == "Title"
    eight = Page(url="https://news.example/8", html="\x01" * 8 + BODY)
    assert eight.tree is not None and eight.problem is None
    nine = Page(url="https://news.example/9", html="\x01" * 9 + BODY)
    assert nine.tree is not None and nine.problem == (
        "unparseable",
        "not HTML: the body could not be parsed",
    )


def test_every_fixture_page_parses_as_trafilatura_parses_it():
    assert len(FIXTURES) == 48
    for path in FIXTURES:
        same_tree(gzip.decompress(path.read_bytes()).decode("utf-8", "replace"))
