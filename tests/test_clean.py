"""The generic cleanup, rule by rule, on small pages that show each case."""

import pytest

from ingest.article import Article, Page
from ingest.extract import clean
from ingest.extract.appeals import is_appeal_for_site
from ingest.extract.clean import (
    clean_article,
    fold,
    has_numeric_date,
    is_boilerplate,
    is_byline,
    is_call_to_action,
    is_caption,
    is_credit,
    is_date_fragment,
    is_lead_in,
    is_notice,
    is_share_bar,
    is_site_name,
)
from ingest.extract.site_names import (
    names_host,
    own_names,
    site_names,
    strip_site_name,
    title_affixes,
)
from ingest.plugins.outlet import Outlet
from ingest.words import is_ornament


@pytest.mark.parametrize(
    "line",
    [
        "Thu, May",
        "Thursday, 6 May 2021",
        "Do., 6. Mai 2021",
        "jeudi 6 mai 2021",
        "6 Mayıs 2021 Perşembe",
        "Updated: 06/05/2021 10:45 GMT",
        "sábado, 1 de mayo de 2021",
        "2024年3月1日 10:30",
        "2024年3月1日（星期五）",
        "发布时间：2024-03-01 10:30",
        "2024/03/01（金） 10:30",
        "2024년 3월 1일 오후 2:30",
    ],
)
def test_date_fragments_go(line):
    assert is_date_fragment(line)


@pytest.mark.parametrize(
    "line",
    [
        "May the best team win.",
        "The vote is on Thursday.",
        "2021",
        "In May 2021 the council met.",
        "Sun and rain",
        "港务局星期一宣布关闭北码头。",
        "2024年3月1日 来源：新华社",  # a source named: no date alone
        "2024年",  # a year heading, as "2021" above
        "（1935年—2024年）",
        "金 100",  # 金 is Friday only beside a date
    ],
)
def test_sentences_with_dates_stay(line):
    assert not is_date_fragment(line)


def test_site_name_logo_lines_go_but_sentences_naming_the_site_stay():
    names = ["Yeni Haber"]
    assert is_site_name("60 Yeni Haber", names)
    assert is_site_name("YENI HABER", names)
    assert not is_site_name("Yeni Haber reported the talks first.", names)


@pytest.mark.parametrize(
    "line",
    [
        "Sign up via our free email subscription service to receive notifications when new "
        "information is available.",
        "Subscribe to our newsletter today!",
        "Jetzt den Newsletter abonnieren",
        "Abonnez-vous à notre lettre d'information",
        "Suscríbete a nuestro boletín gratuito",
        "Bültenimize abone olun",
        "© 2021 Example Media. All rights reserved.",
        "We use cookies to improve your experience.",
        # newsletter boxes in any language: their heading and their offer
        "PC Gamer Newsletter",
        "Newsletter-Anmeldung",
        "Musiknewsletter",
        "Lass dir die besten Storys jede Woche in deinen Posteingang liefern.",
        "Get The Daily Edition by email and never miss our top stories Free Sign Up",
        "Sign up to get the best content of the week, as picked by the editors.",
        # following, supporting and writing to the outlet
        "Follow The Gleaner on Twitter and Instagram @JamaicaGleaner",
        "Folge uns auf Facebook | Instagram",
        "¡Mira lo que tiene nuestro canal de YouTube!",
        "If you enjoyed reading this post, would you consider supporting our work?",
        "We need your help to keep going. Donate",
        "Unterstütze unsere Arbeit und abonniere das Magazin!",
        "Submit your letter to the editor via this form.",
    ],
)
def test_calls_to_action_go(line):
    assert is_call_to_action(line)


@pytest.mark.parametrize(
    "line",
    [
        "Follow these steps shared on Twitter to safely stop a pickpocket.",
        "The charity will donate the proceeds to three hospitals in the region.",
        "Die Stiftung unterstützt uns seit Jahren bei der Recherche.",
        "Newsletters from banks are a favourite tool of phishing gangs, the police said.",
    ],
)
def test_prose_that_mentions_following_donating_or_newsletters_stays(line):
    assert not is_call_to_action(line)


def test_long_prose_mentioning_a_newsletter_stays():
    line = (
        "The minister said in a statement that the company had asked readers to sign up for "
        "a free newsletter, and that regulators would now examine whether the email "
        "campaign had breached data protection rules that came into force last year, "
        "according to documents seen by reporters."
    )
    assert not is_call_to_action(line)


def test_share_bars_go():
    assert is_share_bar("Share on Facebook Tweet WhatsApp Email")
    assert not is_share_bar("Share prices fell sharply on Monday.")


@pytest.mark.parametrize("line", ["___", "* * *", "-", "…", "。", "==========", "+++", "• • •"])
def test_rules_and_section_breaks_go(line):
    article = Article(url="http://n.example/1", title="", text=f"Talks opened.\n{line}\nThey end.")
    clean_article(article, Page(url=article.url, html="<html><body></body></html>"), None)
    assert article.text == "Talks opened.\nThey end."


@pytest.mark.parametrize(
    "line", ["});", "}", "|---|---|", "- 1", "***Update***", "1.", "...", "#", "##", "---"]
)
def test_code_table_rows_and_lines_with_a_word_are_no_ornament(line):
    assert not is_ornament(line)


def test_title_suffix_and_prefix_are_stripped():
    assert title_affixes("Russia offers help | Yeni Haber") == ["Yeni Haber"]
    assert (
        strip_site_name("Russia offers help | Yeni Haber", ["Yeni Haber"]) == "Russia offers help"
    )
    assert (
        strip_site_name("Yeni Haber - Russia offers help", ["Yeni Haber"]) == "Russia offers help"
    )
    assert strip_site_name("A - B talks", ["Yeni Haber"]) == "A - B talks"


def test_seed_page_text_comes_out_clean():
    html = """<html><head><title>Talks open | Yeni Haber</title>
    <meta property="og:site_name" content="Yeni Haber"></head><body></body></html>"""
    article = Article(
        url="http://yenihaber.example/news/1",
        title="Talks open | Yeni Haber",
        text="Thu, May\n60 Yeni Haber\nTalks open\nISLAMABAD: Talks opened today.\n"
        "Sign up via our free email subscription service to receive notifications when new "
        "information is available.",
    )
    clean_article(article, Page(url=article.url, html=html), None)
    assert article.title == "Talks open"
    assert article.text == "ISLAMABAD: Talks opened today."


def test_outlet_boilerplate_phrases_go():
    from ingest.plugins.outlet import Outlet

    outlet = Outlet(name="x", domains=["x.example"], boilerplate=["Read our live blog"])
    article = Article(
        url="http://x.example/a",
        title="T",
        text="Real text here.\nRead our live blog for more on this story.",
    )
    clean_article(article, Page(url=article.url, html="<html></html>"), outlet)
    assert article.text == "Real text here."


@pytest.mark.parametrize(
    "line",
    [
        "Read more: Floods close the coastal road",
        "Lesen Sie auch: Der neue Haushalt",
        "À lire aussi : la réforme des retraites",
        "Lea también: El Congreso aprueba la ley",
        "Mire: El cantante da positivo",
        "Schon gelesen?",
        "Foto: dpa",
        "Crédits photos : Bestimage",
        "ANZEIGE - Heute mal ausgehen?",
        "*Werbung. Dieser Beitrag enthält Werbung.",
        "PUEDES VER: ¿Qué es la Sunedu y para qué sirve?",
        "VEA TAMBIÉN: Estrella de la educación no brilla",
        "MIRA: Madre se acerca a conocer los motivos",
        "Zum Weiterlesen:",
        "Czytaj też: Wyścig zbrojeń ruszył z kopyta",
        "You may also like",
    ],
)
def test_lead_ins_go(line):
    assert is_lead_in(line)


def test_a_sentence_that_starts_like_a_lead_in_stays():
    assert not is_lead_in("Read more than twenty pages of the report and you see the problem.")
    assert not is_lead_in("MIRA-Award für den besten Dokumentarfilm")
    assert not is_lead_in("Mira Sorvino spielt die Hauptrolle.")


@pytest.mark.parametrize(
    "line",
    [
        "This article is the copyrighted property of Breaking Belize News.",
        "Copyright 2024 Harbour Media. All rights reserved.",
        "© Harbour Media",
        "| © 2021 harbour.example | Impressum | Datenschutz |",
        "Alle Rechte vorbehalten.",
        "Copyright Harbour Media",
        "This content is copyrighted.",
        "TÜM HAKLARI SAKLIDIR",
        "This post contains references to products from one or more of our advertisers.",
        "If you're seeing this message but you're already a subscriber, log in.",
        "For the latest stories download the Nationnews apps for iOS and Android.",
        "Inhaltsverzeichnis",
        "Alle Angaben ohne Gewähr",
        # what is left of a comment section
        "3 Kommentare",
        "Keine Kommentare (Kommentare erscheinen erst nach unserer Freigabe)",
        "January 13, 2020 at 08:45 AM | categories: Python | View Comments",
        "Du musst eingeloggt sein, um Kommentare zu schreiben!",
        # a placeholder for a map or video loaded once the reader consents
        "Klicken Sie auf den Button, um den Inhalt von www.komoot.de zu laden.",
    ],
)
def test_notices_go(line):
    assert is_notice(line)


@pytest.mark.parametrize(
    "line",
    [
        "Cristina Kirchner y Alberto Fernández, en el Congreso (Foto: Natacha Pisarenko/Pool).",
        "Marco Odermatt, Ski-Star aus der Schweiz. © AFP / MARCO BERTORELLO",
        "The harbour at dawn (Photo: Jane Doe)",
    ],
)
def test_captions_ending_with_their_credit_go(line):
    assert is_caption(line)


def test_paragraphs_that_cite_a_source_or_mention_copyright_stay():
    # a sentence about copyright is the story; a notice has a notice's shape
    assert not is_notice("The court said the copyright claim against the archive came too late.")
    assert not is_notice("Der Verlag hält das Copyright an den Fotos, sagte eine Sprecherin.")
    assert not is_notice("Copyright holders said the bill went too far, lawmakers heard.")
    assert not is_notice("Neu im Sortiment (gilt auch für das Wake News © Feiertags-Angebot):")
    assert not is_caption("Die Ermittlungen gehen weiter. (Quelle: SWR)")
    assert not is_caption("Neu im Sortiment (gilt auch für das Wake News © Feiertags-Angebot):")
    long_one = " ".join(["Der Gemeinderat hat lange über den Plan beraten."] * 5)
    assert not is_caption(f"{long_one} (Foto: dpa)")


@pytest.mark.parametrize(
    "line",
    [
        "To view the full story, please subscribe to The Daily Example. Plans start at $5.",
        "Unterstütze Example Mag bereits mit 2,50!",
        "Support The Daily Example",
        "» Subscribe to the daily example today",
        "Bitte unterstützen Sie Example Mag.",
        "Soutenez Example Mag : chaque euro compte.",
        "Apoya Example Mag",
        "Suscríbete a Example Mag y recibe las noticias.",
        "Donate to The Daily Example",
        "We are independent. Become a member of The Daily Example",
        "Abonnez-vous à Example Mag",
        "Abonnieren Sie Example Mag",
        # a quotation closed before the request's sentence: the request is the site's own
        'Thanks for reading "Morning Notes". Support The Daily Example today.',
    ],
)
def test_the_site_asking_for_money_or_sign_ups_goes(line):
    assert is_appeal_for_site(line, ["The Daily Example", "Example Mag"])


@pytest.mark.parametrize(
    "line",
    [
        # the request must name the site; the site named elsewhere is a story's line
        "Please subscribe to our podcast.",
        "Readers of The Daily Example support the council's plan.",
        "The release will support Python 3.12 and later.",
        "Support Example Magazines, the publisher's other title",
        "Support The Daily Example " + "harbour " * 37,  # 41 words: prose
    ],
)
def test_support_for_something_else_or_a_long_line_stays(line):
    assert not is_appeal_for_site(line, ["The Daily Example", "Example Mag", "Python"])


def test_an_appeal_is_to_the_name_the_page_surely_gives_itself_and_not_a_quote():
    """A <title>'s section ("... | Ukraine | Daily Example") is among the names cleaning
    strips from titles: the president's quote asking to support Ukraine was dropped."""
    html = (
        "<html><head><title>Zelensky speaks | Ukraine | Daily Example</title>"
        '<meta property="og:site_name" content="Daily Example"></head><body></body></html>'
    )
    page = Page(url="https://dailyexample.com/world/zelensky-congress", html=html)
    quote = '"Please support Ukraine," he told the chamber, to long applause.'
    appeal = "Please support Daily Example: subscribe today."
    quoted = "“Please support Daily Example,” the editor wrote to readers last year."
    article = Article(url=page.url, title="Zelensky speaks", text=f"{quote}\n{appeal}\n{quoted}")
    clean_article(article, page, None)
    assert article.text == f"{quote}\n{quoted}"
    assert "Ukraine" in site_names(article, page, None)  # a name for titles, not for appeals


def test_an_appeal_needs_the_pages_names():
    assert not is_appeal_for_site("Support The Daily Example", [])
    assert is_appeal_for_site(words(40, "Support The Daily Example"), ["The Daily Example"])


def test_credits_go_and_ordinary_slashes_stay():
    assert is_credit("AFP / MARCO BERTORELLO")
    assert is_credit("aja/PAP")
    assert not is_credit("Ticket prices rose 5/6 of a point")


def test_phone_numbers_are_not_dates():
    assert not is_date_fragment("+81 158-23-2012")
    assert is_date_fragment("23.10.2018")


def alternatives(pattern: str) -> list[str]:
    """A regex's top-level alternatives ("a|b(c|d)" -> ["a", "b(c|d)"])."""
    parts, depth, start, i = [], 0, 0, 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]


@pytest.mark.parametrize("phrases", [clean.CALL_TO_ACTION, clean.NOTICE], ids=["calls", "notices"])
def test_every_phrase_pattern_names_a_word_its_prefilter_knows(phrases):
    """A pattern whose lines hold none of the prefilter's words would never be searched."""
    for pattern in phrases.patterns:
        for alternative in alternatives(pattern):
            assert any(w in alternative.lower() for w in phrases.words), alternative


# -- each rule's bounds, exactly: one word more and the line is prose -----------------------


def words(n: int, opening: str = "", closing: str = "") -> str:
    """A line of ``n`` words: ``opening``, plain words, then ``closing``."""
    fixed = (opening.split() if opening else []) + (closing.split() if closing else [])
    middle = ["harbour"] * (n - len(fixed))
    return " ".join([*opening.split(), *middle, *closing.split()])


def test_the_word_limits_of_each_rule():
    assert is_lead_in(words(25, "Read more:")) and not is_lead_in(words(26, "Read more:"))
    assert is_caption(words(30, closing="(Photo: Jane Doe)"))
    assert not is_caption(words(31, closing="(Photo: Jane Doe)"))
    newsletter = "Subscribe to our newsletter today"
    assert is_call_to_action(words(40, newsletter)) and not is_call_to_action(words(41, newsletter))
    assert is_notice(words(40, "Copyright")) and not is_notice(words(41, "Copyright"))
    assert is_credit("AFP / a b c d") and not is_credit("AFP / a b c d e")
    assert is_byline("By a b c d e f g", []) and not is_byline("By a b c d e f g h", [])
    assert is_share_bar(" ".join(["share"] * 12)) and not is_share_bar(" ".join(["share"] * 13))
    assert not is_share_bar("123 456")
    ten = "Mon Tue Wed Thu Fri Sat Sun Jan Feb Mar"
    assert is_date_fragment(ten) and not is_date_fragment(ten + " Apr")


def test_the_phrase_lists_apply_to_long_lines_and_the_rules_only_to_short_ones():
    long_copyright = words(41, "Copyright")
    assert not is_boilerplate(long_copyright, [], [], [])
    assert is_boilerplate(words(40, "Copyright"), [], [], [])
    assert is_boilerplate(long_copyright, [], ["harbour harbour"], [])


@pytest.mark.parametrize(
    ("line", "dated"),
    [
        ("01.01.1900", True),
        ("01.01.1899", False),
        ("01.01.2100", True),
        ("01.01.2101", False),
        ("01.01.99", True),
        ("01.01.100", False),
        ("0.01.2020", False),
        ("01.0.2020", False),
        ("31.12.2020", True),
        ("32.12.2020", False),
        ("12.31.2020", True),
        ("13.13.2020", False),
        ("2020-12-31", True),
        ("2020-13-13", False),
        ("2020-00-10", False),
        ("call 12-40-1950 or 01.02.2020", True),
    ],
)
def test_numeric_dates_and_their_bounds(line, dated):
    assert has_numeric_date(line) is dated


def test_a_date_fragment_needs_a_date_word_or_a_date_or_a_time():
    assert is_date_fragment("10:45")
    assert is_date_fragment("Updated 10:45")
    assert not is_date_fragment("Updated 1045")
    assert not is_date_fragment("Updated")
    assert not is_date_fragment("")
    assert not is_date_fragment("--")


def test_site_names_come_from_the_page_the_article_and_the_outlet():
    from ingest.plugins.outlet import Outlet

    html = """<html><head><title>Talks open - Yeni Haber</title>
    <meta property="og:site_name" content="YH News">
    <meta name="application-name" content="YH App"></head></html>"""
    article = Article(url="http://x.example/a", title="t", text="", sitename="The Paper")
    outlet = Outlet(name="yeni", domains=["x.example"], title="Yeni Outlet")
    page = Page(url=article.url, html=html)
    assert site_names(article, page, outlet) == [
        "The Paper",
        "Yeni Outlet",
        "YH News",
        "YH App",
        "Yeni Haber",
    ]
    article.sitename = "A name far too long to be a site name at all"
    assert site_names(article, page, None) == ["YH News", "YH App", "Yeni Haber"]


@pytest.mark.parametrize(
    ("head", "h1", "title"),
    [
        # the headline's own dash: "Covid-19" is no site name
        ("<title>Covid-19 - what we know so far</title>", "Covid-19 - what we know so far", None),
        (
            "<title>Covid-19 - what we know so far - News Test</title>",
            "Covid-19 - what we know so far",
            "Covid-19 - what we know so far",
        ),
        (
            "<title>Ukraine – Russia talks resume today</title>",
            "Ukraine – Russia talks resume today",
            None,
        ),
        # a template printing the whole <title> as the h1: the part that spells the host is
        # the site's (the page is on testdaily.example)
        (
            "<title>Budget vote passes | Test Daily</title>",
            "Budget vote passes | Test Daily",
            "Budget vote passes",
        ),
        (
            "<title>Test Daily - Budget vote passes</title>",
            "Test Daily - News",
            "Budget vote passes",
        ),
        # a site name is in no headline: stripped, as ever
        (
            "<title>Talks resume after a long pause | News Test</title>",
            "Talks resume after a long pause",
            "Talks resume after a long pause",
        ),
    ],
)
def test_a_short_part_of_the_title_the_headline_holds_too_is_no_site_name(head, h1, title):
    html = f"<html><head>{head}</head><body><h1>{h1}</h1><p>Story.</p></body></html>"
    written = title or h1
    url = "https://www.testdaily.example/2024/budget"
    article = Article(url=url, title=head.split("</title>")[0][7:], text="")
    clean_article(article, Page(url=url, html=html), None)
    assert article.title == written


def test_title_affixes_keep_short_parts_only():
    assert title_affixes("Headline of the day here :: Site") == ["Site"]
    assert title_affixes("A long headline of the day | one two three four five six") == []
    assert title_affixes("A long headline of the day | one two three four five") == [
        "one two three four five"
    ]
    assert title_affixes("No separator") == []


def test_site_names_are_stripped_from_both_ends_repeatedly():
    names = ["Site", "Net"]
    assert strip_site_name("Site | Net | Big news | Site", names) == "Big news"
    assert strip_site_name("big news · site", names) == "big news"
    assert strip_site_name("  Big news  ", names) == "Big news"


def test_a_site_name_line_allows_numbers_but_no_other_words():
    names = ["Yeni Haber", ""]
    assert is_site_name("Yeni Haber 2024", names)
    assert not is_site_name("Yeni Haber today", names)
    assert not is_site_name("Other", names)
    assert fold("  Ça   Va!  ") == "ça va"


def test_a_byline_is_its_prefix_or_an_author_named_alone():
    assert is_byline("Von Jana Schmidt", [])
    assert is_byline("jane DOE", ["Jane Doe"])
    assert not is_byline("Jane Doe", [""])
    assert not is_byline("Jane", ["Jane Doe"])


def test_single_word_lines_and_lines_of_slashes():
    assert is_date_fragment("Thursday")
    assert is_share_bar("Share")
    assert not is_credit("5/6 of a point")
    assert is_credit("© Jane Doe / Studio")
    assert not is_site_name("2024", [""])  # an empty name matches nothing


def test_site_names_skip_blank_ones_and_keep_six_words():
    html = """<html><head><meta property="og:site_name" content="one two three four five six">
    <meta name="application-name" content="one two three four five six seven"></head></html>"""
    page = Page(url="http://x.example/a", html=html)
    assert site_names(Article(url=page.url, title="t", text=""), page, None) == [
        "one two three four five six"
    ]
    blank = Article(url=page.url, title="t", text="", sitename="   ")
    assert site_names(blank, Page(url=page.url, html="<html></html>"), None) == []


def test_stripping_one_site_name_uncovers_the_next():
    names = ["Site", "Net"]
    assert strip_site_name("Site |  Net | Big news", names) == "Big news"
    assert strip_site_name("Big news | Net  | Site", names) == "Big news"
    assert strip_site_name("Net | Site | Big news", names) == "Big news"


def test_a_phrase_list_finds_its_patterns_in_lines_holding_its_words():
    phrases = clean.Phrases([r"\bfoo\s+bar\b", r"^baz$"], "foo baz")
    assert phrases.patterns == [r"\bfoo\s+bar\b", r"^baz$"]
    assert phrases.words == ("foo", "baz")
    assert phrases.search("Say FOO  bar now") and phrases.search("baz")
    assert not phrases.search("food bar") and not phrases.search("a baz")


def test_a_name_spells_the_host_from_three_letters_and_with_its_subdomains():
    assert names_host("PSL", "https://www.psl.eu/news/1")
    assert names_host("Test Daily", "https://test.daily.example/a")  # the host's parts joined
    assert not names_host("Daily News", "https://news.daily.example/a")  # in another order
    assert names_host("ABC", "https://abc.example/a")
    assert not names_host("TV", "https://tv.example/a")  # two letters spell too much
    assert not names_host("Example", "https://daily.example/a")  # the top-level domain is none


def test_the_names_a_page_surely_gives_its_site():
    """The outlet's title, og:site_name, application-name, and a name (trafilatura's or a
    part of the <title>) that spells the host; not a <title>'s section."""
    html = (
        "<html><head><title>Zelensky speaks | Ukraine | Daily Example</title>"
        '<meta property="og:site_name" content="DE Online">'
        '<meta name="application-name" content="DE App"></head><body></body></html>'
    )
    page = Page(url="https://dailyexample.com/world/zelensky", html=html)
    article = Article(url=page.url, title="Zelensky speaks", text="", sitename="The Example")
    outlet = Outlet(name="de", domains=["dailyexample.com"], title="Daily Example Group")
    names = own_names(article, page, outlet)
    assert names == ["Daily Example Group", "DE Online", "DE App", "Daily Example"]
    article.sitename = "Daily Example Ltd"  # spells the host too
    assert own_names(article, page, None)[2:] == ["Daily Example Ltd", "Daily Example"]
