"""Story-detection speed: signatures and candidates, documents per second on one core.

    python bench/bench_stories.py [--docs 2000] [--batch 500] [--datasketch] [--check]

Texts: Reuters-21578 stories (../shared/corpora or $PRESSWATCH_CORPORA) joined and cut to
6,000 characters each, the size the issue's figure is for. Timed by CPU time of this
process, batch by batch as ingest would call it:

- ``shingles``: normalised words -> 5-word shingle hashes, sorted sets and leads
  (``text.shingles_many``);
- ``signatures``: MinHash of the full sets and the leads plus their band keys;
- ``sketch``: both together (``detect.sketch``, what ingest runs per article);
- ``boilerplate counts``: per-source shingle counts (``Boilerplate.add_many``);
- ``candidates + check``: candidate pairs from the band keys of all documents so far (a
  key index) and the check of each new pair against the known boilerplate;
- ``IncrementalStories``: the reference model of the whole incremental procedure in
  Python (counts, re-checks, components), for information: the integration keeps the key
  index and the counts in the database.

``--datasketch`` also times datasketch 2.x on the same shingles (as UTF-8 strings): one
``MinHash(num_perm=128)`` per document with ``update_batch``, and ``MinHash.bulk``; and this
package's MinHasher at 128 permutations for the same comparison. It is reported as
unavailable when datasketch is not installed (it is not a dependency).

``--check`` exits 1 when sketch + candidates + check cost more than 0.5 ms a document
(below 2,000 documents/s), the budget that keeps ingest at 1,000 articles/s on 2 cores.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _corpora import require_corpora

from presswatch.stories import Article, Boilerplate, IncrementalStories, compare
from presswatch.stories.detect import HASHER, sketch
from presswatch.stories.minhash import MinHasher
from presswatch.stories.text import K, shingles_many, word_hashes, words

MIN_DOCS_PER_S = 2000.0
TEXT_CHARS = 6000


def texts(root: Path, count: int) -> list[str]:
    """``count`` texts of TEXT_CHARS characters, each from consecutive Reuters stories."""
    stories: list[str] = []
    with gzip.open(root / "reuters21578" / "reuters21578.jsonl.gz", "rt", encoding="utf-8") as f:
        for line in f:
            text = json.loads(line)["text"]
            if text and len(text) > 400:
                stories.append(text)
    out: list[str] = []
    i = 0
    while len(out) < count:
        chunk = ""
        while len(chunk) < TEXT_CHARS:
            chunk += stories[i % len(stories)] + "\n"
            i += 1
        out.append(chunk[:TEXT_CHARS])
    return out


def per_second(docs: int, fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return docs / max(time.process_time() - start, 1e-9)


def _batches(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def measure(docs: list[str], batch: int) -> dict[str, float]:
    batches = _batches(docs, batch)
    n = len(docs)
    sets = [s for b in batches for s in shingles_many(b)]
    result = {"shingles": per_second(n, lambda: [shingles_many(b) for b in batches])}

    def signatures() -> None:
        from presswatch.stories.detect import _signatures

        for start in range(0, n, batch):
            part = sets[start : start + batch]
            _signatures([s.all for s in part])
            _signatures([s.lead for s in part])

    result["signatures"] = per_second(n, signatures)
    result["sketch"] = per_second(n, lambda: [sketch(b) for b in batches])

    sketches = [sketch(b) for b in batches]
    boilerplate = Boilerplate()

    def count() -> None:
        for sk in sketches:
            boilerplate.add_many("s", sk.shingles)

    result["boilerplate counts"] = per_second(n, count)
    ignore = boilerplate.of_pair("s", "s")

    def candidates() -> None:
        # The key index and the check of every new candidate pair, batch by batch; the
        # boilerplate is taken as known (the integration reads it from its table).
        index: dict[int, list[int]] = {}
        sets = {}
        for start, sk in zip(range(0, n, batch), sketches, strict=True):
            pairs: set[tuple[int, int]] = set()
            for i in range(len(sk.shingles)):
                doc = start + i
                sets[doc] = sk.shingles[i]
                for key in sk.keys_of(i):
                    bucket = index.setdefault(key, [])
                    pairs.update((other, doc) for other in bucket)
                    bucket.append(doc)
            for a, b in pairs:
                compare(sets[a], sets[b], ignore)

    result["candidates + check"] = per_second(n, candidates)
    result["sketch + candidates + check"] = 1 / (
        1 / result["sketch"] + 1 / result["candidates + check"]
    )

    def incremental() -> None:
        stories = IncrementalStories()
        for start in range(0, n, batch):
            part = docs[start : start + batch]
            stories.add_batch([Article(start + i, "s", t) for i, t in enumerate(part)])

    result["IncrementalStories (all in Python)"] = per_second(n, incremental)
    return result


def measure_datasketch(docs: list[str]) -> dict[str, float] | None:
    try:
        from datasketch import MinHash
    except ImportError:
        return None
    grams = []
    for text in docs:
        w = words(text)
        grams.append([" ".join(w[i : i + K]).encode() for i in range(max(len(w) - K + 1, 1))])
    n = len(docs)

    def per_doc() -> None:
        for g in grams:
            m = MinHash(num_perm=128)
            m.update_batch(g)

    out: dict[str, Any] = {"datasketch per document": per_second(n, per_doc)}
    out["datasketch bulk"] = per_second(n, lambda: MinHash.bulk(grams, num_perm=128))
    hasher = MinHasher(128)
    sets = shingles_many(docs)
    values = np.concatenate([s.all for s in sets])
    offsets = np.concatenate(([0], np.cumsum([s.size for s in sets]))).astype(np.int64)
    out["numpy MinHasher(128), signatures only"] = per_second(
        n, lambda: hasher.signatures(values, offsets)
    )
    out["word hashes only (vectorised)"] = per_second(n, lambda: [word_hashes(t) for t in docs])
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--docs", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--datasketch", action="store_true", help="compare with datasketch")
    parser.add_argument("--check", action="store_true", help=f"exit 1 below {MIN_DOCS_PER_S}/s")
    args = parser.parse_args(argv)
    docs = texts(require_corpora(), args.docs)
    sketch(docs[:10])  # warm the translate and power tables
    print(
        f"{len(docs)} texts of {TEXT_CHARS} characters, batches of {args.batch}, "
        f"{HASHER.permutations} permutations; documents/s by CPU time:"
    )
    result = measure(docs, args.batch)
    for name, value in result.items():
        print(f"  {name:<40}{value:>10.0f}   ({1000 / value:.3f} ms/doc)")
    if args.datasketch:
        other = measure_datasketch(docs)
        if other is None:
            print("  datasketch: unavailable (pip install datasketch)")
        else:
            for name, value in other.items():
                print(f"  {name:<40}{value:>10.0f}   ({1000 / value:.3f} ms/doc)")
    checked = result["sketch + candidates + check"]
    if args.check and checked < MIN_DOCS_PER_S:
        print(
            f"BELOW FLOOR: sketch + candidates + check {checked:.0f}/s < {MIN_DOCS_PER_S:.0f}/s",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
