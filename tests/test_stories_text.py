"""Matching text: normalisation, words, stable shingle hashes."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.stories.text import (
    LEAD_SHINGLES,
    K,
    shingle_hashes,
    shingles,
    shingles_many,
    word_hash,
    word_hashes,
    words,
)


def test_typographic_forms_tokenise_like_plain_ones() -> None:
    fancy = "“Don’t” — said the U.S. envoy… in ＢＥＩＪＩＮＧ’s ２０２２\u00a0talks"
    plain = '"Dont" - said the U. S. envoy... in Beijing\'s 2022 talks'
    assert words(fancy) == words(plain)
    assert words(fancy) == [
        "dont",
        "said",
        "the",
        "u",
        "s",
        "envoy",
        "in",
        "beijings",
        "2022",
        "talks",
    ]


def test_short_lines_are_dropped_unless_nothing_would_be_left() -> None:
    text = "Home\nWorld News\nby admin\nThe minister said the talks would resume in March.\nShare"
    assert words(text) == [
        "the",
        "minister",
        "said",
        "the",
        "talks",
        "would",
        "resume",
        "in",
        "march",
    ]
    assert words("Home\nby admin\nShare this") == ["home", "by", "admin", "share", "this"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "the",
                "Talks",
                "ü",
                "’s",
                "-",
                "\n",
                " ",
                "\t",
                "Z",
                "ab.cd",
                "\x0b",
                "ＡＢ",
                "…",
                "中国",
                ".",
                '"',
                "   ",
            ]
        ),
        max_size=80,
    )
)
def test_vectorised_word_hashes_equal_the_plain_definition(pieces: list[str]) -> None:
    text = " ".join(pieces)
    expected = np.array([word_hash(w) for w in words(text)], dtype=np.uint64)
    assert np.array_equal(word_hashes(text), expected)


def test_hashes_are_stable_across_processes() -> None:
    # Stored band keys and shingle sets are only comparable if these never change.
    assert word_hash("beijing") == 0x690AA52CF9B01992
    assert shingles("the talks in beijing went on until late at night").all[0] == 0x1E1BE91193E8EACB


def test_shingles_are_k_word_windows() -> None:
    text = "one two three four five six seven"
    seq = shingle_hashes(word_hashes(text))
    assert seq.size == 7 - K + 1
    shifted = shingle_hashes(word_hashes("zero " + text))
    assert np.array_equal(seq, shifted[1:])
    assert shingle_hashes(word_hashes("two words")).size == 1


def test_shingle_set_is_sorted_and_distinct_and_lead_keeps_text_order() -> None:
    text = " ".join(f"w{i}" for i in range(200)) + " " + " ".join(f"w{i}" for i in range(200))
    s = shingles(text)
    assert np.all(s.all[1:] > s.all[:-1])
    seq = shingle_hashes(word_hashes(text))
    assert np.array_equal(s.lead, seq[:LEAD_SHINGLES])


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from(
                ["the", "Talks", "ü", "\n", " ", "Home\n", "by admin\n", "x.", "中国", ". "]
            ),
            max_size=40,
        ).map("".join),
        max_size=8,
    ),
    st.integers(1, 6),
)
def test_batch_shingles_equal_one_text_at_a_time(texts: list[str], k: int) -> None:
    for alone, batched in zip(
        [shingles(t, k) for t in texts], shingles_many(texts, k), strict=True
    ):
        assert np.array_equal(alone.all, batched.all)
        assert np.array_equal(alone.lead, batched.lead)


def test_a_re_wrapped_paragraph_keeps_its_short_last_line() -> None:
    flowed = "The talks ended late on Friday after ten hours, both delegations said."
    wrapped = "The talks ended late on Friday after ten hours,\nboth delegations said."
    assert words(wrapped) == words(flowed)
    assert np.array_equal(word_hashes(wrapped), word_hashes(flowed))
    # A short line that ends no sentence is still dropped.
    assert "continue" not in words(flowed + "\n… Continue reading")
