"""El Faro del Sur: a Spanish portal of nested divs with a sidebar and reader comments.

No ``<article>`` or ``<main>`` anywhere: the text sits four divs deep, the
sidebar repeats the latest headlines, and readers' comments follow the story,
so extraction has to tell the article from everything around it.
"""

from __future__ import annotations

import random
from datetime import datetime

from ingest.demo.layouts import Layout, attr, esc, paras, when
from ingest.demo.model import DemoArticle, DemoOutlet

COMMENTS = (
    ("Pepe_Sevilla", "Ya era hora, llevamos años esperando algo así."),
    ("Maricarmen", "Siempre lo mismo: mucho anunciar y poco hacer."),
    ("vecino_indignado", "¿Y quién va a pagar todo esto? Los de siempre."),
    ("Andaluz82", "Muy buen artículo, gracias por informar."),
    ("Rafa_Cadiz", "A ver si esta vez se cumple lo prometido."),
    ("LolaM", "En mi barrio seguimos igual, nadie nos escucha."),
)


class ElFaro(Layout):
    outlet = DemoOutlet(
        name="el-faro",
        title="El Faro del Sur",
        host="elfarodelsur.example",
        language="es",
        feed_path="/rss/portada.xml",
        feed_format="rss",
        disallow="/privado/",
        private_path="/privado/acceso",
        dead_path="/politica/ultima-hora-pleno-extraordinario-20210115-n1000.html",
        static_path="/aviso-legal/",
    )
    authors = (
        "Lucía Romero",
        "Fernando Gálvez",
        "Marta Benjumea",
        "José Antonio Lobato",
        "Rosario Villalobos",
    )
    sections = ("politics", "economy", "sports", "society")
    article_path = "/{section}/{slug}-{date:%Y%m%d}-n{number}.html"
    tag_path = "/etiqueta/{slug}/"
    byline_words = ("Por", "y")
    static_title = "Aviso legal"
    static_text = (
        "El Faro del Sur es una publicación de Ediciones del Faro S.L., con domicilio en "
        "Calle Larga 21, 11403 Jerez de la Frontera (Cádiz).",
        "Queda prohibida la reproducción total o parcial de los contenidos sin autorización.",
    )
    private_title = "Acceso redacción"
    private_text = "Introduzca su usuario y contraseña para acceder al gestor de contenidos."

    tagline = "Diario independiente de Andalucía"
    tag_heading = "Etiqueta: {tag}"
    dead_title = "Última hora: pleno extraordinario"

    def human_date(self, moment: datetime) -> str:
        month = self.lex.months[moment.month - 1]
        return f"{moment.day} de {month} de {moment.year} - {moment:%H:%M}"

    def article_head(self, a: DemoArticle) -> str:
        og = self.og(a.title, a.url)
        author = f'<meta name="author" content="{attr(", ".join(a.authors))}">'
        json_ld = self.json_ld(self.news_article(a))
        return "\n".join([self.description(a.summary), og, author, self.canonical(a.url), json_ld])

    def chrome(self, main: str) -> str:
        menu = "".join(f'<li><a href="{p}">{esc(label)}</a></li>' for label, p in self.menu())
        latest = self.link_list(self.pairs(self.latest[:6]))
        return f"""<div id="aviso-cookies" class="aviso-cookies">
<p>Este sitio web utiliza cookies propias y de terceros para mejorar la experiencia
de navegación. Si continúa navegando, consideramos que acepta su uso.</p>
<a href="/aviso-legal/">Más información</a> <button type="button">Aceptar</button>
</div>
<div id="wrapper">
<div id="cabecera">
<div class="cabecera-sup">
<div class="fecha">Jueves, 6 de mayo de 2021</div>
<div class="redes"><a href="#">Facebook</a> <a href="#">Twitter</a> <a href="#">Instagram</a></div>
</div>
<div class="cabecera-logo">
<div class="logo"><a href="/">El Faro del Sur</a></div>
<div class="lema">Diario independiente de Andalucía</div>
</div>
<div id="menu"><div class="menu-inner">
<ul><li><a href="/">Portada</a></li>{menu}</ul>
</div></div>
</div>
<div id="contenido"><div class="fila">
<div class="columna-principal">
{main}
</div>
<div class="columna-lateral" id="sidebar">
<div class="widget widget-boletin">
<div class="widget-titulo">Boletín</div>
<div class="widget-cuerpo">
<p>Suscríbete a nuestro boletín y recibe cada mañana las noticias del Sur en tu correo.</p>
<form action="#" method="post">
<input type="email" name="email" placeholder="Tu correo electrónico">
<button type="submit">Suscribirme</button>
</form>
</div>
</div>
<div class="widget widget-ultimas">
<div class="widget-titulo">Últimas noticias</div>
<div class="widget-cuerpo">
{latest}
</div></div>
<div class="widget publicidad"><div class="publicidad-etiqueta">Publicidad</div></div>
</div>
</div></div>
<div id="pie">
<div class="pie-enlaces">
<a href="/aviso-legal/">Aviso legal</a> |
<a href="/privado/acceso">Acceso redacción</a> |
<a href="/rss/portada.xml">RSS</a>
</div>
<div class="copyright">© 2021 Ediciones del Faro S.L. Todos los derechos reservados.</div>
</div>
</div>"""

    def comments(self, a: DemoArticle) -> str:
        rng = random.Random(a.number)
        chosen = rng.sample(COMMENTS, rng.randint(0, 3))
        items = "\n".join(
            f'<div class="comentario"><div class="comentario-autor">{esc(user)}</div>'
            f'<div class="comentario-texto"><p>{esc(text)}</p></div></div>'
            for user, text in chosen
        )
        return f"""<div class="comentarios" id="comentarios">
<div class="comentarios-titulo">Comentarios ({len(chosen)})</div>
{items}
</div>"""

    def article_main(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        section = self.section_path.format(slug=a.section)
        return f"""<div class="noticia">
<div class="noticia-cabecera">
<div class="antetitulo"><a href="{section}">{esc(a.section_label)}</a></div>
<h1 class="titular">{esc(a.title)}</h1>
</div>
<div class="noticia-firma">
<div class="autor">{esc(self.byline(a.authors))}</div>
<div class="fecha-publicacion">{when(self, a)}</div>
</div>
<div class="compartir">
<a href="#" class="compartir-fb">Compartir en Facebook</a>
<a href="#" class="compartir-tw">Compartir en Twitter</a>
<a href="#" class="compartir-wa">Enviar por WhatsApp</a>
</div>
<div class="noticia-cuerpo"><div class="texto">
{paras(a.paragraphs)}
</div></div>
<div class="etiquetas"><span>Etiquetas:</span> {self.tag_links(a, " ")}</div>
<div class="relacionadas"><div class="relacionadas-titulo">Noticias relacionadas</div>
{self.link_list(self.pairs(related))}
</div>
{self.comments(a)}
</div>"""

    def teaser(self, a: DemoArticle) -> str:
        return f"""<div class="pieza">
<div class="pieza-titulo"><a href="{a.path}">{esc(a.title)}</a></div>
<div class="pieza-entradilla">{esc(a.summary)}</div>
<div class="pieza-firma">{esc(self.byline(a.authors))}</div>
</div>"""

    def listing_main(self, heading: str, articles: list[DemoArticle]) -> str:
        items = "\n".join(self.teaser(a) for a in articles)
        heading = f'<div class="cabecera-seccion"><h1>{esc(heading)}</h1></div>'
        return f'{heading}\n<div class="listado">\n{items}\n</div>'

    def home_main(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        blocks = "\n".join(
            f'<div class="bloque-seccion">\n'
            f'<div class="bloque-titulo"><a href="{path}">{esc(label)}</a></div>\n'
            + "\n".join(self.teaser(a) for a in items[:3])
            + "\n</div>"
            for label, path, items in self.by_section(articles)
        )
        return f"""<div class="apertura">
{self.teaser(articles[0])}
</div>
{blocks}
<div class="lo-mas-leido"><div class="bloque-titulo">Lo más leído</div>
{self.link_list(most_read, ordered=True)}
</div>"""
