"""Near-duplicate clusters: ingest's MinHash and SQLite LSH against datasketch's.

Three sets of articles, each story with a known cluster:

- outlets: the 48 shared evaluation pages (../shared/eval/outlets, their true
  text) and two wire copies of each, as a syndicating outlet prints them: one
  with a new intro line, a word added in the fourth paragraph and the last
  paragraph cut; one with two words changed. 48 clusters of 3 when every story
  is long enough to cluster (40 words).
- demo: the demo's 180 articles, distinct stories written from one phrase book:
  any cluster here is a false one.
- demo + copies: the same, with the two wire copies of every fifth article.

ingest runs the store step itself (``Store.add_article`` into a fresh SQLite
file, the clusters read back from ``articles.cluster_id``); its cost per article
is the store time with near-duplicates on less the time with them off.
datasketch (when installed; not a dependency) gets the same word 5-shingles: a
128-permutation ``MinHash`` per article, ``MinHashLSH`` at the same threshold,
and each candidate checked by its estimated Jaccard, as ingest checks its own.
Pairs are scored against the known clusters: precision and recall over
same-story pairs, and how many true clusters came out exactly.

    python benchmarks/near_duplicates.py --runs 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from itertools import combinations
from pathlib import Path

from ingest.article import Article
from ingest.store import duplicates
from ingest.store.writer import Store

EVAL = Path(__file__).resolve().parent.parent.parent / "shared" / "eval" / "outlets"
THRESHOLD = duplicates.DEFAULT_THRESHOLD

Story = tuple[str, str, str, str]  # (url, title, text, true cluster)


def wire_copies(key: str, title: str, paragraphs: list[str]) -> list[Story]:
    edited = list(paragraphs[:-1] if len(paragraphs) > 3 else paragraphs)
    if len(edited) > 3:
        edited[3] = edited[3].replace(" ", " indeed ", 1)
    edited = ["Our correspondent adds local reactions to this agency report below.", *edited]
    light = [p.replace(" ", " also ", 1) if i in (1, 2) else p for i, p in enumerate(paragraphs)]
    return [
        (f"http://wire-b.test/{key}", f"Wire: {title}", "\n".join(edited), key),
        (f"http://wire-c.test/{key}", title, "\n".join(light), key),
    ]


def outlets() -> list[Story]:
    truth = json.loads((EVAL / "ground_truth.json").read_text())
    stories = []
    for name, page in sorted(truth.items()):
        key = name.removesuffix(".html.gz")
        paragraphs = [p.strip("[]") for p in page["body"] if p.strip("[]").strip()]
        title = paragraphs[0][:60]
        stories.append((page["url"], title, "\n".join(paragraphs), key))
        stories += wire_copies(key, title, paragraphs)
    return stories


def demo(copies: bool) -> list[Story]:
    from ingest.demo.site import build_site

    stories = []
    for i, a in enumerate(build_site().articles):
        stories.append((a.url, a.title, "\n".join(a.paragraphs), a.url))
        if copies and i % 5 == 0:
            stories += wire_copies(f"demo{i}", a.title, list(a.paragraphs))
            stories[-2:] = [(u, t, x, a.url) for u, t, x, _ in stories[-2:]]
    return stories


# -- the two methods: stories -> (cluster label per story, seconds) --------------------


def ingest_clusters(stories: list[Story], threshold: float) -> tuple[list[str | None], float]:
    with tempfile.TemporaryDirectory() as folder:
        store = Store(Path(folder) / "dups.db", batch_size=100, near_duplicates=threshold)
        crawl = store.start_crawl("benchmark", [], {})
        start = time.perf_counter()
        for url, title, text, _ in stories:
            row = Article(url=url, title=title, text=text, canonical_url=url).to_dict()
            store.add_article(row, crawl, "2024-01-01")
        store.flush()
        elapsed = time.perf_counter() - start
        found = dict(store.db.execute("select url, coalesce(cluster_id, id) from articles"))
        store.close()
    return [found.get(url) for url, *_ in stories], elapsed


def datasketch_clusters(stories: list[Story], threshold: float) -> tuple[list[str | None], float]:
    from datasketch import MinHash, MinHashLSH

    start = time.perf_counter()
    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    parent = list(range(len(stories)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    hashes = {}
    for i, (_, _, text, _) in enumerate(stories):
        words = duplicates.words(text)
        if len(words) < duplicates.MIN_WORDS:
            continue
        shingles = {" ".join(words[j : j + 5]).encode() for j in range(len(words) - 4)}
        m = MinHash(num_perm=128)
        m.update_batch(list(shingles))
        for other in lsh.query(m):
            if m.jaccard(hashes[other]) >= threshold:
                parent[root(i)] = root(other)
        lsh.insert(i, m)
        hashes[i] = m
    elapsed = time.perf_counter() - start
    return [str(root(i)) for i in range(len(stories))], elapsed


def score(stories: list[Story], labels: list[str | None]) -> dict[str, float | int]:
    truth = [s[3] for s in stories]
    n = range(len(stories))
    same_true = {(i, j) for i, j in combinations(n, 2) if truth[i] == truth[j]}
    same_found = {(i, j) for i, j in combinations(n, 2) if labels[i] and labels[i] == labels[j]}
    hit = len(same_true & same_found)
    groups: dict[str, set[int]] = {}
    for i, label in enumerate(labels):
        groups.setdefault(str(label), set()).add(i)
    true_groups: dict[str, set[int]] = {}
    for i, key in enumerate(truth):
        true_groups.setdefault(key, set()).add(i)
    clusters = [g for g in groups.values() if len(g) > 1]
    wanted = [g for g in true_groups.values() if len(g) > 1]
    return {
        "clusters": len(clusters),
        "true clusters": len(wanted),
        "exact": sum(g in clusters for g in wanted),
        "precision": hit / len(same_found) if same_found else 1.0,
        "recall": hit / len(same_true) if same_true else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    args = parser.parse_args()
    sets = {"demo": demo(False), "demo + copies": demo(True)}
    if (EVAL / "ground_truth.json").is_file():
        sets = {"outlets + copies": outlets(), **sets}
    methods = {"ingest (SQLite LSH)": ingest_clusters}
    try:
        import datasketch  # noqa: F401

        methods["datasketch 2.0"] = datasketch_clusters
    except ImportError:
        print("datasketch not installed: ingest only")
    header = f"{'set':<18}{'method':<22}{'clusters':>9}{'exact/true':>12}"
    print(header + f"{'precision':>10}{'recall':>8}{'ms/article':>12}")
    for name, stories in sets.items():
        base = statistics.median(ingest_clusters(stories, 0)[1] for _ in range(args.runs))
        for method, run in methods.items():
            results = [run(stories, args.threshold) for _ in range(args.runs)]
            labels, seconds = results[0][0], statistics.median(r[1] for r in results)
            if run is ingest_clusters:
                seconds -= base  # the clustering's share of the store step
            s = score(stories, labels)
            print(
                f"{name:<18}{method:<22}{s['clusters']:>9}{s['exact']:>6}/{s['true clusters']:<5}"
                f"{s['precision']:>10.3f}{s['recall']:>8.3f}{seconds * 1000 / len(stories):>12.2f}"
            )
    print(f"\n{len(sets)} sets; threshold {args.threshold}; ms are medians of {args.runs} runs")


if __name__ == "__main__":
    main()
