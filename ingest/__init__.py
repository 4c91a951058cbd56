"""ingest: collect news articles from the web into SQLite.

What a plugin author imports lives here: ``hookimpl`` to mark hooks, the
``Outlet`` a plugin declares, and the ``Article`` and ``Page`` its hooks see.
"""

import pluggy

from ingest.article import Article, Page
from ingest.plugins.outlet import Outlet

__version__ = "0.1.0"

hookimpl = pluggy.HookimplMarker("ingest")

__all__ = ["Article", "Outlet", "Page", "hookimpl", "__version__"]
