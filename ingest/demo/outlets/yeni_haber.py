"""Yeni Haber: a home-grown English theme, ``<article>`` with ``div.story-body``.

Modelled on the page behind the seed article: a date fragment in the top bar,
the logo text, and an e-mail sign-up line that the CMS appends to every story
as its last paragraph, so that extractors keep it and cleaning has to drop it.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ingest.demo.layouts import Layout, esc, paras, when
from ingest.demo.model import DemoArticle, DemoOutlet


class YeniHaber(Layout):
    outlet = DemoOutlet(
        name="yeni-haber",
        title="Yeni Haber",
        host="yenihaber.example",
        language="en",
        feed_path="/rss.xml",
        feed_format="rss",
        disallow="/private/",
        private_path="/private/login",
        dead_path="/news/2021/02/cabinet-reshuffle-live-updates",
        static_path="/about-us/",
    )
    authors = ("Asim Farooqui", "Rabia Nadeem", "Danish Hameed", "Mehwish Ali", "Shahzad Malik")
    sections = ("politics", "economy", "sports", "world")
    article_path = "/news/{date:%Y}/{date:%m}/{slug}"
    feed_query = "?utm_source=rss&utm_medium=feed"
    static_title = "About Us"
    static_text = (
        "Yeni Haber is an independent news service covering Pakistan and the region since 2009.",
        "Our reporters in Islamabad, Karachi, Lahore and Peshawar bring you the latest news "
        "on politics, business, sports and world affairs.",
    )
    private_title = "Staff Login"
    private_text = "This area is restricted to Yeni Haber staff. Please sign in with your account."
    tagline = "Latest news from Pakistan and the world"
    tag_heading = "Tag: {tag}"
    dead_title = "LIVE: Cabinet reshuffle – live updates"
    sitemap_date_only = True
    date_fragment = "Thu, May"
    signup = (
        "Sign up via our free email subscription service to receive notifications "
        "when new information is available."
    )

    def tz(self, day: datetime) -> timezone:
        return timezone(timedelta(hours=5))

    def human_date(self, moment: datetime) -> str:
        return f"{self.lex.months[moment.month - 1]} {moment.day}, {moment.year}"

    def article_head(self, a: DemoArticle) -> str:
        og = self.og(a.title, a.url, description=a.summary)
        return "\n".join(
            [self.description(a.summary), og, self.article_times(a), self.canonical(a.url)]
        )

    def chrome(self, main: str) -> str:
        nav = "".join(f'<li><a href="{p}">{esc(label)}</a></li>' for label, p in self.menu())
        return f"""<div id="cookie-notice" class="cookie-notice" role="dialog">
<p>We use cookies to give you the best experience on our website.
By continuing to browse, you agree to our use of cookies.</p>
<button type="button" class="accept">Accept</button>
</div>
<header class="site-header">
<div class="topbar">
<div class="date-today">{self.date_fragment}</div>
<ul class="social-links">
<li><a href="#" class="facebook">Facebook</a></li>
<li><a href="#" class="twitter">Twitter</a></li>
<li><a href="#" class="youtube">YouTube</a></li>
</ul>
</div>
<div class="logo"><a href="/" rel="home"><span class="logo-mark">60</span> Yeni Haber</a></div>
<nav class="main-nav"><ul><li><a href="/">Home</a></li>{nav}</ul></nav>
</header>
<div id="main" class="container">
<div class="row">
<div class="col-main">
{main}
</div>
<aside class="sidebar">
<div class="widget"><h3 class="widget-title">Latest News</h3>
{self.link_list(self.pairs(self.latest[:5]), "latest-news")}
</div>
<div class="widget ad-slot"><span>Advertisement</span></div>
</aside>
</div>
</div>
<footer class="site-footer">
<ul class="footer-links">
<li><a href="/about-us/">About Us</a></li>
<li><a href="/rss.xml">RSS</a></li>
<li><a href="/private/login">Staff Login</a></li>
</ul>
<p class="copyright">© 2021 Yeni Haber. All rights reserved.</p>
</footer>"""

    def article_main(self, a: DemoArticle, related: list[DemoArticle]) -> str:
        section = self.section_path.format(slug=a.section)
        return f"""<nav class="breadcrumb">
<a href="/">Home</a> » <a href="{section}">{esc(a.section_label)}</a>
</nav>
<article class="post" id="post-{a.number}">
<h1 class="post-title">{esc(a.title)}</h1>
<div class="post-meta">
<span class="byline">{esc(self.byline(a.authors))}</span> <span class="sep">|</span> {when(self, a)}
</div>
<div class="share-bar">
<a href="#" class="share-facebook">Share on Facebook</a>
<a href="#" class="share-twitter">Tweet</a>
<a href="#" class="share-whatsapp">Share on WhatsApp</a>
</div>
<div class="story-body">
{paras(a.paragraphs)}
<p class="signup-note"><em>{self.signup}</em></p>
</div>
<div class="newsletter">
<h4>Newsletter</h4>
<p>Get the day's top stories in your inbox every morning.</p>
<form action="#" method="post">
<input type="email" name="email" placeholder="Your email address">
<button type="submit">Subscribe</button>
</form>
</div>
<div class="post-tags"><span>Tags:</span> {self.tag_links(a)}</div>
</article>
<section class="related-news"><h3>Related News</h3>
{self.link_list(self.pairs(related), "related")}
</section>"""

    def teaser(self, a: DemoArticle) -> str:
        return f"""<div class="post-item">
<h2 class="post-item-title"><a href="{a.path}">{esc(a.title)}</a></h2>
<p class="excerpt">{esc(a.summary)}</p>
<span class="post-date">{esc(self.human_date(a.published))}</span>
</div>"""

    def listing_main(self, heading: str, articles: list[DemoArticle]) -> str:
        items = "\n".join(self.teaser(a) for a in articles)
        return (
            f'<h1 class="page-title">{esc(heading)}</h1>\n<div class="post-list">\n{items}\n</div>'
        )

    def home_main(self, articles: list[DemoArticle], most_read: list[tuple[str, str]]) -> str:
        blocks = "\n".join(
            f'<section class="home-block"><h2><a href="{path}">{esc(label)}</a></h2>\n'
            f"{self.link_list(self.pairs(items[:5]))}\n</section>"
            for label, path, items in self.by_section(articles)
        )
        top = "\n".join(self.teaser(a) for a in articles[:4])
        return f"""<div class="top-stories"><h2>Top Stories</h2>
{top}
</div>
{blocks}
<div class="most-read"><h3>Most Read</h3>
{self.link_list(most_read, ordered=True)}
</div>
<div class="newsletter"><p>{self.signup}</p></div>"""
