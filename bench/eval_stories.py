"""Story detection (syndicated copies) on real articles with synthetic copies, gated by floors.

    python bench/eval_stories.py [--check] [--seed 13] [--report PATH]

Builds an evaluation collection from ../shared/corpora (or $PRESSWATCH_CORPORA), nothing of
it stored in the repository, and runs ``presswatch.stories.find_stories`` on all of it at
once:

- originals: Reuters-21578 stories of 1,200+ characters, the DVIDS full articles, China MFA
  press-conference transcripts and UN General Debate speeches;
- for each original, one copy of each kind, made deterministically (seeded) by the
  functions below, each under its own source: ``aggregator`` (menu lines, "by admin", a
  date line, "See also" and "You may also like" link lists, a cookie banner), ``wire``
  (dateline replaced, one sentence dropped), ``excerpt`` (title and the first 25–40 % of
  the text, "… Continue reading"), ``mirror`` (menu and breadcrumb lines, related links,
  copyright footer), ``typographic`` (curly quotes, dashes, ellipses, non-breaking spaces,
  re-wrapped lines, case of the title) and ``comments`` (a comment thread of other
  articles' sentences, 50–150 % as long as the article, appended);
- hard negatives, each its own story: consecutive MFA press conferences (by date, not
  used as originals), one country's UN speeches in consecutive years, and DVIDS lead
  paragraphs published by one source with a long "About DVIDS" paragraph and a disclaimer
  appended. DVIDS items carry no shared boilerplate in the corpus, so that paragraph is
  written here (``BOILERPLATE``).

Scores pairwise same-story decisions: a pair of documents is predicted same when they get
one story id. Per copy kind, recall = share of (original, copy) pairs predicted same and
precision = share of predicted pairs with a copy of that kind that are right; per negative
set, precision of the predicted pairs touching it; overall, precision and recall over all
pairs. ``--check`` compares with bench/story_floors.json and exits 1 below a floor.
Wrong pairs go to bench/results/story_report.txt (ids only, never corpus text).
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import REPO_ROOT, corpora_dir

from presswatch.stories import Article, compare, find_stories, normalise, shingles
from presswatch.stories.text import K

FLOORS_PATH = REPO_ROOT / "bench" / "story_floors.json"
REPORT_PATH = REPO_ROOT / "bench" / "results" / "story_report.txt"
COPY_KINDS = ("aggregator", "wire", "excerpt", "mirror", "typographic", "comments")
NEGATIVE_SETS = ("mfa_consecutive", "un_consecutive_years", "shared_boilerplate")
GROUPS = ("overall", *COPY_KINDS, *NEGATIVE_SETS)
METRICS = ("precision", "recall")

# Written for this evaluation (DVIDS items have no shared closing paragraph of their own).
BOILERPLATE = (
    "About the Defense Visual Information Distribution Service: the service is operated "
    "for the Department of Defense and provides a connection between the news media "
    "around the world and the military serving at home and abroad. It offers accredited "
    "journalists and the public free access to photographs, video, audio and print "
    "products from units in every theatre, together with a searchable archive of past "
    "releases, live broadcasts of briefings and ceremonies, and a registration service "
    "for reporters who wish to receive updates from particular commands or installations."
    "\nDisclaimer: the appearance of hyperlinks does not constitute endorsement by the "
    "Department of Defense of the linked web sites or the information, products or "
    "services contained therein. For other than authorised activities such as military "
    "exchanges and morale, welfare and recreation sites, the department does not exercise "
    "any editorial control over the information you may find at these locations."
)
COOKIES = (
    "We use cookies to ensure that we give you the best experience on our website. If you "
    "continue to use this site we will assume that you are happy with it."
)
MENU = ["Home", "World", "Politics", "Business", "Tech", "Sport", "Opinion", "Contact us"]


@dataclass(frozen=True)
class Item:
    """One document of the collection: ``story`` is its true story, ``kind`` how it was
    made (``original``, a copy kind, or a negative set's name)."""

    id: int
    story: str
    kind: str
    source: str
    title: str
    text: str


# --- loading -------------------------------------------------------------------------------


def _records(root: Path, name: str) -> Iterator[dict[str, Any]]:
    with gzip.open(root / name / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def _clean(text: str) -> str:
    return re.sub(r"[ \t]+", " ", text.replace("\f", " ")).strip()


@dataclass
class Collection:
    items: list[Item] = field(default_factory=list)

    def add(self, story: str, kind: str, source: str, title: str, text: str) -> None:
        self.items.append(Item(len(self.items), story, kind, source, title, text))


def originals(root: Path) -> list[tuple[str, str, str, str]]:
    """(story id, source, title, text) of the originals, in a fixed order."""
    out: list[tuple[str, str, str, str]] = []
    reuters = [
        r
        for r in _records(root, "reuters21578")
        if isinstance(r["text"], str) and len(r["text"]) >= 1200
    ]
    out += [(str(r["id"]), "reuters", str(r["title"]), str(r["text"])) for r in reuters[:140]]
    dvids = [
        r for r in _records(root, "dod_dvids_news") if r.get("kind") == "article (trimmed body)"
    ]
    out += [(str(r["id"]), "dvids", str(r["title"]), str(r["text"])) for r in dvids[:40]]
    mfa = sorted(_records(root, "mfa_pressconf_en"), key=lambda r: (str(r["date"]), str(r["id"])))
    out += [(str(r["id"]), "mfa", str(r["title"]), str(r["text"])) for r in mfa[::25][:20]]
    un = [r for r in _records(root, "un_general_debate") if r.get("year") in (1995, 2005)]
    out += [(str(r["id"]), "un", str(r["title"]), str(r["text"])) for r in un[::9][:20]]
    # Reuters-21578 holds stories twice under two ids (resent, corrected, or with a changed
    # comma): copies of one story, not different ones. So an original whose normalised
    # title or first 30 normalised words repeat an earlier original's is left out; this
    # rule does not use the detector's shingles or thresholds.
    seen: set[str] = set()
    unique = []
    for sid, src, title, text in out:
        keys = {"t " + normalise(title).strip(), "w " + " ".join(normalise(text).split()[:30])}
        if not keys & seen:
            unique.append((sid, src, title, _clean(text)))
        seen |= keys
    return unique


# --- copies ----------------------------------------------------------------------------------

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")
_DATELINE = re.compile(r"^[A-Z][A-Z .,'-]{2,40}(\([^)]*\))?\s*[-–—]+\s*")


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE.split(text) if s.strip()]


def aggregator(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    links = rng.sample(list(others), 6)
    return "\n".join(
        [
            *rng.sample(MENU, 5),
            title,
            "by admin",
            f"{rng.randint(1, 28)} December 2022, {rng.randint(10, 23)}:{rng.randint(10, 59)}",
            text,
            "See also",
            *(f"See also: {t}" for t in links[:3]),
            "You may also like",
            *links[3:],
            COOKIES,
            "Accept",
        ]
    )


def wire(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    body = _DATELINE.sub("", text, count=1)
    city = rng.choice(["WASHINGTON", "LONDON", "GENEVA", "BEIJING", "NEW YORK"])
    parts = sentences(body)
    if len(parts) > 3:
        del parts[rng.randrange(1, len(parts) - 1)]
    return (
        f"{city}, {rng.choice(['Dec', 'Jan', 'March'])} {rng.randint(1, 28)} (Wire) - "
        + " ".join(parts)
    )


def excerpt(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    words = text.split(" ")
    cut = max(1, round(len(words) * rng.uniform(0.25, 0.40)))
    return f"{title}\n{' '.join(words[:cut])} … Continue reading"


def mirror(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    menu = " | ".join(rng.sample(MENU, 6))
    related = rng.sample(list(others), 4)
    return "\n".join(
        [
            menu,
            "Home > News > World",
            title,
            text,
            "Related articles",
            *related,
            f"Copyright © {rng.randint(2019, 2024)} Mirror News Network. All rights reserved.",
            menu,
        ]
    )


def _wrap(text: str, width: int) -> str:
    lines: list[str] = []
    current = ""
    for word in text.split():
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    return "\n".join([*lines, current])


def typographic(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    out = re.sub(r'"([^"]*)"', "“\\1”", text)
    out = out.replace("'", "’").replace(" - ", " — ").replace("--", "–").replace("...", "…")
    out = out.replace(", ", ",\u00a0", 3)
    return title.upper() + "\n" + _wrap(out, rng.randint(60, 90))


def comments(title: str, text: str, rng: random.Random, others: Sequence[str]) -> str:
    pool = list(rng.sample(list(others), min(len(others), 60)))
    target = len(text) * rng.uniform(0.5, 1.5)
    thread = [f"{rng.randint(3, 120)} comments"]
    length = 0
    while length < target and pool:
        said = pool.pop(rng.randrange(len(pool)))
        thread.append(f"user{rng.randint(1, 9999)} says: {said}")
        length += len(said)
    return text + "\n" + "\n".join(thread)


COPIERS: dict[str, Callable[[str, str, random.Random, Sequence[str]], str]] = {
    "aggregator": aggregator,
    "wire": wire,
    "excerpt": excerpt,
    "mirror": mirror,
    "typographic": typographic,
    "comments": comments,
}


def build(root: Path, seed: int = 13) -> list[Item]:
    """The whole collection, the same for the same corpora and seed."""
    col = Collection()
    origs = originals(root)
    titles = [title for _, _, title, _ in origs]
    # Comment lines: real short texts from outside the collection (news headlines).
    remarks = [str(r["text"]) for r in _records(root, "cn_media_headlines_2022")][::7]
    for n, (story, source, title, text) in enumerate(origs):
        col.add(story, "original", source, title, text)
        rng = random.Random(seed * 1_000_003 + n)
        for kind in COPY_KINDS:
            others = remarks if kind == "comments" else [t for t in titles if t != title]
            col.add(story, kind, f"{kind}-site", title, COPIERS[kind](title, text, rng, others))
    used = {story for story, *_ in origs}
    mfa = sorted(_records(root, "mfa_pressconf_en"), key=lambda r: (str(r["date"]), str(r["id"])))
    fresh = [r for r in mfa if str(r["id"]) not in used]
    for r in fresh[100:140]:
        col.add(str(r["id"]), "mfa_consecutive", "mfa", str(r["title"]), _clean(str(r["text"])))
    by_country: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in _records(root, "un_general_debate"):
        if str(r["id"]) not in used and r["year"] in (2010, 2011, 2012):
            by_country[str(r["speaker_country_iso3"])].append(r)
    countries = sorted(c for c, rs in by_country.items() if len(rs) == 3)[::8][:20]
    for country in countries:
        for r in sorted(by_country[country], key=lambda r: int(r["year"])):
            text = _clean(str(r["text"]))
            col.add(str(r["id"]), "un_consecutive_years", "un", str(r["title"]), text)
    # Lead paragraphs (the corpus holds 6 of them twice; one of each is kept), published by
    # three offices with the same closing paragraphs.
    distinct: dict[str, dict[str, Any]] = {}
    for r in _records(root, "dod_dvids_news"):
        if str(r["kind"]).startswith("lead snippet"):
            distinct.setdefault(str(r["text"]), r)
    for i, r in enumerate(list(distinct.values())[:30]):
        text = _clean(str(r["text"])) + "\n" + BOILERPLATE
        col.add(str(r["id"]), "shared_boilerplate", f"dvids-office-{i % 3}", str(r["title"]), text)
    return col.items


# --- scoring -------------------------------------------------------------------------------


@dataclass
class Score:
    """Predicted-same pairs touching the group (tp right, fp wrong) and the true pairs
    the recall is over (``total``, of which ``hits`` predicted same)."""

    group: str
    tp: int = 0
    fp: int = 0
    hits: int = 0
    total: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def metric(self, name: str) -> float:
        return float(getattr(self, name))


@dataclass
class Result:
    scores: dict[str, Score]
    wrong: list[tuple[str, Item, Item]]
    docs: int
    seconds: float = 0.0


def score(items: Sequence[Item], predicted: dict[int, int]) -> Result:
    """Pairwise scores of a predicted story assignment (item id -> story id). Recall per
    copy kind is over its (original, copy) pairs; overall recall over all true pairs."""
    scores = {g: Score(g) for g in GROUPS}
    wrong: list[tuple[str, Item, Item]] = []
    by_pred: dict[int, list[Item]] = defaultdict(list)
    by_true: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_pred[predicted[item.id]].append(item)
        by_true[item.story].append(item)
    for members in by_pred.values():
        for a, b in combinations(members, 2):
            right = a.story == b.story
            for g in {"overall", a.kind, b.kind} - {"original"}:
                if right:
                    scores[g].tp += 1
                else:
                    scores[g].fp += 1
            if not right:
                wrong.append(("FP", a, b))
    for members in by_true.values():
        for a, b in combinations(members, 2):
            same = predicted[a.id] == predicted[b.id]
            groups = ["overall"]
            if "original" in (a.kind, b.kind) and a.kind != b.kind:
                groups.append(b.kind if a.kind == "original" else a.kind)
            for g in groups:
                scores[g].total += 1
                scores[g].hits += same
            if not same:
                wrong.append(("FN", a, b))
    return Result(scores, wrong, len(items))


def evaluate(root: Path | None = None, seed: int = 13, k: int = K) -> Result:
    items = build(root or corpora_dir(), seed)
    start = time.perf_counter()
    predicted = find_stories([Article(i.id, i.source, i.text) for i in items], k)
    seconds = time.perf_counter() - start
    result = score(items, predicted)
    result.seconds = seconds
    return result


def load_floors(path: Path = FLOORS_PATH) -> dict[str, dict[str, float]]:
    """The pinned floors: {group: {metric: value}}."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for group, metrics in data.items():
        if group.startswith("_"):
            continue
        if group not in GROUPS or not set(metrics) <= set(METRICS):
            raise ValueError(f"{path}: unexpected entry {group!r}: {metrics!r}")
    return {k: v for k, v in data.items() if not k.startswith("_")}


def below_floors(scores: dict[str, Score], floors: dict[str, dict[str, float]]) -> list[str]:
    """One message per metric under its floor (empty when all pass)."""
    failures = []
    for group, metrics in floors.items():
        for metric, floor in metrics.items():
            value = scores[group].metric(metric)
            if value < floor:
                failures.append(f"{group} {metric} {value:.4f} < floor {floor:.3f}")
    return failures


def margins(items: Sequence[Item], k: int = K) -> dict[str, tuple[str, float, float, float]]:
    """How close the calls are, without boilerplate statistics: per copy kind the lowest
    (containment, Jaccard, lead) of an (original, copy) pair, per negative set the highest
    of any two of its documents (within one source for the boilerplate set)."""
    sets = {item.id: shingles(item.text, k) for item in items}
    out: dict[str, tuple[str, float, float, float]] = {}
    first = {i.story: i for i in items if i.kind == "original"}
    for kind in COPY_KINDS:
        verdicts = [compare(sets[first[i.story].id], sets[i.id]) for i in items if i.kind == kind]
        low = min(verdicts, key=lambda v: v.containment)
        out[kind] = ("min", low.containment, min(v.jaccard for v in verdicts), low.lead)
    for name in NEGATIVE_SETS:
        members = [i for i in items if i.kind == name]
        verdicts = [
            compare(sets[a.id], sets[b.id])
            for a, b in combinations(members, 2)
            if name != "un_consecutive_years" or a.title.split(":")[-1] == b.title.split(":")[-1]
        ]
        high = max(verdicts, key=lambda v: v.containment)
        merged = sum(v.same for v in verdicts)
        out[name] = ("max", high.containment, max(v.jaccard for v in verdicts), float(merged))
    return out


def _describe(item: Item) -> str:
    return f"{item.kind}:{item.story}#{item.id}"


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 below the pinned floors")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--report", type=Path, default=REPORT_PATH)
    parser.add_argument("--k", type=int, default=K, help=f"shingle length (default {K})")
    parser.add_argument("--margins", action="store_true", help="print how close the calls are")
    args = parser.parse_args(argv)
    root = corpora_dir()
    if not root.is_dir():
        print(f"shared corpora not found at {root} (set PRESSWATCH_CORPORA)", file=sys.stderr)
        return 2
    result = evaluate(root, args.seed, args.k)
    print(f"{result.docs} documents, k={args.k}, find_stories {result.seconds:.2f} s")
    print(f"{'group':<22}{'precision':>10}{'recall':>9}{'pred.pairs':>12}{'true pairs':>12}")
    for group in GROUPS:
        s = result.scores[group]
        print(f"{group:<22}{s.precision:>10.4f}{s.recall:>9.4f}{s.tp + s.fp:>12}{s.total:>12}")
    args.report.parent.mkdir(parents=True, exist_ok=True)
    args.report.write_text(
        "".join(f"{tag} {_describe(a)} {_describe(b)}\n" for tag, a, b in result.wrong),
        encoding="utf-8",
    )
    print(f"wrong pairs ({len(result.wrong)}): {args.report}")
    if args.margins:
        print("closest calls without boilerplate statistics (containment, Jaccard, lead):")
        for group, (side, c, j, extra) in margins(build(root, args.seed), args.k).items():
            tail = f"lead {extra:.3f}" if side == "min" else f"pairs merged {int(extra)}"
            print(f"  {group:<22}{side} C {c:.3f}  J {j:.3f}  {tail}")
    if args.check:
        failures = below_floors(result.scores, load_floors())
        for failure in failures:
            print(f"BELOW FLOOR: {failure}", file=sys.stderr)
        return 1 if failures else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
