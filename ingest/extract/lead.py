"""The standfirst: the lead paragraph a page shows above its body, which extractors drop.

Many sites set the lead (standfirst, teaser, Vorspann, chapeau, entradilla)
apart from the body, in a header block that trafilatura takes for page
furniture. Two kinds of evidence find it: the page's description meta tags
very often repeat the lead word for word, so a visible block holding the
description is the lead; else the markup names it (``class="article-intro"``)
in a block between the headline and the body.
"""

from __future__ import annotations

import re

import lxml.html

from ingest.extract.placement import names_of
from ingest.words import count_words

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
#: Characters that do the same in a script written without spaces (Chinese, Japanese).
ANCHOR_CHARS = 8


def standfirst(tree: lxml.html.HtmlElement, text: str, title: str | None = None) -> str | None:
    """The page's visible lead when ``text`` lacks it, as the page shows it; else None."""
    if not text.strip():
        return None
    have, headline = folded(text), folded(title or "")
    for description in dict.fromkeys(tree.xpath(DESCRIPTIONS)):
        key = folded(description)[:100]
        if count_words(key) < MIN_WORDS or key in headline or key in have:
            continue
        lead = visible_block(tree, description, key)
        if lead:
            return lead
    return marked_lead(tree, text, have)


#: Class names sites give their lead; "teaser" and "summary" also mark related-story cards.
LEAD_CLASSES = (
    "lead", "intro", "standfirst", "excerpt", "abstract", "deck", "chapo", "chapeau",
    "vorspann", "sapo", "bajada", "entradilla", "subline", "dek", "teaser-text",
)  # fmt: skip
LEAD_CLASS_RE = re.compile(r"(?:^|[\s_-])(?:" + "|".join(LEAD_CLASSES) + r")(?:$|[\s_-])", re.I)
#: How far before the text's first line to look for its headline and a lead.
NEAR = 80
#: A lead is a sentence or a short paragraph, not a label and not a whole story.
LEAD_WORDS = (12, 120)


def marked_lead(tree: lxml.html.HtmlElement, text: str, have: str) -> str | None:
    """A block the markup names a lead, between the headline and the text's first line."""
    start = locate(tree, text.split("\n", 1)[0])
    if start is None:
        return None
    # the nearest elements before the text, nearest last; the headline must be among them
    near = start.xpath(f"preceding::*[self::h1 or @class or @id][position() <= {NEAR}]")
    headline = max((i for i, e in enumerate(near) if e.tag == "h1"), default=None)
    if headline is None:
        return None
    for block in near[headline + 1 :]:
        if not LEAD_CLASS_RE.search(names_of(block)) or block.tag == "a" or block.xpath(LINKED):
            continue  # "leader", "introduction-video": the class only contains the word
        shown = " ".join(block.text_content().split())
        if LEAD_WORDS[0] <= count_words(shown) <= LEAD_WORDS[1]:
            return None if folded(shown)[:80] in have else shown
    return None


#: A block with a link in it, or in a link: a teaser card for another story.
LINKED = "boolean(.//a | ancestor::a)"


def locate(tree: lxml.html.HtmlElement, line: str) -> lxml.html.HtmlElement | None:
    """The element that shows a line of the text, found by a run of its words."""
    for anchor in anchors(line)[:1]:
        found = tree.xpath(SHOWING, anchor=anchor, word=anchor.split()[-1])
        if found:
            node = found[0]
            return node.getparent().getparent() if node.is_tail else node.getparent()
    return None


def folded(text: str) -> str:
    """Words only, lower case: pages and their meta tags differ in quotes and spacing."""
    return " ".join(re.findall(r"\w+", text.casefold()))


def visible_block(tree: lxml.html.HtmlElement, description: str, key: str) -> str | None:
    """The text of the smallest block in the body that holds the whole description."""
    for anchor in anchors(description):
        found = tree.xpath(SHOWING, anchor=anchor, word=anchor.split()[-1])
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


#: Text nodes that show a run of words; the plain search first, as it is the cheaper.
SHOWING = "/html/body//text()[contains(., $word)][contains(normalize-space(.), $anchor)]"


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
    found = [" ".join(run) for run in runs if len(run) == ANCHOR_WORDS][:3]
    if found or count_words(description) == len(description.split()):
        return found
    return unspaced_anchors(description)  # runs of an unspaced script, a dateline before them


def unspaced_anchors(description: str) -> list[str]:
    """Runs of word characters between punctuation, for a description written without
    spaces (Chinese, Japanese): split at spaces, its clauses are "words" of their own, and
    four of them in a row without punctuation are rare."""
    runs = re.findall(rf"\w{{{ANCHOR_CHARS},}}", description[:200])
    return [run[:ANCHOR_CHARS] for run in runs][:3]


def inside_link(element: lxml.html.HtmlElement) -> bool:
    return any(parent.tag == "a" for parent in element.iterancestors())
