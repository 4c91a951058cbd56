"""Le Courrier des Alpes: a stock WordPress theme, absolute links and Yoast metadata.

Share buttons and related posts sit inside ``div.entry-content``, as the
Jetpack plugin puts them, and its feed carries the full text in
``content:encoded``. Its outlet plugin declares no cleanup rules at all, so
this site shows what the generic path does on its own.
"""

from __future__ import annotations

from ingest.demo.layouts import Layout, esc, paras, when
from ingest.demo.model import DemoArticle, DemoOutlet


class Courrier(Layout):
    outlet = DemoOutlet(
        name="courrier-des-alpes",
        title="Le Courrier des Alpes",
        host="courrierdesalpes.example",
        language="fr",
        feed_path="/feed/",
        feed_format="rss",
        disallow="/wp-admin/",
        private_path="/wp-admin/",
        dead_path="/2021/01/05/direct-chutes-de-neige-routes-coupees/",
        static_path="/mentions-legales/",
    )
    authors = (
        "Claire Vuillermoz",
        "Pierre-Yves Baud",
        "Agnès Tournier",
        "Fabien Jacquier",
        "Laure Michaud",
    )
    sections = ("politics", "economy", "sports", "culture")
    article_path = "/{date:%Y}/{date:%m}/{date:%d}/{slug}/"
    section_path = "/categorie/{slug}/"
    tag_path = "/etiquette/{slug}/"
    byline_words = ("Par", "et")
    static_title = "Mentions légales"
    static_text = (
        "Le Courrier des Alpes est édité par la SARL Presse des Alpes, "
        "4 place du Palais, 73000 Chambéry.",
        "Directrice de la publication : Martine Grosjean. Hébergement : OVH, Roubaix.",
    )
    private_title = "Connexion"
    private_text = "Identifiant ou adresse e-mail, puis mot de passe."
    tagline = "L'actualité de la Savoie et de l'Isère"
    tag_heading = "Étiquette : {tag}"
    dead_title = "EN DIRECT – Chutes de neige : routes coupées"
    robots_allow = ("/wp-admin/admin-ajax.php",)
    full_feed = True
    sitemap_sections = True
    partners = (
        ("Rheinblatt", "http://rheinblatt.example/"),
        ("El Faro del Sur", "http://elfarodelsur.example/"),
    )

    def href(self, path: str) -> str:
        return self.outlet.url(path)

    def home_title(self) -> str:
        return f"{self.outlet.title} | L'actualité de la Savoie et de l'Isère"

    def article_head(self, a: DemoArticle) -> str:
        graph = {
            "@context": "https://schema.org",
            "@graph": [
                {
                    "@type": "WebSite",
                    "@id": self.outlet.home + "#website",
                    "name": self.outlet.title,
                },
                {"@type": "WebPage", "@id": a.url, "url": a.url, "name": self.title(a.title)},
                {
                    "@type": "Article",
                    "headline": a.title,
                    "datePublished": a.published.isoformat(),
                    "dateModified": (a.modified or a.published).isoformat(),
                    "author": {"@type": "Person", "name": a.authors[0]},
                    "articleSection": [a.section_label],
                    "keywords": list(a.tags),
                    "inLanguage": "fr-FR",
                    "mainEntityOfPage": {"@id": a.url},
                },
            ],
        }
        parts = ['<meta name="generator" content="WordPress 5.7.2">', self.canonical(a.url)]
        parts += [
            '<meta property="og:locale" content="fr_FR">',
            self.og(self.title(a.title), a.url),
        ]
        parts += [self.article_times(a), self.json_ld(graph)]
        return "\n".join(parts)

    def chrome(self, main: str) -> str:
        menu = "".join(
            f'<li class="menu-item"><a href="{self.href(p)}">{esc(label)}</a></li>'
            for label, p in self.menu()
        )
        recent = self.link_list(self.pairs(self.latest[:5]))
        partners = " · ".join(f'<a href="{u}">{esc(t)}</a>' for t, u in self.partners)
        home, legal = self.outlet.home, self.href(self.outlet.static_path)
        return f"""<a class="skip-link screen-reader-text" href="#content">Aller au contenu</a>
<div id="page" class="site">
<div class="top-bar">
<span class="date-du-jour">jeu. 6 mai</span> <span class="meteo">Chambéry 17 °C</span>
</div>
<header id="masthead" class="site-header">
<div class="site-branding">
<p class="site-title"><a href="{home}" rel="home">Le Courrier des Alpes</a></p>
<p class="site-description">L'actualité de la Savoie et de l'Isère</p>
</div>
<nav id="site-navigation" class="main-navigation">
<ul id="primary-menu" class="menu">
<li class="menu-item"><a href="{home}">Accueil</a></li>{menu}
</ul>
</nav>
</header>
<div id="content" class="site-content">
<div id="primary" class="content-area"><main id="main" class="site-main">
{main}
</main></div>
<aside id="secondary" class="widget-area">
<section class="widget widget_recent_entries"><h2 class="widget-title">Articles récents</h2>
{recent}
</section>
<section class="widget widget_newsletter">
<h2 class="widget-title">Lettre d'information</h2>
<p>Recevez chaque vendredi le meilleur du Courrier des Alpes dans votre boîte mail.</p>
<form action="#" method="post">
<input type="email" name="email" placeholder="Votre adresse e-mail">
<button type="submit">Je m'inscris</button>
</form>
</section>
</aside>
</div>
<footer id="colophon" class="site-footer">
<div class="partenaires">Nos partenaires : {partners}</div>
<div class="site-info">
<a href="{legal}">Mentions légales</a> |
<a href="{self.href(self.outlet.private_path)}">Connexion</a> |
© 2021 Le Courrier des Alpes – Fièrement propulsé par WordPress
</div>
</footer>
<div id="cookie-law-info-bar"><span>
Ce site utilise des cookies pour améliorer votre expérience de navigation.
<a href="#" id="cookie_action_close_header">J'accepte</a> <a href="{legal}">En savoir plus</a>
</span></div>
</div>"""

    def article_main(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        category = self.href(self.section_path.format(slug=a.section))
        related_items = "\n".join(
            f'<p class="jp-relatedposts-post"><a href="{self.href(r.path)}">{esc(r.title)}</a></p>'
            for r in related
        )
        classes = f"post-{a.number} post type-post status-publish format-standard hentry"
        return f"""<article id="post-{a.number}" class="{classes} category-{a.section}">
<header class="entry-header">
<span class="cat-links"><a href="{category}" rel="category tag">{esc(a.section_label)}</a></span>
<h1 class="entry-title">{esc(a.title)}</h1>
<div class="entry-meta">
<span class="byline">{esc(self.byline(a.authors))}</span>
<span class="posted-on">Publié le {when(self, a, "entry-date published")}</span>
</div>
</header>
<div class="entry-content">
{paras(a.paragraphs)}
<div class="sharedaddy sd-sharing-enabled">
<h3 class="sd-title">Partager :</h3>
<ul>
<li><a href="#" class="share-facebook">Facebook</a></li>
<li><a href="#" class="share-twitter">Twitter</a></li>
<li><a href="#" class="share-email">E-mail</a></li>
</ul>
</div>
<div id="jp-relatedposts" class="jp-relatedposts">
<h3 class="jp-relatedposts-headline">À lire aussi</h3>
{related_items}
</div>
</div>
<footer class="entry-footer">
<span class="tags-links">Mots-clés : {self.tag_links(a)}</span>
</footer>
</article>
<div id="comments" class="comments-area">
<p class="no-comments">Les commentaires sont fermés.</p>
</div>"""

    def teaser(self, a: DemoArticle) -> str:
        return f"""<article class="post type-post hentry">
<header class="entry-header">
<h2 class="entry-title"><a href="{self.href(a.path)}" rel="bookmark">{esc(a.title)}</a></h2>
<div class="entry-meta">{when(self, a, "entry-date published")}</div>
</header>
<div class="entry-summary"><p>{esc(a.summary)} […]</p></div>
</article>"""

    def listing_main(self, heading: str, articles: list[DemoArticle]) -> str:
        items = "\n".join(self.teaser(a) for a in articles)
        header = f'<header class="page-header"><h1 class="page-title">{esc(heading)}</h1></header>'
        return f"{header}\n{items}"

    def home_main(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        items = "\n".join(self.teaser(a) for a in articles[:10])
        return f"""{items}
<section class="widget widget_top-posts"><h2 class="widget-title">Les plus lus</h2>
{self.link_list(most_read)}
</section>"""
