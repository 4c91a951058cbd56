"""Commands for plugin authors: see what is loaded, start a plugin, save test pages.

``ingest new-plugin`` writes an outlet plugin module and its (empty) fixture folder;
``ingest fixture`` saves a page into that folder with its current extraction as the
expected result, which ``ingest test-plugin`` then checks field by field. The whole
workflow is in docs/plugins.md.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import sys
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from ingest.cli import PLUGINS_DIR_OPTION, plugins_for, register_commands
from ingest.cli.extraction import BOUNDS_OPTION, extraction_bounds
from ingest.cli.golden import FIXTURES_OPTION, golden_test_command
from ingest.plugins.folders import (
    PROJECT_FILE,
    PluginConfig,
    listed_dirs,
    project_dirs,
    with_dirs,
)
from ingest.plugins.manager import DEFAULT_PLUGINS

MODULE_NAME_RE = re.compile(r"[a-z][a-z0-9_]*")
DOMAIN_RE = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")
FIXTURE_NAME_RE = re.compile(r"[\w.-]+")
#: A language code: ISO 639-1 (or -3) letters, and a region or script if any (pt-BR).
LANGUAGE_RE = re.compile(r"[a-z]{2,3}(?:-(?:[A-Z]{2}|[0-9]{3}|[A-Z][a-z]{3}))?")


@click.command(name="plugins")
@PLUGINS_DIR_OPTION
def list_plugins(plugins_dir):
    """List loaded plugins, the hooks they implement and the outlets they declare."""
    from rich.console import Console
    from rich.table import Table

    plugins = plugins_for(PluginConfig.default(plugins_dir))
    table = Table("plugin", "hooks", "outlets")
    builtin = [p for name in DEFAULT_PLUGINS if (p := plugins.pm.get_plugin(name))]
    others = [p for p in plugins.pm.get_plugins() if p not in builtin]
    for plugin in builtin + sorted(others, key=plugins.pm.get_name):  # built-ins, then by name
        name = plugins.pm.get_name(plugin)
        hooks = sorted(c.name for c in plugins.pm.get_hookcallers(plugin) or [])
        if "register_commands" in hooks:  # which commands: `ingest --help` does not list them
            hooks[hooks.index("register_commands")] += _commands_of(plugins.pm, plugin)
        outlets = [f"{o.name} v{o.version}" for o in plugins.outlets if o.plugin == name]
        table.add_row(name, ", ".join(hooks), ", ".join(outlets))
    Console().print(table)


def _commands_of(pm: Any, plugin: object) -> str:
    """The commands a plugin's ``register_commands`` adds, as ``(name, name)``: run on a
    group of its own, so that nothing it does reaches the real command line."""
    group, taken = click.Group(), []
    try:
        for impl in pm.hook.register_commands.get_hookimpls():
            if impl.plugin is plugin:
                taken += register_commands(impl, group)
    except Exception as exc:  # noqa: BLE001 (a plugin's code: any fault, said in the cell)
        return f" (raised {type(exc).__name__})"
    names = [*sorted(group.commands), *(f"{name}: ingest's own, not added" for name in taken)]
    return f" ({', '.join(names)})" if names else ""


# -- ingest new-plugin -------------------------------------------------------

PLUGIN_TEMPLATE = '''\
"""{doc_title} ({domain}): an outlet plugin.

It declares the outlet: its domain, where a crawl of it starts, which of its URLs are
articles. What the generic path gets wrong on this site (a missed container, blocks or
lines that are not the story, a wrong title or date) is fixed here with a few more
fields or a hook: docs/plugins.md shows how, with tests/fixtures/{module}/ to prove it.
"""

from ingest import Outlet, hookimpl

{constant} = Outlet(
    name={name},
    title={title},
    domains=[{domain_literal}],
    language={language},
    # Where a crawl starts: the home page, then the RSS or Atom feeds and sitemaps that
    # the site's robots.txt and its pages' <link rel="alternate"> name.
    seeds=[{home}],
    feeds=[],
    sitemaps=[],
    # A regular expression found in the URL of every article and of nothing else, e.g.
    #     r"{domain_re}/\\d{{4}}/\\d{{2}}/\\d{{2}}/[\\w-]+"
    # None lets each page's own metadata decide.
    articles=None,
    # The story's container when the generic path misses it (a CSS selector), blocks that
    # are never story text (CSS selectors) and phrases whose lines never are.
    body=None,
    drop=[],
    boilerplate=[],
)


@hookimpl
def register_outlets(register):
    register({constant})
'''


@click.command(name="new-plugin")
@click.argument("name")
@click.option("--domain", required=True, help="The outlet's domain, e.g. example-news.org.")
@click.option("--title", help="The outlet's name as readers know it (default: from the domain).")
@click.option("--language", default="en", show_default=True, help="ISO 639-1 code.")
@click.option(
    "--dir",
    "folder",
    default="plugins",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder to write the plugin module into.",
)
@FIXTURES_OPTION
@click.option("--force", is_flag=True, help="Replace a module of the same name.")
def new_plugin(name, domain, title, language, folder, fixtures, force):
    """Start an outlet plugin NAME (a module name, e.g. example_news) for a domain.

    Writes FOLDER/NAME.py, declaring the outlet (named NAME with dashes), and an empty
    fixture folder FIXTURES/NAME/ for `ingest fixture` to fill: the golden test
    (`ingest test-plugin NAME`) checks the module from then on, and every page added.
    """
    if not MODULE_NAME_RE.fullmatch(name):
        raise click.BadParameter(
            "lowercase letters, digits and _, e.g. example_news", param_hint="NAME"
        )
    if name in sys.stdlib_module_names:  # os.py in a plugin folder shadows Python's os there
        raise click.BadParameter(
            f"{name!r} is a module of Python's own; name the outlet, e.g. {name}_news",
            param_hint="NAME",
        )
    host = _host(domain)
    if not DOMAIN_RE.fullmatch(host) or "." not in host and host != "localhost":
        raise click.BadParameter(f"{domain!r} is not a domain name", param_hint="--domain")
    from ingest.urls import public_suffix, suffix_problem  # the suffix list: here alone

    bare = host.removeprefix("www.")
    if public_suffix(bare):
        raise click.BadParameter(f"{domain!r} is {suffix_problem(bare)}", param_hint="--domain")
    if not LANGUAGE_RE.fullmatch(language):
        raise click.BadParameter(
            f"{language!r} is not a language code (en, de, pt-BR...)", param_hint="--language"
        )
    outlet_name = name.replace("_", "-")
    path = Path(folder) / f"{name}.py"
    pages = Path(fixtures) / name
    named = PluginConfig.default().dirs  # ingest.toml's among them, each one a folder
    register = str(Path(folder).resolve()) not in named  # to be named in ingest.toml
    _check_folder(Path(folder), "--dir")  # nothing is written unless all of it can be
    _check_folder(pages, "--fixtures")
    if register and not os.access(PROJECT_FILE if Path(PROJECT_FILE).exists() else ".", os.W_OK):
        raise click.ClickException(f"{PROJECT_FILE} can't be written here, to name {folder}")
    if path.exists() and not force:
        raise click.ClickException(f"{path} exists; --force replaces it")
    project = _naming_in_project_file(Path(folder)) if register else None
    plugins = plugins_for(PluginConfig.default())
    loaded = getattr(plugins.pm.get_plugin(name), "__file__", None)
    if loaded and Path(loaded).resolve() != path.resolve():
        raise click.ClickException(f"a plugin named {name} is already loaded, from {loaded}")
    known = plugins.outlet_named(outlet_name)
    if known is not None and known.plugin != name:
        raise click.ClickException(f"plugin {known.plugin} already declares {outlet_name!r}")
    title = title or " ".join(w.capitalize() for w in bare.split(".")[0].split("-"))
    _make_folder(path.parent, "--dir")
    _make_folder(pages, "--fixtures")
    path.write_text(
        PLUGIN_TEMPLATE.format(
            doc_title=_literal(title, '"')[1:-1],  # escaped as in a string: safe in the docstring
            title=_literal(title),
            domain=bare,
            domain_literal=_literal(bare),
            domain_re=bare.replace(".", "\\."),
            module=name,
            constant=name.upper(),
            name=_literal(outlet_name),
            language=_literal(language),
            home=_literal(f"https://{host}/"),
        ),
        encoding="utf-8",
    )
    (pages / ".gitkeep").touch()
    click.echo(f"Wrote {path} (outlet {outlet_name!r} on {bare}) and {pages}/")
    if project is not None:
        Path(PROJECT_FILE).write_text(project, encoding="utf-8")
        click.echo(f"Added {folder} to {PROJECT_FILE}: ingest loads its plugins when run here")
    click.echo(f"Next: ingest fixture https://{host}/... --fixtures {fixtures}")
    click.echo(f"  and {golden_test_command(fixtures, name)}")


def _literal(text: str, quote: str = "") -> str:
    """``text`` as a Python string literal, quoted as ruff writes it (double quotes unless
    single ones escape less): any title is safe in the module, quotes and backslashes
    escaped, unprintable characters as codes."""
    quote = quote or ('"' if text.count('"') <= text.count("'") else "'")
    escaped = (
        "\\" + c if c in quote + "\\" else c if c.isprintable() else repr(c)[1:-1] for c in text
    )
    return quote + "".join(escaped) + quote


def _check_folder(path: Path, hint: str) -> None:
    """A usage error unless the folder ``path`` is one, or can be made: its nearest
    existing ancestor is a folder ingest may write in (a file or a device is none)."""
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise click.BadParameter(f"{existing} is not a folder", param_hint=hint)
    if not os.access(existing, os.W_OK | os.X_OK):
        raise click.BadParameter(f"{existing} can't be written", param_hint=hint)


def _make_folder(path: Path, hint: str) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # what the check could not foresee (/proc, a full disk)
        raise click.BadParameter(f"can't make {path}: {exc.strerror}", param_hint=hint) from exc


def _naming_in_project_file(folder: Path) -> str:
    """``./ingest.toml`` with ``folder`` added to its plugin folders, so the new plugin
    loads here. A file already there keeps all else it says (its comments, its other
    tables): only its ``dirs`` list is written, in ``[plugins]`` or a table after all."""
    dirs = [os.path.relpath(d, Path.cwd()) for d in project_dirs(Path.cwd())]
    entry = os.path.relpath(folder.resolve(), Path.cwd())
    listed = f"dirs = [{', '.join(json.dumps(d) for d in [*dirs, entry])}]"
    project = Path(PROJECT_FILE)
    text = project.read_text(encoding="utf-8") if project.is_file() else ""
    written = with_dirs(text, listed)
    if [os.path.normpath(d) for d in listed_dirs(written)] != [*dirs, entry]:
        raise click.ClickException(
            f"{PROJECT_FILE} is written in a way this command does not edit: add "
            f"{json.dumps(entry)} to its [plugins] dirs yourself"
        )
    return written


def _host(domain: str) -> str:
    """The host name in a domain or a URL someone pasted."""
    domain = domain.strip().lower()
    if "//" in domain:
        domain = urlsplit(domain).hostname or ""
    return domain.split("/")[0].split(":")[0].rstrip(".")


# -- ingest fixture ----------------------------------------------------------


@click.command()
@click.argument("source")
@click.option("--url", help="The page's address (required for a file; default: the URL fetched).")
@click.option("--outlet", help="The outlet it belongs to (default: the one owning the URL).")
@click.option("--name", help="File name of the fixture, without extension (default: from the URL).")
@FIXTURES_OPTION
@PLUGINS_DIR_OPTION
@click.option("--force", is_flag=True, help="Replace a fixture of the same name.")
@BOUNDS_OPTION
def fixture(source, url, outlet, name, fixtures, plugins_dir, force, bounds):
    """Save a page as a test fixture, with what ingest extracts from it now, for review.

    SOURCE is a URL (fetched once) or a saved page (.html or .html.gz). The page goes,
    gzipped, into FIXTURES/PLUGIN/NAME.html.gz, where PLUGIN is the module declaring
    its outlet; its current title, authors, date and text go into NAME.json. Check that
    JSON against the page and correct it, or the plugin, until the golden test passes.
    """
    from ingest.extract.decoding import decode_html
    from ingest.extract.limits import TooLarge, read_file
    from ingest.extract.overtime import here
    from ingest.extract.process import Job, error_line, process_page

    limits, timeout = extraction_bounds(bounds)

    if name is not None and not FIXTURE_NAME_RE.fullmatch(name):
        raise click.BadParameter("letters, digits, ., _ and - only", param_hint="--name")
    content_type = None
    if source.startswith(("http://", "https://")):
        body, content_type, fetched = _fetch(source)
        url = url or fetched
    else:
        path = Path(source)
        if not path.is_file():
            raise click.BadParameter(f"no such file or URL: {source}", param_hint="SOURCE")
        if not url:
            raise click.UsageError("a saved page needs its address: give it with --url")
        try:
            body = read_file(path, limits.html_bytes)
        except (TooLarge, ValueError) as exc:
            raise click.ClickException(str(exc)) from exc
    plugins = plugins_for(PluginConfig.default(plugins_dir))
    declared = plugins.outlet_named(outlet) if outlet else plugins.outlet_for(url)
    if declared is None:
        host = urlsplit(url).hostname
        raise click.ClickException(
            f"no plugin declares the outlet {outlet!r}"
            if outlet
            else f"no plugin declares an outlet for {host}: name one with --outlet, "
            f"or start one with `ingest new-plugin NAME --domain {host}`"
        )
    if owner := plugins.outlet_for(url):  # the page's own outlet is what extracts it
        if outlet and owner.name != declared.name:
            raise click.UsageError(f"{url} is {owner.name!r}'s, not {outlet!r}'s")
    elif outlet:  # a golden test of a page its outlet never reads would fail as written
        domains = ", ".join(declared.domains) or "none"
        raise click.UsageError(f"{url} is not on {outlet!r}'s domains ({domains})")
    html = decode_html(body, content_type)
    job = Job(url=url, body=b"")
    outcome = here(plugins, job, partial(process_page, plugins, url, html, limits=limits), timeout)
    if not outcome.is_article:
        rule = f"the pattern {declared.articles!r}" if declared.articles else "its metadata"
        click.echo(
            f"warning: the real path does not take this page for an article ({rule} of "
            f"{declared.name!r}); the golden test will fail until it does. Extracting it "
            "anyway, for review.",
            err=True,
        )
        again = partial(process_page, plugins, url, html, classify=False, limits=limits)
        outcome = here(plugins, job, again, timeout)
    for error in outcome.errors:
        click.echo(error_line(error), err=True)
    if outcome.article is None:
        raise click.ClickException("nothing extracted: no fixture written")
    article = outcome.article
    folder = Path(fixtures) / declared.plugin
    stem = name or _slug(url)
    target = folder / f"{stem}.json"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; --force replaces it, --name picks another")
    expected = {
        "url": url,
        "title": article["title"],
        "authors": article["authors"],
        "published": article["published_day"],  # the day: what a reviewer can check
        "text": article["text"],
    }
    if content_type and "charset" in content_type.lower():
        expected["content_type"] = content_type  # the page's encoding, as the server said
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{stem}.html.gz").write_bytes(gzip.compress(body, mtime=0))
    target.write_text(json.dumps(expected, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    lines = article["text"].count("\n") + 1 if article["text"] else 0
    click.echo(f"Wrote {folder / stem}.html.gz and {target.name}:")
    click.echo(f"  title     {article['title']}")
    click.echo(f"  authors   {', '.join(article['authors']) or '-'}")
    click.echo(f"  published {article['published'] or '-'} (day {article['published_day'] or '-'})")
    click.echo(f"  text      {lines} paragraphs, {len(article['text'].split())} words")
    click.echo(f"Review {target} against the page, then run the golden test:")
    click.echo(f"  {golden_test_command(fixtures, declared.plugin, plugins_dir)}")


def _fetch(url: str) -> tuple[bytes, str | None, str]:
    """The page's bytes, its Content-Type and its final URL (after redirects)."""
    from ingest.cli.fetching import FetchFailed, fetch_page
    from ingest.extract.limits import MAX_HTML_BYTES

    try:
        return fetch_page(url, MAX_HTML_BYTES)
    except FetchFailed as exc:
        raise click.ClickException(str(exc)) from None


def _slug(url: str) -> str:
    """A file name from the URL's last path segment: what the page is about."""
    parts = [p for p in urlsplit(url).path.split("/") if p]
    last = re.sub(r"\.(?:s?html?|php|aspx?)$", "", parts[-1] if parts else "")
    slug = re.sub(r"[^a-z0-9]+", "-", last.lower()).strip("-")[:80].rstrip("-")
    return slug or "home"


COMMANDS = [list_plugins, new_plugin, fixture]
