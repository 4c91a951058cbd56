"""A user's install: the wheel, not the source tree, carries the outlets.

The wheel is built from this checkout and installed into a fresh virtual
environment outside the repository. Its dependencies come from the running
environment (a path file), so the test needs no package index; ingest itself
comes only from the wheel.
"""

import shutil
import sqlite3
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from conftest import ROOT, run_ingest

#: Columns that say when, not what: they differ between any two runs. Which of two copies is
#: the original (duplicate_of, cluster_id) is the order their pages came in: texts are compared.
WHEN = {"first_seen", "last_seen", "duplicate_of", "cluster_id"}


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory) -> Path:
    """A virtual environment with ingest installed from its wheel; returns its bin folder."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
         "-w", str(base / "dist"), str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    (wheel,) = (base / "dist").glob("ingest-*.whl")
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    # The running environment's packages, after the new one's own (so ingest is the wheel's).
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    return venv / "bin"


def run_installed(bin_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(bin_dir / "ingest"), *args],
        cwd=cwd, capture_output=True, text=True, timeout=240, check=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", "COLUMNS": "200", "HOME": str(cwd)},
    )  # fmt: skip


def articles(db: Path) -> dict[str, dict]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    rows = {
        row["url"]: {k: v for k, v in dict(row).items() if k not in WHEN} | {"text": row["story"]}
        for row in conn.execute(
            "select a.*, coalesce(a.text, (select o.text from articles o"
            " where o.id = a.duplicate_of)) as story from articles a"
        )
    }
    conn.close()
    return rows


def test_the_wheel_holds_the_outlets_and_loads_them_through_entry_points(wheel_env, tmp_path):
    where = run_installed(
        wheel_env, "--version", cwd=tmp_path
    )  # the command is the installed one, not the checkout's
    assert where.stdout.startswith("ingest, version")
    listed = run_installed(wheel_env, "plugins", cwd=tmp_path)
    assert listed.stderr == ""
    outlets = sorted(p.stem for p in (ROOT / "plugins").glob("[!_]*.py"))
    assert len(outlets) == 20
    for name in outlets:
        assert f"│ {name} " in listed.stdout
    module = subprocess.run(
        [str(wheel_env / "python"), "-c", "import ingest.outlets.guardian as g; print(g.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(ROOT) not in module and "site-packages/ingest/outlets/guardian.py" in module


def test_the_demo_from_the_wheel_stores_what_the_checkout_stores(wheel_env, tmp_path):
    (tmp_path / "wheel").mkdir()
    (tmp_path / "checkout").mkdir()
    run_installed(wheel_env, "demo", "--db", "demo.db", cwd=tmp_path / "wheel")
    run_ingest("demo", "--db", "demo.db", cwd=tmp_path / "checkout")
    from_wheel = articles(tmp_path / "wheel" / "demo.db")
    from_checkout = articles(tmp_path / "checkout" / "demo.db")
    assert len(from_wheel) == 180
    assert from_wheel == from_checkout
    seed = from_wheel["http://yenihaber.example/news/2021/04/russia-offers-pakistan-assistance"]
    assert seed["outlet"] == "yeni-haber"
    assert "Sign up via our free email" not in seed["text"]


def test_the_wheel_checks_an_outlets_saved_pages_with_no_test_file_at_hand(wheel_env, tmp_path):
    """A plugin published as its own package is tested as the ones shipped here: the
    golden check is a command of the installed package, not a file of ingest's tests."""
    shutil.copytree(ROOT / "tests" / "fixtures" / "guardian", tmp_path / "fixtures" / "guardian")
    held = run_installed(
        wheel_env, "test-plugin", "guardian", "--fixtures", "fixtures", cwd=tmp_path
    )
    assert held.stdout.splitlines()[-1] == "3 of 3 held"
    page = next((tmp_path / "fixtures" / "guardian").glob("*.json"))
    page.write_text(page.read_text(encoding="utf-8").replace('"title": "', '"title": "Not ', 1))
    failed = subprocess.run(
        [str(wheel_env / "ingest"), "test-plugin", "--fixtures", "fixtures"],
        cwd=tmp_path, capture_output=True, text=True, timeout=240,
        env={"PATH": f"{wheel_env}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )  # fmt: skip
    assert failed.returncode == 1 and failed.stdout.splitlines()[-1] == "2 of 3 held, 1 failed"
