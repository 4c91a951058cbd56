"""How small can an outlet's text be against the generic path's before its rules missed?

An outlet plugin's ``body``/``paragraphs`` rules are trusted over the generic
path unless they give fewer words than ``RULES_MISSED`` times what the generic
path finds in the same page. This prints the evidence for that share:

- outlets: for each of the 48 shared outlet pages, the words of the rules' text
  over those of trafilatura's main pass (as ``rules_missed`` compares them),
  with how close each is to the truth (ROUGE-LSum F1): how small the share gets
  when the rules are right;
- the same pages with the rules made to miss as a redesign makes them miss
  (only the first block, or the first third of the blocks, still matched);
- trafilatura: on the 990 pages of many sites, trafilatura's precision mode (a
  concise extractor, as rules are) over the main pass's words, on the pages
  where it keeps every snippet the truth requires: how much shorter a right
  text can be than the generic one;
- redesigns: the same outlet pages with part of the story moved out of the
  rules' reach, as a redesign moves it (every other matched paragraph of the
  body container, or its second half, given another tag and no attributes, or
  each wrapped one ``div`` deeper; its first paragraph renamed),
  read by the whole extraction: ROUGE-LSum of the stored text, how many pages
  had paragraphs added back (``outlet_rules: partial``) or fell back to the
  generic text (``missed``), split by ``benchmarks/candidates.py``'s halves of
  the sites. Run it against another checkout (``PYTHONPATH=...``) to compare.

    python benchmarks/outlet_rules.py [--part outlets|snippets|redesigns]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import lxml.html
import trafilatura
from lxml.cssselect import CSSSelector

from ingest.article import Page
from ingest.extract.blocks import block_lines
from ingest.extract.generic import (
    RULES_MISSED,
    ExtractionError,
    generic_text,
    is_live_blog,
    rules_text,
    with_lead,
)
from ingest.extract.metadata import page_metadata
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

sys.path.insert(0, str(Path(__file__).resolve().parent))
from candidates import half  # noqa: E402

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def scorer():
    sys.path.insert(0, str(EVAL))
    import score

    return score


def words(text: str) -> int:
    return len(text.split())


def generic_words(page: Page, outlet) -> tuple[str, int]:  # noqa: ANN001
    """The generic path's text, as stored when rules miss, and the words of trafilatura's
    main pass, which the rules are measured against (``rules_missed``)."""
    title = page_metadata(page.tree, page.url, read_author=False).title
    try:
        text = with_lead(page, generic_text(page, outlet), title)
        fast = generic_text(page, outlet, fast=True)
    except ExtractionError:
        return "", 0
    return text, words(fast)


def quantiles(values: list[float]) -> str:
    values = sorted(values)
    if not values:
        return "none"
    n = len(values)
    pick = [values[0], values[n // 20], values[n // 10], values[n // 2]]
    return "min {:.2f}  5% {:.2f}  10% {:.2f}  median {:.2f}".format(*pick)


def outlets() -> None:
    score = scorer()
    _, docs = score.load_dataset(str(EVAL / "outlets"))
    plugins = load_plugins(PluginConfig.default())
    right, partial, first, third = [], [], [], []
    print("== outlets: rules' words / generic words, per page (ROUGE-LSum F1 of each)")
    for doc in docs:
        page = Page(url=doc.url, html=score.read_html(doc))
        outlet = plugins.outlet_for(doc.url)
        page.outlet = outlet
        if not (outlet.body or outlet.paragraphs):
            continue  # the outlet names no body: its pages take the generic path
        own = rules_text(page, outlet)
        generic, n_generic = generic_words(page, outlet)
        ratio = words(own) / n_generic if n_generic else float("inf")
        live = "   live blog: not judged by the share" if is_live_blog(page) else ""
        f_own = score.score_rouge([doc], {doc.id: own})["f1"]
        f_gen = score.score_rouge([doc], {doc.id: generic})["f1"]
        print(
            f"  {doc.id:<20} {words(own):>5} / {n_generic:>5} = {ratio:5.2f}"
            f"   F1 rules {f_own:.3f} generic {f_gen:.3f}{live}"
        )
        if not live:
            (right if f_own >= 0.95 else partial).append(ratio)
        blocks = block_lines(page.tree, outlet.paragraphs, outlet.drop) if outlet.paragraphs else []
        if len(blocks) >= 3 and n_generic:
            first.append(words(blocks[0]) / n_generic)
            third.append(words("\n".join(blocks[: len(blocks) // 3])) / n_generic)
    print(f"  rules right (F1 >= 0.95), {len(right)} pages: {quantiles(right)}")
    print(f"  rules less right, {len(partial)} pages: {quantiles(partial)}")
    for name, shares in (("only the first block", first), ("the first third", third)):
        flagged = sum(share < RULES_MISSED for share in shares)
        print(
            f"  rules made to miss, {name} matched: {quantiles(shares)};"
            f" caught {flagged} of {len(shares)}"
        )
    print(f"  RULES_MISSED = {RULES_MISSED}")


def snippets() -> None:
    score = scorer()
    _, docs = score.load_dataset(str(EVAL / "trafilatura"))
    ratios = []
    for doc in docs:
        html = score.read_html(doc)
        page = Page(url=doc.url or f"http://eval.example/{doc.id}", html=html)
        _, n_generic = generic_words(page, None)
        precise = trafilatura.extract(
            html, url=doc.url or None, include_comments=False, favor_precision=True
        )
        out = score.norm_ws(precise or "")
        if n_generic and precise and all(score.norm_ws(s) in out for s in doc.truth["with"]):
            ratios.append(words(precise) / n_generic)
    print("== trafilatura: precision-mode words / generic words, where precision mode is right")
    print(f"  {len(ratios)} pages: {quantiles(ratios)}")
    print(f"  below {RULES_MISSED}: {sum(r < RULES_MISSED for r in ratios)}")


def story_blocks(tree: lxml.html.HtmlElement, outlet) -> list:  # noqa: ANN001
    """The blocks the outlet's ``paragraphs`` match inside its ``body`` containers."""
    containers = CSSSelector(outlet.body)(tree)
    return [
        block
        for block in CSSSelector(outlet.paragraphs)(tree)
        if any(c in containers for c in block.iterancestors())
    ]


def rename(block: lxml.html.HtmlElement) -> None:
    """Another tag, no class or other attribute: what a redesign's new markup looks like."""
    block.attrib.clear()
    block.tag = "div" if block.tag == "p" else "p"


def wrap(block: lxml.html.HtmlElement) -> None:
    """The block moved one ``div`` deeper."""
    wrapper = lxml.html.Element("div")
    wrapper.tail, block.tail = block.tail, None
    block.addprevious(wrapper)
    wrapper.append(block)


#: How a redesign moves part of a story out of the rules' reach: (name, blocks picked, change).
REDESIGNS = (
    ("as saved", lambda blocks: [], rename),
    ("every other renamed", lambda blocks: blocks[1::2], rename),
    ("every other one div deeper", lambda blocks: blocks[1::2], wrap),
    ("second half renamed", lambda blocks: blocks[len(blocks) // 2 :], rename),
    ("second half one div deeper", lambda blocks: blocks[len(blocks) // 2 :], wrap),
    ("first renamed", lambda blocks: blocks[:1], rename),
)


def redesigned(html: str, outlet, pick, change) -> str:  # noqa: ANN001
    tree = lxml.html.document_fromstring(html)
    for block in pick(story_blocks(tree, outlet)):
        change(block)
    return lxml.html.tostring(tree, encoding="unicode")


def redesigns() -> None:
    score = scorer()
    _, docs = score.load_dataset(str(EVAL / "outlets"))
    plugins = load_plugins(PluginConfig.default())
    docs = [d for d in docs if plugins.outlet_for(d.url).paragraphs]
    print(f"== redesigns: the {len(docs)} pages of outlets with paragraph rules, part moved")
    print("  (ROUGE-LSum P / R / F1 of the stored text; pages marked partial, missed)")
    for name, pick, change in REDESIGNS:
        texts, marks = {}, []
        for doc in docs:
            html = redesigned(score.read_html(doc), plugins.outlet_for(doc.url), pick, change)
            article = process_page(plugins, doc.url, html, classify=False).article or {}
            texts[doc.id] = article.get("text", "")
            marks.append((half(doc.url), (article.get("provenance") or {}).get("outlet_rules")))
        print(f"  {name}")
        for part in ("tune", "report", None):
            chosen = [d for d in docs if part in (None, half(d.url))]
            marked = Counter(mark for h, mark in marks if part in (None, h))
            r = score.score_rouge(chosen, texts)
            print(
                f"    {part or 'all':<6} {len(chosen):>2} pages: P {r['precision']:.3f}"
                f" R {r['recall']:.3f} F1 {r['f1']:.3f};"
                f" {marked['partial']} partial, {marked['missed']} missed"
            )


PARTS = {"outlets": outlets, "snippets": snippets, "redesigns": redesigns}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--part", choices=PARTS, action="append")
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"no evaluation data at {EVAL}")
    for part in args.part or PARTS:
        PARTS[part]()
