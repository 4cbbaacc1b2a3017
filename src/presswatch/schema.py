"""The versioned DuckDB schema: an ordered list of migrations, applied once each."""

from __future__ import annotations

# Each entry is (version, description, statements). Never edit a released migration:
# append a new one. store.migrate() applies the missing ones inside one transaction.
MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "articles, ingest runs, rejects, mentions, derived country sets and pairs, term index",
        [
            """
            CREATE TABLE ingest_runs (
                run_id        BIGINT PRIMARY KEY,
                run_key       VARCHAR NOT NULL UNIQUE,  -- chosen by the ingesting process
                started_at    TIMESTAMP NOT NULL,
                finished_at   TIMESTAMP,
                origin        VARCHAR NOT NULL,      -- cli | upload | demo
                inputs        VARCHAR,               -- what was asked for, for display
                files_read    INTEGER NOT NULL DEFAULT 0,
                articles_seen INTEGER NOT NULL DEFAULT 0,
                articles_added INTEGER NOT NULL DEFAULT 0,
                duplicates    INTEGER NOT NULL DEFAULT 0,
                rejects       INTEGER NOT NULL DEFAULT 0,
                undated       INTEGER NOT NULL DEFAULT 0,
                status        VARCHAR NOT NULL       -- running | done | failed
            )
            """,
            """
            CREATE TABLE articles (
                article_id     BIGINT PRIMARY KEY,   -- from the normalised-text hash
                text_hash      VARCHAR NOT NULL,
                url            VARCHAR,
                title          VARCHAR,
                published_at   TIMESTAMP,            -- UTC where a zone was given
                date_precision VARCHAR,              -- day | month | year | NULL
                published_tz   VARCHAR,              -- zone/offset as written, if any
                source         VARCHAR,
                language       VARCHAR,
                text           VARCHAR NOT NULL,
                word_count     INTEGER NOT NULL,
                origin_file    VARCHAR NOT NULL,
                origin_record  VARCHAR,
                run_id         BIGINT NOT NULL,
                ingested_at    TIMESTAMP NOT NULL,
                -- sentences mentioning any country, with / without capital-city metonymy:
                -- the units of sentence-scope co-occurrence, precomputed.
                country_sentences       INTEGER NOT NULL,
                country_sentences_named INTEGER NOT NULL
            )
            """,
            """
            CREATE TABLE rejects (
                run_id        BIGINT NOT NULL,
                origin_file   VARCHAR NOT NULL,
                origin_record VARCHAR,
                reason        VARCHAR NOT NULL,
                detail        VARCHAR NOT NULL,
                created_at    TIMESTAMP NOT NULL
            )
            """,
            # Every detected mention, so each count traces back to exact words.
            """
            CREATE TABLE mentions (
                article_id BIGINT NOT NULL,
                entity_id  VARCHAR NOT NULL,   -- ISO alpha-2 for countries, org:NATO, term:<group>
                kind       VARCHAR NOT NULL,   -- country | capital | organisation | term
                signal     VARCHAR NOT NULL,   -- name|demonym|compound|abbreviation|capital|term
                field      VARCHAR NOT NULL,   -- title | text
                start_pos  INTEGER NOT NULL,
                end_pos    INTEGER NOT NULL,
                sentence   INTEGER NOT NULL,
                surface    VARCHAR NOT NULL
            )
            """,
            # Per article and entity: how often, and whether named or only via the capital.
            """
            CREATE TABLE article_entities (
                article_id BIGINT NOT NULL,
                entity_id  VARCHAR NOT NULL,
                kind       VARCHAR NOT NULL,   -- country | organisation | term
                n_named    INTEGER NOT NULL,   -- mentions by name/demonym/compound/abbreviation
                n_capital  INTEGER NOT NULL,   -- capital-city metonymy mentions
                n_sentences       INTEGER NOT NULL,  -- sentences mentioning it (any signal)
                n_sentences_named INTEGER NOT NULL   -- sentences naming it (no capital)
            )
            """,
            # Co-occurring country pairs (a < b), article and sentence scope. n counts with
            # capital-city metonymy, n_named without it (0: the pair needs a capital).
            """
            CREATE TABLE country_pairs (
                article_id BIGINT NOT NULL,
                scope      VARCHAR NOT NULL,   -- article | sentence
                a          VARCHAR NOT NULL,
                b          VARCHAR NOT NULL,
                n          INTEGER NOT NULL,   -- 1 for article scope; sentences for sentence scope
                n_named    INTEGER NOT NULL
            )
            """,
            # The term index: serves the word cloud and keyword search alike.
            """
            CREATE TABLE terms (
                term_id BIGINT PRIMARY KEY,    -- from the term's hash, stable across processes
                term    VARCHAR NOT NULL UNIQUE
            )
            """,
            """
            CREATE TABLE article_terms (
                article_id BIGINT NOT NULL,
                term_id    BIGINT NOT NULL,
                n          INTEGER NOT NULL
            )
            """,
            # One row per key; data_version grows with every committed write so the
            # dashboard's caches know when to look again.
            """
            CREATE TABLE store_meta (
                key   VARCHAR PRIMARY KEY,
                value BIGINT NOT NULL
            )
            """,
            "INSERT INTO store_meta VALUES ('data_version', 0)",
            # Reference data loaded from data/ so queries can show names and regions.
            """
            CREATE TABLE entities (
                entity_id VARCHAR PRIMARY KEY,
                kind      VARCHAR NOT NULL,
                name      VARCHAR NOT NULL,
                iso3      VARCHAR,
                region    VARCHAR
            )
            """,
        ],
    ),
    (
        2,
        "entities.status: state | territory | historic (countries.tsv), shown with the name",
        # Filled by ingest.write.refresh_entities (every ingest) or, for a file migrated here,
        # by ingest.write.fill_entity_status when the dashboard opens it.
        ["ALTER TABLE entities ADD COLUMN status VARCHAR"],
    ),
]

LATEST_VERSION = MIGRATIONS[-1][0]
