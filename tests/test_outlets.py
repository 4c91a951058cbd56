"""Golden tests of the outlet plugins: real pages through the real path, every field exact.

Each folder of ``tests/fixtures`` is named after a plugin module (``ap_news`` for
``plugins/ap_news.py``) and holds saved pages, ``NAME.html.gz``, each with what its
extraction must give, ``NAME.json``: url, title, authors, published (the publisher's day,
YYYY-MM-DD) and
text (paragraphs joined by "\\n"). When some paragraphs are optional (written
"[...]"), ``paragraphs`` lists them all and the text may keep or drop each one.
Where the page and a hand-made truth disagree (a typo in the truth, a heading it
skipped), ``differences`` lists each spot, as the truth has it and as the page has
it, and ``why`` says why: the text must then equal the truth with exactly those
spots as the page has them. An empty folder (``ingest new-plugin``) still checks that
its plugin loads and declares an outlet. ``ingest fixture`` adds pages.

INGEST_FIXTURES_DIR points the test at another fixtures folder, and
INGEST_PLUGINS_DIR adds plugin folders, as for every ``ingest`` command.
"""

from __future__ import annotations

import difflib
import gzip
import json
import os
from itertools import combinations
from pathlib import Path

import pytest

from ingest.extract.decoding import decode_html
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import ROOT

FIXTURES = Path(os.environ.get("INGEST_FIXTURES_DIR") or ROOT / "tests" / "fixtures")


def fixture_cases() -> list:
    cases = []
    for folder in sorted(p for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []:
        pages = sorted(folder.glob("*.json"))
        cases += [
            pytest.param(folder.name, page, id=f"{folder.name}/{page.stem}") for page in pages
        ]
        if not pages:
            cases.append(pytest.param(folder.name, None, id=f"{folder.name}/(no pages yet)"))
    return cases


def optional(paragraph: str) -> bool:
    return paragraph.startswith("[") and paragraph.endswith("]")


def expected_texts(expected: dict) -> list[str]:
    """Every text the page may give: each optional paragraph kept or dropped, with the
    documented differences between the page and the truth applied."""
    paragraphs = expected.get("paragraphs")
    if paragraphs is None:
        variants = [expected["text"]]
    else:
        assert "\n".join(paragraphs) == expected["text"], "text is not the paragraphs joined"
        which = [i for i, p in enumerate(paragraphs) if optional(p)]
        kept = [p[1:-1] if optional(p) else p for p in paragraphs]
        variants = [
            "\n".join(p for i, p in enumerate(kept) if i not in dropped)
            for n in range(len(which) + 1)
            for dropped in combinations(which, n)
        ]
    differences = expected.get("differences", [])
    assert not differences or expected.get("why"), "say why the page differs from the truth"
    full = variants[0]  # every paragraph kept
    for spot in differences:
        assert full.count(spot["truth"]) == 1, f"not once in the truth: {spot['truth']!r}"
        variants = [v.replace(spot["truth"], spot["page"]) for v in variants]
    return variants


def similarity(a: list[str], b: list[str]) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


@pytest.mark.parametrize("plugin, page", fixture_cases())
def test_outlet_extracts_its_pages_exactly(plugin: str, page: Path | None):
    plugins = load_plugins(PluginConfig.default())
    outlets = [o for o in plugins.outlets if o.plugin == plugin]
    assert outlets, f"no plugin module {plugin}.py declaring an outlet (see docs/plugins.md)"
    for outlet in outlets:
        assert outlet.domains, f"{outlet.name} declares no domains"
        assert [u for u in outlet.start_urls if not outlet.owns(u)] == [], "off its domains"
        assert [u for u in outlet.start_urls if outlet.is_article_url(u)] == [], "not articles"
    if page is None:
        return
    expected = json.loads(page.read_text(encoding="utf-8"))
    body = gzip.decompress(page.with_suffix(".html.gz").read_bytes())
    html = decode_html(body, expected.get("content_type"))

    outcome = process_page(plugins, expected["url"], html)

    assert outcome.is_article and not outcome.errors, outcome.errors
    article = outcome.article
    assert article["outlet"] in {o.name for o in outlets}
    assert article["url"] == expected["url"]
    assert article["title"] == expected["title"]
    assert article["authors"] == expected["authors"]
    assert article["published_day"] == expected["published"]
    texts = expected_texts(expected)
    if article["text"] not in texts:  # show the difference from the closest allowed text
        lines = article["text"].split("\n")
        closest = max(texts, key=lambda t: similarity(t.split("\n"), lines))
        assert article["text"] == closest
