"""The author's bio a news page sets before or after the story ("Jane Doe is a senior
editor at ..."): not the article, though it is prose and sits in the same container.

Told apart by the page's own evidence, not by phrases: the line opens with the full
name of one of the article's authors followed by a verb that introduces a person
(is, was, writes...), and it sits where bio boxes go: the first line, or among the
last few. A sentence about the author inside the story stays.
"""

from __future__ import annotations

#: Words that follow a name in a bio, in the languages the cleanup knows.
BIO_VERBS = frozenset(
    """
    is was has covers writes reports joined ist war hat schreibt arbeitet lebt berichtet
    est était écrit es fue escribe è é foi escreve jest är er
    """.split()
)
#: A bio box closes the text within this many lines (or opens it).
LAST_LINES = 3


def drop_author_bios(lines: list[str], authors: list[str]) -> list[str]:
    """The lines without the authors' bios at either end of the text."""
    names = [name for name in authors if len(name.split()) >= 2]  # "AP is..." is news
    if not names or len(lines) <= LAST_LINES:
        return lines  # a short text may be the bio page itself
    tail = len(lines) - LAST_LINES
    return [
        line
        for i, line in enumerate(lines)
        if not ((i == 0 or i >= tail) and is_author_bio(line, names))
    ]


def is_author_bio(line: str, names: list[str]) -> bool:
    for name in names:
        if line.startswith(name):
            rest = line[len(name) :].lstrip(" ,").split(" ", 1)
            if rest[0].casefold() in BIO_VERBS:
                return True
    return False
