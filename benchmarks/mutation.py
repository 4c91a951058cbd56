"""Mutation score of the modules whose rules define the output: how many one-line bugs the
tests catch.

mutmut 3 plants one small bug at a time in a module's functions (a comparison
turned round, a number changed, a call's argument dropped, a string altered)
and runs the module's fast unit tests against each; a bug no test notices is a
survivor. Each module runs alone in a scratch copy of the project, with its own
test files only (no crawl tests: they are slow and prove other things), and the
table gives killed and survived per module. Survivors are listed with
``--survivors``; ``mutmut show NAME`` in the scratch folder prints one's diff.

Slow (minutes per module) and not part of CI. On a shared machine, run it niced:

    nice -n 15 python benchmarks/mutation.py                 # every module below
    nice -n 15 python benchmarks/mutation.py urls dates      # some of them
    python benchmarks/mutation.py --survivors clean          # and what survived

Needs ``pip install mutmut`` (3.x), in the project's environment.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Each module and the fast test files that hold its rules.
MODULES = {
    "clean": ("ingest/extract/clean.py", ["test_clean.py", "test_clean_chain.py"]),
    "dates": ("ingest/extract/dates.py", ["test_dates.py", "test_headline.py"]),
    "stamps": ("ingest/extract/stamps.py", ["test_dates.py"]),
    "placement": ("ingest/extract/placement.py", ["test_dates.py", "test_placement.py"]),
    "headline": ("ingest/extract/headline.py", ["test_headline.py", "test_dates.py"]),
    "author_bio": ("ingest/extract/author_bio.py", ["test_author_bio.py", "test_clean_chain.py"]),
    "internal": ("ingest/crawl/internal.py", ["test_internal_errors.py"]),
    "urls": ("ingest/urls.py", ["test_urls.py"]),
    "classify": ("ingest/extract/classify.py", ["test_classify.py", "test_urls.py"]),
    "normalize": ("ingest/extract/normalize.py", ["test_normalize.py"]),
    "lead": ("ingest/extract/lead.py", ["test_lead.py"]),
    "teasers": ("ingest/extract/teasers.py", ["test_teasers.py"]),
    "discovery": ("ingest/crawl/discovery.py", ["test_urls.py", "test_listings.py"]),
    "partial": ("ingest/crawl/partial.py", ["test_partial.py"]),
    "duplicates": ("ingest/store/duplicates.py", ["test_duplicates.py"]),
    "minhash": ("ingest/extract/minhash.py", ["test_duplicates.py", "test_article_merge.py"]),
    "appeals": ("ingest/extract/appeals.py", ["test_clean.py", "test_clean_chain.py"]),
    "site_names": ("ingest/extract/site_names.py", ["test_clean.py", "test_clean_chain.py"]),
    "language": ("ingest/extract/language.py", ["test_normalize.py"]),
    "first_paragraph": ("ingest/extract/first_paragraph.py", ["test_rules_partial.py"]),
    "tail": ("ingest/extract/tail.py", ["test_tail.py"]),
    "union": (
        "ingest/extract/union.py",
        [
            "test_rules_partial.py",
            "test_article_merge.py",
            "test_outlets.py",
            "test_rules_missed.py",
        ],
    ),
    "merge": (
        "ingest/store/merge.py",
        ["test_article_merge.py", "test_duplicates.py", "test_learned.py", "test_store.py"],
    ),
}
#: What mutmut reports, counted as killed (a test failed or hung) or not.
KILLED = {"killed", "timeout", "segfault"}
SURVIVED = {"survived", "no tests"}


def scratch_copy(module: str, tests: list[str], into: Path) -> None:
    """The project as the tests need it, configured to mutate ``module`` only."""
    for folder in ("ingest", "plugins", "tests"):
        shutil.copytree(
            ROOT / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__", "*.db")
        )
    for name in ("pyproject.toml", "scrapy.cfg", "README.md"):
        shutil.copy(ROOT / name, into / name)
    args = ", ".join(f'"tests/{t}"' for t in tests)
    with open(into / "pyproject.toml", "a") as config:
        config.write(
            "\n[tool.mutmut]\n"
            'source_paths = ["ingest/"]\n'
            f'only_mutate = ["{module}"]\n'
            f"pytest_add_cli_args_test_selection = [{args}]\n"
            # -n 0: mutmut records which tests reach which function in its own process.
            'pytest_add_cli_args = ["-p", "no:cacheprovider", "-x", "-q", "-n", "0"]\n'
        )


def results(folder: Path) -> dict[str, str]:
    """Each mutant's name and status, from ``mutmut results --all true``."""
    out = subprocess.run(
        [sys.executable, "-m", "mutmut", "results", "--all", "true"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+__mutmut_\d+): (.+)$", line)
        if match:
            found[match[1]] = match[2].strip()
    return found


def run(name: str, keep: Path | None, jobs: int) -> tuple[Counter, list[str]]:
    module, tests = MODULES[name]
    folder = Path(tempfile.mkdtemp(prefix=f"mutation-{name}-", dir=keep))
    scratch_copy(module, tests, folder)
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "mutmut", "run", "--max-children", str(jobs)]
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True)
    if done.returncode:
        print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
    statuses = results(folder)
    counts = Counter(statuses.values())
    survivors = sorted(m for m, s in statuses.items() if s in SURVIVED)
    if keep is None:
        shutil.rmtree(folder)
    else:
        print(f"{name}: kept in {folder}", file=sys.stderr)
    return counts, survivors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("modules", nargs="*", help=f"some of: {', '.join(MODULES)} (default all)")
    parser.add_argument("--survivors", action="store_true", help="list what survived")
    parser.add_argument("--keep", type=Path, help="keep each scratch copy in this folder")
    parser.add_argument("--jobs", type=int, default=2, help="mutants tested at once")
    options = parser.parse_args()
    unknown = set(options.modules) - set(MODULES)
    if unknown:
        parser.error(f"unknown modules: {', '.join(sorted(unknown))}")
    rows = []
    for name in options.modules or list(MODULES):
        counts, survivors = run(name, options.keep, options.jobs)
        killed = sum(counts[s] for s in KILLED)
        survived = sum(counts[s] for s in SURVIVED)
        other = sum(counts.values()) - killed - survived
        rows.append((name, MODULES[name][0], killed, survived, other))
        print(f"{name}: {killed} killed, {survived} survived, {other} other", file=sys.stderr)
        if options.survivors:
            for mutant in survivors:
                print(f"  {mutant}", file=sys.stderr)
    print(f"\n| module | file | killed | survived | other | killed % |\n|{' --- |' * 6}")
    for name, path, killed, survived, other in rows:
        total = killed + survived
        score = f"{100 * killed / total:.1f}" if total else "-"
        print(f"| {name} | {path} | {killed} | {survived} | {other} | {score} |")


if __name__ == "__main__":
    main()
