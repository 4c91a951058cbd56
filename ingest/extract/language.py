"""The article's language: what the page declares, unless its text plainly says otherwise.

Templates declare a language once for every page, and many declare the wrong one:
WordPress's ``lang="en-US"`` over German posts is the common case. Believed as
declared, such an article is lost to ``--language de`` and filed under English. On
the 889 pages of the shared evaluation set that declare a language we have a stop
list for and hold 50 words or more, 26 read as another language, 20 of them German
or Spanish declared ``en``.

Detecting every page's language would cost 1-2 ms a page and load the detector's
model (0.8 s) in every worker. So the declaration is first checked cheaply: the share
of the text's words that are on the declared language's stop list (justext's, which
trafilatura ships). Prose in a language is a fifth to a half its stop words; on those
889 pages every text at or above 15% was in its declared language. Only a text below
that is detected, and the detector overrules the declaration only when it is all but
certain (a probability of 0.999 or more) of another ISO 639-1 language; the article's
``provenance`` keeps what the page declared (``language_declared``). A text whose
letters are mostly of another script than the declared language's (Arabic prose under
``lang="en"``) plainly reads as another language: there the detector's most probable
answer is taken (Arabic at 0.96 had stayed "en").
"""

from __future__ import annotations

import re
from functools import cache

from ingest.words import count_words

#: The declared languages whose stop lists are checked, by their ISO 639-1 codes.
STOP_LISTS = {
    "en": "English",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "it": "Italian",
    "pt": "Portuguese",
    "nl": "Dutch",
    "pl": "Polish",
    "sv": "Swedish",
    "da": "Danish",
    "nb": "Norwegian_Bokmal",
    "no": "Norwegian_Bokmal",
    "fi": "Finnish",
    "tr": "Turkish",
    "ru": "Russian",
    "cs": "Czech",
}
#: Below this share of stop words, a text may not be in its declared language.
MIN_STOP_SHARE = 0.15
#: How sure the detector must be to overrule a declaration.
OVERRULE_PROBABILITY = 0.999
#: Below this share of its letters in the declared language's script, a text is in another
#: language whatever the detector's certainty, and its most probable one is taken.
MIN_SCRIPT_SHARE = 0.2
#: Words a text needs before either check says anything.
MIN_WORDS = 50
#: Characters the detector reads: enough for prose, and a bound on its cost.
DETECT_CHARS = 1500
_WORD = re.compile(r"\w+")


def checked(declared: str, text: str) -> tuple[str, bool]:
    """The language, and whether the text overruled the declaration."""
    if count_words(text) < MIN_WORDS or declared not in STOP_LISTS:
        return declared, False
    if stop_share(text, declared) >= MIN_STOP_SHARE:
        return declared, False
    code, probability = _identifier().classify(text[:DETECT_CHARS])
    code = MACROLANGUAGES.get(code, code) or declared
    foreign = script_share(text[:DETECT_CHARS], declared) < MIN_SCRIPT_SHARE
    if code == declared or len(code) != 2 or (probability < OVERRULE_PROBABILITY and not foreign):
        return declared, False
    return code, True


def script_share(text: str, code: str) -> float:
    """The share of the text's letters in the script the language ``code`` is written in:
    Cyrillic for Russian, Latin (with its extensions) for the others with stop lists."""
    letters = [ord(c) for c in text if c.isalpha()]
    if not letters:
        return 1.0
    if code == "ru":
        inside = sum(0x400 <= c <= 0x52F for c in letters)
    else:
        inside = sum(c < 0x250 or 0x1E00 <= c <= 0x1EFF for c in letters)
    return inside / len(letters)


def stop_share(text: str, code: str) -> float:
    """The share of the text's words on the stop list of the language ``code`` names."""
    words = [w.casefold() for w in _WORD.findall(text)]
    stop = _stop_list(STOP_LISTS[code])
    return sum(w in stop for w in words) / len(words) if words else 0.0


#: The detector's ISO 639-3 answers for varieties of a language that has an ISO 639-1 code,
#: stored as that code: Egyptian Arabic is found by ``--language ar``, Cantonese by ``zh``.
#: Its other 639-3 answers (Ligurian "lij", Venetian "vec") have no shorter code and are
#: stored as they are; "zxx", no linguistic content, is no language.
MACROLANGUAGES = {
    "arz": "ar",
    "ary": "ar",
    "yue": "zh",
    "wuu": "zh",
    "uzs": "uz",
    "gug": "gn",
    "sdh": "ku",
    "fuv": "ff",
    "zxx": None,
}


#: The detector's other three-letter answers, stored as they are: the only ISO 639-3 codes
#: an article may have (a declaration or a plugin gives two letters).
OWN_CODES = frozenset("ace bcl crh ext gcf gcr gom grc guw hbo kab kik lij ltg nso pcm vec".split())


def detect(text: str) -> str | None:
    """The text's language as the detector reads it, for a page that declares none."""
    if count_words(text) < 5:
        return None
    code, _ = _identifier().classify(text[:DETECT_CHARS])
    return MACROLANGUAGES.get(code, code)


@cache
def _stop_list(name: str) -> frozenset[str]:
    import justext

    return frozenset(justext.get_stoplist(name))


@cache
def _identifier():  # noqa: ANN202 (py3langid's class, imported here)
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE, norm_probs=True)
