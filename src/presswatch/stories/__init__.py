"""Story detection: which stored articles are copies of one story (issue 13), pure core.

No database and no UI here; the ingest integration stores what these functions return.

Pipeline, per article (vectorised over a batch of articles where it matters):

1. ``text.shingles_many``: normalised words (NFKC, casefold, punctuation/quotes/dashes/
   ellipses as blanks, lines of <= 4 words that end no sentence, i.e. menus and bylines,
   dropped) -> K=5-word shingles as stable uint64 hashes; the sorted set (8 bytes a
   shingle, the form to store for the check) and the lead (first 48 distinct shingles).
2. ``minhash``: one MinHash signature per set, computed for many documents at once
   (MinHasher(60) = 60 uint32 values), over the full set and over the lead (its first 32
   permutations).
3. Band keys (one uint64 per band, for an integer column): FULL_BANDS = 20 bands x 3 rows
   of the full signature, LEAD_BANDS = 16 bands x 2 rows of the lead signature. A pair is
   a candidate when it shares any key. S-curves, P(t) = 1 - (1 - t**r)**b:
   full, at Jaccard t: P(0.3) = 0.42, P(0.5) = 0.93, P(0.6) = 0.99, P(0.7) = 0.9997;
   lead, at the Jaccard of the two leads: P(0.2) = 0.49, P(0.35) = 0.88, P(0.5) = 0.99.
   An excerpt of a quarter of a story has Jaccard ~0.25 with it, too low for the full
   bands to find reliably, but its lead is the story's lead, so the lead bands find it;
   so do a copy buried under a long comment thread and a wire rewrite whose later
   paragraphs changed. Page wrappers and mirrors keep a high full-text Jaccard.
4. ``check.compare`` on each candidate pair, on the actual shingle sets minus the
   boilerplate of both sources: same story when Jaccard >= 0.7, or containment >= 0.6 and
   lead overlap >= 0.5 (the share of one document's lead found in the other). The lead
   condition is what keeps two different releases sharing a long closing paragraph apart
   even before that paragraph is known as boilerplate.
5. ``assign.story_ids``: connected components of the same-story edges (union-find); the
   story id is the component's smallest member by a key (e.g. (date, article id)).

Boilerplate rule: a shingle found in >= 3 distinct articles of one source is that source's
boilerplate and is ignored by the check for pairs involving that source (``Boilerplate``).

Order independence. Band keys and shingle sets are pure functions of one text, so the
candidate set is a pure function of the set of articles. The verdict on a pair is a pure
function of the two shingle sets and of the boilerplate of their sources; the boilerplate
is a pure function of the per-source document frequencies, which are sums over articles
and so identical for any ingest order or batch size. Components of a fixed edge set do
not depend on the order of edges, and the id (minimum by key) depends only on the members.
Hence: partition = components(candidates filtered by compare under the boilerplate of ALL
stored articles). ``find_stories`` computes exactly that for an in-memory collection. An
incremental ingest reaches the same partition if, after each batch, it re-checks every
stored candidate pair of each source whose boilerplate set changed in that batch (a
shingle crossing the threshold can remove an edge or, by shrinking a set, add one) and
recomputes the components of the stories those pairs touch; ``reindex`` (everything at
once) always restores it. A property test (tests/test_stories_assign.py) holds
find_stories' partition equal across shuffled orders and batch sizes of the incremental
procedure written that way (``IncrementalStories``).

Known limits. A story published by one source in three or more versions (updates of one
wire story) has its shared body counted as that source's boilerplate, so those versions
are not joined to each other by the check (each still joins copies from other sources).
Two releases of one source that share a long closing paragraph but whose own text is
shorter than about a third of the lead (under ~15 words) look like one story until the
third such release makes the paragraph boilerplate (tests/test_stories_assign.py shows
the re-check splitting them). Per-source counts of every shingle are large (one row per
distinct shingle and source, ~1,000 per 6 KB article); counting normalised paragraphs
instead would be far smaller and is the integration's choice. A band key shared by very many
articles (identical boilerplate-only texts) yields quadratically many candidate pairs.
"""

from __future__ import annotations

from presswatch.stories.assign import components, story_ids
from presswatch.stories.check import Boilerplate, Verdict, compare
from presswatch.stories.detect import (
    FULL_BANDS,
    HASHER,
    LEAD_BANDS,
    Article,
    IncrementalStories,
    Sketches,
    find_stories,
    partition,
    same_story_edges,
    sketch,
)
from presswatch.stories.text import Shingles, normalise, shingles

__all__ = [
    "FULL_BANDS",
    "HASHER",
    "LEAD_BANDS",
    "Article",
    "Boilerplate",
    "IncrementalStories",
    "Shingles",
    "Sketches",
    "Verdict",
    "compare",
    "components",
    "find_stories",
    "normalise",
    "partition",
    "same_story_edges",
    "shingles",
    "sketch",
    "story_ids",
]
