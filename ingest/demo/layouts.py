"""Markup every demo outlet shares: the document shell, dates, metadata blocks.

Each outlet in ``outlets/`` writes its own page structure on top of this,
because the demo exists to show that no two sites look alike to an extractor.
What the outlets share here is what real sites share: the HTML head.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from html import escape

from ingest.demo.model import DemoArticle, DemoOutlet
from ingest.demo.text import Lexicon, lexicon, slugify

FEED_TYPES = {"rss": "application/rss+xml", "atom": "application/atom+xml"}


def esc(text: str) -> str:
    """Escape text content; quotes stay as written, so the page holds the text verbatim."""
    return escape(text, quote=False)


def attr(text: str) -> str:
    """Escape an attribute value."""
    return escape(text, quote=True)


def central_european(day: datetime) -> timezone:
    """CET or CEST: summer time runs from the last Sunday of March to that of October."""

    def last_sunday(month: int) -> datetime:
        end = datetime(day.year, month, 31, 2)
        return end - timedelta(days=(end.weekday() + 1) % 7)

    summer = last_sunday(3) <= day.replace(tzinfo=None) < last_sunday(10)
    return timezone(timedelta(hours=2 if summer else 1))


def paras(paragraphs: tuple[str, ...] | list[str]) -> str:
    return "\n".join(f"<p>{esc(p)}</p>" for p in paragraphs)


def when(layout: Layout, a: DemoArticle, css: str = "") -> str:
    """A ``<time>`` element: machine date in the attribute, local spelling as text."""
    cls = f' class="{css}"' if css else ""
    stamp = a.published.isoformat()
    return f'<time{cls} datetime="{stamp}">{esc(layout.human_date(a.published))}</time>'


class Layout:
    """One outlet's identity (hosts, paths, staff) and its markup.

    Subclasses set the class attributes and write ``chrome`` (header, menus,
    footer around every page), ``article_main``, ``listing_main`` and
    ``home_main``. ``latest`` is filled in once the outlet's articles exist,
    for the sidebars and tickers that every page repeats.
    """

    outlet: DemoOutlet
    authors: tuple[str, ...]
    sections: tuple[str, ...]  # lexicon section keys, in menu order
    article_path: str  # str.format()ed with slug, date, section and number
    section_path = "/{slug}/"
    tag_path = "/tag/{slug}/"
    byline_words = ("By", "and")
    feed_query = ""  # tracking parameters the outlet's feed appends to links
    static_title = ""
    static_text: tuple[str, ...] = ()
    private_title = ""
    private_text = ""
    tagline = ""  # the feed's description
    tag_heading = "{tag}"
    dead_title = ""  # the headline of the deleted story the home page still links to
    robots_allow: tuple[str, ...] = ()
    full_feed = False  # whether the feed carries whole articles (content:encoded)
    sitemap_sections = False  # whether the sitemap lists home and section pages too
    sitemap_date_only = False  # whether <lastmod> is a date rather than a timestamp

    def __init__(self) -> None:
        self.latest: list[DemoArticle] = []

    # -- identity --------------------------------------------------------

    @property
    def lex(self) -> Lexicon:
        return lexicon(self.outlet.language)

    def tz(self, day: datetime) -> timezone:
        return central_european(day)

    def menu(self) -> list[tuple[str, str]]:
        """(label, path) of the section pages, as the navigation lists them."""
        return [
            (s.label, self.section_path.format(slug=s.slug))
            for s in (self.lex.sections[k] for k in self.sections)
        ]

    def human_date(self, moment: datetime) -> str:
        return f"{moment.day} {self.lex.months[moment.month - 1]} {moment.year}"

    def byline(self, authors: tuple[str, ...]) -> str:
        word, conj = self.byline_words
        names = ", ".join(authors[:-1]) + f" {conj} " + authors[-1] if len(authors) > 1 else ""
        return f"{word} {names or authors[0]}"

    # -- the HTML head ---------------------------------------------------

    def og(self, title: str, url: str, kind: str = "article", description: str = "") -> str:
        tags = [("og:site_name", self.outlet.title), ("og:type", kind), ("og:title", title)]
        tags += [("og:url", url)] + ([("og:description", description)] if description else [])
        return "\n".join(f'<meta property="{p}" content="{attr(v)}">' for p, v in tags)

    def article_times(self, a: DemoArticle) -> str:
        lines = [f'<meta property="article:published_time" content="{a.published.isoformat()}">']
        if a.modified:
            lines.append(
                f'<meta property="article:modified_time" content="{a.modified.isoformat()}">'
            )
        lines.append(f'<meta property="article:section" content="{attr(a.section_label)}">')
        return "\n".join(lines)

    def news_article(self, a: DemoArticle) -> dict:
        """The schema.org NewsArticle most CMS plugins emit."""
        return {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": a.title,
            "datePublished": a.published.isoformat(),
            "dateModified": (a.modified or a.published).isoformat(),
            "author": [{"@type": "Person", "name": name} for name in a.authors],
            "publisher": {"@type": "Organization", "name": self.outlet.title},
            "mainEntityOfPage": {"@type": "WebPage", "@id": a.url},
            "articleSection": a.section_label,
            "keywords": ", ".join(a.tags),
            "inLanguage": a.language or self.outlet.language,
        }

    @staticmethod
    def json_ld(data: dict) -> str:
        text = json.dumps(data, ensure_ascii=False, indent=1).replace("</", "<\\/")
        return f'<script type="application/ld+json">\n{text}\n</script>'

    @staticmethod
    def canonical(url: str) -> str:
        return f'<link rel="canonical" href="{attr(url)}">'

    def description(self, text: str) -> str:
        return f'<meta name="description" content="{attr(text)}">'

    def article_head(self, a: DemoArticle) -> str:
        """Which metadata an article page carries; outlets differ, as real ones do."""
        return "\n".join(
            [self.description(a.summary), self.og(a.title, a.url), self.canonical(a.url)]
        )

    # -- pages -----------------------------------------------------------

    def document(
        self, heading: str, head: str, body: str, body_class: str = "", lang: str | None = None
    ) -> str:
        feed_type, title = FEED_TYPES[self.outlet.feed_format], attr(self.outlet.title)
        return f"""<!DOCTYPE html>
<html lang="{lang or self.outlet.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(heading)}</title>
{head}
<link rel="alternate" type="{feed_type}" title="{title}" href="{self.outlet.feed}">
</head>
<body class="{body_class}">
{body}
</body>
</html>
"""

    def title(self, heading: str) -> str:
        return f"{heading} | {self.outlet.title}"

    def article(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        main = self.article_main(a, related)
        return self.document(
            self.title(a.title), self.article_head(a), self.chrome(main), "article", a.language
        )

    def listing(self, heading: str, url: str, articles: list[DemoArticle]) -> str:
        head = self.og(self.title(heading), url, "website") + "\n" + self.canonical(url)
        return self.document(
            self.title(heading), head, self.chrome(self.listing_main(heading, articles))
        )

    def home(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        """``articles`` newest first; ``most_read`` (title, path) pairs, a dead link among them."""
        url = self.outlet.home
        head = self.og(self.outlet.title, url, "website") + "\n" + self.canonical(url)
        main = self.home_main(articles, most_read)
        return self.document(self.home_title(), head, self.chrome(main), "home")

    def home_title(self) -> str:
        return self.outlet.title

    def page(self, heading: str, paragraphs: tuple[str, ...] | list[str]) -> str:
        """A plain page (imprint, login) inside the outlet's chrome."""
        main = f'<div class="page-content">\n<h1>{esc(heading)}</h1>\n{paras(paragraphs)}\n</div>'
        return self.document(self.title(heading), "", self.chrome(main), "page")

    def chrome(self, main: str) -> str:
        raise NotImplementedError

    def article_main(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        raise NotImplementedError

    def listing_main(self, heading: str, articles: list[DemoArticle]) -> str:
        raise NotImplementedError

    def home_main(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        raise NotImplementedError

    # -- small parts -------------------------------------------------------

    def tag_links(self, a: DemoArticle, sep: str = ", ") -> str:
        return sep.join(
            f'<a href="{self.href(self.tag_path.format(slug=slugify(t)))}" rel="tag">{esc(t)}</a>'
            for t in a.tags
        )

    def link_list(self, items: list[tuple[str, str]], css: str = "", ordered: bool = False) -> str:
        tag = "ol" if ordered else "ul"
        cls = f' class="{css}"' if css else ""
        lis = "\n".join(f'<li><a href="{attr(self.href(u))}">{esc(t)}</a></li>' for t, u in items)
        return f"<{tag}{cls}>\n{lis}\n</{tag}>"

    def href(self, path: str) -> str:
        """How the outlet's links spell a URL; most use paths, WordPress absolute URLs."""
        return path

    def by_section(self, articles: list[DemoArticle]) -> list[tuple[str, str, list[DemoArticle]]]:
        """(label, path, articles) per section in menu order, for home page blocks."""
        sections = [self.lex.sections[key] for key in self.sections]
        return [
            (
                s.label,
                self.section_path.format(slug=s.slug),
                [a for a in articles if a.section == s.slug],
            )
            for s in sections
        ]

    @staticmethod
    def pairs(articles: list[DemoArticle]) -> list[tuple[str, str]]:
        return [(a.title, a.path) for a in articles]
