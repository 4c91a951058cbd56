"""El Faro del Sur: Spanish regional news from Andalusia (demo outlet).

Readers' comments follow each story in ``div.comentarios``, a class name the
generic extractor does not recognise as comments, so the plugin drops them.
"""

from ingest import Outlet, hookimpl

EL_FARO = Outlet(
    name="el-faro",
    title="El Faro del Sur",
    domains=["elfarodelsur.example"],
    language="es",
    seeds=["http://elfarodelsur.example/"],
    feeds=["http://elfarodelsur.example/rss/portada.xml"],
    sitemaps=["http://elfarodelsur.example/sitemap.xml"],
    articles=r"-\d{8}-n\d+\.html",
    body="div.noticia-cuerpo",
    drop=["div.comentarios", "div.compartir", "div.relacionadas", "div.columna-lateral"],
    boilerplate=["Compartir en Facebook"],
)


@hookimpl
def register_outlets(register):
    register(EL_FARO)
