"""Publication dates: ingest's date path against htmldate and trafilatura, on pages with truth.

Reads the 800 pages of ../shared/eval/dates by path (never copied), runs every
tool over each page in this process, scores each with the set's own scorer
(score.py, imported by path) and prints accuracy, precision, recall and the
mean milliseconds per page, for all pages and for each half of the set.

The halves split the pages by site, so no site is in both: rules are worked
out on the "dev" half and checked on the "held-out" half, which shows whether
they generalise or only fit the pages they were written against.

    python benchmarks/dates.py                  # every tool, all pages
    python benchmarks/dates.py --half dev --tool ingest --misses misses.json
    python benchmarks/dates.py --repeat 3       # steadier times on a busy machine
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from htmldate import find_date
from trafilatura import extract_metadata

from ingest.article import Page
from ingest.extract.dates import page_dates
from ingest.extract.decoding import decode_html
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "dates"
HALVES = ("dev", "held-out")
#: dateparser compiles every language's patterns the first time a text date stumps it
#: (1.5 s, once a process), and each tool's first call imports what it needs (ingest's
#: parse imports trafilatura); a crawl pays both once, so the timing starts after them.
WARM_UP = '<html><body><p class="date">am 12 Quxtag 2020</p></body></html>'


def scorer():
    sys.path.insert(0, str(EVAL))
    import score

    return score


def site(url: str) -> str:
    """The page's site; an archived copy counts as the site it copies."""
    parts = urlsplit(url)
    if parts.hostname == "web.archive.org":
        inner = parts.path.split("/", 3)[-1]
        return site(inner if "://" in inner else f"http://{inner}")
    return (parts.hostname or "").removeprefix("www.")


def half(url: str) -> str:
    """ "dev" or "held-out", by a digest of the site's name: stable, and blind to the pages."""
    return HALVES[hashlib.sha1(site(url).encode()).digest()[0] % 2]


class IngestDates:
    """The date path alone, parse included, with the parse's share kept apart.

    A crawl parses each page once for extraction and dates alike, so what the
    dates add to it is the figure less the parse.
    """

    def __init__(self) -> None:
        self.parse_ms: dict[str, float] = {}

    def __call__(self, url: str, html: str) -> str | None:
        started = time.perf_counter()
        tree = Page(url=url, html=html).tree
        self.parse_ms[url] = 1000 * (time.perf_counter() - started)
        return page_dates(tree, url).published_day


def ingest_extraction() -> Callable[[str, str], str | None]:
    """The day a crawl records for a page: the article's, or the page's own when no article."""
    plugins = load_plugins(PluginConfig(entry_points=False))

    def recorded(url: str, html: str) -> str | None:
        outcome = process_page(plugins, url, html, classify=False)
        return (outcome.article or {}).get("published_day") or outcome.published_day

    return recorded


def trafilatura_date(url: str, html: str) -> str | None:
    return extract_metadata(html, default_url=url).date


TOOLS: dict[str, Callable[[], Callable[[str, str], str | None]]] = {
    "ingest": IngestDates,
    "ingest (whole extraction)": ingest_extraction,
    "htmldate fast": lambda: (
        lambda url, html: find_date(html, url=url, extensive_search=False, original_date=True)
    ),
    "htmldate extensive": lambda: (
        lambda url, html: find_date(html, url=url, extensive_search=True, original_date=True)
    ),
    "trafilatura metadata": lambda: trafilatura_date,
}


def load_pages(wanted: set[str], limit: int | None) -> list[tuple[str, str, str]]:
    truth = json.loads((EVAL / "truth.json").read_text())
    pages = []
    for page_id, record in sorted(truth.items())[:limit]:
        if half(record["url"]) in wanted:
            body = gzip.decompress((EVAL / "html" / f"{page_id}.html.gz").read_bytes())
            pages.append((page_id, record["url"], decode_html(body)))
    return pages


def measure(tool: str, pages: list[tuple[str, str, str]]) -> dict[str, dict]:
    """Each page's predicted day, and the milliseconds each page took."""
    predict = TOOLS[tool]()
    find_date(WARM_UP, extensive_search=True)  # every tool, though not every tool needs it
    predict("https://warm.example/", WARM_UP)  # its imports and first calls, untimed
    predictions: dict[str, str | None] = {}
    ms: dict[str, float] = {}
    for page_id, url, html in pages:
        started = time.perf_counter()
        predictions[page_id] = predict(url, html)
        ms[page_id] = 1000 * (time.perf_counter() - started)
    parsed = getattr(predict, "parse_ms", {})
    parse_ms = {page_id: parsed[url] for page_id, url, _ in pages if url in parsed}
    return {"predictions": predictions, "ms": ms, "parse_ms": parse_ms}


def run(tool: str, halves: list[str], limit: int | None) -> dict[str, dict]:
    """The tool over the pages in a process of its own.

    htmldate caches what it parsed by the string, and dateparser compiles each
    language's patterns on first use: in one process, a tool run after another
    would reuse the work the first paid for.
    """
    command = [sys.executable, __file__, "--measure", tool, "--limit", str(limit or 0)]
    command += [arg for h in halves for arg in ("--half", h)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    return json.loads(done.stdout)


def measured(tools: list[str], halves: list[str], limit: int | None, repeat: int) -> dict:
    """Each tool's results, its milliseconds the fastest of ``repeat`` runs, page by page.

    On a shared machine another process's burst slows whichever tool runs then;
    the tools take turns, and a page's fastest time is the one least disturbed.
    """
    results: dict[str, dict] = {}
    for _ in range(max(repeat, 1)):
        for tool in tools:
            result = run(tool, halves, limit)
            if tool in results:
                for key in ("ms", "parse_ms"):
                    kept = results[tool][key]
                    result[key] = {i: min(t, kept[i]) for i, t in result[key].items()}
            results[tool] = result
    return results


def mean(ms: dict[str, float], pages: dict) -> float:
    return sum(ms[i] for i in pages) / max(len(pages), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--half", choices=HALVES, action="append", help="only these pages")
    parser.add_argument("--tool", choices=list(TOOLS), action="append", help="only these tools")
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="run every tool N times, keep each page's fastest"
    )
    parser.add_argument("--misses", help="write the first tool's wrong and missing days here")
    parser.add_argument("--measure", choices=list(TOOLS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"no evaluation data at {EVAL}")
    if args.measure:  # one tool, in a process of its own (see run)
        pages = load_pages(set(args.half or HALVES), args.limit or None)
        print(json.dumps(measure(args.measure, pages)))
        return
    score = scorer()
    truth = json.loads((EVAL / "truth.json").read_text())
    halves = args.half or list(HALVES)
    pages = load_pages(set(halves), args.limit)
    results = measured(args.tool or list(TOOLS), halves, args.limit, args.repeat)
    groups = [("all", set(halves))] + [(h, {h}) for h in halves] if len(halves) > 1 else []
    groups = groups or [(halves[0], set(halves))]
    for name, members in groups:
        subset = {i: truth[i] for i, url, _ in pages if half(url) in members}
        sites = len({site(r["url"]) for r in subset.values()})
        print(f"== {name}: {len(subset)} pages, {sites} sites")
        print(f"  {'tool':<26} accuracy precision recall   TP  FP  FN  ms/page")
        for tool, result in results.items():
            s = score.score(result["predictions"], subset)
            print(
                f"  {tool:<26} {s['accuracy']:8.3f} {s['precision']:9.3f} {s['recall']:6.3f}"
                f" {s['tp']:4d} {s['fp']:3d} {s['fn']:3d} {mean(result['ms'], subset):8.1f}"
            )
        if "ingest" in results:
            parse = mean(results["ingest"]["parse_ms"], subset)
            print(f"  (ingest's ms/page includes {parse:.1f} ms parsing the page, shared with")
            print("   extraction in a crawl; htmldate and trafilatura parse it themselves)")
        if "ingest" in results and "htmldate fast" in results:
            whole = mean(results["ingest"]["ms"], subset)
            fast = mean(results["htmldate fast"]["ms"], subset)
            print(f"  ingest / htmldate fast: {whole / fast:.2f}x whole, parse included;")
            print(f"  {(whole - parse) / fast:.2f}x for the date path on a parse a crawl shares")
    if args.misses:
        first, _ = next(iter(results.items()))
        predictions = results[first]["predictions"]
        misses = {
            i: {"url": truth[i]["url"], "truth": truth[i]["date"], "got": predictions.get(i)}
            for i, _, _ in pages
            if predictions.get(i) != truth[i]["date"]
        }
        Path(args.misses).write_text(json.dumps(misses, indent=1))
        print(f"{len(misses)} misses of {first} written to {args.misses}")


if __name__ == "__main__":
    main()
