"""The text's closing short lines, judged by trafilatura's precision-favouring reading."""

from ingest.extract.process import process_page
from ingest.extract.tail import MIN_WORDS, TAIL_WORDS, trimmed_tail
from ingest.plugins.manager import PluginConfig, load_plugins

from sites import story

STORY = "\n".join(story(1, 6))


def test_closing_short_lines_the_stricter_reading_lacks_go_up_to_the_first_it_has():
    text = f"{STORY}\nShort one it keeps.\nFiled by John Doe\nTags: harbour"
    assert trimmed_tail(text, lambda: f"{STORY}\nShort one it keeps.") == (
        f"{STORY}\nShort one it keeps."
    )
    # a long line ends the trimming, whatever the stricter reading holds
    long = " ".join(["word"] * (TAIL_WORDS + 1)) + "."
    assert trimmed_tail(f"{STORY}\n{long}\nTags: harbour", lambda: STORY) == f"{STORY}\n{long}"
    assert TAIL_WORDS == 10
    ten = " ".join(["word"] * TAIL_WORDS)  # as short as a closing line may be
    assert trimmed_tail(f"{STORY}\n{ten}", lambda: STORY) == STORY
    # no line of it the stricter reading's: that reading read elsewhere, and says nothing
    labels = "Home\nNews\nTags: harbour"
    assert trimmed_tail(labels, lambda: STORY) == labels


def test_the_stricter_reading_is_asked_only_for_a_short_last_line_and_must_hold_a_story():
    asked = []

    def precise() -> str:
        asked.append(True)
        return STORY

    assert trimmed_tail(STORY, precise) == STORY and asked == []  # its last line is long
    few = " ".join(["word"] * (MIN_WORDS - 1))
    assert trimmed_tail(f"{STORY}\nTags: harbour", lambda: few) == f"{STORY}\nTags: harbour"
    enough = " ".join(["word"] * MIN_WORDS)
    assert trimmed_tail(f"{STORY}\nTags: harbour", lambda: enough) == STORY
    assert MIN_WORDS == 50


def test_a_closing_line_only_the_main_reading_kept_is_left_out_of_the_article():
    """A page's "Filed by" line after the story, linked: the main pass keeps it, the
    precision pass does not."""
    body = "".join(f"<p>{line}</p>" for line in story(1, 12))
    closing = {
        "filed": '<div><p>Filed by <a href="/p">John Doe</a> in Harbour</p></div>',
        "sentence": "<p>The vote is on Monday.</p>",  # the story's: both readings have it
    }
    plugins = load_plugins(PluginConfig(entry_points=False))
    last = {}
    for name, tail in closing.items():
        html = (
            '<html lang="en"><head><title>Harbour</title></head><body><article><h1>Harbour</h1>'
            f"{body}{tail}</article></body></html>"
        )
        outcome = process_page(plugins, "https://n.example/news/2024/03/harbour", html)
        last[name] = outcome.article["text"].split("\n")[-1]
    assert last == {"filed": story(1, 12)[-1], "sentence": "The vote is on Monday."}
