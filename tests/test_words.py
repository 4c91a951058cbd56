"""Words in any script: spaced languages by their tokens, unspaced scripts by their length."""

import pytest

from ingest.article import Article
from ingest.words import count_words, ends_sentence, has_sentence, unspaced_share


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("The harbour quay closed on Monday.", 6),
        ("Straße über Äpfel", 3),  # accents are no unspaced script
        ("  ", 0),
        ("今天天气很好", 3),  # six Han characters, about two a word
        ("これはペンです", 4),  # seven kana: rounded up
        ("好", 1),  # one character is still a word
        ("iPhone 15 在中国发布", 5),  # two tokens, five characters
        ("สวัสดีครับ", 2),  # ten Thai characters, about five a word
        ("서울 시청 앞 광장", 4),  # Korean is written with spaces
    ],
)
def test_words_are_counted_by_the_script_they_are_written_in(text, words):
    assert count_words(text) == words


def test_an_article_in_chinese_counts_its_characters_as_words():
    text = "新华社北京电 今天上午，市政府召开新闻发布会。\n会议介绍了本市交通建设的最新进展。"
    assert Article(url="https://news.example/1", text=text).word_count == 18
    assert len(text.split()) == 3  # what counting by spaces said


def test_the_share_of_unspaced_words_counts_words_not_characters():
    assert unspaced_share("北码头关闭 - Reuters Business News") == 0.5  # 3 words and 3
    assert unspaced_share("港务局关闭北码头。") == 1.0
    assert unspaced_share("Harbour closes") == 0.0
    assert unspaced_share(" - ") == 0.0


THAI = "ท่าเรือทางเหนือปิดเมื่อวันจันทร์หลังจากพบรอยร้าวหลายจุดบนกำแพงท่าเรือ"  # 69 characters, 14 words


@pytest.mark.parametrize(
    ("line", "ends", "holds"),
    [
        ("The quay closed.", True, True),
        ('He said "it will reopen."', True, True),  # quotes after the mark
        ("The quay closed", False, False),
        ("Version 2.5 released today", False, True),  # a mark inside is no end
        ("बंदरगाह का उत्तरी घाट सोमवार को बंद कर दिया गया।", True, True),  # Hindi danda
        ("কুষ্টিয়া-১ আসনে ভোট গ্রহণ শেষ হয়েছে।", True, True),  # Bengali
        ("هل سيعاد فتح الرصيف؟", True, True),  # Arabic question mark
        ("حکومت نے فنڈز کی درخواست کی ہے۔", True, True),  # Urdu full stop
        ("ወደቡ ሰኞ ተዘግቷል።", True, True),  # Amharic
        ("ဆိပ်ကမ်းကို ပိတ်လိုက်သည်။", True, True),  # Myanmar
        ("កំពង់ផែត្រូវបានបិទ។", True, True),  # Khmer
        # Thai marks no end: a line of prose's length ends one (14 words), a label does not
        (THAI, True, True),
        ("ข่าวที่เกี่ยวข้อง อ่านต่อ แชร์", False, True),  # "related news, read more, share"
        ("北码头关闭。", True, True),
        ("北码头关闭", False, False),
    ],
)
def test_a_sentence_ends_as_its_script_ends_one(line, ends, holds):
    assert ends_sentence(line) is ends
    assert has_sentence(line) is holds
