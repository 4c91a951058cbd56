"""Reuters (reuters.com): world, business and markets news.

Paragraphs are ``div``s whose ``data-testid`` starts with "paragraph" (the class names
carry build hashes and change); subheadings are ``h2[data-testid=Heading]`` and the
credits ("Reporting by ...; Editing by ...") a ``p`` of class ``sign-off__text``.
Links to other pages carry a visually hidden ", opens new tab" for screen readers,
which is not part of the sentence.
"""

from __future__ import annotations

from ingest import Outlet, hookimpl

BODY = "div[data-testid=ArticleBody]"

REUTERS = Outlet(
    name="reuters",
    title="Reuters",
    domains=["reuters.com"],
    language="en",
    seeds=["https://www.reuters.com/"],
    # Reuters has published no RSS feeds since 2020; its news sitemap lists recent stories.
    sitemaps=["https://www.reuters.com/arc/outboundfeeds/news-sitemap-index/?outputType=xml"],
    # /world/africa/slug-2024-03-04/, and before 2021 /article/us-awards-sag/slug-idUSKBN1ZI0EH
    articles=(
        r"reuters\.com/(?:(?:[\w-]+/)+[\w-]+-\d{4}-\d{2}-\d{2}"
        r"|article/(?:[\w-]+/)*[\w-]+-id[A-Z0-9]{6,})/?(?:$|[?#])"
    ),
    body=BODY,  # the story's container
    paragraphs=(
        f"{BODY} div[data-testid^=paragraph], {BODY} h2[data-testid=Heading],"
        f" {BODY} p[class*=sign-off__text]"
    ),
    drop=["span[style*='clip:rect']"],  # text for screen readers only: ", opens new tab"
)


@hookimpl
def register_outlets(register):
    register(REUTERS)
