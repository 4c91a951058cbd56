"""Is it an article? Precision and recall of the built-in ``is_article`` on labelled pages.

Articles: the shared evaluation pages (../shared/eval: 48 outlet pages, 990 pages
of as many sites) and the demo's 180 articles. Not articles: the demo's home,
section and tag pages. Every page is scored as served, again with its metadata
removed (og:type, article:*, JSON-LD), since a page without metadata is where
the prose decides, and without metadata served from another host (a mirror, an
archive, a test server), where its headline links to an address not the page's.
Generated from the demo's articles, as pages without metadata: their text as
``<br>``-separated lines in one ``<div>``, and briefs (the first 100 to 150 words
under the headline, in an ``<article>``), both articles; each section as a list
of links with a sentence each, and each story as a photo gallery (a line of
introduction, captioned pictures), neither. And section fronts in each real
page's own markup (``listings_from``): its story's place filled with 15 teasers,
alone or under a topic's heading and introduction, its menus and rails kept, at
the section's address; neither. No outlet's URL rules are used: this is the
generic decision. Pages are decoded from their bytes as the crawl decodes them,
and one kept without its address is read at the address it declares.

Sites are split in two halves by a hash of their host name: rules are tuned on
the first and reported on the second, then on all.

    python benchmarks/classify.py [--misses]
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import lxml.html
from crawl_speed import page_bytes

from ingest.article import Page
from ingest.demo.site import build_site
from ingest.extract.classify import _BLOCKS, LINE_WORDS, is_article, own_lines
from ingest.extract.decoding import decode_html
from ingest.words import count_words

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
METADATA = (
    "//meta[starts-with(@property,'og:')] | //meta[starts-with(@property,'article:')]"
    " | //script[@type='application/ld+json']"
)


def half(url: str) -> str:
    host = urlsplit(url).hostname or url
    return "tune" if hashlib.sha1(host.encode()).digest()[0] % 2 == 0 else "report"


def elsewhere(url: str) -> str:
    """The page's address on another host, as a mirror, an archive or a test server has it."""
    parts = urlsplit(url)
    return parts._replace(scheme="http", netloc="mirror.test").geturl()


def stripped(url: str, text: str) -> Page:
    page = Page(url=url, html=text)
    for element in page.tree.xpath(METADATA):
        element.drop_tree()
    return page


def brief_page(title: str, paragraphs: list[str]) -> str:
    words, kept = 0, []
    for p in paragraphs:
        if words >= 100:
            break
        kept.append(p)
        words += len(p.split())
    body = "".join(f"<p>{html.escape(p)}</p>" for p in kept)
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body>"
        f'<nav><a href="/">Home</a></nav><main><article><h1>{html.escape(title)}</h1>'
        f"{body}</article></main><footer>© News</footer></body></html>"
    )


def br_page(title: str, paragraphs: list[str]) -> str:
    lines = "<br><br>".join(html.escape(p) for p in paragraphs)
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body>"
        f'<table><tr><td><a href="/">Home</a></td></tr><tr><td><b>{html.escape(title)}</b>'
        f'<div class="text">{lines}</div></td></tr></table></body></html>'
    )


def first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def link_list_page(heading: str, articles: list) -> str:  # noqa: ANN001
    """A section front as a list of links, each followed by its story's first sentence."""
    items = "".join(
        f'<li><a href="{a.url}">{html.escape(a.title)}</a> – '
        f"{html.escape(first_sentence(a.paragraphs[0]))}</li>"
        for a in articles
    )
    return (
        f"<html><head><title>{html.escape(heading)}</title></head><body>"
        f'<nav><a href="/">Home</a></nav><main><h1>{html.escape(heading)}</h1>'
        f"<ul>{items}</ul></main></body></html>"
    )


def gallery_page(title: str, paragraphs: list[str]) -> str:
    """A photo gallery: a headline, one line of introduction, captioned pictures."""
    sentences = [first_sentence(p) for p in paragraphs] * 2
    figures = "".join(
        f'<figure><img src="/photo/{i}.jpg" alt=""><figcaption>{html.escape(s)}</figcaption>'
        "</figure>"
        for i, s in enumerate(sentences[:10])
    )
    return (
        f"<html><head><title>{html.escape(title)}</title></head><body>"
        f'<nav><a href="/">Home</a></nav><main><article><h1>{html.escape(title)}</h1>'
        f"<p>{html.escape(sentences[0])}</p>{figures}</article></main></body></html>"
    )


#: Where a page kept without its address ("hard::name") says it was published.
DECLARED = "//link[@rel='canonical']/@href | //meta[@property='og:url']/@content"
SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+")


def served_at(url: str, text: str) -> str:
    """A page kept under a name is classified at the address it declares, as crawled."""
    if "://" in url:
        return url
    declared = Page(url="http://x.test/", html=text).tree.xpath(DECLARED)
    return next((d for d in declared if "://" in d), url)


def listings_from(url: str, text: str) -> list[tuple[str, str, str]]:
    """Section fronts in a real page's own markup: its story's container emptied and filled
    with 15 teasers (a linked headline and a sentence), alone or under a topic's heading
    and a two-paragraph introduction; every other paragraph of prose gone, headings made
    the section's name, no metadata, at the section's address. The menus, rails and
    footers stay the site's own. (kind, url, html) for each; none for a page whose story
    sits in no container of its own or that has too few sentences to build from."""
    tree = stripped(url, text).tree
    words: Counter = Counter()
    for p in tree.iter("p"):
        if (parent := p.getparent()) is not None:
            words[parent] += count_words(p.text_content())
    if not words:
        return []
    group, most = words.most_common(1)[0]
    sentences = list(
        dict.fromkeys(
            s
            for p in tree.iter("p")
            for s in SENTENCE_END.split(" ".join(p.text_content().split()))
            if 8 <= count_words(s) <= 35 and s[-1:] in ".!?。！？"
        )
    )
    if most < 60 or group.tag in ("html", "body") or len(sentences) < 8:
        return []
    for block in list(tree.iter(*_BLOCKS)):  # the story's prose, wherever: a front has none
        if any(line.words >= LINE_WORDS for line in own_lines(block)):
            block.text = None
            for child in list(block):
                child.tail = None
                if child.tag not in _BLOCKS and child.tag != "br":
                    block.remove(child)  # inline: its text was the line's
    for element in list(group):
        group.remove(element)
    group.text = None
    parts = urlsplit(url)
    section = next((s for s in parts.path.split("/") if s.isalpha()), "news")
    for h1 in tree.iter("h1"):
        h1.clear()
        h1.text = section.capitalize()
    for article in tree.iter("article"):
        article.tag = "div"
    teasers = "".join(
        f'<div class="teaser"><h2><a href="/{section}/story-{1000 + i}">'
        f"{html.escape(' '.join(sentences[(2 * i + 1) % len(sentences)].split()[:8]))}</a></h2>"
        f"<p>{html.escape(sentences[(2 * i) % len(sentences)])}</p></div>"
        for i in range(15)
    )
    pairs = (" ".join(sentences[-2 - 2 * i :][:2]) for i in range(2))
    intro = "".join(f"<p>{html.escape(pair)}</p>" for pair in pairs)
    topic = f"<div><h1>{section.capitalize()}</h1>{intro}</div><div>{teasers}</div>"
    front = f"{parts.scheme or 'http'}://{parts.netloc}/{section}/"
    made = []
    for kind, fragment in (("teasers", teasers), ("topic", topic)):
        group[:] = lxml.html.fragments_fromstring(fragment)
        made.append((kind, front, lxml.html.tostring(tree, encoding="unicode")))
    return made


def labelled() -> list[tuple[str, str, bool, Page]]:
    """(set, url, is an article, page) for every labelled page."""
    cases = []
    if EVAL.is_dir():
        sys.path.insert(0, str(EVAL))
        import score

        for dataset in ("outlets", "trafilatura"):
            _, docs = score.load_dataset(str(EVAL / dataset))
            for doc in docs:
                url = doc.url or f"http://{doc.id}/"  # the half stays keyed by it
                text = decode_html(page_bytes(doc.path))  # as the crawl reads the bytes
                served = served_at(url, text)
                cases.append((dataset, url, True, Page(url=served, html=text)))
                cases.append((f"{dataset}, no metadata", url, True, stripped(served, text)))
                moved = elsewhere(served)  # the half stays the published host's
                cases.append(
                    (f"{dataset}, elsewhere, no metadata", url, True, stripped(moved, text))
                )
                for kind, front, listing in listings_from(served, text):
                    cases.append((f"{dataset} as {kind} fronts", url, False, Page(front, listing)))
    site = build_site()
    for url, kind in site.kinds.items():
        if kind not in ("article", "home", "section", "tag"):
            continue
        text = site.get(url)[1].decode()
        label = "demo articles" if kind == "article" else "demo listings"
        cases.append((label, url, kind == "article", Page(url=url, html=text)))
        cases.append((f"{label}, no metadata", url, kind == "article", stripped(url, text)))
        moved = stripped(elsewhere(url), text)
        cases.append((f"{label}, elsewhere, no metadata", url, kind == "article", moved))
    sections: dict[tuple[str, str], list] = {}
    for a in site.articles:
        sections.setdefault((a.outlet, a.section_label), []).append(a)
    for (_, label), articles in sections.items():
        url = articles[0].url.rsplit("/", 1)[0] + "/"
        page = Page(url, link_list_page(label, articles))
        cases.append(("demo as lists of links", url, False, page))
    for a in site.articles:
        paragraphs = list(a.paragraphs)
        page = Page(a.url + "/photos", gallery_page(a.title, paragraphs))
        cases.append(("demo as galleries", a.url + "/photos", False, page))
        cases.append(("demo as <br> text", a.url, True, Page(a.url, br_page(a.title, paragraphs))))
        cases.append(("demo as briefs", a.url, True, Page(a.url, brief_page(a.title, paragraphs))))
    return cases


def figures(results: list[tuple[str, str, bool, bool]]) -> str:
    tp = sum(label and said for _, _, label, said in results)
    fp = sum(not label and said for _, _, label, said in results)
    fn = sum(label and not said for _, _, label, said in results)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    return f"precision {precision:.3f} recall {recall:.3f} (tp {tp}, fp {fp}, fn {fn})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the pages judged wrong")
    args = parser.parse_args()
    results, times = [], []
    for group, url, label, page in labelled():
        _ = page.tree  # parsed once, as the crawl does before any hook
        started = time.perf_counter()
        results.append((group, url, label, bool(is_article(page, None))))
        times.append(time.perf_counter() - started)
    for name in ("tune", "report"):
        print(f"{name} half: {figures([r for r in results if half(r[1]) == name])}")
    print(f"all:       {figures(results)}")
    print(f"  {1000 * statistics.median(times):.2f} ms/page median, {1000 * max(times):.1f} max")
    counts = Counter((group, label, said) for group, _, label, said in results)
    for group in dict.fromkeys(group for group, *_ in results):
        right = sum(n for (g, label, said), n in counts.items() if g == group and label == said)
        total = sum(n for (g, _, _), n in counts.items() if g == group)
        print(f"  {group:<28} {right:>4} of {total:>4} right")
    if args.misses:
        for group, url, label, said in results:
            if label != said:
                print(f"  miss  {group:<28} {'article' if label else 'listing'}  {url}")


if __name__ == "__main__":
    main()
