"""Story ids from edges, and the property the issue asks for: the partition does not depend
on the order or the batch size the articles arrive in."""

from __future__ import annotations

from _story_texts import (
    ABOUT,
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
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.stories import Article, IncrementalStories, components, find_stories, story_ids
from presswatch.stories.detect import partition


def test_components_and_smallest_member_ids() -> None:
    edges = [(5, 3), (3, 9), (1, 2)]
    groups = components([1, 2, 3, 4, 5, 9], edges)
    assert sorted(map(sorted, groups)) == [[1, 2], [3, 5, 9], [4]]
    assert story_ids([1, 2, 3, 4, 5, 9], reversed(edges)) == {1: 1, 2: 1, 3: 3, 5: 3, 9: 3, 4: 4}
    # The first publisher by a key, e.g. (date, id).
    dates = {3: "2022-12-30", 5: "2022-12-29", 9: "2022-12-31"}
    assert story_ids([3, 5, 9], edges[:2], key=lambda n: (dates[n], n))[9] == 5


# Releases whose own text is one line: without the boilerplate statistics their shared
# paragraph makes them look like one story, so the verdict changes once a third arrives.
TERSE = [
    f"{line}\n{ABOUT}"
    for line in (
        "Grants for farmers open today.",
        "Bird flu tests negative.",
        "Two million saplings to be planted.",
    )
]

TEXTS = [
    ("wire-a", STORY),
    ("aggregator", AGGREGATOR),
    ("wire-b", WIRE),
    ("aggregator-lead", EXCERPT),
    ("mirror", MIRROR),
    ("wire-c", TYPOGRAPHIC),
    ("blog", COMMENTS),
    ("mfa", PRESS_MONDAY),
    ("mfa", PRESS_TUESDAY),
    ("un", SPEECH_2010),
    ("un", SPEECH_2011),
    *(("ministry", text) for text in RELEASES),
    *(("agency", text) for text in TERSE),
]
ARTICLES = [Article(100 + i, source, text) for i, (source, text) in enumerate(TEXTS)]
ALL_AT_ONCE = find_stories(ARTICLES)


def test_the_collection_has_the_expected_stories() -> None:
    stories = partition(ALL_AT_ONCE)
    assert frozenset(range(100, 107)) in stories
    assert len(stories) == 1 + len(ARTICLES) - 7


def test_terse_releases_merge_until_their_boilerplate_is_known() -> None:
    terse = [a for a in ARTICLES if a.source == "agency"]
    early = IncrementalStories()
    early.add_batch(terse[:2])
    assert len(set(early.stories().values())) == 1  # two look like one story
    early.add_batch(terse[2:])
    assert len(set(early.stories().values())) == 3  # the third reveals the boilerplate


@settings(max_examples=40, deadline=None)
@given(st.permutations(ARTICLES), st.lists(st.integers(1, 6), min_size=1, max_size=20))
def test_partition_does_not_depend_on_order_or_batch_size(
    order: list[Article], sizes: list[int]
) -> None:
    incremental = IncrementalStories()
    position = 0
    step = 0
    while position < len(order):
        size = sizes[step % len(sizes)]
        incremental.add_batch(order[position : position + size])
        position += size
        step += 1
    assert incremental.stories() == ALL_AT_ONCE
    assert find_stories(order) == ALL_AT_ONCE
