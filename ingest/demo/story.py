"""What the demo's outlets share, copy and correct, so the features built for it have rows.

- A wire story in English, carried by Yeni Haber as filed, by Rheinblatt with an editor's
  line above it and by Le Courrier des Alpes without its last paragraph, as European papers
  run agency copy on their English pages: one headline in three outlets (``same_story``),
  near-duplicate texts (one ``cluster_id``).
- An exact copy: El Faro del Sur publishes one of its stories a second time under a new URL,
  word for word (``duplicate_of``).
- A correction: in the second edition of the site (``ingest demo --again``) one Rheinblatt
  article has a paragraph more and is dated modified when the edition was built, so a crawl
  fetches it again and keeps the earlier text (``article_versions``).

Each extra article takes the place of the last one the outlet's generator wrote, so every
outlet keeps ``ARTICLES_PER_OUTLET`` articles and the others stay as they were.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from ingest.demo.layouts import Layout
from ingest.demo.model import DemoArticle
from ingest.demo.text import slugify

WIRE_TITLE = "Glacier lakes in the Alps and the Himalaya grow faster than expected, study finds"
WIRE_AUTHORS = ("Lena Marsh",)
WIRE_PARAGRAPHS = (
    "Lakes formed by melting glaciers in the Alps and the Himalaya have grown by almost a "
    "third since 1990, according to a study published on Monday, raising the risk of sudden "
    "floods for valleys downstream.",
    "Researchers from eleven universities compared satellite images taken over three decades "
    "and counted more than 4,000 lakes that did not exist fifty years ago. The largest of "
    "them now hold as much water as a small reservoir behind walls of loose rock and ice.",
    "When such a wall gives way, the water can reach villages many kilometres away within an "
    "hour. Floods of this kind killed thousands of people in South Asia during the past "
    "century, and early warning systems cover only a handful of the most dangerous lakes.",
    "The authors call for regular surveys from the air, sirens in the valleys at risk and "
    "controlled drainage where a lake grows quickly. Several Swiss cantons already lower the "
    "level of lakes that threaten roads and railway lines each summer.",
    "Officials in Pakistan said the findings matched what mountain communities had reported "
    "for years, and that a new programme would install gauges on twelve lakes in the north "
    "before the next melting season.",
    "The study warns that the number of lakes will keep rising as long as temperatures do, "
    "even if the glaciers themselves shrink more slowly in the coming decades.",
)
WIRE_DAY = datetime(2021, 11, 15, 9, 30)
#: The line Rheinblatt's editors put above agency copy.
WIRE_INTRO = "This report by an international news agency appears in English."
#: Outlets carrying the wire story, and how: "filed", "intro" (a line above) or "trimmed".
WIRE_OUTLETS = {"yeni-haber": "filed", "rheinblatt": "intro", "courrier-des-alpes": "trimmed"}
#: The outlet publishing one of its stories twice, and which of them (by generated order).
COPY_OUTLET, COPY_INDEX = "el-faro", 7
#: The outlet whose article changes in the second edition.
CHANGED_OUTLET = "rheinblatt"
CORRECTION = (
    "Nachtrag: Die Stadtverwaltung hat ihre Angaben am Abend ergänzt. Die Zahl der "
    "Betroffenen liegt demnach höher als zunächst mitgeteilt."
)


def wire_copy(layout: Layout, number: int) -> DemoArticle | None:
    """The outlet's copy of the wire story, or None if it does not carry it."""
    outlet = layout.outlet
    how = WIRE_OUTLETS.get(outlet.name)
    if how is None:
        return None
    paragraphs = WIRE_PARAGRAPHS
    if how == "intro":
        paragraphs = (WIRE_INTRO, *paragraphs)
    elif how == "trimmed":
        paragraphs = paragraphs[:-1]
    key = "world" if "world" in layout.sections else layout.sections[0]
    section = layout.lex.sections[key]
    published = WIRE_DAY.replace(tzinfo=layout.tz(WIRE_DAY))
    slug = slugify(WIRE_TITLE)
    path = layout.article_path.format(
        slug=slug, date=published, section=section.slug, number=number
    )
    return DemoArticle(
        outlet=outlet.name,
        url=outlet.url(path),
        title=WIRE_TITLE,
        authors=WIRE_AUTHORS,
        published=published,
        section=section.slug,
        section_label=section.label,
        tags=("Climate", "Science"),
        paragraphs=paragraphs,
        number=number,
        language="en",
    )


def exact_copy(layout: Layout, articles: list[DemoArticle], number: int) -> DemoArticle | None:
    """The same story again under a new URL (a new CMS number), or None for other outlets."""
    if layout.outlet.name != COPY_OUTLET:
        return None
    original = articles[COPY_INDEX]
    path = layout.article_path.format(
        slug=slugify(original.title),
        date=original.published,
        section=original.section,
        number=number,
    )
    return replace(original, url=layout.outlet.url(path), number=number)


def shared(layout: Layout, articles: list[DemoArticle]) -> list[DemoArticle]:
    """The outlet's generated ``articles`` with the wire story and the copy in place of the
    last ones, in generated order."""
    number = 19990
    extras = [e for e in (wire_copy(layout, number), exact_copy(layout, articles, number + 1)) if e]
    return articles[: len(articles) - len(extras)] + extras


def second_edition(layout: Layout, articles: list[DemoArticle]) -> list[DemoArticle]:
    """The articles (newest first) as the second edition serves them: the newest one of
    CHANGED_OUTLET with a paragraph more, dated modified now."""
    if layout.outlet.name != CHANGED_OUTLET:
        return articles
    first = articles[0]
    changed = replace(
        first,
        paragraphs=(*first.paragraphs, CORRECTION),
        modified=datetime.now(UTC).replace(microsecond=0).astimezone(layout.tz(first.published)),
    )
    return [changed, *articles[1:]]
