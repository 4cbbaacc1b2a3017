"""Per-article derived facts: text fingerprints, entity counts, co-occurring pairs."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from presswatch.derive import (
    CountryPair,
    country_pairs,
    country_sentence_counts,
    entity_counts,
    fingerprint,
)
from presswatch.models import Mention


def _m(entity: str, sentence: int, kind: str = "country", signal: str = "name") -> Mention:
    return Mention(entity, kind, signal, 0, 1, sentence, "x")  # type: ignore[arg-type]


def test_fingerprint_ignores_case_spacing_and_punctuation() -> None:
    a = fingerprint("China and Russia held talks.\n\nThey agreed.")
    b = fingerprint("  china AND russia held talks -- they agreed ")
    assert a == b
    assert a.word_count == 7
    assert fingerprint("China and Russia held talks.").article_id != a.article_id


def test_fingerprint_is_stable_across_processes() -> None:
    # blake2b, not Python's salted hash(): ids must not change between runs.
    import hashlib

    expected = hashlib.blake2b(b"stable text", digest_size=16).hexdigest()
    assert fingerprint("Stable  Text!").text_hash == expected


def test_entity_counts_keep_capital_metonymy_apart() -> None:
    mentions = [
        _m("CN", 1),
        _m("CN", 2),
        _m("CN", 2, "capital", "capital"),
        _m("org:UN", 1, "organisation"),
    ]
    counts = {
        (c.entity_id, c.kind): (c.n_named, c.n_capital, c.n_sentences, c.n_sentences_named)
        for c in entity_counts(mentions)
    }
    # China named in sentences 1 and 2, its capital also in sentence 2.
    assert counts == {("CN", "country"): (2, 1, 2, 2), ("org:UN", "organisation"): (1, 0, 1, 1)}


def test_capital_only_sentences_count_apart() -> None:
    mentions = [
        _m("CN", 1),
        _m("CN", 3, "capital", "capital"),
        _m("RU", 3),
        _m("US", 4, "capital", "capital"),
    ]
    counts = {c.entity_id: (c.n_sentences, c.n_sentences_named) for c in entity_counts(mentions)}
    assert counts == {"CN": (2, 1), "RU": (1, 1), "US": (1, 0)}
    assert country_sentence_counts(mentions) == (3, 2)


def test_pairs_count_each_country_once_per_unit() -> None:
    mentions = [_m("RU", 1), _m("CN", 1), _m("CN", 1), _m("IR", 2), _m("CN", 2), _m("RU", 3)]
    pairs = set(country_pairs(mentions))
    assert pairs == {
        CountryPair("article", "CN", "IR", 1, 1),
        CountryPair("article", "CN", "RU", 1, 1),
        CountryPair("article", "IR", "RU", 1, 1),
        CountryPair("sentence", "CN", "RU", 1, 1),
        CountryPair("sentence", "CN", "IR", 1, 1),
    }


def test_pairs_that_need_a_capital_are_marked() -> None:
    # "Washington" (capital of US) and China in one sentence; Russia named elsewhere.
    mentions = [_m("US", 1, "capital", "capital"), _m("CN", 1), _m("RU", 2), _m("CN", 2)]
    pairs = {(p.scope, p.a, p.b): (p.n, p.n_named) for p in country_pairs(mentions)}
    assert pairs == {
        ("article", "CN", "RU"): (1, 1),
        ("article", "CN", "US"): (1, 0),
        ("article", "RU", "US"): (1, 0),
        ("sentence", "CN", "US"): (1, 0),
        ("sentence", "CN", "RU"): (1, 1),
    }


def test_sentence_pairs_count_sentences() -> None:
    mentions = [_m("CN", s) for s in (0, 1, 2)] + [_m("RU", s) for s in (0, 2, 5)]
    sentence = [p for p in country_pairs(mentions) if p.scope == "sentence"]
    assert sentence == [CountryPair("sentence", "CN", "RU", 2, 2)]


def test_no_countries_no_pairs() -> None:
    assert country_pairs([_m("org:NATO", 1, "organisation")]) == []


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=200))
@settings(max_examples=400, deadline=None)
def test_fingerprint_words_are_the_word_runs_of_the_folded_text(text: str) -> None:
    # The definition the fast path must keep: \w+ runs of NFKC(casefold) joined by spaces.
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())
    expected = hashlib.blake2b(" ".join(words).encode("utf-8"), digest_size=16).hexdigest()
    got = fingerprint(text)
    assert (got.text_hash, got.word_count) == (expected, len(words))


def test_fingerprint_fast_path_handles_news_punctuation_and_accents() -> None:
    a = fingerprint("Le ministre a dit : « Non » — c’est l’Élysée… ")
    b = fingerprint("le ministre a dit non c est l élysée")
    assert a == b
    assert fingerprint("don't") == fingerprint("don t")
    assert fingerprint("snake_case") != fingerprint("snake case")  # "_" is a word character
