"""Outlets that declare their paragraphs get exactly those blocks as text."""

from ingest import Outlet, hookimpl
from ingest.extract.process import process_page
from ingest.plugins.manager import PluginConfig, Plugins, build_manager

PAGE = """<html lang="en"><head><title>Budget passes | Daily</title>
<meta property="og:type" content="article"></head><body>
<div class="story">
  <p>First paragraph of the story, with <a href="/x">a link</a> inside it.</p>
  <div class="ad"><p>Buy our product now</p></div>
  <h2>A subheading</h2>
  <p>Line one of a poem<br>line two of a poem</p>
  <ul><li>First point</li><li>Second point <p>nested once</p></li></ul>
  <p class="promo">Read our newsletter</p>
</div>
<div class="sidebar"><p>Most read: something else entirely</p></div>
</body></html>"""

DAILY = Outlet(
    name="daily",
    domains=["daily.example"],
    body="div.story",
    paragraphs="div.story > p, div.story > h2, div.story li, div.story .ad p",
    drop=["div.ad", "p.promo"],
)


class Declares:
    @hookimpl
    def register_outlets(self, register):
        register(DAILY)


def test_paragraphs_are_read_block_by_block_without_dropped_ones():
    plugins = Plugins(build_manager(PluginConfig(entry_points=False), [Declares()]))
    outcome = process_page(plugins, "https://daily.example/story", PAGE)
    assert outcome.article["text"].split("\n") == [
        "First paragraph of the story, with a link inside it.",
        "A subheading",
        "Line one of a poem",
        "line two of a poem",
        "First point",
        "Second point nested once",
    ]
    assert outcome.article["title"] == "Budget passes"


def test_a_layout_without_those_blocks_falls_back_to_the_generic_path():
    plugins = Plugins(build_manager(PluginConfig(entry_points=False), [Declares()]))
    other = PAGE.replace('class="story"', 'class="article"')
    outcome = process_page(plugins, "https://daily.example/story", other)
    assert "First paragraph of the story" in outcome.article["text"]
