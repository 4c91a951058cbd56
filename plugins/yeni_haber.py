"""Yeni Haber: English-language news from Pakistan (demo outlet).

Its CMS appends an e-mail sign-up line to every story as the last paragraph,
which extractors keep as text; the boilerplate phrase removes that line.
"""

from ingest import Outlet, hookimpl

YENI_HABER = Outlet(
    name="yeni-haber",
    title="Yeni Haber",
    domains=["yenihaber.example"],
    language="en",
    seeds=["http://yenihaber.example/"],
    feeds=["http://yenihaber.example/rss.xml"],
    sitemaps=["http://yenihaber.example/sitemap.xml"],
    articles=r"/news/\d{4}/\d{2}/[\w-]+",
    drop=["div.newsletter", "ul.related", "div.share-bar"],
    boilerplate=["Sign up via our free email subscription service"],
)


@hookimpl
def register_outlets(register):
    register(YENI_HABER)
