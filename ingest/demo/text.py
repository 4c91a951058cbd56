"""Prose for the demo outlets: sentence templates filled from per-language word pools.

Real articles keep their cast (a city, a minister, a club) from the headline to
the last paragraph, so an article draws each name once and reuses it; a figure
in the headline reappears in the lede, and other figures vary. The pools live
in ``lang_<code>.toml`` next to this module, so adding a language is a data change.
"""

from __future__ import annotations

import random
import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

# French elides "de" and "que" before a vowel; slots can't know what follows them.
_ELISION = re.compile(r"\b(d|D|qu|Qu)e (?=[AEIOUYÂÉÈÊÎÔaeiouyâéèêîô])")

# Slots that are numbers rather than names (ranges in _Cast._number).
NUMBER_SLOTS = ("n", "few", "num", "big", "pct", "amount", "rank", "day", "score", "loss")


@dataclass(frozen=True)
class Section:
    """One newsroom desk: its headlines, ledes, body sentences and word pools."""

    key: str
    label: str
    slug: str
    tags: tuple[str, ...]
    stories: tuple[tuple[str, str], ...]  # (headline, lede) pairs that tell the same story
    sentences: tuple[str, ...]
    pools: dict[str, tuple[str, ...]]
    quotes: tuple[str, ...]
    closers: tuple[str, ...]
    common: bool  # whether the language's general civic sentences fit this desk
    dateline: str | None  # overrides the language's dateline (a desk based in the capital)


@dataclass(frozen=True)
class Lexicon:
    """Everything one language needs to write plausible local news."""

    language: str
    months: tuple[str, ...]
    weekdays: tuple[str, ...]
    dateline: str
    decimal: str
    thousands: str
    score: str
    pools: dict[str, tuple[str, ...]]
    sections: dict[str, Section]
    common: tuple[str, ...]
    quotes: tuple[str, ...]
    closers: tuple[str, ...]


@dataclass
class Draft:
    """A generated article before it gets a URL, an author and a date."""

    headline: str
    paragraphs: list[str]
    tags: list[str]


@cache
def lexicon(language: str) -> Lexicon:
    """The word pools for ``language`` ("en", "de", "es", "fr"), read once."""
    raw = files(__package__).joinpath(f"lang_{language}.toml").read_text("utf-8")
    data = tomllib.loads(raw)
    meta, text = data["meta"], data["text"]
    pools = {k: tuple(v) for k, v in data["pools"].items()}
    pools["month"], pools["weekday"] = tuple(meta["months"]), tuple(meta["weekdays"])
    sections = {
        key: Section(
            key=key,
            label=s["label"],
            slug=s["slug"],
            tags=tuple(s["tags"]),
            stories=tuple((headline, lede) for headline, lede in s["stories"]),
            sentences=tuple(s["sentences"]),
            pools={k: tuple(v) for k, v in s.get("pools", {}).items()},
            quotes=tuple(s.get("quotes", text["quotes"])),
            closers=tuple(s.get("closers", text["closers"])),
            common=s.get("common", True),
            dateline=s.get("dateline"),
        )
        for key, s in data["sections"].items()
    }
    return Lexicon(
        language=language,
        months=tuple(meta["months"]),
        weekdays=tuple(meta["weekdays"]),
        dateline=meta["dateline"],
        decimal=meta["decimal"],
        thousands=meta["thousands"],
        score=meta["score"],
        pools=pools,
        sections=sections,
        common=tuple(text["common"]),
        quotes=tuple(text["quotes"]),
        closers=tuple(text["closers"]),
    )


class _Cast(dict[str, str]):
    """Slot values for one article: names drawn on first use and kept, numbers drawn anew."""

    def __init__(self, lex: Lexicon, section: Section, rng: random.Random):
        super().__init__()
        self.lex, self.rng = lex, rng
        self.pools = {**lex.pools, **section.pools}
        # While set, numbers are kept too: a headline and its lede quote the same figure.
        self.story_numbers: dict[str, str] | None = {}

    def __missing__(self, key: str) -> str:
        if key.isupper():
            return self[key.lower()].upper()
        if key[0].isupper():
            value = self[key[0].lower() + key[1:]]
            return value[:1].upper() + value[1:]
        if key in NUMBER_SLOTS:
            if self.story_numbers is None:
                return self._number(key)
            if key not in self.story_numbers:
                self.story_numbers[key] = self._number(key)
            return self.story_numbers[key]
        base = key.rstrip("0123456789")
        taken = {v for k, v in self.items() if k.rstrip("0123456789") == base}
        choices = [w for w in self.pools[base] if w not in taken] or list(self.pools[base])
        self[key] = value = self.rng.choice(choices)
        return value

    def _number(self, key: str) -> str:
        rng, lex = self.rng, self.lex
        if key in ("score", "loss"):
            a = rng.randint(1, 4)
            b = rng.randint(0, a - 1)
            return lex.score.format(a=a, b=b) if key == "score" else lex.score.format(a=b, b=a)
        if key in ("pct", "amount"):
            value = rng.randint(5, 480) if key == "pct" else rng.randint(20, 98)
            return f"{value / 10:.1f}".replace(".", lex.decimal)
        if key == "big":
            return f"{rng.randint(12, 600) * 100:,}".replace(",", lex.thousands)
        low, high = {"n": (3, 30), "few": (2, 9), "num": (120, 950), "rank": (1, 18)}.get(
            key, (1, 28)
        )
        return str(rng.randint(low, high))

    def fill(self, template: str) -> str:
        text = template.format_map(self)
        return _ELISION.sub(r"\1'", text) if self.lex.language == "fr" else text


def draft(lex: Lexicon, section_key: str, rng: random.Random, words: int) -> Draft:
    """Write one article of roughly ``words`` words for a section, in paragraphs."""
    section = lex.sections[section_key]
    cast = _Cast(lex, section, rng)
    headline, lede = (cast.fill(template) for template in rng.choice(section.stories))
    cast.story_numbers = None
    dateline = lex.dateline if section.dateline is None else section.dateline
    if dateline and rng.random() < 0.7:
        lede = cast.fill(dateline) + lede
    body = list(section.sentences + (lex.common if section.common else ()))
    rng.shuffle(body)
    quotes = list(section.quotes)
    rng.shuffle(quotes)
    for i, quote in enumerate(quotes[: rng.randint(1, 3)]):
        body.insert(3 + 4 * i, quote)
    sentences = [lede]
    count = len(lede.split())
    for template in body:
        if count >= words:
            break
        sentences.append(cast.fill(template))
        count += len(sentences[-1].split())
    sentences.append(cast.fill(rng.choice(section.closers)))
    tags = [rng.choice(section.tags)]
    tags.append(cast["city"] if "city" in cast else rng.choice(section.tags))
    return Draft(headline, group(sentences, rng), list(dict.fromkeys(tags)))


def group(sentences: list[str], rng: random.Random, sizes: tuple[int, int] = (2, 4)) -> list[str]:
    """Join sentences into paragraphs of a few sentences each, none left alone."""
    paragraphs: list[list[str]] = []
    i = 0
    while i < len(sentences):
        size = rng.randint(*sizes)
        paragraphs.append(sentences[i : i + size])
        i += size
    if len(paragraphs) > 1 and len(paragraphs[-1]) == 1:
        paragraphs[-2].extend(paragraphs.pop())
    return [" ".join(p) for p in paragraphs]


def slugify(text: str, max_words: int = 8) -> str:
    """An ASCII URL slug, the way most newsroom CMSs derive one from the headline."""
    text = text.replace("ß", "ss")
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower())[:max_words])
