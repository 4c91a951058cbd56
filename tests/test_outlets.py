"""Golden tests of the outlet plugins: real pages through the real path, every field exact.

Each folder of ``tests/fixtures`` is named after a plugin module (``ap_news`` for
``plugins/ap_news.py``) and holds saved pages with what their extraction must give; the
check itself, and what a fixture may say, is ``ingest.extract.golden`` (``ingest
test-plugin`` runs it from the command line). ``ingest fixture`` adds pages.

INGEST_FIXTURES_DIR points the test at another fixtures folder, and
INGEST_PLUGINS_DIR adds plugin folders, as for every ``ingest`` command.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.extract.golden import Case, expected_texts, fixture_cases, page_problems
from ingest.plugins.manager import PluginConfig, load_plugins

from conftest import ROOT

FIXTURES = Path(os.environ.get("INGEST_FIXTURES_DIR") or ROOT / "tests" / "fixtures")

__all__ = ["expected_texts"]  # the fixtures' allowed texts, for the tests of rules missed


@pytest.mark.parametrize("case", fixture_cases(FIXTURES), ids=lambda case: case.name)
def test_outlet_extracts_its_pages_exactly(case: Case):
    problems = page_problems(load_plugins(PluginConfig.default()), case)
    assert not problems, "\n".join(problems)
