"""Seeds: what a crawl starts from, given as URLs, outlet names or TOML files.

A seeds file (``seeds/*.toml``) names a collection::

    description = "Demo outlets"
    urls = ["https://example.org/"]            # home and section pages
    feeds = ["https://example.org/rss.xml"]    # RSS or Atom
    sitemaps = ["https://example.org/sitemap.xml"]
    outlets = ["yeni-haber"]                   # every start URL a plugin declares
    domains = ["example.org"]                  # more domains links may lead to
    allow = ['/news/']                         # follow only links matching one of these
    deny = ['/video/']                         # never follow links matching these

Feeds and sitemaps are also recognised by their content, so any URL may be
given as a plain seed.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from ingest.plugins.manager import Plugins
from ingest.urls import (
    ascii_host,
    host_name_hint,
    is_web_url,
    not_a_host_name,
    public_suffix,
    seed_url_problem,
    site_host,
    suffix_problem,
    web_scheme,
)


class SeedError(ValueError):
    """A seed that is neither a URL, nor a seeds file, nor an outlet's name."""


@dataclass
class Seeds:
    urls: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    allow: list[str] = field(default_factory=list)
    deny: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)  # what the user named, for the record

    # Beside each list, a set: a seed list of many thousands of URLs stays linear.
    _urls: set[str] = field(default_factory=set, init=False, repr=False, compare=False)
    _domains: set[str] = field(default_factory=set, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.domains = list(dict.fromkeys(map(ascii_host, self.domains)))
        self._urls, self._domains = set(self.urls), set(self.domains)

    def add_url(self, url: str) -> None:
        url = web_scheme(url)  # HTTP://site/ is http://site/
        if url not in self._urls:
            self._urls.add(url)
            self.urls.append(url)
        host = urlsplit(url).hostname
        if host:  # www. names the site itself: sites move between the two, and link both
            self.add_domains([site_host(host)])

    def add_domains(self, domains: list[str]) -> None:
        for domain in map(ascii_host, domains):  # as links are checked: bücher.de's xn--
            if domain not in self._domains:
                self._domains.add(domain)
                self.domains.append(domain)


def parse_seeds(values: list[str], plugins: Plugins) -> Seeds:
    """Resolve each seed: a URL, an outlet's name, or a TOML seeds file."""
    seeds = Seeds(sources=list(values))
    for value in values:
        if value[:8].lower().startswith(("http://", "https://")):  # HTTP:// too, as a bar takes it
            if problem := seed_url_problem(value):
                raise SeedError(f"{value!r} is not a URL a crawl can fetch: {problem}")
            seeds.add_url(value)
        elif plugins.outlet_named(value):
            _add_outlet(seeds, plugins, value)
        elif Path(value).is_file():
            _add_file(seeds, plugins, Path(value))
        else:
            known = ", ".join(sorted({o.name for o in plugins.outlets})) or "none"
            raise SeedError(f"{value!r} is not a URL, a seeds file or an outlet (outlets: {known})")
    return seeds


def _add_outlet(seeds: Seeds, plugins: Plugins, name: str) -> None:
    outlet = plugins.outlet_named(name)
    if outlet is None:
        raise SeedError(f"no plugin declares an outlet named {name!r}")
    for url in outlet.start_urls:
        seeds.add_url(url)
    if suffixes := [d for d in outlet.domains if public_suffix(d)]:
        said = suffix_problem(suffixes[0])
        raise SeedError(
            f"the outlet {name!r} ({outlet.plugin}) has {suffixes[0]!r} in domains, {said}"
        )
    seeds.add_domains(outlet.domains)


#: What a seeds file may hold; anything else is a typo that would quietly crawl less.
LIST_KEYS = ("urls", "feeds", "sitemaps", "outlets", "domains", "allow", "deny")
FILE_KEYS = frozenset({"description", *LIST_KEYS})


def _add_file(seeds: Seeds, plugins: Plugins, path: Path) -> None:
    try:  # a byte order mark first is an editor's habit, not a TOML error
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        message = f"{path}: not UTF-8, as TOML must be ({exc.reason} at byte {exc.start})"
        raise SeedError(message) from None
    except tomllib.TOMLDecodeError as exc:
        raise SeedError(f"{path}: {exc}") from exc
    _check_file(path, data)
    for key in ("urls", "feeds", "sitemaps"):
        for url in data.get(key, []):
            seeds.add_url(url)
    for name in data.get("outlets", []):
        _add_outlet(seeds, plugins, name)
    seeds.add_domains(data.get("domains", []))
    seeds.allow += data.get("allow", [])
    seeds.deny += data.get("deny", [])


def _check_file(path: Path, data: dict) -> None:
    """Every key known, every list a list of strings, every URL http(s), every pattern a
    regular expression: a seeds file that says something else is refused, not half read."""
    unknown = sorted(set(data) - FILE_KEYS)
    if unknown:
        known = ", ".join(sorted(FILE_KEYS))
        raise SeedError(f"{path}: unknown key {unknown[0]!r} (a seeds file has {known})")
    for key in LIST_KEYS:
        values = data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise SeedError(f'{path}: {key} must be a list of strings, as {key} = ["..."]')
        for value in values:
            if key in ("urls", "feeds", "sitemaps") and (problem := seed_url_problem(value)):
                if is_web_url(value):  # http(s) with a host, that fetching would refuse
                    raise SeedError(f"{path}: {key} holds {value!r}: {problem}")
                raise SeedError(f"{path}: {key} holds {value!r}, not an http or https URL")
            if key == "domains" and not_a_host_name(value):
                hint = host_name_hint(value)
                message = f"{path}: domains holds {value!r}, not a host name (news.example){hint}"
                raise SeedError(message)
            if key == "domains" and public_suffix(value):
                raise SeedError(f"{path}: domains holds {value!r}, {suffix_problem(value)}")
            if key in ("allow", "deny"):
                try:
                    re.compile(value)
                except re.error as exc:
                    raise SeedError(f"{path}: {key} holds {value!r}: {exc}") from exc
