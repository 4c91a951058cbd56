"""Rheinblatt: German regional news from the Rhineland (demo outlet).

A "Lesen Sie auch" teaser sits between the paragraphs of every story, inside
the article text, so it is dropped by selector and, failing that, by phrase.
"""

from ingest import Outlet, hookimpl

RHEINBLATT = Outlet(
    name="rheinblatt",
    title="Rheinblatt",
    domains=["rheinblatt.example"],
    language="de",
    seeds=["http://rheinblatt.example/"],
    feeds=["http://rheinblatt.example/feeds/nachrichten.atom"],
    sitemaps=["http://rheinblatt.example/sitemap.xml"],
    articles=r"-a\d+\.html",
    body="section.artikel-text",
    drop=["div.lesen-sie-auch", "div.teilen", "aside.mehr-zum-thema"],
    boilerplate=["Lesen Sie auch:"],
)


@hookimpl
def register_outlets(register):
    register(RHEINBLATT)
