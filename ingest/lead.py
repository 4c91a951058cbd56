"""The standfirst: the lead paragraph a page shows above its body, which extractors drop.

Many sites set the lead (standfirst, teaser, Vorspann, chapeau, entradilla)
apart from the body, in a header block that trafilatura takes for page
furniture. The page's description meta tags very often repeat that lead word
for word, which makes it easy to recognise: a visible block of the page that
holds the description, when the extracted text lacks it, is the lead.
"""

from __future__ import annotations

import re

import lxml.html

DESCRIPTIONS = (
    "/html/head/meta[@name='description' or @property='og:description'"
    " or @name='twitter:description' or @property='twitter:description']/@content"
)
#: Inline markup a lead's text may sit in; the lead is the block around it.
INLINE = {
    "span", "strong", "b", "em", "i", "font", "small", "mark", "u", "abbr", "cite", "q",
    "sup", "sub", "time", "bdi", "br",
}  # fmt: skip
NOT_TEXT = {"script", "style", "noscript", "template", "title", "textarea", "option", "button"}
#: A description shorter than this is a label or a slogan, not a lead.
MIN_WORDS = 5
#: Words that locate a description in the page: a run of plain words.
ANCHOR_WORDS = 4


def standfirst(tree: lxml.html.HtmlElement, text: str, title: str | None = None) -> str | None:
    """The page's visible lead when ``text`` lacks it, as the page shows it; else None."""
    if not text.strip():
        return None
    have, headline = folded(text), folded(title or "")
    for description in dict.fromkeys(tree.xpath(DESCRIPTIONS)):
        key = folded(description)[:100]
        if len(key.split()) < MIN_WORDS or key in headline or key in have:
            continue
        lead = visible_block(tree, description, key)
        if lead:
            return lead
    return None


def folded(text: str) -> str:
    """Words only, lower case: pages and their meta tags differ in quotes and spacing."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def visible_block(tree: lxml.html.HtmlElement, description: str, key: str) -> str | None:
    """The text of the smallest block in the body that holds the whole description."""
    for anchor in anchors(description):
        found = tree.xpath(
            "/html/body//text()[contains(normalize-space(.), $anchor)]", anchor=anchor
        )
        for node in found[:5]:
            block = node.getparent()
            if node.is_tail:
                block = block.getparent()
            while block is not None and block.tag in INLINE:
                block = block.getparent()
            if block is None or block.tag in NOT_TEXT or block.tag == "a" or inside_link(block):
                continue  # a link's text is a teaser for another page
            shown = " ".join(block.text_content().split())
            if len(shown) <= 3 * len(description) + 50 and key in folded(shown):
                return shown
        if found:
            return None
    return None


def anchors(description: str) -> list[str]:
    """A few runs of consecutive plain words, to find the description in the page.

    Meta tags and pages differ in quotes and dashes, and markup (a bold first
    phrase, a link) splits a lead into several text nodes: a run without
    punctuation, tried at a few places, finds it in one.
    """
    runs: list[list[str]] = [[]]
    for word in description.split()[:40]:
        if re.fullmatch(r"\w+", word):
            runs[-1].append(word)
            if len(runs[-1]) == ANCHOR_WORDS:
                runs.append([])
        elif runs[-1]:
            runs.append([])
    return [" ".join(run) for run in runs if len(run) == ANCHOR_WORDS][:3]


def inside_link(element: lxml.html.HtmlElement) -> bool:
    return any(parent.tag == "a" for parent in element.iterancestors())
