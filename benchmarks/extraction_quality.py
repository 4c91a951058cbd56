"""Extraction quality and cost: ingest's path against plain trafilatura, on pages with truth.

Reads the evaluation sets in ../shared/eval (real pages, human ground truth, a
scorer) without copying them, extracts every page both ways in this process,
scores both with the set's own scorer, and prints the figures side by side
with the median milliseconds per page of each.

    python benchmarks/extraction_quality.py                  # both sets, generic path
    python benchmarks/extraction_quality.py --set outlets --plugins

Each figure is printed for all pages, then for each half of the sites (split by a
hash of the host, as ``candidates.py`` splits them): rules are worked out on the
"tune" half, and the "report" half says whether they hold on sites nobody tuned on.

ingest reads each page as a crawl does: its bytes decoded by ingest's own
``decode_html`` (BOM, then a ``<meta>`` charset, then UTF-8). trafilatura reads
the text the scorer decodes (the first ``charset=`` anywhere in the page), as the
baselines in ../shared/eval/README.md were measured; ``--scorer-decoding`` gives
ingest that text too. The two differ on 15 of the 990 pages: a web archive's
banner declaring UTF-8 above a page in GB2312, for one.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import trafilatura
from candidates import half
from crawl_speed import page_bytes

from ingest.extract.decoding import decode_html
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"


def scorer():
    sys.path.insert(0, str(EVAL))
    import score

    return score


def load_docs(dataset: str, limit: int | None) -> list:
    _, docs = scorer().load_dataset(str(EVAL / dataset))
    return docs[:limit]


def crawled_text(doc) -> str:  # noqa: ANN001
    """The page as a crawl hands it to extraction: its bytes, decoded by ingest."""
    return decode_html(page_bytes(doc.path))


def extract_all(docs: list, use_plugins: bool, scorer_decoding: bool = False) -> dict[str, dict]:
    score = scorer()
    config = PluginConfig.default() if use_plugins else PluginConfig(entry_points=False)
    plugins = load_plugins(config)
    out: dict[str, dict] = {"ingest": {}, "trafilatura": {}}
    times: dict[str, list[float]] = {"ingest": [], "trafilatura": [], "with metadata": []}
    for doc in docs:
        html = score.read_html(doc)
        started = time.perf_counter()
        plain = trafilatura.extract(html, url=doc.url or None, include_comments=False)
        times["trafilatura"].append(time.perf_counter() - started)
        started = time.perf_counter()  # what a crawler needs: title, authors, date too
        trafilatura.bare_extraction(
            html, url=doc.url or None, include_comments=False, with_metadata=True
        )
        times["with metadata"].append(time.perf_counter() - started)
        read = html if scorer_decoding else crawled_text(doc)
        started = time.perf_counter()
        outcome = process_page(
            plugins, doc.url or f"http://eval.example/{doc.id}", read, classify=False
        )
        times["ingest"].append(time.perf_counter() - started)
        out["trafilatura"][doc.id] = plain or ""
        out["ingest"][doc.id] = (outcome.article or {}).get("text", "")
    for name in out:
        out[name]["__ms__"] = 1000 * statistics.median(times[name])
    out["__metadata_ms__"] = 1000 * statistics.median(times["with metadata"])
    return out


def score_predictions(dataset: str, predictions: dict[str, str], folder: Path) -> dict:
    path = folder / "pred.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for doc_id, text in predictions.items():
            f.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
    result = folder / "result.json"
    subprocess.run(
        [
            sys.executable,
            str(EVAL / "score.py"),
            "--dataset",
            str(EVAL / dataset),
            "--predictions",
            str(path),
            "--json",
            str(result),
        ],
        check=True,
        capture_output=True,
    )
    return json.loads(result.read_text())


def by_half(dataset: str, docs: list, predictions: dict[str, str]) -> str:
    """The figure on each half of the sites, scored in this process by the set's scorer."""
    score, parts = scorer(), []
    for name in ("tune", "report"):
        some = [d for d in docs if half(d.url or d.id) == name]
        if dataset == "outlets":
            f1 = score.score_rouge(some, predictions)["f1"]
        else:
            f1 = score.score_snippets(some, predictions)["f1"]
        parts.append(f"{name} {f1:.3f} ({len(some)} pages)")
    return "F1 by half: " + ", ".join(parts)


def summary(dataset: str, result: dict) -> str:
    if dataset == "outlets":
        r, s = result["rouge_lsum"], result["shingles"]
        exact = round(s["accuracy"] * result["documents"])
        return (
            f"ROUGE-LSum P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}; "
            f"exactly right {exact}/{result['documents']}"
        )
    s = result["snippets"]
    return f"snippets P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=["outlets", "trafilatura"], action="append")
    parser.add_argument("--plugins", action="store_true", help="load the outlet plugins too")
    parser.add_argument("--limit", type=int, help="only the first N pages (a quick look)")
    parser.add_argument(
        "--scorer-decoding", action="store_true", help="ingest reads the scorer's text too"
    )
    args = parser.parse_args()
    if not EVAL.is_dir():
        sys.exit(f"no evaluation data at {EVAL}")
    for dataset in args.set or ["outlets", "trafilatura"]:
        docs = load_docs(dataset, args.limit)
        results = extract_all(docs, args.plugins, args.scorer_decoding)
        path = "generic path + outlet plugins" if args.plugins else "generic path"
        print(f"== {dataset} ({path})")
        metadata_ms = results.pop("__metadata_ms__")
        ms = {}
        for name, predictions in results.items():
            ms[name] = predictions.pop("__ms__")
            with tempfile.TemporaryDirectory() as tmp:
                result = score_predictions(dataset, predictions, Path(tmp))
            print(f"  {name:<12} {summary(dataset, result)}; {ms[name]:.1f} ms/page median")
            print(f"  {'':<12} {by_half(dataset, docs, predictions)}")
        print(f"  (trafilatura with metadata, as a crawler needs it: {metadata_ms:.1f} ms/page)")
        print(
            f"  time ratio ingest / trafilatura: {ms['ingest'] / ms['trafilatura']:.2f}x"
            f" (with metadata: {ms['ingest'] / metadata_ms:.2f}x)"
        )


if __name__ == "__main__":
    main()
