"""A page's bytes to text: the label, unless the bytes prove it wrong."""

import pytest

from ingest.extract.decoding import Decoded, decode, decode_html, is_misread
from ingest.extract.process import Job, process_job
from ingest.plugins.manager import PluginConfig, load_plugins

FRENCH = "Les élèves ont déjeuné à côté de la gare, où le café était fermé ce matin-là. "
GERMAN = "Die Bürger äußern sich über Größe und Qualität: die Straßenbahn fährt pünktlich. "
POLISH = "Rząd ogłosił nowe środki wsparcia dla małych przedsiębiorstw w regionach kraju. "
TURKISH = "Hükümet, ülkenin bölgelerindeki küçük işletmeler için yeni önlemler açıkladı. "
VIETNAMESE = "Chính phủ đã công bố các biện pháp mới để hỗ trợ doanh nghiệp nhỏ ở các tỉnh. "
RUSSIAN = "Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны. "
GREEK = "Η κυβέρνηση ανακοίνωσε νέα μέτρα στήριξης για τις μικρές επιχειρήσεις της χώρας. "
HEBREW = "הממשלה הודיעה על צעדים חדשים לתמיכה בעסקים קטנים באזורי הארץ, כך נמסר במשרד. "
JAPANESE = "政府は地方の中小企業を支援する新たな措置を発表したと省が明らかにした。"
CHINESE = "政府宣布了支持地方中小企业的新措施，部门表示，这些措施将在下个月开始实施。"


def page(text: str, meta: str | None = None) -> str:
    head = f'<meta charset="{meta}">' if meta else ""
    return (
        f"<html><head>{head}<title>News</title><script>var menu = 'x';</script></head><body>"
        f'<nav><a href="/">Home</a> <a href="/world">World</a></nav><p>{text * 4}</p></body></html>'
    )


LATIN1 = "text/html; charset=iso-8859-1"


@pytest.mark.parametrize("text", [FRENCH, GERMAN, RUSSIAN, JAPANESE])
def test_utf8_bytes_a_server_labels_latin1_are_read_as_utf8(text):
    # Apache's AddDefaultCharset: "Müller" had been stored as "MÃ¼ller", with no error.
    found = decode(page(text, "utf-8").encode("utf-8"), LATIN1)
    assert found == Decoded(page(text, "utf-8"), "utf-8", "iso-8859-1")
    assert found.provenance() == "utf-8, not iso-8859-1 as labelled"


def test_utf8_bytes_whose_own_meta_says_latin1_are_read_as_utf8():
    found = decode(page(GERMAN, "iso-8859-1").encode("utf-8"))
    assert (found.text, found.encoding, found.overruled) == (
        page(GERMAN, "iso-8859-1"),
        "utf-8",
        "cp1252",  # the encoding a browser uses for that label
    )


@pytest.mark.parametrize(
    ("text", "charset"),
    [(FRENCH, "cp1252"), (GERMAN, "iso-8859-15"), (POLISH, "iso-8859-2"), (RUSSIAN, "cp1251")],
)
def test_a_page_in_the_charset_its_server_names_is_read_by_it(text, charset):
    body = page(text).encode(charset)
    found = decode(body, f"text/html; charset={charset}")
    assert found.text == page(text) and found.overruled is None


def test_plain_ascii_is_never_overruled():
    found = decode(page("Plain words only. ").encode("ascii"), LATIN1)
    assert found == Decoded(page("Plain words only. "), "cp1252")


@pytest.mark.parametrize(
    ("text", "charset", "codec"),
    [
        (RUSSIAN, "windows-1251", "cp1251"),
        (GREEK, "iso-8859-7", "iso8859-7"),
        (HEBREW, "windows-1255", "cp1255"),
    ],
)
def test_a_page_whose_label_garbles_its_script_is_read_by_its_own_meta(text, charset, codec):
    body = page(text, charset).encode(codec)
    found = decode(body, LATIN1)
    assert found == Decoded(page(text, charset), codec, "iso-8859-1")
    assert not is_misread(found.text)


def test_without_a_meta_to_read_it_by_the_garble_stays_and_is_told():
    body = page(RUSSIAN).encode("cp1251")
    found = decode(body, LATIN1)
    assert found == Decoded(body.decode("cp1252"), "cp1252")
    assert is_misread(found.text)


def test_a_meta_that_garbles_it_too_is_not_taken():
    body = page(RUSSIAN, "iso-8859-2").encode("cp1251")  # both labels wrong
    found = decode(body, LATIN1)
    assert found == Decoded(body.decode("cp1252"), "cp1252")


def test_a_page_labelled_utf8_that_is_not_is_read_by_its_own_meta():
    body = page(FRENCH, "iso-8859-1").encode("latin-1")
    found = decode(body, "text/html; charset=utf-8")
    assert found == Decoded(page(FRENCH, "iso-8859-1"), "cp1252", "utf-8")


@pytest.mark.parametrize(
    ("text", "codec", "guessed"),
    [
        (FRENCH, "cp1252", "cp1252"),  # the web's default for unlabelled pages
        (GERMAN, "cp1252", "cp1252"),
        (RUSSIAN, "cp1251", "cp1251"),  # windows-1252 garbles it: the detector's guess
        (JAPANESE, "shift_jis", "cp932"),  # a Japanese charset: the detector's guess
        (CHINESE, "gbk", "gb18030"),
    ],
)
def test_a_page_that_names_no_charset_is_read_as_its_bytes_look(text, codec, guessed):
    # read as UTF-8 before, the accents of a Latin-1 page became replacement characters
    found = decode(page(text).encode(codec), "text/html")
    assert found == Decoded(page(text), guessed, guessed=True)
    assert found.provenance() == f"{guessed}, guessed: none declared"


def test_an_unlabelled_page_in_utf8_or_ascii_is_no_guess():
    assert decode(page(FRENCH).encode("utf-8")) == Decoded(page(FRENCH), "utf-8")
    assert decode(page("Plain. ").encode("ascii")) == Decoded(page("Plain. "), "utf-8")


def test_a_latin1_page_labelled_utf8_with_no_meta_is_read_as_its_bytes_look():
    found = decode(page(FRENCH).encode("latin-1"), "text/html; charset=utf-8")
    assert found == Decoded(page(FRENCH), "cp1252", "utf-8")


def test_a_page_in_shift_jis_is_not_taken_for_utf8():
    body = page(JAPANESE, "shift_jis").encode("shift_jis")
    assert decode_html(body, "text/html; charset=shift_jis") == page(JAPANESE, "shift_jis")


@pytest.mark.parametrize("text", [FRENCH, GERMAN, POLISH, TURKISH, VIETNAMESE, RUSSIAN, GREEK])
def test_text_in_its_own_script_is_not_garble(text):
    assert not is_misread(page(text))


@pytest.mark.parametrize(("text", "codec"), [(RUSSIAN, "cp1251"), (GREEK, "iso-8859-7")])
def test_a_script_read_as_latin1_is_garble(text, codec):
    assert is_misread(page(text).encode(codec).decode("cp1252"))


def test_garble_needs_twenty_words_and_a_quarter_of_them():
    garbled = RUSSIAN.encode("cp1251").decode("cp1252")  # 9 words of 3 letters or more
    assert not is_misread(garbled * 2)  # 18 words: too few to judge
    assert is_misread(garbled * 3)
    plain = "Plain English words for the count here. " * 3  # 21 words
    assert is_misread(garbled * 3 + plain * 3)  # 27 of 90
    assert not is_misread(garbled * 3 + plain * 4)  # 27 of 111: under a quarter


STORY = (
    "<html><head>{meta}<title>Новости дня</title></head><body><article><h1>Новости дня</h1>"
    + "<p>{text}</p>" * 6
    + "</article></body></html>"
)


def job_outcome(body: bytes, content_type: str):
    plugins = load_plugins(PluginConfig(entry_points=False))
    return process_job(plugins, Job("https://news.example/2024/05/story", body, content_type))


def test_an_article_read_against_its_label_says_so_in_its_provenance():
    html = STORY.format(meta="", text=RUSSIAN * 3)
    outcome = job_outcome(html.encode("utf-8"), LATIN1)
    assert outcome.errors == []
    assert outcome.article["text"].splitlines()[0] == (RUSSIAN * 3).strip()
    assert outcome.article["provenance"]["charset"] == "utf-8, not iso-8859-1 as labelled"


def test_an_article_that_stays_garbled_is_stored_with_an_error_saying_so():
    html = STORY.format(meta="", text=RUSSIAN * 3)
    outcome = job_outcome(html.encode("cp1251"), LATIN1)
    assert outcome.article is not None and "charset" not in outcome.article["provenance"]
    assert outcome.errors == [
        {
            "stage": "extract",
            "kind": "garbled_text",
            "message": "the text reads as another script decoded as cp1252, and the page "
            "names no other charset: stored as read",
        }
    ]


def test_an_article_read_by_its_label_has_no_charset_note():
    html = STORY.format(meta='<meta charset="windows-1251">', text=RUSSIAN * 3)
    outcome = job_outcome(html.encode("cp1251"), "text/html; charset=windows-1251")
    assert outcome.errors == [] and "charset" not in outcome.article["provenance"]
    assert outcome.article["title"] == "Новости дня"


FRENCH_STORY = STORY.replace("Новости дня", "Nouvelles du jour")


def test_an_article_whose_charset_was_guessed_says_so():
    html = FRENCH_STORY.format(meta="", text=FRENCH * 3)
    outcome = job_outcome(html.encode("cp1252"), "text/html")
    assert outcome.errors == []
    assert outcome.article["provenance"]["charset"] == "cp1252, guessed: none declared"
    assert outcome.article["text"].splitlines()[0] == (FRENCH * 3).strip()


def test_an_article_left_with_unreadable_characters_is_stored_with_an_error():
    # labelled UTF-8 twice (server and page), in Latin-1: no charset named reads it
    html = FRENCH_STORY.format(meta='<meta charset="utf-8">', text=FRENCH * 3)
    outcome = job_outcome(html.encode("latin-1"), "text/html; charset=utf-8")
    unread = outcome.article["text"].count("\ufffd")
    assert unread == 3 * 12  # the 12 accents of FRENCH, three times
    assert outcome.errors == [
        {
            "stage": "extract",
            "kind": "garbled_text",
            "message": f"{unread} characters of the text could not be read as utf-8",
        }
    ]


@pytest.mark.parametrize(("count", "errors"), [(2, 0), (3, 1)])
def test_two_unreadable_characters_are_a_typo_three_a_charset(count, errors):
    text = "Une phrase en français, avec des accents, pour le test du compte. " * 20
    text = text.replace("ç", "\ufffd", 1) + " x\ufffd" * (count - 1)
    html = FRENCH_STORY.format(meta='<meta charset="utf-8">', text=text)
    outcome = job_outcome(html.encode("utf-8"), "text/html; charset=utf-8")
    assert outcome.article["text"].count("\ufffd") == count
    assert len(outcome.errors) == errors
