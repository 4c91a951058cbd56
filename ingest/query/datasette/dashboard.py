"""The crawl dashboard ``ingest serve`` shows at /-/dashboards/crawl, as datasette-dashboards
metadata: Vega-Lite charts over SQL, drawn in the browser.

datasette-dashboards serves Vega, Vega-Lite and vega-embed from its own package, and each chart
fetches its rows from this Datasette's JSON API, so the page needs no network beyond the
server. Charts are drawn as SVG (``embedOptions``), which a test can read.
"""

from __future__ import annotations

from typing import Any

#: The dashboard's slug: its page is /-/dashboards/<SLUG>.
SLUG = "crawl"
#: Days of publication the articles-per-day chart covers, back from the newest article.
DAYS = 365

_SVG = {"usermeta": {"embedOptions": {"renderer": "svg", "actions": False}}}
_MEASURES = ["pages", "new", "updated", "errors", "blocked"]
#: What became of an outlet's rules on a page (``crawl_health``'s rules_missed, rules_partial).
_RULES = ["missed", "partial"]


def _chart(title: str, db: str, query: str, display: dict[str, Any]) -> dict[str, Any]:
    return {"title": title, "db": db, "query": query, "library": "vega-lite", **_svg(display)}


def _svg(display: dict[str, Any]) -> dict[str, Any]:
    return {"display": {**display, **_SVG}}


def _metric(title: str, db: str, query: str, field: str) -> dict[str, Any]:
    return {
        "title": title,
        "db": db,
        "query": query,
        "library": "metric",
        "display": {"field": field},
    }


def dashboard(db: str) -> dict[str, Any]:
    """datasette-dashboards' configuration of the crawl dashboard over database ``db``."""
    charts = {
        "articles": _metric("Articles", db, "select count(*) as n from articles", "n"),
        "outlets": _metric("Outlets", db, "select count(distinct outlet) as n from articles", "n"),
        "crawls": _metric("Crawls", db, "select count(*) as n from crawls", "n"),
        "per-day": _chart(
            "Articles per day per outlet",
            db,
            f"""select published_day as day, coalesce(outlet, site, '?') as outlet,
  count(*) as articles
from articles
where published_day >= date((select max(published_day) from articles), '-{DAYS} days')
group by day, outlet
order by day""",
            {
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "day", "type": "temporal", "title": "day published"},
                    "y": {
                        "field": "articles",
                        "type": "quantitative",
                        "aggregate": "sum",
                        "title": "articles",
                        "axis": {"tickMinStep": 1},
                    },
                    "color": {"field": "outlet", "type": "nominal"},
                },
            },
        ),
        "languages": _chart(
            "Languages",
            db,
            """select coalesce(language, '?') as language, count(*) as articles
from articles group by language order by articles desc""",
            {
                "mark": {"type": "arc", "tooltip": True},
                "encoding": {
                    "theta": {"field": "articles", "type": "quantitative"},
                    "color": {"field": "language", "type": "nominal"},
                },
            },
        ),
        "health": _chart(
            "Crawl health: pages, new and updated articles, errors and blocked answers per crawl",
            db,
            f"""select crawl_id as crawl, {", ".join(f"sum({m}) as {m}" for m in _MEASURES)}
from crawl_health group by crawl_id order by crawl_id""",
            {
                "transform": [{"fold": _MEASURES, "as": ["measure", "count"]}],
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "crawl", "type": "ordinal", "axis": {"labelAngle": 0}},
                    "xOffset": {"field": "measure", "sort": _MEASURES},
                    "y": {"field": "count", "type": "quantitative"},
                    "color": {"field": "measure", "type": "nominal", "sort": _MEASURES},
                },
            },
        ),
        "rules-missed": _chart(
            "Outlet rules that missed stories or read part of them, per crawl",
            db,
            """select crawl_id as crawl, outlet, rules_missed as missed, rules_partial as partial
from crawl_health where rules_missed > 0 or rules_partial > 0 order by crawl_id, outlet""",
            {
                "transform": [{"fold": _RULES, "as": ["rules", "pages"]}],
                "mark": {"type": "bar", "tooltip": True},
                "encoding": {
                    "x": {"field": "crawl", "type": "ordinal", "axis": {"labelAngle": 0}},
                    "xOffset": {"field": "rules", "sort": _RULES},
                    "y": {"field": "pages", "type": "quantitative", "axis": {"tickMinStep": 1}},
                    "color": {"field": "outlet", "type": "nominal"},
                    "opacity": {"field": "rules", "sort": _RULES, "legend": {"title": "rules"}},
                },
            },
        ),
    }
    return {
        "title": "Crawl dashboard",
        "description": (
            "What the crawls stored and how they went. Each chart links to its SQL and rows."
        ),
        "layout": [
            ["articles", "outlets", "crawls"],
            ["per-day", "per-day", "languages"],
            ["health", "health", "rules-missed"],
        ],
        "charts": charts,
    }
