"""A page's bytes to text: as a browser reads them, unless the bytes prove the label wrong.

Servers label whole sites alike (Apache's ``AddDefaultCharset``, a proxy's default), so
a page's charset label can be wrong, and then every accent of its story is garbled with
no error: "Müller" stored as "MÃ¼ller". What the bytes themselves say is checked where it
is decisive:

- Text in a legacy charset almost never forms valid UTF-8 by chance, so a non-ASCII page
  that is valid UTF-8 is read as UTF-8, whatever the label says.
- A page labelled UTF-8 that is not (replacement characters) is read by its own
  ``<meta>`` charset, or as its bytes look, when that fits better.
- A page read in a Latin charset whose words come out as runs of accented letters only
  ("Ïðèâåò": Russian in windows-1251, read as Latin-1) is read by its ``<meta>`` charset
  when that one names another and reads as words.
- A page that names no charset is read as its bytes look (``sniff``), not as UTF-8 with
  its accents replaced.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from w3lib.encoding import html_body_declared_encoding, html_to_unicode

#: A word of three or more letters, all of them accented Latin ones (U+00C0 to U+024F):
#: what text in a Cyrillic, Greek or Hebrew single-byte charset becomes when read as a
#: Latin one. Real words in Latin scripts mix in plain letters ("für", "façon", "łódź").
MISREAD_WORD = re.compile(r"(?<![^\W\d_])[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]{3,}(?![^\W\d_])")
WORD = re.compile(r"[^\W\d_]{3,}")
#: The share of words read that way that makes a text garbled. On the 986 pages of the
#: shared evaluation set with 20 words or more (German, English, French, Polish, Spanish
#: and more) it is 0 on every one; Russian, Greek and Hebrew read as Latin-1 give 100 %.
MISREAD_SHARE = 0.25
#: Fewer words than this are too few to judge.
MISREAD_MIN_WORDS = 20


@dataclass(frozen=True)
class Decoded:
    """The text, the charset it was read in, and the label it overruled, if it did."""

    text: str
    encoding: str
    overruled: str | None = None  # the charset the server or the page named, proved wrong
    guessed: bool = False  # nothing named one, and the bytes are no UTF-8

    def provenance(self) -> str | None:
        """What the article's provenance says of it: "utf-8, not iso-8859-1 as labelled"."""
        if self.overruled:
            return f"{self.encoding}, not {self.overruled} as labelled"
        return f"{self.encoding}, guessed: none declared" if self.guessed else None


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes to text as a browser would (BOM, HTTP charset, ``<meta>`` charset, else what
    the bytes look like), unless the bytes prove the label wrong."""
    return decode(body, content_type).text


def decode(body: bytes, content_type: str | None = None) -> Decoded:
    """``decode_html``, saying which charset was used and which label it overruled."""
    encoding, text = html_to_unicode(content_type, body, auto_detect_fun=sniff)
    label = charset_label(content_type)
    if not label and not html_body_declared_encoding(body) and not is_utf(encoding):
        return Decoded(text, codec_name(encoding), guessed=True)  # sniffed: no BOM, no label
    if is_utf(encoding):
        if "\ufffd" in text and label:
            own_encoding, own = html_to_unicode(None, body, auto_detect_fun=sniff)
            if own.count("\ufffd") < text.count("\ufffd"):
                return Decoded(own, codec_name(own_encoding), label)
        return Decoded(text, codec_name(encoding))
    if not body.isascii() and is_utf8(body):
        return Decoded(body.decode("utf-8"), "utf-8", label or codec_name(encoding))
    own_encoding = html_body_declared_encoding(body) if label else None
    if own_encoding and codec_name(own_encoding) != codec_name(encoding) and is_misread(text):
        own = body.decode(own_encoding, errors="replace")
        if not is_misread(own) and own.count("\ufffd") <= text.count("\ufffd"):
            return Decoded(own, codec_name(own_encoding), label)
    return Decoded(text, codec_name(encoding))


#: Charsets of several bytes a character, which a detector tells apart well: a page in
#: Chinese, Japanese or Korean that names none. Its guesses among single-byte charsets
#: are not taken as they come (it reads French in windows-1252 as Mac Central European).
MULTIBYTE = frozenset(
    "gb18030 gbk gb2312 big5 big5hkscs cp950 cp932 shift_jis shift_jis_2004 euc_jp "
    "euc_jis_2004 euc_jisx0213 iso2022_jp cp949 euc_kr johab".split()
)


def sniff(body: bytes) -> str:
    """The charset of a page that names none (no BOM, no HTTP or ``<meta>`` charset), as a
    browser guesses it: UTF-8 where the bytes are UTF-8; a Chinese, Japanese or Korean
    charset where a detector finds one; windows-1252 (the web's default for unlabelled
    pages), unless that garbles the page's words and the detector's guess reads them."""
    if is_utf8(body):
        return "utf-8"
    from charset_normalizer import from_bytes  # noqa: PLC0415 (only unlabelled legacy pages)

    best = from_bytes(body).best()
    guess = codec_name(best.encoding) if best is not None else None
    if guess in MULTIBYTE:
        return guess
    garbled = guess and is_misread(body.decode("cp1252", errors="replace"))
    return guess if garbled and not is_misread(body.decode(guess, errors="replace")) else "cp1252"


def charset_label(content_type: str | None) -> str | None:
    """The charset a Content-Type header names, as written."""
    found = re.search(r"charset\s*=\s*[\"']?([^\s;\"']+)", content_type or "", re.IGNORECASE)
    return found.group(1) if found else None


def codec_name(encoding: str) -> str:
    """One name for each charset: "utf-8", "cp1251", "iso8859-7"."""
    return codecs.lookup(encoding).name


def is_utf(encoding: str) -> bool:
    return codec_name(encoding).startswith("utf")


def is_utf8(body: bytes) -> bool:
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


#: What a browser does not show: scripts, styles, comments and the tags themselves.
HIDDEN = re.compile(r"<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", re.IGNORECASE | re.DOTALL)


def is_misread(html: str) -> bool:
    """The page's words read as a non-Latin script decoded in a Latin charset (see
    MISREAD_WORD); the markup, in plain letters, is left out of the count."""
    text = HIDDEN.sub(" ", html)
    words = len(WORD.findall(text))
    if words < MISREAD_MIN_WORDS:
        return False
    return len(MISREAD_WORD.findall(text)) >= MISREAD_SHARE * words
