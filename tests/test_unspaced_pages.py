"""Pages in scripts written without spaces are read as fully as pages in spaced ones.

trafilatura weighs a text by its characters; a Chinese brief holds as many words as an
English story twice its length, and must come out as paragraphs, not as one line.
"""

from test_classify import CHINESE

from ingest.article import Page
from ingest.extract.generic import is_unspaced
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, load_plugins

from sites import article_page


def test_a_chinese_brief_comes_out_as_its_paragraphs():
    brief = CHINESE[:3]  # 153 characters, 74 words: under trafilatura's 250 characters
    plugins = load_plugins(PluginConfig(entry_points=False))
    for title in ("北码头关闭", "北码头关闭 - Reuters Business News"):
        outcome = process_page(plugins, "https://news.example/a/1", article_page(title, brief))
        assert outcome.article["text"].split("\n") == brief  # no headline, no byline


def test_a_page_is_unspaced_by_its_language_or_the_words_of_its_title_and_headline():
    def page(title: str, headline: str, lang: str = "en") -> Page:
        html = (
            f'<html lang="{lang}"><head><title>{title}</title></head>'
            f"<body><h1>{headline}</h1></body></html>"
        )
        return Page(url="https://news.example/a/1", html=html)

    assert is_unspaced(page("北码头关闭 | Test Daily", "北码头关闭"))  # a Latin site name
    assert is_unspaced(page("北码头关闭 - Reuters Business News", "北码头关闭 - Reuters News"))
    assert is_unspaced(page("Nvidia H100 GPU供应紧张 | Reuters", ""))  # 2 words of 6
    assert is_unspaced(page("東京湾の新しい橋が開通", "東京湾の新しい橋"))
    assert is_unspaced(page("Apple Vision Pro", "", lang="ja-JP"))  # as the page declares
    assert not is_unspaced(page("Beijing’s 北京 airport reopens | Daily", "Airport reopens"))
    assert not is_unspaced(page("", ""))
