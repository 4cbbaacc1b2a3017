"""The same-story check and the whole detection on texts written for these tests: every kind
of copy joins its story, every hard negative stays apart."""

from __future__ import annotations

import pytest
from _story_texts import (
    AGGREGATOR,
    COMMENTS,
    EXCERPT,
    MIRROR,
    PRESS_MONDAY,
    PRESS_TUESDAY,
    RELEASES,
    SPEECH_2010,
    SPEECH_2011,
    STORY,
    TYPOGRAPHIC,
    WIRE,
)

from presswatch.stories import Article, Boilerplate, compare, find_stories, shingles, sketch
from presswatch.stories.check import CONTAINMENT, JACCARD, LEAD

COPIES = {
    "aggregator": AGGREGATOR,
    "wire": WIRE,
    "excerpt": EXCERPT,
    "mirror": MIRROR,
    "typographic": TYPOGRAPHIC,
    "comments": COMMENTS,
}


@pytest.mark.parametrize("kind", COPIES)
def test_each_kind_of_copy_is_the_same_story(kind: str) -> None:
    verdict = compare(shingles(STORY), shingles(COPIES[kind]))
    assert verdict.same, verdict
    # ... and the pair is an LSH candidate at all (shares a band key).
    keys = sketch([STORY, COPIES[kind]]).keys
    assert set(keys[0].tolist()) & set(keys[1].tolist())


def test_an_excerpt_joins_by_containment_not_jaccard() -> None:
    verdict = compare(shingles(STORY), shingles(EXCERPT))
    assert verdict.jaccard < 0.4 < CONTAINMENT <= verdict.containment
    assert verdict.lead >= LEAD
    # Only the lead bands find it: the full-text bands share no key with the story.
    keys = sketch([STORY, EXCERPT]).keys
    assert not set(keys[0, :20].tolist()) & set(keys[1, :20].tolist())


def test_typographic_variants_match_exactly() -> None:
    assert compare(shingles(STORY), shingles(TYPOGRAPHIC)).jaccard == 1.0


def test_check_is_symmetric() -> None:
    for copy in COPIES.values():
        assert compare(shingles(STORY), shingles(copy)) == compare(shingles(copy), shingles(STORY))


@pytest.mark.parametrize(
    ("a", "b"),
    [(PRESS_MONDAY, PRESS_TUESDAY), (SPEECH_2010, SPEECH_2011)],
    ids=["press-conferences-on-consecutive-days", "speeches-in-consecutive-years"],
)
def test_same_speaker_on_another_day_is_another_story(a: str, b: str) -> None:
    verdict = compare(shingles(a), shingles(b))
    assert not verdict.same, verdict
    assert verdict.containment < CONTAINMENT and verdict.jaccard < JACCARD


def test_speeches_share_their_formulaic_opening_but_not_their_body() -> None:
    verdict = compare(shingles(SPEECH_2010), shingles(SPEECH_2011))
    assert verdict.lead >= LEAD  # so the lead alone would merge them
    assert not verdict.same


def test_releases_sharing_boilerplate_are_not_merged_even_without_statistics() -> None:
    a, b = shingles(RELEASES[0]), shingles(RELEASES[1])
    verdict = compare(a, b)
    # Most of each text is the shared paragraph: containment alone would merge them.
    assert verdict.containment >= CONTAINMENT
    assert verdict.lead < LEAD and not verdict.same


def test_boilerplate_statistics_discount_the_shared_paragraph() -> None:
    stats = Boilerplate(min_articles=3)
    sets = [shingles(text) for text in RELEASES]
    for s in sets[:2]:
        stats.add("ministry", s)
    assert stats.of("ministry").size == 0  # two articles are not yet a pattern
    stats.add("ministry", sets[2])
    discounted = compare(sets[0], sets[1], stats.of_pair("ministry", "ministry"))
    assert discounted.containment == 0.0 and not discounted.same
    # Another source's boilerplate is not this source's.
    assert stats.of("other").size == 0


def test_boilerplate_of_a_site_makes_its_copies_closer() -> None:
    # The aggregator's own furniture (menus, cookie text, link lists) recurs on its pages.
    stats = Boilerplate(min_articles=3)
    pages = [AGGREGATOR, *(AGGREGATOR.replace(STORY, text) for text in RELEASES[:2])]
    for page in pages:
        stats.add("aggregator", shingles(page))
    plain = compare(shingles(STORY), shingles(AGGREGATOR))
    discounted = compare(shingles(STORY), shingles(AGGREGATOR), stats.of_pair("wire", "aggregator"))
    assert discounted.jaccard > plain.jaccard


def test_a_text_that_is_all_boilerplate_joins_nothing() -> None:
    a = shingles(STORY)
    assert not compare(a, a, (a.all,)).same


def test_find_stories_groups_every_copy_and_keeps_negatives_apart() -> None:
    texts = [
        ("origin", STORY),
        *COPIES.items(),
        ("press", PRESS_MONDAY),
        ("press", PRESS_TUESDAY),
        ("un", SPEECH_2010),
        ("un", SPEECH_2011),
        *(("ministry", text) for text in RELEASES),
    ]
    articles = [Article(i, source, text) for i, (source, text) in enumerate(texts)]
    stories = find_stories(articles)
    story_of_copies = {stories[i] for i in range(len(COPIES) + 1)}
    assert story_of_copies == {0}
    others = [stories[i] for i in range(len(COPIES) + 1, len(texts))]
    assert others == list(range(len(COPIES) + 1, len(texts)))


def test_empty_and_tiny_texts_are_their_own_stories() -> None:
    articles = [
        Article(1, "a", ""),
        Article(2, "a", ""),
        Article(3, "b", "Short note."),
        Article(4, "b", "Short note."),
    ]
    assert find_stories(articles) == {1: 1, 2: 2, 3: 3, 4: 4}
