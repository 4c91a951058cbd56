"""What a search typed by a user matches: words in ``articles_fts``, or, when it holds
Chinese, Japanese or Thai, substrings in the trigram index ``articles_trigram``.

Those scripts put no spaces between words, so ``articles_fts`` holds a whole clause as one
word and finds nothing inside it. A query holding one of their characters is looked for in
the trigram index instead (``ingest.store.unspaced``), every one of its terms as a
substring of the title or text, case ignored: a term of three characters or more through
the index, a shorter one (most Chinese words have two: 码头) by reading the texts of the
articles the index holds, which has no trigram to look it up by. A "quoted" term or a
prefix* is such a term too (in text without spaces every substring is a prefix). With OR,
NOT, NEAR or ^ the query is the index's to parse: there a term needs three characters, and
articles without such characters are not searched; ``query_notes`` tells the user. A query
in other scripts matches exactly as it always did.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from ingest.store.unspaced import PENDING, has_trigram, sqlite_version
from ingest.store.unspaced import TABLE as TRIGRAM_TABLE
from ingest.words import UNSPACED

#: Words that make a query FTS5 syntax rather than plain words.
FTS_OPERATORS = ('"', " OR ", " AND ", " NOT ", "*", "NEAR(", "^")
#: Operators that make a query more than a list of terms that must all appear. A colon or
#: a plus inside a term ("C++", "10:30") is its text: terms are quoted for the index.
BOOLEAN = (" OR ", " AND ", " NOT ", "NEAR(", "^", "(", ")")
#: A plain word naming a column of the word index before a colon (``title:glacier``) is
#: looked for in that column alone, as FTS5's own syntax has it; any other colon is text.
COLUMN_FILTER = re.compile(r"(title|text):(.+)", re.IGNORECASE)
#: A term of a query: a "quoted phrase" ("" inside for a quote) or a run without spaces.
TERM = re.compile(r'"((?:[^"]|"")*)"|(\S+)')
#: A term shorter than this has no trigram: the index cannot find it.
TRIGRAM = 3
#: Characters of text a snippet shows before and after the first match, when the index
#: could not make it.
AROUND = 30
_UNSPACED = re.compile(f"[{UNSPACED}]")
#: Where the trigram index is searched without a MATCH: the articles it holds (FTS5 keeps
#: one ``_docsize`` row for each; a scan of the table itself reads every article).
INDEXED = f"{{table}}.rowid in (select id from {TRIGRAM_TABLE}_docsize)"
#: Every short term is in the title or the text (instr and lower: no LIKE escapes needed).
HOLDS_SHORT = """not exists (select 1 from json_each({short}) where
  instr(lower(coalesce({table}.title, '')), value) = 0
  and instr(lower(coalesce({table}.text, '')), value) = 0)"""


#: FTS5's set of columns before a colon (``{title text}:flood``), its syntax too.
COLUMN_SET = re.compile(r"-?\{[^{}]*\}\s*:")
#: A word before a colon that reads as a column's name ("titel:flood", "author:roe"): the
#: index has title and text only, and the term is searched as words.
NAMED_COLUMN = re.compile(r"(?:^|\s)([^\W\d_]{2,}):(?!//)[^\s:]")  # not a URL's scheme


def is_syntax(query: str) -> bool:
    """The query is FTS5 syntax (operators, quotes, a set of columns), not plain words."""
    return any(op in query for op in FTS_OPERATORS) or COLUMN_SET.search(query) is not None


def fts_query(query: str) -> str:
    """Plain words match as words (quoted, so punctuation can't break FTS5 syntax), a
    Korean one as the start of a word; a query using FTS5 operators (quotes, OR, NOT,
    prefix*, a set of columns) is passed on as it is, but for its bare Korean words,
    starts of words too."""
    if is_syntax(query):
        return TERM.sub(_korean_prefix, query)
    words = query.split()
    if not words:
        return '""'  # matches nothing, where an empty query would be an error
    return " ".join(fts_word(word) for word in words)


#: Two Hangul syllables: a Korean word long enough to look for as a word's start (one
#: syllable, 시, starts half the words of a text).
_HANGUL_WORD = re.compile("[\uac00-\ud7a3]{2}")


def in_column(word: str) -> tuple[str | None, str]:
    """(``title`` or ``text``, the word) of ``title:word``; (None, the word) without a column
    filter. The rest is one word, whatever colons it holds ("title:text:x", "title:10:30")."""
    column = COLUMN_FILTER.fullmatch(word)
    return (column.group(1).lower(), column.group(2)) if column else (None, word)


def quoted_term(word: str, column: str | None = None) -> str:
    """``word`` as one quoted FTS5 term, in ``column`` alone if one is given."""
    term = '"{}"'.format(word.replace('"', '""'))
    return f"{column} : {term}" if column else term


def fts_word(word: str) -> str:
    """A word as a quoted FTS5 term. Korean writes spaces between words but joins their
    particles to them (서울 "Seoul", 서울에서 "in Seoul", 서울시청 "Seoul City Hall"), and
    the index keeps each spaced run as one token: a Korean word is looked for as the start
    of a token, or 서울 found none of them."""
    column, word = in_column(word)
    star = "*" if _HANGUL_WORD.search(word) else ""
    return quoted_term(word, column) + star


def _korean_prefix(term: re.Match) -> str:
    """A bare term of an FTS5 query (not a "quoted" one, which is the word alone) holding
    a Korean word, as the start of a word: ``서울 OR 부산`` finds 서울시청 and 부산에서.
    Parentheses and a NEAR group's comma stay outside the star."""
    bare = term.group(2)
    if bare is None or not _HANGUL_WORD.search(bare):
        return term.group(0)
    word = bare.rstrip("),")
    if word.endswith("*"):
        return bare
    return f"{word}*{bare[len(word) :]}"


def is_unspaced(query: str | None) -> bool:
    """Whether the query holds a character of a script written without spaces."""
    return bool(query) and _UNSPACED.search(query) is not None


@dataclass(frozen=True)
class Terms:
    """An unspaced query as the trigram index takes it."""

    match: str  # MATCH expression of the terms of 3+ characters; '' when there is none
    short: tuple[str, ...]  # the shorter terms, lowercase, looked for in the texts

    @property
    def short_json(self) -> str:
        return json.dumps(list(self.short), ensure_ascii=False)


def query_terms(query: str) -> list[str] | None:
    """The terms that must all appear, a quoted phrase as one and a prefix* without its star;
    None when the query has operators (OR, NOT, NEAR, ^, parentheses) or an unclosed quote."""
    if any(op in query for op in BOOLEAN) or query.count('"') % 2:
        return None
    terms = []
    for phrase, word in TERM.findall(query):
        term = phrase.replace('""', '"') if phrase else word.rstrip("*")
        if term:
            terms.append(term)
    return terms


def trigram_terms(query: str) -> Terms:
    """Terms long enough for a trigram are quoted for the index, shorter ones kept to look
    for; a query with operators is the index's to parse (each term needs 3 characters)."""
    terms = query_terms(query)
    if terms is None:
        return Terms(query, ())
    long, short = [], []
    for term in terms:
        column, word = in_column(term)  # title:上海港 looks in the title alone
        if len(word) < TRIGRAM:  # looked for in title and text: no trigram to ask a column
            short.append(word.lower())
        else:
            long.append(quoted_term(word, column))
    return Terms(" ".join(long), tuple(short))


def column_notes(query: str) -> list[str]:
    """A word before a colon that names no column of the index (a typo, ``author:``): the
    term is searched as words, and found nothing without a word said."""
    if is_syntax(query):
        return []
    named = dict.fromkeys(n for n in NAMED_COLUMN.findall(query) if n.lower() not in COLUMNS)
    return [
        f'"{name}:" names no column: title: and text: look in one column alone, and '
        f'"{name}:…" is searched as words'
        for name in named
    ]


#: The columns of the word index a search may name.
COLUMNS = ("title", "text")


def query_notes(query: str) -> list[str]:
    """What a query in an unspaced script with operators cannot find, for the user."""
    if query_terms(query) is not None:
        return []
    found = [phrase or word.removeprefix("NEAR(") for phrase, word in TERM.findall(query)]
    words = [w.strip("()*^+") for w in found if w not in ("OR", "AND", "NOT")]
    notes = []
    if short := [w for w in words if is_unspaced(w) and len(w) < TRIGRAM]:
        notes.append(
            f"With OR, NOT, NEAR or ^, a search in Chinese, Japanese or Thai goes to the "
            f"trigram index, where a term needs three characters: {', '.join(short)} "
            "matches nothing there. Without those operators (plain words, quotes, "
            "prefix*), shorter terms are found too."
        )
    if (" OR " in query or " NOT " in query) and (
        spaced := [w for w in words if w and not is_unspaced(w)]
    ):
        notes.append(
            "A search holding Chinese, Japanese or Thai looks only among the articles with "
            f"such characters: {', '.join(spaced)} finds no article without them. Search "
            "for those words apart."
        )
    return notes


def has_trigram_index(conn: sqlite3.Connection) -> bool:
    """Whether the database has the trigram index: not when SQLite lacked the tokenizer
    (before 3.34) or no ingest that makes it has opened the database to write yet."""
    found = conn.execute("select 1 from sqlite_master where name = ?", [TRIGRAM_TABLE])
    return found.fetchone() is not None


def unfilled(conn: sqlite3.Connection) -> int:
    """How many articles stored before the trigram index it does not hold yet: those an
    interrupted or unfinished filling (``ingest.store.unspaced``) has still to read."""
    if conn.execute("select 1 from sqlite_master where name = ?", [PENDING]).fetchone() is None:
        return 0
    return conn.execute(
        f"select count(*) from articles where rowid between"
        f" (select next_rowid from {PENDING}) and (select last_rowid from {PENDING})"
    ).fetchone()[0]


def unfilled_note(count: int) -> str:
    """What a search in the trigram index may miss while it is being filled."""
    return (
        f"The index of Chinese, Japanese and Thai text is still being filled: {count:,} "
        "articles stored before it were not read yet, and this search misses those among "
        "them. Any command that writes to the database (crawl, reextract) goes on filling it."
    )


def missing_index_note(conn: sqlite3.Connection) -> str:
    """Why a search in Chinese, Japanese or Thai went to the word index, for the user."""
    reason = (
        "any command that writes to it (crawl, reextract) adds it"
        if has_trigram(conn)
        else f"SQLite {'.'.join(map(str, sqlite_version(conn)))} has no trigram tokenizer; "
        "3.34 or later has"
    )
    return (
        f"This database has no index of Chinese, Japanese or Thai text ({TRIGRAM_TABLE}): "
        f"{reason}. Searched as words, which finds them only between spaces or punctuation."
    )


def trigram_clause(terms: Terms, table: str = "articles") -> tuple[str, dict[str, str]]:
    """SQL condition on ``table`` (an articles row) that the terms all appear, and its
    parameters."""
    if terms.match:
        found = (
            f"{table}.rowid in (select rowid from {TRIGRAM_TABLE}"
            f" where {TRIGRAM_TABLE} match :trigram)"
        )
    else:
        found = INDEXED.format(table=table)
    clause = " and ".join(filter(None, [found, short_clause(terms, table)]))
    return clause, {"trigram": terms.match, "short": terms.short_json}


def short_clause(terms: Terms, table: str = "articles") -> str:
    """SQL condition that every short term is in the title or the text (``:short``)."""
    return HOLDS_SHORT.format(short=":short", table=table) if terms.short else ""


def marked(text: str | None, short: str, start: str, end: str) -> str | None:
    """The text with every short term (a JSON list) in it between ``start`` and ``end``."""
    terms = [term for term in json.loads(short) if term]
    if not text or not terms:
        return text
    found = re.compile("|".join(map(re.escape, terms)), re.IGNORECASE)
    return found.sub(lambda m: f"{start}{m.group()}{end}", text)


def excerpt(text: str | None, short: str, start: str, end: str) -> str | None:
    """The text around the first short term in it, marked: the snippet of an article
    found without an FTS5 match, which FTS5's ``snippet`` has nothing to make one from.
    None for an exact duplicate, whose text is its original's (NULL of its own)."""
    if text is None:
        return None
    if not text:
        return ""
    terms = [term for term in json.loads(short) if term]
    first = re.search("|".join(map(re.escape, terms)), text, re.IGNORECASE) if terms else None
    at = first.start() if first else 0
    begin, stop = max(0, at - AROUND), at + AROUND
    return (
        ("… " if begin else "")
        + (marked(text[begin:stop], short, start, end) or "")
        + (" …" if stop < len(text) else "")
    )


# -- SQL functions: the same decisions inside one SQL statement (Datasette's canned queries)


def spaced_words(query: str | None) -> str:
    """``articles_fts``'s MATCH for a query: one matching nothing when the query is in an
    unspaced script, which the trigram index answers."""
    return '""' if is_unspaced(query) else fts_query(query or "")


def trigram_words(query: str | None) -> str:
    """The trigram index's MATCH for a query: one matching nothing when the query is not in
    an unspaced script, or has no term long enough for a trigram."""
    return (trigram_terms(query).match if is_unspaced(query) else "") or '""'


def short_words(query: str | None) -> str:
    """The query's terms too short for a trigram, as a JSON list (empty unless unspaced)."""
    return trigram_terms(query).short_json if is_unspaced(query) else "[]"


def short_only(query: str | None) -> bool:
    """Whether the query is in an unspaced script and has only terms too short for a
    trigram: the articles the index holds are read for them."""
    return is_unspaced(query) and not trigram_terms(query).match


#: Name, number of arguments and function of each, for ``create_function``.
SQL_FUNCTIONS = {
    "spaced_words": (1, spaced_words),
    "trigram_words": (1, trigram_words),
    "short_words": (1, short_words),
    "short_only": (1, short_only),
    "marked": (4, marked),
    "unspaced_excerpt": (4, excerpt),
}


def add_functions(conn: sqlite3.Connection) -> None:
    """Make the SQL functions above callable on ``conn``."""
    for name, (arguments, function) in SQL_FUNCTIONS.items():
        conn.create_function(name, arguments, function, deterministic=True)
