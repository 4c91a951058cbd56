"""The golden check of outlet plugins: saved pages through the real path, every field exact.

A fixtures folder holds one folder per plugin module (``ap_news`` for ``ap_news.py``) of
saved pages, ``NAME.html.gz``, each with what its extraction must give, ``NAME.json``:
url, title, authors, published (the publisher's day, YYYY-MM-DD) and text (paragraphs
joined by "\\n"). When some paragraphs are optional (written "[...]"), ``paragraphs``
lists them all and the text may keep or drop each one. Where the page and a hand-made
truth disagree (a typo in the truth, a heading it skipped), ``differences`` lists each
spot, as the truth has it and as the page has it, and ``why`` says why: the text must
then equal the truth with exactly those spots as the page has them. An empty folder
(``ingest new-plugin``) still checks that its plugin loads and declares an outlet.

It lives in the package, not only in the repository's tests, so that ``ingest
test-plugin`` runs it for a plugin published on its own, where no test file of ingest's
is at hand; ``tests/test_outlets.py`` runs the same check on the plugins shipped here.
"""

from __future__ import annotations

import difflib
import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from itertools import combinations
from pathlib import Path
from typing import Any

from ingest.extract.decoding import decode_html
from ingest.extract.limits import Limits
from ingest.extract.overtime import DEFAULT_TIMEOUT, here
from ingest.extract.process import Job, error_line, process_page
from ingest.plugins.manager import url_verdict

#: The fields of a fixture checked exactly, as the JSON names them and the article does.
FIELDS = (
    ("url", "url"),
    ("title", "title"),
    ("authors", "authors"),
    ("published", "published_day"),
)


#: What a fixture may hold: the fields checked, the text, and what the text may differ in.
KEYS = (*(field for field, _ in FIELDS), "text", "paragraphs", "differences", "why", "content_type")


class FixtureError(ValueError):
    """A fixture that can't be checked as written: said, never passed over."""


@dataclass(frozen=True)
class Case:
    """One page of a plugin's fixtures, or its empty folder (``page`` None)."""

    plugin: str
    page: Path | None

    @property
    def name(self) -> str:
        return f"{self.plugin}/{self.page.stem if self.page else '(no pages yet)'}"


def fixture_cases(fixtures: Path, plugins: tuple[str, ...] = ()) -> list[Case]:
    """Every page of every plugin's folder (of ``plugins`` only, if named), in order."""
    cases = []
    folders = sorted(p for p in fixtures.iterdir() if p.is_dir()) if fixtures.is_dir() else []
    for folder in folders:
        if plugins and folder.name not in plugins:
            continue
        stems = {p.name.removesuffix(".json") for p in folder.glob("*.json")}
        stems |= {p.name.removesuffix(".html.gz") for p in folder.glob("*.html.gz")}
        pages = [folder / f"{stem}.json" for stem in sorted(stems)]  # a page alone fails
        cases += [Case(folder.name, page) for page in pages] or [Case(folder.name, None)]
    return cases


def optional(paragraph: str) -> bool:
    return paragraph.startswith("[") and paragraph.endswith("]")


def expected_texts(expected: dict[str, Any]) -> list[str]:
    """Every text the page may give: each optional paragraph kept or dropped, with the
    documented differences between the page and the truth applied."""
    paragraphs = expected.get("paragraphs")
    if paragraphs is None:
        variants = [expected["text"]]
    else:
        if "\n".join(paragraphs) != expected["text"]:
            raise FixtureError("its text is not its paragraphs joined")
        which = [i for i, p in enumerate(paragraphs) if optional(p)]
        kept = [p[1:-1] if optional(p) else p for p in paragraphs]
        variants = [
            "\n".join(p for i, p in enumerate(kept) if i not in dropped)
            for n in range(len(which) + 1)
            for dropped in combinations(which, n)
        ]
    differences = expected.get("differences", [])
    if differences and not expected.get("why"):
        raise FixtureError("it lists differences from the truth without saying why")
    full = variants[0]  # every paragraph kept
    for spot in differences:
        if full.count(spot["truth"]) != 1:
            raise FixtureError(f"a difference is not once in the truth: {spot['truth']!r}")
        variants = [v.replace(spot["truth"], spot["page"]) for v in variants]
    return variants


def outlet_problems(plugins: Any, plugin: str) -> list[str]:
    """What is wrong with the outlets a plugin module declares, for any page of it."""
    outlets = [o for o in plugins.outlets if o.plugin == plugin]
    if not outlets:
        return [f"no plugin module {plugin}.py declaring an outlet (see docs/plugins.md)"]
    problems = []
    for outlet in outlets:
        if not outlet.domains:
            problems.append(f"{outlet.name} declares no domains")
        if off := [u for u in outlet.start_urls if not outlet.owns(u)]:
            problems.append(f"{outlet.name}: start URLs off its domains: {off}")
        verdicts = {u: url_verdict(outlet, u) for u in outlet.start_urls}
        if articles := [u for u, (said, _) in verdicts.items() if said]:
            problems.append(f"{outlet.name}: start URLs its rules take for articles: {articles}")
        for u, (_, fault) in verdicts.items():
            if fault is not None:  # a bug of the plugin's: said as a problem, not a traceback
                problems.append(
                    f"{outlet.name}: is_article_url({u!r}) raised {fault.error}: {fault.message}"
                )
    return problems


def page_problems(
    plugins: Any, case: Case, limits: Limits | None = None, timeout: float = DEFAULT_TIMEOUT
) -> list[str]:
    """How the page's extraction differs from its fixture: nothing when it holds."""
    if problems := outlet_problems(plugins, case.plugin):
        return problems
    if case.page is None:
        return []
    try:
        expected, body = read_fixture(case.page)
        texts = expected_texts(expected)
    except Exception as exc:  # noqa: BLE001 (whatever a hand-edited file holds: said)
        return [f"the fixture can't be read: {type(exc).__name__}: {exc}"]
    try:
        html = decode_html(body, expected.get("content_type"))
        job = Job(url=expected["url"], body=b"")
        run = partial(process_page, plugins, job.url, html, limits=limits)
        outcome = here(plugins, job, run, timeout)
    except Exception as exc:  # noqa: BLE001 (process_page records what it expects)
        return [f"extraction raised {type(exc).__name__}: {exc}"]
    if not outcome.is_article or outcome.errors:
        said = [error_line(e) for e in outcome.errors] or ["not taken for an article"]
        return [f"extraction failed: {line}" for line in said]
    article = outcome.article
    outlets = {o.name for o in plugins.outlets if o.plugin == case.plugin}
    problems = [] if article["outlet"] in outlets else [f"outlet is {article['outlet']!r}"]
    for field, key in FIELDS:
        if article[key] != expected.get(field):
            problems.append(f"{field} is {article[key]!r}, not {expected.get(field)!r}")
    if article["text"] not in texts:
        problems.append("text differs (- expected, + extracted):\n" + text_diff(texts, article))
    return problems


def read_fixture(page: Path) -> tuple[dict[str, Any], bytes]:
    """A fixture's expectations and its saved page, each checked for what it must hold."""
    if not page.is_file():
        raise FixtureError(f"{page.with_suffix('').name}.html.gz has no {page.name} beside it")
    expected = json.loads(page.read_text(encoding="utf-8"))
    if not isinstance(expected, dict):
        raise FixtureError(f"{page.name} holds a {type(expected).__name__}, not an object")
    for key in expected:  # a misspelt key ("paragraph") was passed over, its rule unchecked
        if key not in KEYS:
            close = difflib.get_close_matches(key.lower(), KEYS, n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise FixtureError(f"{page.name} has a key no fixture has: {key!r}{hint}")
    if missing := [field for field, _ in FIELDS if field not in expected]:
        raise FixtureError(f"{page.name} has no {missing[0]}")  # it read as None, not a slip
    for field, kinds in (("url", (str,)), ("text", (str,)), ("content_type", (str, type(None)))):
        if not isinstance(expected.get(field), kinds):
            raise FixtureError(f"its {field} is {expected.get(field)!r}")
    return expected, gzip.decompress(page.with_suffix(".html.gz").read_bytes())


def text_diff(texts: list[str], article: dict[str, Any]) -> str:
    """The extracted text against the closest text the fixture allows, line by line."""
    lines = article["text"].split("\n")
    closest = max(texts, key=lambda t: difflib.SequenceMatcher(None, t.split("\n"), lines).ratio())
    diff = difflib.unified_diff(closest.split("\n"), lines, "expected", "extracted", lineterm="")
    return "\n".join(list(diff)[2:])


def check(
    plugins: Any, cases: list[Case], limits: Limits | None = None, timeout: float = DEFAULT_TIMEOUT
) -> Iterator[tuple[Case, list[str]]]:
    """Each case with its problems (none: it holds), each page within the bounds."""
    for case in cases:
        yield case, page_problems(plugins, case, limits, timeout)
