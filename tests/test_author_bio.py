"""The author's bio at either end of the text goes; the story about a person stays."""

from ingest.extract.author_bio import drop_author_bios

STORY = [
    "The council voted on Tuesday to close the old bridge to cars.",
    "Engineers had warned for years that the deck was failing.",
    "Repairs are expected to take two years and cost 40 million.",
    "Cyclists and walkers may still cross during the works.",
]
BIO = "Jane Doe is a senior editor at the Daily Example, based in Springfield."


def test_a_bio_closing_the_text_goes():
    assert drop_author_bios([*STORY, BIO], ["Jane Doe"]) == STORY


def test_a_bio_opening_the_text_goes():
    assert drop_author_bios([BIO, *STORY], ["Jane Doe"]) == STORY


def test_a_bio_among_the_last_three_lines_goes_but_not_earlier():
    lines = [*STORY[:1], BIO, *STORY[1:]]  # fourth line from the end: part of the story
    assert drop_author_bios(lines, ["Jane Doe"]) == lines
    lines = [*STORY[:2], BIO, *STORY[2:]]  # third from the end: where bio boxes go
    assert drop_author_bios(lines, ["Jane Doe"]) == STORY


def test_in_other_languages():
    german = "Inga Buller ist Redakteurin bei der Beispielzeitung."
    assert drop_author_bios([*STORY, german], ["Inga Buller"]) == STORY


def test_only_the_articles_own_authors_and_a_bios_verb():
    assert drop_author_bios([*STORY, BIO], ["John Roe"]) == [*STORY, BIO]
    said = "Jane Doe said the bridge would reopen in spring."
    assert drop_author_bios([*STORY, said], ["Jane Doe"]) == [*STORY, said]


def test_a_one_word_author_is_not_a_name_to_match():
    agency = "Reuters is the news agency that first reported the closure."
    assert drop_author_bios([*STORY, agency], ["Reuters"]) == [*STORY, agency]


def test_a_text_too_short_to_hold_a_story_and_a_bio_stays_whole():
    lines = [*STORY[:2], BIO]
    assert drop_author_bios(lines, ["Jane Doe"]) == lines


def test_a_comma_after_the_name_and_a_capital_verb_still_make_a_bio():
    for bio in ("Jane Doe, writes about science for the Daily.", "Jane Doe Is Our Editor."):
        assert drop_author_bios([*STORY, bio], ["Jane Doe"]) == STORY
    # the name must open the line, and a verb must follow it, not another word
    for line in ("By Jane Doe is the byline", "Jane Doe today is in town."):
        assert drop_author_bios([*STORY, line], ["Jane Doe"]) == [*STORY, line]
