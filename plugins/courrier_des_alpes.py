"""Le Courrier des Alpes: French news from Savoie and Isère (demo outlet).

Deliberately declares no cleanup rules: a stock WordPress site is what the
generic extraction path has to handle on its own.
"""

from ingest import Outlet, hookimpl

COURRIER_DES_ALPES = Outlet(
    name="courrier-des-alpes",
    title="Le Courrier des Alpes",
    domains=["courrierdesalpes.example"],
    language="fr",
    seeds=["http://courrierdesalpes.example/"],
    feeds=["http://courrierdesalpes.example/feed/"],
    sitemaps=["http://courrierdesalpes.example/sitemap.xml"],
    articles=r"/\d{4}/\d{2}/\d{2}/[\w-]+/",
)


@hookimpl
def register_outlets(register):
    register(COURRIER_DES_ALPES)
