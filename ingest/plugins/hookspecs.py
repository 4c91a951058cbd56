"""Every hook a plugin can implement, in the order a page meets them.

Hooks that *declare* things hand the plugin a ``register`` callback, so one
plugin can add zero, one or many. Hooks that *decide* are ``firstresult``:
they stop at the first non-None result, and the built-in default runs last.
Hooks that *refine* an Article change it in place; the built-in ones run
first, so an outlet plugin has the final word.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click
    import sqlite_utils

    from ingest.article import Article, Page
    from ingest.plugins.outlet import Outlet

hookspec = pluggy.HookspecMarker("ingest")


# -- declaring ---------------------------------------------------------------


@hookspec
def register_outlets(register: Callable[[Outlet], None]) -> None:
    """Declare the outlets this plugin knows, by calling ``register(outlet)``.

    Runs once when plugins load, in the crawl and in every worker process.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the ``ingest`` command line, with ``@cli.command()``.

    Runs once when the command line starts.
    """


@hookspec
def prepare_database(db: sqlite_utils.Database) -> None:
    """Create extra tables, indexes, views or SQL functions in a database.

    Runs each time ingest opens a database for writing, after its own schema. One that
    raises stops the command before it starts, in one line naming the plugin.
    """


# -- deciding ----------------------------------------------------------------


@hookspec(firstresult=True)
def is_article(page: Page, outlet: Outlet | None) -> bool | None:
    """Say whether a fetched page is an article worth extracting.

    Stops at the first non-None result. The built-in default uses the
    outlet's ``articles`` pattern, then the page's own metadata.
    """


@hookspec(firstresult=True)
def extract_article(page: Page, outlet: Outlet | None) -> Article | None:
    """Turn a page into an Article: title, authors, dates, language and text.

    Stops at the first non-None result. The built-in default is trafilatura;
    implement this only when an outlet needs its own extraction.
    """


# -- refining ----------------------------------------------------------------


@hookspec
def clean_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """Remove boilerplate left in the article's title and text, in place.

    Runs for every extracted article, the generic cleanup first.
    """


@hookspec
def normalize_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """Fix the article's fields (dates, authors, language, title), in place.

    Runs after cleaning, the generic normalization first.
    """


HOOK_NAMES: tuple[str, ...] = tuple(
    name for name, value in list(globals().items()) if hasattr(value, "ingest_spec")
)
