"""Room for choosing between extractors: each candidate alone, the oracle, simple choices.

On the 990 pages of trafilatura's evaluation (../shared/eval/trafilatura), every
page is extracted by ingest's generic path and by other candidates: trafilatura's
main pass alone (``fast``), its precision and recall modes, its readability port
and its baseline. Printed per half of the sites (split by a hash of the host: rules
are tuned on the first half and reported on the second):

- each candidate's snippet precision, recall and F1;
- the oracle that takes, per page, the better of ingest and one candidate;
- choices a crawler could make without the truth: per page, the candidate when
  its length against ingest's falls in a band; per line, ingest's lines kept
  only when another candidate has them too or they are long.

    python benchmarks/candidates.py
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from urllib.parse import urlsplit

import trafilatura
from trafilatura import baseline
from trafilatura.external import try_readability
from trafilatura.utils import load_html

from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval"
NAMES = ("ingest", "fast", "precision", "recall", "readability", "baseline")


def scorer():
    sys.path.insert(0, str(EVAL))
    import score

    return score


def half(url: str) -> str:
    host = urlsplit(url).hostname or url
    return "tune" if hashlib.sha1(host.encode()).digest()[0] % 2 == 0 else "report"


def readability(html: str) -> str:
    found = try_readability(load_html(html))
    if found is None:
        return ""
    return "\n".join(" ".join(t.split()) for t in found.itertext() if t.strip())


def candidates(doc, html: str, plugins) -> dict[str, str]:  # noqa: ANN001
    url = doc.url or None
    outcome = process_page(
        plugins, doc.url or f"http://eval.example/{doc.id}", html, classify=False
    )
    options = {"include_comments": False, "url": url}
    return {
        "ingest": (outcome.article or {}).get("text", ""),
        "fast": trafilatura.extract(html, fast=True, **options) or "",
        "precision": trafilatura.extract(html, favor_precision=True, **options) or "",
        "recall": trafilatura.extract(html, favor_recall=True, **options) or "",
        "readability": readability(html),
        "baseline": baseline(html)[1] or "",
    }


def norm(text: str) -> str:
    return " ".join(text.split())


def by_length(texts: dict[str, str], other: str, low: float, high: float) -> str:
    mine, theirs = len(texts["ingest"].split()), len(texts[other].split())
    share = theirs / mine if mine else 0.0
    return texts[other] if theirs >= 50 and low <= share < high else texts["ingest"]


def by_lines(texts: dict[str, str], others: tuple[str, ...], long: int) -> str:
    seen = [norm(texts[o]) for o in others if texts[o].strip()]
    kept = [
        line
        for line in texts["ingest"].split("\n")
        if norm(line) and (len(line.split()) >= long or any(norm(line) in t for t in seen))
    ]
    return "\n".join(kept)


def main() -> None:
    if not EVAL.is_dir():
        sys.exit(f"no evaluation data at {EVAL}")
    score = scorer()
    _, docs = score.load_dataset(str(EVAL / "trafilatura"))
    plugins = load_plugins(PluginConfig(entry_points=False))
    texts = {doc.id: candidates(doc, score.read_html(doc), plugins) for doc in docs}
    halves = {name: [d for d in docs if half(d.url or d.id) == name] for name in ("tune", "report")}

    def figures(choose) -> str:  # noqa: ANN001
        out = []
        for name, chosen in halves.items():
            s = score.score_snippets(chosen, {d.id: choose(d) for d in chosen})
            out.append(f"{name} P {s['precision']:.3f} R {s['recall']:.3f} F1 {s['f1']:.3f}")
        return " | ".join(out)

    def page_score(doc, text: str) -> int:  # noqa: ANN001
        counts = score.score_snippets([doc], {doc.id: text})["counts"]
        return counts["tp"] - counts["fp"]

    print(
        f"== {len(docs)} pages: tune half {len(halves['tune'])}, report half "
        f"{len(halves['report'])}"
    )
    for name in NAMES:
        print(f"  {name:<50} {figures(lambda d, n=name: texts[d.id][n])}")
    for name in NAMES[1:]:

        def oracle(d, n=name):  # noqa: ANN001, ANN202
            mine, theirs = texts[d.id]["ingest"], texts[d.id][n]
            return theirs if page_score(d, theirs) > page_score(d, mine) else mine

        print(f"  {'oracle: ingest or ' + name:<50} {figures(oracle)}")
    for other in ("precision", "readability", "baseline"):
        for low, high in ((0.3, 0.7), (0.5, 0.9), (1.5, 10.0)):
            label = f"{other} when {low}-{high}x ingest's words"
            choice = figures(lambda d, o=other, a=low, b=high: by_length(texts[d.id], o, a, b))
            print(f"  {label:<50} {choice}")
    for others in (("precision", "readability"), ("precision", "readability", "baseline")):
        for long in (8, 15):
            label = f"lines also in {'/'.join(others)} or >= {long} words"
            print(
                f"  {label:<50} {figures(lambda d, o=others, n=long: by_lines(texts[d.id], o, n))}"
            )


if __name__ == "__main__":
    main()
