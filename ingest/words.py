"""How many words a text holds, in any script.

Counting by spaces is right for most languages and wrong for those written without
them: a Chinese or Japanese paragraph of 300 characters is one "word" to ``split``,
so a story in it looked shorter than a line of English, and every rule that weighs
text by its words (is it an article, is this line short boilerplate, is the story
short) misjudged it. Such runs are counted by their characters instead.
"""

from __future__ import annotations

import re
import unicodedata

#: Han ideographs, kana (full and half width) and CJK compatibility ideographs.
IDEOGRAPHIC = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
#: Thai, Lao, Myanmar and Khmer: spaces there part phrases, not words.
SOUTHEAST_ASIAN = "\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff"
#: Every script written without spaces between its words, as ranges of a character class.
UNSPACED = IDEOGRAPHIC + SOUTHEAST_ASIAN
_DENSE = re.compile(f"[{IDEOGRAPHIC}]+|[{SOUTHEAST_ASIAN}]+")
#: Their punctuation (、。「」，！？): no word, though ``split`` would take each for one.
_WIDE_PUNCTUATION = re.compile(
    "[\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65]"
)

#: What ends a sentence, script by script: Latin and its kin, CJK's wide marks, the danda
#: of Hindi and Bengali (।॥), Arabic's and Urdu's (؟ ۔), Armenian's (։), Ethiopic's (። ፧),
#: Myanmar's (။), Khmer's (។ ៕), Tibetan's (།). A rule that looked for ".!?" alone found no
#: sentence at all in a story in those scripts.
SENTENCE_MARKS = (
    ".!?\u2026\u3002\uff01\uff1f"  # . ! ? … 。！？
    "\u0964\u0965\u061f\u06d4\u0589\u1362\u1367\u104b\u17d4\u17d5\u0f0d"
)
#: Thai and Lao mark no sentence's end: a space parts them, as it parts phrases. A line in
#: them ends a sentence when it is a line of prose's length, as a menu's labels are not.
UNMARKED = "\u0e00-\u0eff"
UNMARKED_SENTENCE_WORDS = 10
_SENTENCE = re.compile(f"[{SENTENCE_MARKS}{UNMARKED}]")
_MARKED_END = re.compile(f"[{SENTENCE_MARKS}][^\\w]*$")
_UNMARKED_END = re.compile(f"[{UNMARKED}][^\\w]*$")

#: Characters a word takes on average: about two in Chinese and Japanese text as their
#: word segmenters cut it, about five in Thai and its neighbours.
IDEOGRAPHIC_CHARS = 2
SOUTHEAST_ASIAN_CHARS = 5


def count_words(text: str) -> int:
    """Words in ``text``: space-separated tokens, and runs of unspaced scripts by length."""
    if text.isascii() or not _DENSE.search(text):
        return len(text.split())
    text = _WIDE_PUNCTUATION.sub(" ", text)
    dense = 0
    for run in _DENSE.findall(text):
        per_word = IDEOGRAPHIC_CHARS if run[0] >= "\u3040" else SOUTHEAST_ASIAN_CHARS
        dense += -(-len(run) // per_word)  # a run of one character is still a word
    return len(_DENSE.sub(" ", text).split()) + dense


def unspaced_share(text: str) -> float:
    """The share of the text's words written in a script without spaces: what says a page
    is Chinese, Japanese or Thai. By words, not characters, so a site's name in Latin
    letters after a Chinese headline weighs as the few words it is."""
    text = _WIDE_PUNCTUATION.sub(" ", text)
    rest = _DENSE.sub(" ", text).split()
    unspaced = count_words(text) - len(rest)
    spaced = sum(any(c.isalnum() for c in token) for token in rest)
    return unspaced / (unspaced + spaced) if unspaced + spaced else 0.0


def has_sentence(text: str) -> bool:
    """The text holds a sentence's end, in whatever script it is written."""
    return _SENTENCE.search(text) is not None


def ends_sentence(line: str) -> bool:
    """The line ends as a sentence ends: its mark, then nothing but quotes, brackets or an
    ornament (in Thai and Lao, which mark no end, its last letter, on a line of prose's
    length)."""
    line = line.rstrip()
    if _MARKED_END.search(line):
        return True
    return bool(_UNMARKED_END.search(line)) and count_words(line) >= UNMARKED_SENTENCE_WORDS


#: A rule or a break between sections ("___", "* * *", "。"): no word at all. Lines of
#: code that look alike stay: braces ("});"), an ellipsis, a shell's "#", YAML's "---".
_ORNAMENT = re.compile(r"[\s\-_*=~.•·…+#—–。・]+")
_CODE = re.compile(r"\s*(?:\.\.\.|#+|---)\s*")


def is_ornament(line: str) -> bool:
    """The line is a rule or a section break, with nothing to read."""
    return _ORNAMENT.fullmatch(line) is not None and _CODE.fullmatch(line) is None


def fold(text: str) -> str:
    """Text compared loosely: case, accents' composition and punctuation ignored."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))
