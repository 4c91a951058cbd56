"""The story's first paragraph, when a redesign set it apart from the rest and an outlet's
``paragraphs`` rule reads only the rest.

Templates often style the opening paragraph on its own (a drop cap, a larger
type, ``class="first"``), and a redesign that renames that one paragraph leaves
the rules reading the story without its start: nothing is missed by much, and
nothing says so. ``ingest.extract.union`` adds paragraphs the rules pass over
after the first matched one only; before it lie a story's kicker, byline and
share bar. The one place a lost first paragraph is plain is right before the
first matched one, in the same parent: there an element that reads as a
paragraph (shown, no block of its own, one line of prose, mostly not links, not
boilerplate) is the story's, when trafilatura's main pass kept it too. Without
that evidence a caption, a standfirst, a byline or a notice set as a paragraph
there came in with it.

Measured by ``benchmarks/outlet_rules.py --part redesigns`` ("first renamed"): F1
0.972 to 0.973, one page; the pages as saved and every other redesign unchanged.
The benchmark renames the paragraph to a ``div``, which trafilatura's main pass
skips on a page with enough ``<p>`` text; a lead that keeps its tag under a new
class is what this recovers.
"""

from __future__ import annotations

import lxml.html

from ingest.extract.blocks import lines
from ingest.extract.clean import is_boilerplate
from ingest.extract.union import LINK_SHARE, is_paragraph, is_prose, key, link_share

Element = lxml.html.HtmlElement


def missed_first(
    blocks: list[Element], skip: set, have: list[str], generic: str, phrases: list[str]
) -> str | None:
    """The line of the paragraph right before the first matched block, when it reads as
    the story's, trafilatura's main pass kept it too (``generic``: a caption, a byline or
    a notice set as a paragraph there it leaves out), and the rules' text (``have``) lacks
    it. ``phrases``: the outlet's ``boilerplate``, case-folded."""
    before, found = next(
        (
            (sibling, read)
            for sibling in blocks[0].itersiblings(preceding=True)
            if isinstance(sibling.tag, str)
            and sibling not in skip
            and (read := lines(sibling, skip))
        ),
        (None, []),
    )
    if before is None or not is_paragraph(before):
        return None
    if len(found) != 1 or not is_prose(line := found[0]):
        return None
    k = key(line)
    if k in {key(text) for text in have} or link_share(before, k, skip) > LINK_SHARE:
        return None
    if k not in "\n".join(key(text) for text in generic.split("\n")):
        return None
    return None if is_boilerplate(line, [], phrases, []) else line
