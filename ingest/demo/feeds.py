"""The machine-readable side of a demo outlet: RSS or Atom, sitemap.xml, robots.txt.

These are how a crawl finds articles without following links, so they are
written the way the common CMSs write them, quirks included (tracking
parameters on feed links, full text in ``content:encoded``).
"""

from __future__ import annotations

from email.utils import format_datetime
from xml.sax.saxutils import escape

from ingest.demo.layouts import Layout
from ingest.demo.model import DemoArticle

RSS_NAMESPACES = " ".join(
    [
        'xmlns:atom="http://www.w3.org/2005/Atom"',
        'xmlns:dc="http://purl.org/dc/elements/1.1/"',
        'xmlns:content="http://purl.org/rss/1.0/modules/content/"',
    ]
)


def _x(text: str) -> str:
    return escape(text, {'"': "&quot;"})


def rss(layout: Layout, articles: list[DemoArticle]) -> str:
    """An RSS 2.0 channel of ``articles`` (newest first)."""
    outlet = layout.outlet
    items = []
    for a in articles:
        full = ""
        if layout.full_feed:
            html = "".join(f"<p>{_x(p)}</p>" for p in a.paragraphs)
            full = f"\n<content:encoded><![CDATA[{html}]]></content:encoded>"
        items.append(
            f"""<item>
<title>{_x(a.title)}</title>
<link>{_x(a.url + layout.feed_query)}</link>
<guid isPermaLink="true">{_x(a.url)}</guid>
<pubDate>{format_datetime(a.published)}</pubDate>
<dc:creator>{_x(", ".join(a.authors))}</dc:creator>
<category>{_x(a.section_label)}</category>
<description>{_x(a.summary)}</description>{full}
</item>"""
        )
    body = "\n".join(items)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {RSS_NAMESPACES}>
<channel>
<title>{_x(outlet.title)}</title>
<link>{outlet.home}</link>
<description>{_x(layout.tagline)}</description>
<language>{outlet.language}</language>
<lastBuildDate>{format_datetime(articles[0].published)}</lastBuildDate>
<atom:link href="{outlet.feed}" rel="self" type="application/rss+xml"/>
{body}
</channel>
</rss>
"""


def atom(layout: Layout, articles: list[DemoArticle]) -> str:
    """An Atom 1.0 feed of ``articles`` (newest first)."""
    outlet = layout.outlet
    entries = []
    for a in articles:
        authors = "".join(f"<author><name>{_x(name)}</name></author>" for name in a.authors)
        entries.append(
            f"""<entry>
<title>{_x(a.title)}</title>
<id>tag:{outlet.host},{a.published.year}:{a.number}</id>
<link rel="alternate" type="text/html" href="{_x(a.url + layout.feed_query)}"/>
<published>{a.published.isoformat()}</published>
<updated>{(a.modified or a.published).isoformat()}</updated>
{authors}
<category term="{_x(a.section_label)}"/>
<summary>{_x(a.summary)}</summary>
</entry>"""
        )
    body = "\n".join(entries)
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{outlet.language}">
<title>{_x(outlet.title)}</title>
<subtitle>{_x(layout.tagline)}</subtitle>
<id>{outlet.home}</id>
<link rel="self" type="application/atom+xml" href="{outlet.feed}"/>
<link rel="alternate" type="text/html" href="{outlet.home}"/>
<updated>{articles[0].published.isoformat()}</updated>
{body}
</feed>
"""


def sitemap(layout: Layout, articles: list[DemoArticle], pages: list[str]) -> str:
    """A sitemap listing every article, plus ``pages`` (home, sections) where the CMS does."""
    rows = [f"<url><loc>{_x(url)}</loc><changefreq>hourly</changefreq></url>" for url in pages]
    for a in articles:
        stamp = (a.modified or a.published).isoformat()
        lastmod = stamp[:10] if layout.sitemap_date_only else stamp
        rows.append(f"<url><loc>{_x(a.url)}</loc><lastmod>{lastmod}</lastmod></url>")
    body = "\n".join(rows)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{body}
</urlset>
"""


def robots(layout: Layout) -> str:
    """robots.txt: one disallowed folder (which some page links to) and the sitemap."""
    outlet = layout.outlet
    lines = ["User-agent: *", f"Disallow: {outlet.disallow}"]
    lines += [f"Allow: {path}" for path in layout.robots_allow]
    lines += ["", f"Sitemap: {outlet.sitemap}", ""]
    return "\n".join(lines)
