"""ingest: collect news articles from the web into SQLite.

What a plugin author imports lives here: ``hookimpl`` to mark hooks, the
``Outlet`` a plugin declares, and the ``Article`` and ``Page`` its hooks see.
``Article``, ``Page`` and ``Outlet`` are imported when first asked for: the ``ingest``
command imports this package before it can catch a Ctrl-C (``ingest.__main__``), and
their modules (lxml, w3lib) took most of that time.
"""

from typing import TYPE_CHECKING, Any

import pluggy

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("ingest")

__all__ = ["Article", "Outlet", "Page", "hookimpl", "__version__"]

#: Where each name asked for lives.
_LAZY = {"Article": "ingest.article", "Page": "ingest.article", "Outlet": "ingest.plugins.outlet"}

if TYPE_CHECKING:
    from ingest.article import Article, Page
    from ingest.plugins.outlet import Outlet


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # asked once
        return value
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
