"""The query layer: pure functions (connection, Filters, options) -> pandas DataFrame.

All SQL of the dashboard lives in this package, one module per view (``overview``,
``mentions``, ``cooccurrence``, ``terms``, ``articles``), with ``reference`` (what the URL
may name, labels) and ``_sql`` (the shared fragments) beneath them; every public name is
re-exported here, so callers write ``queries.top_entities``. No Streamlit import. Every user
value is a bound parameter; the only names interpolated into SQL come from fixed allow-lists.

Definitions (tested with hand-computed values in tests/test_queries.py):

- *filtered set*: the articles matching ``Filters.to_sql``; time series use its dated part.
- *mentions* of a country: ``n_named`` (+ ``n_capital`` when ``include_capitals``);
  organisations and watch-list groups: ``n_named``; a free typed term (``word:<text>``):
  occurrences in the term index (a multi-word phrase: occurrences in title + text).
- *articles mentioning* X: articles of the filtered set with at least one mention of X;
  an entity mentioned several times in one article counts once.
- *share* = articles mentioning ÷ articles in the filtered set in that period.
- *per 10k words* = mentions ÷ words of the filtered set in that period × 10,000.
- co-occurrence units: article scope = the articles of the filtered set; sentence scope =
  the sentences (title = sentence 0) of filtered articles that mention at least one country.
  n_a = units mentioning a, n_ab = units mentioning both, N = number of units.
- *Jaccard* = n_ab / (n_a + n_b − n_ab); *PMI* = log2(p(a,b) / (p(a) p(b))) with p(x) =
  n_x / N; *NPMI* = PMI / −log2 p(a,b) (1.0 when p(a,b) = 1).
- *keyness*: Dunning/Rayson log-likelihood G² = 2 Σ O ln(O/E) over the 2×2 table of
  (term count, corpus size) for target vs reference, corpus sizes in words
  (``articles.word_count``); effect size = log2 ratio of relative frequencies (Hardie's
  "Log Ratio", a zero reference count is smoothed to 0.5). Only over-represented terms.
- *words* = ``articles.word_count`` (body text); term counts include the title.

How it stays fast: the filtered article ids are computed once per
(filters, data version) into a connection-local temporary table that every query of a
page reuses (``_fa_table``); aggregations read the precomputed tables
(``article_entities``, ``country_pairs``, ``article_terms``), never ``text``, except to
verify an unlisted phrase on its index candidates and to cut snippets from the few
articles on screen. Corpus-wide term totals (keyness against "the rest"), the country
surface forms (term-cloud exclusion) and per-country unit counts are shared parts that go
through the caller's cache (``use_cache``; the dashboard's is ui/data.py's st.cache_data).
"""

from __future__ import annotations

from presswatch.filters import UNKNOWN_SOURCE, Filters, KnownValues
from presswatch.queries._sql import (
    ARTICLE_ORDERS,
    CO_MEASURES,
    GRANULARITIES,
    MEASURES,
    SCOPES,
    STATUS_SUFFIX,
    WORD_PREFIX,
    ArticleOrder,
    CoMeasure,
    Conn,
    EntityKind,
    Granularity,
    Measure,
    Scope,
    SharedCache,
    use_cache,
)
from presswatch.queries.articles import (
    KWIC_COLUMNS,
    article_detail,
    article_mentions,
    articles_page,
    iter_articles_all,
    iter_kwic_all,
    kwic_snippets,
    stored_articles,
    with_match_snippet,
)
from presswatch.queries.cooccurrence import (
    articles_for_pair,
    cooccurrence,
    cooccurrence_matrix,
    cooccurrence_nodes,
    partners_of,
)
from presswatch.queries.mentions import (
    articles_for_period,
    mentions_over_time,
    period_bounds,
)
from presswatch.queries.overview import (
    articles_by_source,
    articles_per_period,
    corpus_overview,
    count_articles,
    dates_too_coarse,
    top_entities,
)
from presswatch.queries.reference import (
    entity_label,
    known_values,
    recent_ingest_runs,
    rejects_for_run,
)
from presswatch.queries.terms import (
    term_frequencies,
    term_keyness,
)

__all__ = [
    "ARTICLE_ORDERS",
    "CO_MEASURES",
    "GRANULARITIES",
    "KWIC_COLUMNS",
    "MEASURES",
    "SCOPES",
    "STATUS_SUFFIX",
    "UNKNOWN_SOURCE",
    "WORD_PREFIX",
    "ArticleOrder",
    "CoMeasure",
    "Conn",
    "EntityKind",
    "Filters",
    "Granularity",
    "KnownValues",
    "Measure",
    "Scope",
    "SharedCache",
    "article_detail",
    "article_mentions",
    "articles_by_source",
    "articles_for_pair",
    "articles_for_period",
    "articles_page",
    "articles_per_period",
    "cooccurrence",
    "cooccurrence_matrix",
    "cooccurrence_nodes",
    "corpus_overview",
    "count_articles",
    "dates_too_coarse",
    "entity_label",
    "iter_articles_all",
    "iter_kwic_all",
    "known_values",
    "kwic_snippets",
    "mentions_over_time",
    "partners_of",
    "period_bounds",
    "recent_ingest_runs",
    "rejects_for_run",
    "stored_articles",
    "term_frequencies",
    "term_keyness",
    "top_entities",
    "use_cache",
    "with_match_snippet",
]
