"""The term tokeniser behind the term index and keyword search."""

from __future__ import annotations

import subprocess
import sys

from presswatch.extract.terms import (
    MAX_BIGRAMS,
    article_terms,
    is_indexed_word,
    term_id,
    tokenize,
)


def test_tokens_lowercase_hyphens_apostrophes_possessives_acronyms() -> None:
    assert tokenize("China's anti-China U.S. don't Xi’s e-mail") == [
        "china",
        "anti-china",
        "u.s.",
        "don't",
        "xi",
        "e-mail",
    ]
    assert tokenize("Ministers' talks — 2022!") == ["ministers", "talks", "2022"]
    assert tokenize("Москва и Пекин") == ["москва", "и", "пекин"]


def test_stopwords_and_short_tokens_are_not_indexed() -> None:
    assert not any(map(is_indexed_word, ["the", "and", "said", "would", "x"]))
    assert is_indexed_word("russia")
    assert article_terms(None, "The minister said a 5 x deal") == {"minister": 1, "deal": 1}


def test_article_terms_counts_title_and_text() -> None:
    terms = article_terms("Russia drills", "Russia held drills. Russia's navy sailed.")
    assert terms["russia"] == 3
    assert terms["drills"] == 2
    assert "s" not in terms and "held" in terms
    assert article_terms(None, "") == {}


def test_listed_phrases_bridge_stopwords_and_newlines() -> None:
    text = "They spoke of a community with a\n  shared future. Community With A Shared Future!"
    terms = article_terms(None, text)
    assert terms["community with a shared future"] == 2
    assert terms["community"] == 2  # unigrams stay for search
    once = article_terms(None, "They held a joint exercise near the coast.")
    assert once["joint exercise"] == 1  # listed, so kept even once
    assert "joint exercises" not in once
    assert "communitys" not in article_terms(None, "community with a shared futures")


def test_bigrams_need_repetition_and_no_stopword_or_punctuation_between() -> None:
    text = "Naval forces met. Naval forces left. Forces, naval units. Naval the forces."
    terms = article_terms(None, text)
    assert terms["naval forces"] == 2
    assert "forces naval" not in terms  # split by a comma
    assert "naval units" not in terms  # only once
    single = article_terms(None, "Grain exports rose.")
    assert "grain exports" not in single


def test_bigrams_are_capped_per_article() -> None:
    words = [f"w{i}a w{i}b." for i in range(MAX_BIGRAMS + 20)]
    text = " ".join(words * 2)
    bigrams = [t for t in article_terms(None, text) if " " in t]
    assert len(bigrams) == MAX_BIGRAMS


def test_numbers_need_two_digits() -> None:
    terms = article_terms(None, "In 2022 there were 5 meetings and 12 ships.")
    assert terms["2022"] == 1 and terms["12"] == 1 and "5" not in terms


def test_term_id_is_stable_and_63_bit() -> None:
    ids = {term_id(t) for t in ("russia", "joint exercise", "москва")}
    assert len(ids) == 3
    assert all(0 <= i < 2**63 for i in ids)
    code = "from presswatch.extract.terms import term_id; print(term_id('joint exercise'))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(out.stdout) == term_id("joint exercise")


def test_dashes_quotes_and_ellipses_keep_their_roles() -> None:
    # Dashes and double quotes break a bigram; an ellipsis only separates two words.
    broken = article_terms(None, "naval\u2014drills, naval\u2013drills, \u201cnaval\u201d drills")
    assert "naval drills" not in broken
    joined = article_terms(None, "naval\u2026drills and naval\u2026drills")
    assert joined["naval drills"] == 2
    # Single letters between dashes never read as a dotted acronym such as "u.s.".
    assert not any("." in term for term in article_terms(None, "u\u2014s\u2014 navy"))
