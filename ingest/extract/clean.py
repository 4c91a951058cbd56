"""Generic cleanup of what trafilatura leaves behind, for any site.

A built-in plugin: it runs first among ``clean_article`` implementations, so
an outlet plugin sees (and may refine) the generically cleaned article. Every
rule works line by line and only removes short lines that carry no sentence
of the story: a date fragment, a site-name logo, a sign-up call, a share bar. Teasers
of the site's other stories are told by the page's links (``ingest.extract.teasers``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ingest import hookimpl
from ingest.article import Article, Page
from ingest.extract.appeals import is_appeal_for_site
from ingest.extract.author_bio import drop_author_bios
from ingest.extract.closing_headings import drop_closing_headings
from ingest.extract.site_names import own_names, site_names, strip_site_name
from ingest.extract.teasers import drop_teasers
from ingest.plugins.outlet import Outlet
from ingest.words import count_words, ends_sentence, fold, is_ornament

# Weekday and month names, full and abbreviated: English, German, French, Spanish, Turkish;
# the year, month, day and weekday signs of Chinese, Japanese and Korean dates.
DATE_WORDS = set(
    """
    mon tue tues wed thu thur thurs fri sat sun monday tuesday wednesday thursday friday
    saturday sunday jan feb mar apr may jun jul aug sep sept oct nov dec january february
    march april june july august september october november december mo di mi do fr sa so
    montag dienstag mittwoch donnerstag freitag samstag sonntag januar jänner februar märz
    mai juni juli oktober dezember mär okt dez lun mar mer jeu ven sam dim lundi mardi
    mercredi jeudi vendredi samedi dimanche janvier février fevrier mars avril juin juillet
    août aout septembre octobre novembre décembre decembre janv févr avr juil déc lunes
    martes miércoles miercoles jueves viernes sábado sabado domingo enero febrero marzo mayo
    junio julio agosto septiembre setiembre octubre noviembre diciembre ene abr ago dic mié
    sáb pazartesi salı sali çarşamba carsamba perşembe persembe cuma cumartesi pazar ocak
    şubat subat mart nisan mayıs mayis haziran temmuz ağustos agustos eylül eylul ekim kasım
    kasim aralık aralik pzt sal çar per cum cmt paz
    月 日 星期一 星期二 星期三 星期四 星期五 星期六 星期日 星期天 周一 周二 周三 周四
    周五 周六 周日 週一 週二 週三 週四 週五 週六 週日 月曜日 火曜日 水曜日 木曜日 金曜日 土曜日
    日曜日 월 일 월요일 화요일 수요일 목요일 금요일 토요일 일요일
    """.split()
)
# Words that stand around dates in datelines ("Updated: Thu, 6 May 2021, 10:45 GMT"). The
# year sign (2024年) and the one-character weekdays of Japanese (（金）, also "gold") make
# no date alone: a year heading stays, as "2024" does.
DATE_FILLERS = set(
    """
    am pm gmt utc cet cest est edt pst pdt bst ist pkt h uhr um den der de del of the le la
    à a las en y et und and at on updated published last modified aktualisiert
    veröffentlicht publié publie mis jour actualizado publicado güncellendi güncelleme
    yayınlandı yayinlandi today yesterday heute gestern aujourd hui hier hoy ayer bugün dün
    st nd rd th er min mins read lesezeit minuten minutes lecture lectura okuma süresi
    letzte änderung stand posted 年 년 号 火 水 木 金 土 时 時 分 秒 시 분 초 上午 下午 午前 午後
    오전 오후 发布 發布
    发布时间 發布時間 更新 更新时间 更新時間 公開 更新日 投稿日
    """.split()
)

CALLS_TO_ACTION = [
    # English
    r"\bsign(?:\s|-)?up\b.{0,80}\b(newsletter|e-?mail|free|notifications?|alerts?|updates)\b",
    r"\bsubscribe\b.{0,80}\b(newsletter|e-?mail|free|notifications?|alerts?|now|today)\b",
    r"\b(our|the|free|daily|weekly)\s+newsletters?\b",
    r"\bget\s+(?:the\s+|our\s+)?(?:latest\s+)?(?:news|stories|headlines)\b.{0,40}\binbox\b",
    r"\b(?:e-?mail|newsletter)\b.{0,80}\bsign(?:\s|-)?up\b|\bsign\s+up\s+to\s+(?:get|receive)\b",
    # any language: a newsletter box's heading, or its offer ("Musiknewsletter", "in your inbox")
    r"^\W*(?:[\w-]+\s+){0,3}\w*newsletter[\w-]*\W*$",
    r"newsletter\b.{0,80}\b(?:erhalten|receive|get|recevez|recibe|recibirás)\b|"
    r"\b(?:erhalten|receive|get|recevez|recibe)\b.{0,80}newsletter",
    r"\b(?:deinen|ihren|your|votre|tu)\s+(?:inbox|posteingang|boîte\s+mail|bandeja\s+de\s+entrada)\b",
    r"\bfollow\s+us\s+on\b",
    r"^\W*follow\s+(?:us|me|@\w+|the\s+\w+(?:\s+\w+)?)\s+on\s+(?:twitter|facebook|instagram|x|"
    r"linkedin|tiktok|youtube|telegram|whatsapp|threads|bluesky|mastodon)\b",
    r"\ball\s+rights\s+reserved\b",
    r"^\W*donate\b|\bdonate\s+(?:now|today|here)\b|\bplease\s+donate\b|\bdonate\W*$",
    r"\bconsider\s+supporting\b|\bsupport\s+(?:our|independent)\s+(?:work|journalism|reporting)\b",
    r"\bbecome\s+a\s+(?:member|supporter|patron)\b",
    r"\bletters?\s+to\s+the\s+editor\b|\bwhat\s+you\s+think\s+about\s+this\s+article\b",
    r"\bwe\s+use\s+cookies\b|\bthis\s+(?:web)?site\s+uses\s+cookies\b|\baccept\s+(?:all\s+)?cookies\b",
    # German
    r"\bnewsletter\b.{0,80}\b(abonnieren|bestellen|anmelden)\b",
    r"\b(jetzt|hier|kostenlos)\b.{0,40}\b(abonnieren|anmelden|registrieren)\b",
    r"\balle\s+rechte\s+vorbehalten\b",
    r"\b(wir\s+verwenden|diese\s+(?:web)?seite\s+verwendet)\s+cookies\b",
    r"\bfolgen\s+sie\s+uns\b|\bfolge\s+uns\b",
    r"\bunterstütze(?:n\s+sie)?\s+(?:unsere\s+arbeit|unseren\s+journalismus|unabhängigen\s+journalismus)\b",
    r"\bleserbrief",
    # French
    r"\babonnez-vous\b|\binscrivez-vous\b.{0,80}\b(newsletter|lettre|gratuit)",
    r"\blettre\s+d.information\b",
    r"\btous\s+droits\s+réservés\b",
    r"\bnous\s+utilisons\s+des\s+cookies\b|\bce\s+site\s+utilise\s+des\s+cookies\b",
    r"\bsuivez-nous\b|\bsuivez\b.{0,30}\bsur\s+(?:twitter|facebook|instagram|linkedin)\b",
    r"\bsoutenez-nous\b|\bsoutenez\s+(?:notre|le)\s+(?:travail|journalisme)\b",
    r"\bcourrier\s+des\s+lecteurs\b",
    # Spanish
    r"\bsuscr[ií]b(?:ete|ase|irse)\b",
    r"\b(?:nuestro\s+)?bolet[ií]n\b.{0,80}\b(gratis|gratuito|correo|suscri)",
    r"\btodos\s+los\s+derechos\s+reservados\b",
    r"\butilizamos\s+cookies\b|\beste\s+sitio\s+(?:web\s+)?utiliza\s+cookies\b",
    r"\bsíguenos\b|\bsiguenos\b|\bnuestro\s+canal\s+de\s+(?:youtube|telegram|whatsapp)\b",
    r"\bcanal\s+de\s+(?:youtube|telegram|whatsapp)\b.{0,40}\b(?:únete|unete|suscr)",
    r"\bapoya\s+(?:el|nuestro)\s+periodismo\b|\bhazte\s+(?:socio|miembro)\b",
    r"\bcartas\s+al\s+director\b",
    # Turkish
    r"\babone\s+ol",
    r"\be-?bülten",
    r"\btüm\s+hakları\s+saklıdır\b",
    r"\bçerez(?:ler)?\b.{0,80}\b(kullan|kabul)",
    r"\bbizi\s+takip\s+edin\b",
    r"\bbağış\s+yap",
]
#: A call to action holds one of these (lower case); see ``Phrases``.
CALL_WORDS = """
    newsletter sign subscri follow rights cookie inbox donat support become letter think
    rechte abonn anmeld registr folg unterstütz leserbrief inscri lettre droits suivez soutenez
    courrier suscr bolet derechos síguenos siguenos canal apoya hazte cartas abone bülten
    hakları çerez takip bağış posteingang boîte bandeja
"""


class Phrases:
    """Phrase patterns as one regex, searched only in lines that hold one of their words.

    Python's regex engine tries every alternative at every position of a line,
    which made these lists most of the cleanup's cost; a substring test for the
    words every pattern needs rules out almost all lines of an article first.
    """

    def __init__(self, patterns: list[str], words: str):
        self.patterns = patterns
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
        self.words = tuple(words.split())

    def search(self, line: str) -> bool:
        lowered = line.lower()
        return any(w in lowered for w in self.words) and bool(self.regex.search(line))


CALL_TO_ACTION = Phrases(CALLS_TO_ACTION, CALL_WORDS)

# Lines that open with these announce a link or a block that is not the story.
LEAD_INS = [
    r"read (?:more|also)|also read|related(?: articles| stories| coverage)?|see also|more on this|"
    r"more from|more stories|you (?:may|might) also like|recommended|most read",
    r"lesen sie (?:auch|mehr|hier)|auch (?:interessant|lesen)|schon gelesen|mehr (?:zum thema|"
    r"themen)|weitere (?:themen|artikel|beiträge|informationen|nachrichten)|empfohlene beiträge|"
    r"das (?:könnte|thema könnte) (?:sie|dich) auch interessieren|top-themen|"
    r"(?:zum )?weiterlesen|mehr dazu|meistgelesen",
    r"lire aussi|à lire aussi|a lire aussi|voir aussi|sur le même sujet|à découvrir|"
    r"vous aimerez aussi",
    r"lea(?: también| más| además)?|mire|le puede interesar|te puede interesar|notas relacionadas|"
    r"más sobre|noticias relacionadas|contenido relacionado|ver también|también te puede interesar|"
    r"puedes ver|vea también|lee también|te recomendamos|mira(?=\s*:)",
    r"czytaj (?:też|także|więcej)|zobacz (?:też|także)|dowiedz się więcej",
    r"ilgili haberler|devamını oku|bunlar da ilginizi çekebilir",
    # advertising and affiliate notices
    r"(?:anzeige|werbung|advertisement|sponsored|publicidad|publicité|reklam)",
]
# Credits and captions: "Foto: dpa", "Crédits photos : Bestimage".
CREDITS = (
    r"(?:photo|foto|fot\.|bild|image|picture|credit|crédit|crédito|quelle|quellenangaben|source|"
    r"fotoğraf)s?(?: photos?)?\s*[:©]"
)
LEAD_IN_RE = re.compile(
    r"^\W*(?:(?:" + "|".join(LEAD_INS) + r")(?:\s*[:.…»>?!-]|\s*$)|" + CREDITS + ")",
    re.IGNORECASE,
)
#: A lead-in line is short: a longer one is a sentence that happens to start alike.
MAX_LEAD_IN_WORDS = 25

NOTICES = [
    # a notice's shape, not the word: prose about copyright law is the story (a line that
    # opens with the word is one only if short or no sentence: is_notice)
    r"^\W*©|©\s*(?:\d{4}|by)\b|\bcopyright\s*(?:©|\(c\)|\d{4}|by\b)|"
    r"\bcopyrighted (?:property|material)\b|\b(?:is|are) copyrighted\b|\ball rights reserved\b|"
    r"\balle rechte vorbehalten\b|\btous droits réservés\b|\btodos los derechos reservados\b|"
    r"\btüm hakları saklıdır\b|\btüm haklari saklidir\b",
    r"\baffiliate\b|\bwe may earn (?:a )?commission\b|contains references to products|"
    r"\bprovisions?-?links?\b|enthält (?:werbung|affiliate)|\bwerbelinks?\b",
    r"\bto continue reading\b|\balready a subscriber\b|\bsubscribe to (?:read|continue)\b|"
    r"\bpour lire la suite\b|\bweiterlesen mit\b|\bcontenido exclusivo para suscriptores\b",
    r"\bdownload (?:the|our) .{0,40}\bapps?\b",
    r"\b(?:alle angaben ohne gewähr|sans garantie|sin garantía)\b",
    r"^(?:inhaltsverzeichnis|table of contents|contents|índice|sommaire|içindekiler)$",
    r"\bsign up here\b|\bhazte miembro\b|\bsie sind (?:aktuell )?nicht eingeloggt\b",
    # what is left of a comment section: "3 Kommentare", "Leave a reply", "No comments yet"
    r"^[\s|•–(-]*(?:\d+\s+)?(?:kommentare?|comments?|commentaires?|comentarios?|yorum(?:lar)?)"
    r"[\s|:()\d]*$|\bleave a (?:comment|reply)\b|\bno comments(?: yet)?\b|\bview comments\b|"
    r"\bkeine kommentare\b|\bkommentar (?:schreiben|verfassen|hinzufügen)\b|"
    r"\bkommentare insgesamt\b|\beingeloggt sein,? um (?:einen )?kommentare? zu\b|"
    r"\bone thought on\b|\b(?:deja|dejar) un comentario\b|\blaisser un commentaire\b|"
    r"\byorum yap",
    # a placeholder for content loaded from elsewhere once the reader consents
    r"\bum den inhalt\b.{0,80}\bzu laden\b|\bclick (?:here )?to load\b|\bwird geladen\b|"
    r"\bexterne[rn]? inhalte?\b|\bcharger le contenu\b|\bcargar el contenido\b",
]
NOTICE_WORDS = """
    copyright © rights rechte droits derechos hakları haklari
    affiliate commission references provision enthält werbelink continue
    subscri lire weiterlesen suscriptores download gewähr garantie garantía inhaltsverzeichnis
    contents índice sommaire içindekiler sign hazte eingeloggt komment comment yorum thought
    inhalt load geladen extern charger cargar
"""
NOTICE = Phrases(NOTICES, NOTICE_WORDS)
AGENCIES = set(
    """
    afp ap dpa reuters epa getty images imago picture alliance shutterstock istock keystone
    efe anadolu ansa apa kna epd ddp xinhua pap agencja gazeta
    """.split()
)
#: A call to action is a short line; longer ones are prose that merely mentions a newsletter.
MAX_CALL_WORDS = 40
#: A line that opens with "Copyright" is a notice when this short, or when no sentence.
COPYRIGHT_OPENING = re.compile(r"\W*copyright\b", re.IGNORECASE)
MAX_OPENING_WORDS = 6

SHARE_WORDS = set(
    """
    share teilen partager compartir paylaş paylas tweet twitter x facebook whatsapp telegram
    linkedin reddit pinterest email e-mail mail print drucken imprimer imprimir yazdır copy
    link kopieren copier copiar this article artikel article artículo on auf sur en
    """.split()
)
BYLINE_RE = re.compile(r"^(by|von|par|por|yazan|text:|author:)\s+\S", re.IGNORECASE)


@hookimpl(tryfirst=True)
def clean_article(article: Article, page: Page, outlet: Outlet | None) -> None:
    """Strip site names from the title and residual boilerplate lines from the text."""
    names = site_names(article, page, outlet)
    article.title = strip_site_name(article.title, names)
    phrases = [p.casefold() for p in outlet.boilerplate] if outlet else []
    lines = drop_teasers([line.strip() for line in article.text.split("\n")], page)
    own = own_names(article, page, outlet)
    kept = [
        line
        for line in lines
        if line
        and not is_boilerplate(line, names, phrases, article.authors)
        and not is_appeal_for_site(line, own)
    ]
    while kept and fold(kept[0]) == fold(article.title):
        kept.pop(0)
    kept = drop_author_bios(kept, article.authors)
    article.text = "\n".join(drop_closing_headings(kept, page.tree))


def is_boilerplate(line: str, names: list[str], phrases: list[str], authors: list[str]) -> bool:
    folded = line.casefold()
    if any(p in folded for p in phrases):
        return True
    if count_words(line) > MAX_CALL_WORDS:
        return False  # every rule below is about short lines; a paragraph of prose stays
    return (
        is_date_fragment(line)
        or is_site_name(line, names)
        or is_call_to_action(line)
        or is_lead_in(line)
        or is_notice(line)
        or is_credit(line)
        or is_caption(line)
        or is_share_bar(line)
        or is_byline(line, authors)
        or is_ornament(line)
    )


#: Site names and authors are folded once, not once per line they are compared with.
fold_name = lru_cache(maxsize=1024)(fold)


def is_date_fragment(line: str) -> bool:
    """A line of weekday and month names, numbers and dateline words only ("Thu, May")."""
    tokens = re.findall(r"[^\W\d_]+|\d+", unicodedata.normalize("NFKC", line).casefold())
    if not tokens or len(tokens) > 10:
        return False
    named = sum(t in DATE_WORDS for t in tokens)
    numbers = [t for t in tokens if t.isdigit()]
    others = [t for t in tokens if not t.isdigit() and t not in DATE_WORDS | DATE_FILLERS]
    if others:
        return False
    return named > 0 or bool(numbers and (has_numeric_date(line) or TIME_RE.search(line)))


NUMERIC_DATE_RE = re.compile(r"\b(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})\b")
TIME_RE = re.compile(r"\b\d{1,2}:\d{2}\b")


def has_numeric_date(line: str) -> bool:
    """23.10.2018, 2018-10-23 or 10/23/18; not a phone number like 158-23-2012."""
    for match in NUMERIC_DATE_RE.finditer(line):
        a, b, c = (int(x) for x in match.groups())
        if len(match.group(1)) == 4:
            year, day_month = a, (b, c)
        else:
            year, day_month = c, (a, b)
        if (
            (1900 <= year <= 2100 or year < 100)
            and min(day_month) >= 1
            and (max(day_month) <= 31 and min(day_month) <= 12)
        ):
            return True
    return False


def is_site_name(line: str, names: list[str]) -> bool:
    """A logo line: the site's name with nothing but numbers or symbols around it."""
    folded = fold(line)
    for name in names:
        rest = folded.replace(fold_name(name), " ") if fold_name(name) else folded
        if rest != folded and not re.sub(r"[\d\s]+", "", rest):
            return True
    return False


def is_call_to_action(line: str) -> bool:
    return count_words(line) <= MAX_CALL_WORDS and CALL_TO_ACTION.search(line)


def is_lead_in(line: str) -> bool:
    """ "Read more: …", "Lesen Sie auch", "Foto: …", "Anzeige": a pointer, not the story."""
    return count_words(line) <= MAX_LEAD_IN_WORDS and bool(LEAD_IN_RE.match(line))


def is_notice(line: str) -> bool:
    """Copyright, affiliate, paywall and app notices, and table-of-contents headings."""
    words = count_words(line)
    if words > MAX_CALL_WORDS:
        return False
    if COPYRIGHT_OPENING.match(line) and (words <= MAX_OPENING_WORDS or not ends_sentence(line)):
        return True  # "Copyright Harbour Media", not "Copyright holders said the bill ..."
    return bool(NOTICE.search(line))


def is_credit(line: str) -> bool:
    """A photo credit standing alone: "AFP / Marco Bertorello", "dpa/Bernd Weissbrod"."""
    if "/" not in line or count_words(line) > 6:
        return False
    tokens = set(re.findall(r"[^\W\d_]+", line.casefold()))
    return bool(tokens & AGENCIES) or "©" in line


#: A caption ends with its picture's credit: "(Foto: dpa)", "© AFP / Marco Bertorello".
CAPTION_CREDIT_RE = re.compile(
    r"(?:\((?:photo|foto|bild|image|imagen|picture|credit|crédit|crédito|fotoğraf)s?\s*:[^()]{1,80}\)"
    r"|©[^©():]{1,60})[\s.]*$",
    re.IGNORECASE,
)
#: A caption is a sentence or two; a paragraph that ends with a credit is the story.
MAX_CAPTION_WORDS = 30


def is_caption(line: str) -> bool:
    """A picture's caption, which ends with its credit, copied into the text."""
    return count_words(line) <= MAX_CAPTION_WORDS and bool(CAPTION_CREDIT_RE.search(line))


def is_share_bar(line: str) -> bool:
    tokens = re.findall(r"[^\W\d_]+", line.casefold())
    return 0 < len(tokens) <= 12 and all(t in SHARE_WORDS for t in tokens)


def is_byline(line: str, authors: list[str]) -> bool:
    if count_words(line) > 8:
        return False
    if BYLINE_RE.match(line):
        return True
    folded = fold(line)
    return any(fold_name(a) and fold_name(a) == folded for a in authors)
