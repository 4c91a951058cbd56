"""A generated news site of any size, made page by page as it is asked for.

For the scale run of crawl_speed.py: small article pages (about 180 words of
text no two pages share, a headline, a date, a menu) linked as a tree, page N
linking to pages 10N+1 ... 10N+10, so a crawl that follows links meets every
page once and its frontier grows as it goes. Nothing is kept in memory: page N
is the same bytes every time it is asked for.
"""

from __future__ import annotations

import random

SYLLABLES = "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu "
SYLLABLES += "ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu"
_rng = random.Random(7)
_parts = SYLLABLES.split()
#: 6,000 words: pages share words as real text does, not whole sentences
WORDS = ["".join(_rng.choice(_parts) for _ in range(_rng.randint(1, 4))) for _ in range(6000)]
FANOUT = 10


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return " ".join(words).capitalize() + "."


def article_page(n: int, size: int) -> bytes:
    """Page ``n`` of a site of ``size`` pages: an article with links to its children."""
    rng = random.Random(n)
    title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
    paragraphs = "".join(f"<p>{' '.join(sentence(rng) for _ in range(3))}</p>\n" for _ in range(5))
    day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
    children = range(FANOUT * n + 1, min(FANOUT * n + FANOUT + 1, size))
    related = "".join(f'<li><a href="/p/{c}">{c}</a></li>' for c in children)
    menu = "".join(f'<a href="/p/{m}">Section {m}</a> ' for m in range(min(8, size)))
    return (
        f"<!doctype html><html lang='en'><head><title>{title} | Generated</title>"
        f'<meta property="article:published_time" content="{day}T08:00:00+00:00">'
        f"</head><body><nav>{menu}</nav><article><h1>{title}</h1>"
        f'<p class="byline">By {rng.choice(WORDS).capitalize()} '
        f"{rng.choice(WORDS).capitalize()}</p>{paragraphs}</article>"
        f"<aside><ul>{related}</ul></aside><footer>Generated news</footer></body></html>"
    ).encode()


def site_answer(path: str, size: int) -> tuple[bytes, dict[str, str]] | None:
    """What the site answers for a path (body, extra headers), None for a 404; ``/`` links
    to page 0."""
    if path == "/":
        return b'<html><body><a href="/p/0">Today</a></body></html>', {}
    if path.startswith("/p/") and path[3:].isdigit() and int(path[3:]) < size:
        return article_page(int(path[3:]), size), {}
    return None
