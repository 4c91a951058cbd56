"""Rheinblatt: a German publishing system, ``<main>`` with ``section.artikel-text``.

The richest metadata of the four (Open Graph, article times, JSON-LD), and a
"Lesen Sie auch" teaser inside the article text, as German regional papers do.
"""

from __future__ import annotations

from datetime import datetime

from ingest.demo.layouts import Layout, esc, paras, when
from ingest.demo.model import DemoArticle, DemoOutlet


class Rheinblatt(Layout):
    outlet = DemoOutlet(
        name="rheinblatt",
        title="Rheinblatt",
        host="rheinblatt.example",
        language="de",
        feed_path="/feeds/nachrichten.atom",
        feed_format="atom",
        disallow="/intern/",
        private_path="/intern/redaktion.html",
        dead_path="/politik/eilmeldung-stadtrat-tagt-live-a10000.html",
        static_path="/impressum.html",
    )
    authors = ("Anke Brückner", "Lars Hövelmann", "Miriam Esser", "Dirk Pohl", "Yvonne Kämper")
    sections = ("politics", "economy", "sports", "culture")
    article_path = "/{section}/{slug}-a{number}.html"
    tag_path = "/thema/{slug}/"
    byline_words = ("Von", "und")
    static_title = "Impressum"
    static_text = (
        "Rheinblatt Verlag GmbH & Co. KG, Am Rheinufer 12, 50667 Köln.",
        "Chefredaktion: Dr. Ulrike Maas. "
        "Verantwortlich für den Inhalt nach § 18 MStV: Dr. Ulrike Maas.",
        "Datenschutz: Informationen zur Verarbeitung Ihrer Daten finden Sie in unserer "
        "Datenschutzerklärung.",
    )
    private_title = "Redaktionssystem"
    private_text = "Bitte melden Sie sich mit Ihrer Redaktionskennung an."

    tagline = "Die Zeitung für das Rheinland"
    tag_heading = "Thema: {tag}"
    dead_title = "Eilmeldung: Stadtrat tagt live"
    sitemap_sections = True

    def human_date(self, moment: datetime) -> str:
        return f"{moment:%d.%m.%Y, %H:%M} Uhr"

    def article_head(self, a: DemoArticle) -> str:
        parts = [self.description(a.summary), self.og(a.title, a.url, description=a.summary)]
        parts += ['<meta property="og:locale" content="de_DE">', self.article_times(a)]
        parts += [self.canonical(a.url), self.json_ld(self.news_article(a))]
        return "\n".join(parts)

    def chrome(self, main: str) -> str:
        nav = " ".join(f'<a href="{p}">{esc(label)}</a>' for label, p in self.menu())
        return f"""<div id="consent-layer" class="cmp-banner" role="dialog">
<p>Wir verwenden Cookies und ähnliche Technologien, um Inhalte zu personalisieren
und Zugriffe zu analysieren. Mit „Akzeptieren“ stimmen Sie der Nutzung zu.</p>
<button type="button">Akzeptieren</button> <a href="/impressum.html">Einstellungen</a>
</div>
<div class="kopf">
<div class="kopf-leiste">
<span class="datum">Do., 6. Mai</span> <span class="wetter">Köln 14 °C</span>
<a href="/intern/redaktion.html" class="login">Login für Redakteure</a>
</div>
<div class="marke">
<a href="/" title="Zur Startseite">Rheinblatt</a>
<span class="claim">Die Zeitung für das Rheinland</span>
</div>
<nav class="ressorts"><a href="/">Startseite</a> {nav}</nav>
</div>
<main id="inhalt">
{main}
</main>
<div class="newsletter-box">
<h3>Der Rheinblatt-Newsletter</h3>
<p>Die wichtigsten Nachrichten aus der Region jeden Morgen kostenlos in Ihrem Postfach.</p>
<form action="#" method="post">
<input type="email" name="email" placeholder="Ihre E-Mail-Adresse">
<button type="submit">Jetzt anmelden</button>
</form>
</div>
<footer class="fuss">
<nav class="fuss-links">
<a href="/impressum.html">Impressum</a>
<a href="/impressum.html#datenschutz">Datenschutz</a>
<a href="mailto:redaktion@rheinblatt.example">Kontakt</a>
<a href="/feeds/nachrichten.atom">Atom-Feed</a>
</nav>
<p class="copyright">© 2021 Rheinblatt Verlag GmbH &amp; Co. KG. Alle Rechte vorbehalten.</p>
</footer>"""

    def article_main(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        inline = ""
        if related:
            first = related[0]
            inline = (
                f'<div class="lesen-sie-auch"><strong>Lesen Sie auch:</strong> '
                f'<a href="{first.path}">{esc(first.title)}</a></div>\n'
            )
        text = paras(a.paragraphs[:2]) + "\n" + inline + paras(a.paragraphs[2:])
        names = [f'<span class="autor">{esc(name)}</span>' for name in a.authors]
        byline = "Von " + (", ".join(names[:-1]) + " und " if len(names) > 1 else "") + names[-1]
        return f"""<div class="artikel-kopf">
<span class="dachzeile">{esc(a.tags[-1])}</span>
<h1 class="schlagzeile">{esc(a.title)}</h1>
</div>
<div class="artikel-meta">{byline} <span class="trenner">·</span> {when(self, a)}</div>
<div class="teilen">
<span>Artikel teilen:</span>
<a href="#" class="teilen-facebook">Facebook</a>
<a href="#" class="teilen-twitter">Twitter</a>
<a href="#" class="teilen-whatsapp">WhatsApp</a>
<a href="#" class="teilen-mail">E-Mail</a>
</div>
<section class="artikel-text">
{text}
</section>
<div class="themen"><span>Themen:</span> {self.tag_links(a, " · ")}</div>
<aside class="mehr-zum-thema"><h2>Mehr zum Thema</h2>
{self.link_list(self.pairs(related), "mehr-liste")}
</aside>"""

    def teaser(self, a: DemoArticle) -> str:
        return f"""<div class="teaser">
<span class="dachzeile">{esc(a.section_label)}</span>
<h2 class="teaser-titel"><a href="{a.path}">{esc(a.title)}</a></h2>
<p class="teaser-text">{esc(a.summary)}</p>
{when(self, a)}
</div>"""

    def listing_main(self, heading: str, articles: list[DemoArticle]) -> str:
        items = "\n".join(self.teaser(a) for a in articles)
        heading = f'<h1 class="ressort-titel">{esc(heading)}</h1>'
        return f'{heading}\n<div class="teaser-liste">\n{items}\n</div>'

    def home_main(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        blocks = "\n".join(
            f'<div class="ressort-block"><h2><a href="{path}">{esc(label)}</a></h2>\n'
            + "\n".join(self.teaser(a) for a in items[:3])
            + "\n</div>"
            for label, path, items in self.by_section(articles)
        )
        top = "\n".join(self.teaser(a) for a in articles[:3])
        return f"""<div class="top-themen"><h2>Top-Themen</h2>
{top}
</div>
{blocks}
<div class="meistgelesen"><h2>Meistgelesen</h2>
{self.link_list(most_read, ordered=True)}
</div>"""
