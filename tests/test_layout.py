"""The layout is the flow: each wing imports only the wings below it.

cli -> query, crawl, archive -> store -> extract -> plugins -> article. Every
import counts, at module level or inside a function, so a lazy import cannot
hide a dependency that runs the wrong way.
"""

import ast
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "ingest"

#: What each wing may import of ours, besides itself.
ALLOWED = {
    "urls": set(),
    "words": set(),
    "article": {"urls", "words"},
    "plugins": {"article", "urls", "words", "api"},
    "api": {
        "article",
        "urls",
        "words",
        "plugins",
    },  # ingest/__init__.py: what a plugin author imports
    "extract": {"article", "urls", "words", "api", "plugins"},
    "store": {"article", "urls", "words", "api", "plugins", "extract"},
    "crawl": {"article", "urls", "words", "api", "plugins", "extract", "store"},
    "query": {"article", "urls", "words", "api", "plugins", "extract", "store"},
    "archive": {"article", "urls", "words", "api", "plugins", "extract", "store", "crawl", "query"},
    "demo": set(),  # the offline demo site stands alone
    "cli": {"*"},
    "outlets": {"api"},  # our outlet plugins use only what a third party can
}

MAX_LINES = 400


def wing_of_module(name: str) -> str:
    """The wing of a dotted module name of ours (``ingest.store.merge`` -> ``store``)."""
    parts = name.split(".")
    if parts == ["ingest"]:
        return "api"
    if parts[1] == "__main__":
        return "cli"
    return parts[1]


def wing_of_file(path: Path) -> str:
    if path.parent == ROOT / "plugins":
        return "outlets"
    rel = path.relative_to(ROOT).with_suffix("")
    return wing_of_module(".".join(rel.parts).removesuffix(".__init__"))


def is_module(name: str) -> bool:
    path = ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imported_modules(path: Path) -> set[str]:
    """Every module of ours that the file imports, anywhere in it."""
    tree = ast.parse(path.read_text(), str(path))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against the file's package
                package = ".".join(path.relative_to(ROOT).with_suffix("").parts[:-1])
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # `from ingest.store import duplicates` imports a module of that wing too
            found.update(
                f"{module}.{alias.name}"
                for alias in node.names
                if is_module(f"{module}.{alias.name}")
            )
    return {m for m in found if m == "ingest" or m.startswith("ingest.")}


def sources() -> list[Path]:
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "plugins").glob("*.py"))
    return [f for f in files if "__pycache__" not in f.parts]


def upward(path: Path, wing: str) -> set[str]:
    """The modules ``path`` imports from wings that ``wing`` may not import."""
    allowed = ALLOWED[wing]
    if "*" in allowed:
        return set()
    return {
        module
        for module in imported_modules(path)
        if (other := wing_of_module(module)) != wing
        and other not in allowed
        # `from ingest.plugins import hookspecs` names a module, not another wing
        and not (module.count(".") >= 2 and wing_of_module(module.rsplit(".", 1)[0]) == wing)
    }


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_down_the_flow(path: Path):
    wing = wing_of_file(path)
    wrong = upward(path, wing)
    assert not wrong, f"{path.relative_to(ROOT)} ({wing}) imports upward: {sorted(wrong)}"


@pytest.mark.parametrize("path", sources(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_does_two_jobs(path: Path):
    """Past about 400 lines a module is doing two jobs: split it along the flow."""
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def test_every_wing_is_known():
    """A new folder under ingest/ gets its place in the flow (ALLOWED) first."""
    wings = {wing_of_file(p) for p in sources()}
    assert wings <= set(ALLOWED)
    assert {"plugins", "extract", "store", "crawl", "query", "cli"} <= wings


def test_the_rule_catches_an_upward_import(tmp_path):
    """The checker itself: an import inside a function counts; a sibling module is fine."""
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from ingest.store import duplicates\n"
        "from ingest.extract.process import Job\n"
        "def f():\n    from ingest.crawl.spider import NewsSpider\n"
    )
    assert upward(probe, "store") == {"ingest.crawl.spider"}
    assert upward(probe, "extract") == {
        "ingest.store",
        "ingest.store.duplicates",
        "ingest.crawl.spider",
    }
    assert upward(probe, "cli") == set()
