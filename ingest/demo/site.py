"""The bundled offline demo: four fictional news sites, generated deterministically.

``build_site()`` returns every page, feed, sitemap and robots.txt as bytes keyed
by (host, path), so tests and demos crawl realistic news sites through
``DemoServer`` on 127.0.0.1 without touching the internet. A fixed seed gives
the same site on every run, so what a crawl should find can be written down:
the ``DemoArticle`` records are the ground truth.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from importlib.resources import files
from itertools import cycle
from urllib.parse import urlsplit

from ingest.demo import feeds
from ingest.demo.layouts import Layout
from ingest.demo.model import DemoArticle, DemoOutlet
from ingest.demo.outlets import LAYOUTS
from ingest.demo.story import second_edition, shared
from ingest.demo.text import draft, slugify

SEED = 20210506
ARTICLES_PER_OUTLET = 45
FEED_LENGTH = 20

HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
FEED_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
}

SEED_URL = "http://yenihaber.example/news/2021/04/russia-offers-pakistan-assistance"


def _seed_article() -> dict:
    """The seed text as Yeni Haber's page carries it: its body split at sentence ends."""
    raw = files(__package__).joinpath("seed_article.txt").read_text("utf-8")
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    date_fragment, site_line, title, body, footer = lines
    sentences = re.split(r"(?<=\.) (?=[A-Z])", body)
    paragraphs, sizes, i = [], cycle((2, 2, 3)), 0
    while i < len(sentences):
        size = next(sizes)
        paragraphs.append(" ".join(sentences[i : i + size]))
        i += size
    assert " ".join(paragraphs) == body
    return {
        "url": SEED_URL,
        "title": title,
        "paragraphs": paragraphs,
        "body": body,
        "authors": ["News Desk"],
        "published": "2021-04-07T16:20:00+05:00",
        # What a naive scraper keeps around the article and cleaning must remove.
        "boilerplate": [date_fragment, site_line, footer],
    }


SEED_ARTICLE: dict = _seed_article()


@dataclass(frozen=True)
class DemoSite:
    """Every file the demo serves, plus what the crawl of it should find. Read-only."""

    files: dict[tuple[str, str], tuple[str, bytes]]  # (host, path) -> (content type, body)
    outlets: dict[str, DemoOutlet]  # by outlet name, as the plugins in plugins/ declare them
    articles: tuple[DemoArticle, ...]
    # served URL -> home, section, tag, article, static, private, feed, sitemap or robots
    kinds: dict[str, str]

    def get(self, url: str) -> tuple[str, bytes] | None:
        """(content type, body) served for a URL; the query string is ignored."""
        parts = urlsplit(url)
        return self.files.get(((parts.hostname or "").lower(), parts.path or "/"))

    def urls(self, kind: str | None = None, outlet: str | None = None) -> list[str]:
        host = self.outlets[outlet].host if outlet else None
        return [
            url
            for url, k in self.kinds.items()
            if (kind is None or k == kind) and (host is None or urlsplit(url).hostname == host)
        ]

    def start_urls(self, outlet: str | None = None) -> list[str]:
        """Each outlet's home page, feed and sitemap: where a crawl of it begins."""
        chosen = [self.outlets[outlet]] if outlet else list(self.outlets.values())
        return [url for o in chosen for url in o.start_urls]

    def article_urls(self, outlet: str | None = None) -> list[str]:
        return [a.url for a in self.articles if outlet is None or a.outlet == outlet]

    def article(self, url: str) -> DemoArticle | None:
        """The ground truth for an article URL, tracking parameters and all."""
        parts = urlsplit(url)
        clean = f"{parts.scheme}://{parts.netloc}{parts.path}"
        return next((a for a in self.articles if a.url == clean), None)

    def dead_urls(self) -> list[str]:
        """Linked URLs the server answers 404: one deleted story per outlet."""
        return [o.dead_url for o in self.outlets.values()]

    def disallowed_urls(self) -> list[str]:
        """Linked pages robots.txt forbids; served, so a crawl that ignores robots shows."""
        return [o.private_url for o in self.outlets.values()]


@cache
def build_site(edition: int = 1) -> DemoSite:
    """The whole demo, built once per process (about a tenth of a second).

    Edition 2 is the site a day later, as ``ingest demo --again`` serves it: one article
    corrected (see ``ingest.demo.story``); everything else is the same.
    """
    site = _Builder(edition)
    for index, layout_class in enumerate(LAYOUTS):
        site.add(layout_class(), random.Random(SEED + index))
    return DemoSite(site.files, site.outlets, tuple(site.articles), site.kinds)


class _Builder:
    def __init__(self, edition: int = 1) -> None:
        self.edition = edition
        self.files: dict[tuple[str, str], tuple[str, bytes]] = {}
        self.outlets: dict[str, DemoOutlet] = {}
        self.articles: list[DemoArticle] = []
        self.kinds: dict[str, str] = {}

    def put(self, layout: Layout, path: str, kind: str, body: str, ctype: str = HTML) -> None:
        key = (layout.outlet.host, path)
        assert key not in self.files, f"two pages at {key}"
        self.files[key] = (ctype, body.encode("utf-8"))
        self.kinds[layout.outlet.url(path)] = kind

    def add(self, layout: Layout, rng: random.Random) -> None:
        outlet = layout.outlet
        self.outlets[outlet.name] = outlet
        written = shared(layout, _write_articles(layout, rng))
        articles = sorted(written, key=lambda a: a.published, reverse=True)
        if self.edition > 1:
            articles = second_edition(layout, articles)
        self.articles.extend(articles)
        layout.latest = articles[:6]

        for a in articles:
            self.put(layout, a.path, "article", layout.article(a, _related(a, articles)))
        picks = rng.sample(articles, 4)
        most_read = layout.pairs(picks[:1]) + [(layout.dead_title, outlet.dead_path)]
        self.put(layout, "/", "home", layout.home(articles, most_read + layout.pairs(picks[1:])))
        for label, path, items in layout.by_section(articles):
            self.put(layout, path, "section", layout.listing(label, outlet.url(path), items))
        tags: dict[str, tuple[str, list[DemoArticle]]] = {}
        for a in articles:
            for tag in a.tags:
                tags.setdefault(slugify(tag), (tag, []))[1].append(a)
        for slug, (tag, items) in sorted(tags.items()):
            path = layout.tag_path.format(slug=slug)
            heading = layout.tag_heading.format(tag=tag)
            self.put(layout, path, "tag", layout.listing(heading, outlet.url(path), items))
        static = layout.page(layout.static_title, layout.static_text)
        self.put(layout, outlet.static_path, "static", static)
        private = layout.page(layout.private_title, [layout.private_text])
        self.put(layout, outlet.private_path, "private", private)

        feed = feeds.rss if outlet.feed_format == "rss" else feeds.atom
        ftype = FEED_TYPES[outlet.feed_format]
        self.put(layout, outlet.feed_path, "feed", feed(layout, articles[:FEED_LENGTH]), ftype)
        pages = [outlet.home] + [outlet.url(p) for _, p in layout.menu()]
        pages = pages if layout.sitemap_sections else []
        self.put(layout, "/sitemap.xml", "sitemap", feeds.sitemap(layout, articles, pages), XML)
        self.put(layout, "/robots.txt", "robots", feeds.robots(layout), TEXT)


def _write_articles(layout: Layout, rng: random.Random) -> list[DemoArticle]:
    """The outlet's articles: dates spread over 2021, sections in turn, unique headlines."""
    outlet, lex = layout.outlet, layout.lex
    articles: list[DemoArticle] = []
    seen: set[str] = set()
    if outlet.host == urlsplit(SEED_URL).hostname:
        articles.append(_seed(layout))
        seen.add(slugify(SEED_ARTICLE["title"]))
    count = ARTICLES_PER_OUTLET - len(articles)
    days = sorted(rng.sample(range(2, 363), count))
    sections = [layout.sections[i % len(layout.sections)] for i in range(count)]
    rng.shuffle(sections)
    for i, (day, key) in enumerate(zip(days, sections, strict=True)):
        for _ in range(200):
            d = draft(lex, key, rng, words=rng.randint(170, 480))
            if slugify(d.headline) not in seen:
                break
        slug = slugify(d.headline)
        seen.add(slug)
        local = datetime(2021, 1, 1, rng.randint(6, 21), rng.randint(0, 59)) + timedelta(days=day)
        published = local.replace(tzinfo=layout.tz(local))
        edited = rng.random() < 0.4
        modified = published + timedelta(minutes=rng.randint(20, 900)) if edited else None
        authors = tuple(rng.sample(layout.authors, 2 if rng.random() < 0.15 else 1))
        number = 10001 + i
        section = lex.sections[key]
        path = layout.article_path.format(
            slug=slug, date=published, section=section.slug, number=number
        )
        articles.append(
            DemoArticle(
                outlet=outlet.name,
                url=outlet.url(path),
                title=d.headline,
                authors=authors,
                published=published,
                section=section.slug,
                section_label=section.label,
                tags=tuple(d.tags),
                paragraphs=tuple(d.paragraphs),
                modified=modified,
                number=number,
            )
        )
    return articles


def _seed(layout: Layout) -> DemoArticle:
    world = layout.lex.sections["world"]
    return DemoArticle(
        outlet=layout.outlet.name,
        url=SEED_ARTICLE["url"],
        title=SEED_ARTICLE["title"],
        authors=tuple(SEED_ARTICLE["authors"]),
        published=datetime.fromisoformat(SEED_ARTICLE["published"]),
        section=world.slug,
        section_label=world.label,
        tags=("Russia", "Foreign Policy", "Energy"),
        paragraphs=tuple(SEED_ARTICLE["paragraphs"]),
        number=10000,
    )


def _related(article: DemoArticle, articles: list[DemoArticle]) -> list[DemoArticle]:
    """Stories from the same section closest in time, as related-links widgets pick them."""
    same = [a for a in articles if a.section == article.section and a is not article]
    same.sort(key=lambda a: abs((a.published - article.published).total_seconds()))
    return same[:4]
