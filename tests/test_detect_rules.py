"""Each of the detector's rules about one hit, on sentences written for it.

A rule returns a Verdict when the words around the hit decide it, else None; the detector
runs the rules that concern an entry in the order of Detector._RULES.
"""

from __future__ import annotations

import pytest

from presswatch.extract.detect import Detector, Verdict, _Rule
from presswatch.extract.gazetteer import load_gazetteer
from presswatch.settings import DATA_DIR


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector(load_gazetteer(DATA_DIR))


def decide(
    det: Detector,
    rule: _Rule,
    text: str,
    form: str,
    *,
    caps: bool = False,
    title_case: bool = False,
) -> Verdict | None:
    """The rule's verdict on the first hit of ``form`` in ``text`` (the rule must concern it)."""
    for start, end, entry in det._select(text, [(0, len(text))] if caps else []):
        if text[start:end] == form:
            assert rule in entry.rules, f"{rule.__name__} does not concern {form!r}"
            return rule(det, text, start, end, entry, caps, title_case)
    raise AssertionError(f"no hit {form!r} in {text!r}")


def verdict(det: Detector, text: str, form: str, *, caps: bool = False) -> Verdict:
    """The detector's verdict on the first hit of ``form``, all rules in order."""
    for start, end, entry in det._select(text, [(0, len(text))] if caps else []):
        if text[start:end] == form:
            return det._verdict(text, start, end, entry, caps, False)
    raise AssertionError(f"no hit {form!r} in {text!r}")


def test_compound_words(det: Detector) -> None:
    rule = Detector._compound_words
    assert decide(det, rule, "the Mexican-American community", "Mexican") is Verdict.DROP_HERITAGE
    assert decide(det, rule, "Sino-US relations improved.", "Sino") is Verdict.KEEP
    assert decide(det, rule, "the Sino Group said.", "Sino") is Verdict.DROP_OTHER_SENSE
    assert decide(det, rule, "Mexican-made goods", "Mexican") is None


def test_currency_or_ticker(det: Detector) -> None:
    rule = Detector._currency_or_ticker
    drop = Verdict.DROP_CURRENCY_OR_TICKER
    assert decide(det, rule, "It paid UK$5 million.", "UK") is drop
    assert decide(det, rule, "It paid 20 billion US dollars.", "US") is drop
    assert decide(det, rule, "shares of Pohang <ROK> rose", "ROK") is drop
    assert decide(det, rule, "US troops arrived.", "US") is None


def test_us_town_or_street(det: Detector) -> None:
    rule = Detector._us_town_or_street
    assert decide(det, rule, "He lives in Lebanon, Pa., with his wife.", "Lebanon") is (
        Verdict.US_TOWN
    )
    assert decide(det, rule, "a house on Malta Road", "Malta") is Verdict.DROP_LOCAL_PLACE
    # A capital keeps the article's other mentions: only this hit goes.
    assert decide(det, rule, "pupils of Beijing High School", "Beijing") is (
        Verdict.DROP_LOCAL_PLACE
    )
    assert decide(det, rule, "He visited Lebanon last week.", "Lebanon") is None


def test_names_of_things(det: Detector) -> None:
    rule = Detector._names_of_things
    drop = Verdict.DROP_NAME_OF_THING
    assert decide(det, rule, "aboard the USS Tripoli today", "Tripoli") is drop
    assert decide(det, rule, "a loan from Citibank of America", "America") is drop
    assert decide(det, rule, "booked through Reserve America online", "America") is drop
    assert decide(det, rule, "She flew British Airways to Rome.", "British") is drop
    assert decide(det, rule, "British troops left.", "British") is None


def test_capital_as_place(det: Detector) -> None:
    rule = Detector._capital_as_place
    drop = Verdict.DROP_CAPITAL_AS_PLACE
    assert decide(det, rule, "MOSCOW, March 5 - Talks began.", "MOSCOW", caps=True) is drop
    assert decide(det, rule, "Moscow, March 5 - Talks began.", "Moscow") is drop
    assert decide(det, rule, "under the Paris Agreement on climate", "Paris") is drop
    assert decide(det, rule, "Beijing said on Monday it would reply.", "Beijing") is None


def test_short_forms(det: Detector) -> None:
    rule = Detector._short_forms
    assert decide(det, rule, "Take US-24 to the lake.", "US") is Verdict.DROP_LOCAL_PLACE
    assert decide(det, rule, "LET US PRAY FOR PEACE", "US", caps=True) is (Verdict.DROP_OTHER_SENSE)
    assert decide(det, rule, "A Quad of students met.", "Quad") is Verdict.DROP_OTHER_SENSE
    assert decide(det, rule, "Leaders of the Quad met.", "Quad") is None


def test_language_or_culture(det: Detector) -> None:
    rule = Detector._language_or_culture
    assert decide(det, rule, "She speaks French at home.", "French") is Verdict.DROP_HERITAGE
    assert decide(det, rule, "We ate Italian food.", "Italian") is Verdict.DROP_HERITAGE
    assert decide(det, rule, "French troops left.", "French") is None


def test_native_american(det: Detector) -> None:
    rule = Detector._native_american
    assert decide(det, rule, "Revenue from Indian casinos grew.", "Indian") is (
        Verdict.DROP_OTHER_SENSE
    )
    assert decide(det, rule, "Indian troops crossed the border.", "Indian") is None


def test_us_state(det: Detector) -> None:
    rule = Detector._us_state
    assert decide(det, rule, "a firm based in Seattle, Washington", "Washington") is (
        Verdict.DROP_LOCAL_PLACE
    )
    assert decide(det, rule, "Talks in Washington ended.", "Washington") is None


def test_demonym_surname(det: Detector) -> None:
    rule = Detector._demonym_surname
    drop = Verdict.DROP_PERSON_NAME
    assert decide(det, rule, "The author, Monica French, spoke.", "French") is drop
    assert decide(det, rule, "Asked about it, French said no.", "French") is drop
    assert decide(det, rule, "Asked about it, the French said no.", "French") is None


def test_country_given_name(det: Detector) -> None:
    rule = Detector._country_given_name
    text = "The plan works, said Israel Marshall, product manager at Acme."
    assert decide(det, rule, text, "Israel") is Verdict.DROP_PERSON_NAME
    assert decide(det, rule, "He said Israel Defense Forces moved.", "Israel") is None


def test_namesake(det: Detector) -> None:
    rule = Detector._namesake
    # A country that is someone's name is so for the whole article.
    assert decide(det, rule, "Fans cheered as Kelvin Jordan scored.", "Jordan") is (Verdict.PERSON)
    assert decide(det, rule, "Then Jordan Henderson scored.", "Jordan") is (
        Verdict.DROP_PERSON_NAME
    )
    assert decide(det, rule, "He arrived in Jordan on Monday.", "Jordan") is None


def test_name_rules_do_not_run_in_capitalised_lines(det: Detector) -> None:
    # In capitals every word is capitalised: "MONICA FRENCH" says nothing about a surname.
    assert verdict(det, "The author, Monica French, spoke.", "French") is (Verdict.DROP_PERSON_NAME)
    assert verdict(det, "THE AUTHOR, MONICA FRENCH, SPOKE.", "FRENCH", caps=True) is (Verdict.KEEP)


def test_first_verdict_wins(det: Detector) -> None:
    # "Sino-" is kept by _compound_words before any later rule looks at it.
    assert verdict(det, "Sino-US relations improved.", "Sino") is Verdict.KEEP
    assert verdict(det, "He visited Lebanon last week.", "Lebanon") is Verdict.KEEP


def test_every_rule_concerns_some_entry(det: Detector) -> None:
    used = {rule for entry in det._entries for rule in entry.rules}
    for rule, _, _ in Detector._RULES:
        assert rule in used, rule.__name__
