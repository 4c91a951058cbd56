"""What the demo site knows about its outlets and articles: the crawl's ground truth.

Tests compare what a crawl extracted with these records, so they hold exactly
what a perfect extractor would return (title, authors, date, paragraphs).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class DemoOutlet:
    """One fictional news site on its own ``.example`` host."""

    name: str  # the outlet name its plugin declares, e.g. "yeni-haber"
    title: str  # the site name as pages print it
    host: str
    language: str
    feed_path: str
    feed_format: str  # "rss" or "atom"
    disallow: str  # the path prefix robots.txt disallows
    private_path: str  # a page under ``disallow`` that the site links to
    dead_path: str  # a linked URL the server answers 404, as deleted stories are
    static_path: str  # an about/imprint page: linked everywhere, never an article

    def url(self, path: str) -> str:
        return f"http://{self.host}{path}"

    @property
    def home(self) -> str:
        return self.url("/")

    @property
    def feed(self) -> str:
        return self.url(self.feed_path)

    @property
    def sitemap(self) -> str:
        return self.url("/sitemap.xml")

    @property
    def robots(self) -> str:
        return self.url("/robots.txt")

    @property
    def dead_url(self) -> str:
        return self.url(self.dead_path)

    @property
    def private_url(self) -> str:
        return self.url(self.private_path)

    @property
    def start_urls(self) -> list[str]:
        return [self.home, self.feed, self.sitemap]


@dataclass(frozen=True)
class DemoArticle:
    """One article page, as its newsroom wrote it."""

    outlet: str  # DemoOutlet.name
    url: str
    title: str
    authors: tuple[str, ...]
    published: datetime  # timezone-aware
    section: str  # section slug, as in the section page's URL
    section_label: str
    tags: tuple[str, ...]
    paragraphs: tuple[str, ...]
    modified: datetime | None = None
    number: int = 0  # the CMS's id, for sites that put one in URLs or markup
    language: str | None = None  # when not the outlet's: agency copy run as filed

    @property
    def path(self) -> str:
        return "/" + self.url.split("/", 3)[3]

    @property
    def text(self) -> str:
        """The body as an extractor should return it: one paragraph per line."""
        return "\n".join(self.paragraphs)

    @property
    def summary(self) -> str:
        """The first sentence, which teasers, feeds and meta descriptions show."""
        first = self.paragraphs[0]
        # Start looking past a dateline such as "KÖLN. ", which is no sentence.
        ends = [i for i in (first.find(e, 25) for e in (". ", "? ", "! ")) if i != -1]
        return first[: min(ends) + 1] if ends else first

    @property
    def word_count(self) -> int:
        return sum(len(p.split()) for p in self.paragraphs)
