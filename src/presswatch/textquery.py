"""The text query: words, "quoted phrases", AND / OR / NOT (and -word), parentheses, word*.

Grammar (case-insensitive operators; adjacent terms mean AND; AND binds tighter than OR)::

    query   := or_expr
    or_expr := and_expr ("OR" and_expr)*
    and_expr:= unary (["AND"] unary)*
    unary   := ("NOT" | "-") unary | atom
    atom    := WORD | WORD* | "quoted phrase" | "(" or_expr ")"

Compiled to SQL over the term index: a single indexed word — or a phrase listed in
data/phrases.txt, which the index holds whole — is one lookup of its ``term_id`` in
``article_terms``; ``word*`` is a prefix match on ``terms.term`` (``LIKE``
with an escaped, bound value). A hyphen ends a word, so both also find the hyphenated
compounds of the index ("russia" finds "china-russia", "milit*" finds "civil-military"),
looked up in the vocabulary; a phrase — or a word the tokeniser splits into several
tokens — narrows candidates through the index (all its indexed words) and then verifies
the exact sequence on title + text with a case-insensitive regular expression built from
``re.escape``-d words. Nothing the user typed reaches SQL except as a bound parameter.

Garbage never raises: unbalanced quotes/parentheses, dangling operators and words the
index does not store (stopwords like "the") are dropped with a note; a query with nothing
usable left gives no filter and a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from presswatch.extract.terms import is_indexed_word, listed_phrases, term_id, tokenize

MAX_QUERY_CHARS = 500
MAX_TERMS = 20
MIN_PREFIX_CHARS = 2


@dataclass(frozen=True, slots=True)
class Word:
    """One indexed token."""

    word: str


@dataclass(frozen=True, slots=True)
class Prefix:
    """A trailing-* wildcard: every indexed term starting with ``prefix``."""

    prefix: str


@dataclass(frozen=True, slots=True)
class Phrase:
    """A word sequence that must occur in this order (tokens; a token may end with *)."""

    tokens: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Not:
    """Negation."""

    child: Node


@dataclass(frozen=True, slots=True)
class And:
    """All children."""

    children: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Any child."""

    children: tuple[Node, ...]


Node = Word | Prefix | Phrase | Not | And | Or


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """Result of ``parse``: the tree (None = no filter) and notes for the user."""

    node: Node | None
    notes: tuple[str, ...]

    @property
    def empty(self) -> bool:
        """True when the query gives no filter."""
        return self.node is None


_LEX_RE = re.compile(r'-?"[^"]*"?|\(|\)|[^\s()"]+')


def _lex(query: str) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    if query.count('"') % 2:
        notes.append("An unclosed quote was closed at the end of the query.")
    return _LEX_RE.findall(query), notes


class _Parser:
    """Recursive-descent parser over lexemes; records notes instead of raising."""

    def __init__(self, lexemes: list[str], notes: list[str]) -> None:
        self.lx = lexemes
        self.i = 0
        self.notes = notes
        self.n_terms = 0
        self.depth = 0

    def peek(self) -> str | None:
        return self.lx[self.i] if self.i < len(self.lx) else None

    def parse(self) -> Node | None:
        node = self.or_expr()
        while self.i < len(self.lx):  # stray ")" and the like
            tok = self.lx[self.i]
            self.i += 1
            if tok == ")":
                self.notes.append("An unmatched ')' was ignored.")
            more = self.or_expr()
            node = _and(node, more)
        return node

    def or_expr(self) -> Node | None:
        parts = [self.and_expr()]
        while (tok := self.peek()) is not None and tok.upper() == "OR":
            self.i += 1
            parts.append(self.and_expr())
        kept = tuple(p for p in parts if p is not None)
        if len(parts) > 1 and len(kept) < len(parts):
            self.notes.append("An OR without a term on both sides was ignored.")
        if not kept:
            return None
        return kept[0] if len(kept) == 1 else Or(kept)

    def and_expr(self) -> Node | None:
        parts: list[Node] = []
        attempted = False
        while True:
            tok = self.peek()
            if tok is None or tok == ")" or tok.upper() == "OR":
                break
            if tok.upper() == "AND":
                self.i += 1
                if not attempted:
                    self.notes.append("An AND without a term before it was ignored.")
                continue
            attempted = True
            node = self.unary()
            if node is not None:
                parts.append(node)
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else And(tuple(parts))

    def unary(self) -> Node | None:
        tok = self.peek()
        assert tok is not None
        if tok.upper() == "NOT" or (tok.startswith("-") and len(tok) > 1 and tok != "-"):
            if tok.upper() == "NOT":
                self.i += 1
                nxt = self.peek()
                if nxt is None or nxt == ")" or nxt.upper() in ("OR", "AND"):
                    self.notes.append("A NOT without a term after it was ignored.")
                    return None
                child = self.unary()
            else:  # -word / -"phrase"
                self.lx[self.i] = tok[1:]
                child = self.unary()
            return Not(child) if child is not None else None
        return self.atom()

    def atom(self) -> Node | None:
        tok = self.lx[self.i]
        self.i += 1
        if tok == "(":
            self.depth += 1
            if self.depth > 10:
                self.notes.append("Parentheses nested too deeply were flattened.")
            node = self.or_expr()
            if self.peek() == ")":
                self.i += 1
            else:
                self.notes.append("An unclosed '(' was closed at the end of the query.")
            self.depth -= 1
            return node
        if tok.startswith('"'):
            return self.phrase(tok.strip('"'), quoted=True)
        return self.phrase(tok, quoted=False)

    def phrase(self, raw: str, *, quoted: bool) -> Node | None:
        wildcard = raw.endswith("*")
        toks = tokenize(raw)
        if not toks:
            if raw.strip('"*'):
                self.notes.append(f"Ignored {raw!r}: it has no letters or digits.")
            elif quoted:
                self.notes.append("An empty quoted phrase was ignored.")
            return None
        self.n_terms += 1
        if self.n_terms > MAX_TERMS:
            if self.n_terms == MAX_TERMS + 1:
                self.notes.append(f"Only the first {MAX_TERMS} terms of the query were used.")
            return None
        if wildcard:
            toks[-1] += "*"
        if len(toks) == 1:
            tok = toks[0]
            if tok.endswith("*"):
                stem = tok[:-1]
                if len(stem) < MIN_PREFIX_CHARS:
                    self.notes.append(
                        f"Ignored {raw!r}: a wildcard needs at least {MIN_PREFIX_CHARS} letters "
                        "before the *."
                    )
                    return None
                return Prefix(stem)
            if not is_indexed_word(tok):
                self.notes.append(f"Ignored {raw!r}: too common a word to search for.")
                return None
            return Word(tok)
        if not any(is_indexed_word(t.rstrip("*")) for t in toks):
            self.notes.append(f"Ignored {raw!r}: it has only very common words.")
            return None
        return Phrase(tuple(toks))


def _and(a: Node | None, b: Node | None) -> Node | None:
    if a is None:
        return b
    if b is None:
        return a
    return And((a, b))


def parse(query: str | None) -> ParsedQuery:
    """Parse a user query into a tree plus notes; never raises."""
    if query is None or not query.strip():
        return ParsedQuery(None, ())
    notes: list[str] = []
    if len(query) > MAX_QUERY_CHARS:
        notes.append(f"The query was cut to its first {MAX_QUERY_CHARS} characters.")
        query = query[:MAX_QUERY_CHARS]
    query = "".join(ch if ch.isprintable() else " " for ch in query)
    lexemes, lex_notes = _lex(query)
    notes.extend(lex_notes)
    parser = _Parser(lexemes, notes)
    try:
        node = parser.parse()
    except RecursionError:  # absurd nesting: give up on the query, not the page
        node = None
        notes.append("The query is nested too deeply and was ignored.")
    node = _simplify(node)
    if node is not None and _only_negative(node):
        notes.append("A query of only NOT terms matches nearly everything; it was kept as asked.")
    if node is None and query.strip():
        notes.append("The text query has no searchable words, so it does not filter.")
    return ParsedQuery(node, tuple(dict.fromkeys(notes)))


def _simplify(node: Node | None) -> Node | None:
    """Flatten nested AND/OR and double negation."""
    if isinstance(node, Not):
        inner = _simplify(node.child)
        if inner is None:
            return None
        return inner.child if isinstance(inner, Not) else Not(inner)
    if isinstance(node, And | Or):
        kids: list[Node] = []
        for child in node.children:
            c = _simplify(child)
            if c is None:
                continue
            if type(c) is type(node):
                kids.extend(c.children)
            else:
                kids.append(c)
        if not kids:
            return None
        if len(kids) == 1:
            return kids[0]
        return type(node)(tuple(kids))
    return node


def _only_negative(node: Node) -> bool:
    if isinstance(node, Not):
        return True
    if isinstance(node, And):
        return all(_only_negative(c) for c in node.children)
    return False


def to_text(node: Node | None) -> str:
    """A canonical query string for a tree (round-trips through ``parse``)."""
    if node is None:
        return ""
    if isinstance(node, Word):
        return node.word
    if isinstance(node, Prefix):
        return node.prefix + "*"
    if isinstance(node, Phrase):
        return '"' + " ".join(node.tokens) + '"'
    if isinstance(node, Not):
        return "NOT " + _wrap(node.child)
    if isinstance(node, And):
        return " AND ".join(_wrap(c) for c in node.children)
    return " OR ".join(_wrap(c) for c in node.children)


def _wrap(node: Node) -> str:
    return f"({to_text(node)})" if isinstance(node, And | Or) else to_text(node)


def like_escape(value: str) -> str:
    """Escape LIKE wildcards (``%``, ``_``) and the escape character itself with a backslash."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def phrase_regex(tokens: tuple[str, ...]) -> str:
    """Case-insensitive pattern (RE2 for DuckDB, also valid in Python) for a token sequence.

    Words are ``re.escape``-d; any run of non-word characters may separate them (and a
    possessive 's may follow a word); a token ending in * matches any word continuation.
    Whole words: ``\\b`` at an end whose character is ASCII (RE2's ``\\b`` is ASCII-only,
    so an end in another script is left open rather than never matching).
    """
    parts = []
    for tok in tokens:
        # the tokeniser turns ’ into ', so accept either apostrophe inside a word
        if tok.endswith("*"):
            parts.append(re.escape(tok[:-1]).replace("'", "['’]") + r"[\w'’\-]*")
        else:
            parts.append(re.escape(tok).replace("'", "['’]"))
    body = r"(?:['’]s)?[\W_]+".join(parts)
    first, last = tokens[0], tokens[-1]
    head = r"\b" if first[:1].isascii() and first[:1].isalnum() else ""
    tail = r"\b" if not last.endswith("*") and last[-1:].isascii() and last[-1:].isalnum() else ""
    return f"(?i){head}{body}{tail}"


def word_regex(node: Node | None) -> str | None:
    """One Python pattern matching every positive word/prefix/phrase of a query (for KWIC)."""
    alts = []
    for item in words_of(node):
        toks = tuple(item.split(" "))
        alts.append(phrase_regex(toks)[4:])  # drop the leading (?i); added once below
    if not alts:
        return None
    return "(?i)" + "|".join(f"(?:{a})" for a in alts)


def words_of(node: Node | None) -> list[str]:
    """Positive (non-negated) words, prefixes (with *) and phrase tokens, for highlighting."""
    out: list[str] = []
    if node is None or isinstance(node, Not):
        return out
    if isinstance(node, Word):
        out.append(node.word)
    elif isinstance(node, Prefix):
        out.append(node.prefix + "*")
    elif isinstance(node, Phrase):
        out.append(" ".join(node.tokens))
    else:
        for c in node.children:
            out.extend(words_of(c))
    return out


def to_sql(node: Node, alias: str = "a") -> tuple[str, list[object]]:
    """A boolean SQL expression over ``<alias>.article_id`` (and title/text for phrases).

    ``alias`` must be a plain identifier chosen by the caller (checked), never user input.
    """
    if not alias.isidentifier():
        raise ValueError(f"bad SQL alias {alias!r}")
    params: list[object] = []
    sql = _sql(node, alias, params)
    return sql, params


# The index keeps a hyphenated compound whole ("china-russia", so the word cloud shows it),
# but a hyphen ends a word for search, as for detection and watch lists: a query word also
# finds the compounds it is a part of. Compounds are looked up in the vocabulary
# (``terms``, one row per distinct term), not in the text, so stored databases need no
# re-indexing. Multi-word terms (bigrams, listed phrases) are left out: their words are
# indexed on their own too, and counting them would count an occurrence twice.
_COMPOUND = "SELECT term_id FROM terms WHERE contains(term, '-') AND NOT contains(term, ' ')"
_WORD_IDS_SQL = (
    f"SELECT ?::BIGINT AS term_id UNION ALL {_COMPOUND} AND (term LIKE ? ESCAPE '\\' "
    "OR term LIKE ? ESCAPE '\\' OR term LIKE ? ESCAPE '\\')"
)
_PREFIX_IDS_SQL = (
    "SELECT term_id FROM terms WHERE term LIKE ? ESCAPE '\\' "  # noqa: S608 (constants only)
    f"UNION ALL {_COMPOUND} AND term LIKE ? ESCAPE '\\'"
)


def word_terms_sql(word: str) -> tuple[str, list[object]]:
    """SELECT of the term ids a query word finds: the word and the compounds it is part of."""
    w = like_escape(word)
    return _WORD_IDS_SQL, [term_id(word), w + "-%", "%-" + w, "%-" + w + "-%"]


def prefix_terms_sql(prefix: str) -> tuple[str, list[object]]:
    """SELECT of the term ids ``prefix*`` finds: terms, or parts of compounds, starting so."""
    p = like_escape(prefix)
    return _PREFIX_IDS_SQL, [p + "%", "%-" + p + "%"]


def term_ids_sql(node: Word | Prefix) -> tuple[str, list[object]]:
    """SELECT of the term ids a query word or ``prefix*`` finds (see the two above)."""
    return word_terms_sql(node.word) if isinstance(node, Word) else prefix_terms_sql(node.prefix)


def _sql(node: Node, alias: str, params: list[object]) -> str:
    col = f"{alias}.article_id"
    if isinstance(node, Word | Prefix):
        ids_sql, ids_params = term_ids_sql(node)
        params.extend(ids_params)
        return f"{col} IN (SELECT article_id FROM article_terms WHERE term_id IN ({ids_sql}))"  # noqa: S608
    if isinstance(node, Phrase) and " ".join(node.tokens) in listed_phrases():
        # a listed phrase is indexed wherever it occurs (as whole words, whitespace between)
        params.append(term_id(" ".join(node.tokens)))
        return f"{col} IN (SELECT article_id FROM article_terms WHERE term_id = ?)"  # noqa: S608
    if isinstance(node, Phrase):
        # candidates from the index (every indexed, non-wildcard word), then verify the
        # exact sequence on the candidates' title and text
        conds = []
        for tok in dict.fromkeys(node.tokens):
            if tok.endswith("*"):
                stem = tok[:-1]
                if len(stem) >= MIN_PREFIX_CHARS:
                    conds.append(_sql(Prefix(stem), "v", params))
            elif is_indexed_word(tok):
                conds.append(_sql(Word(tok), "v", params))
        params.append(phrase_regex(node.tokens))
        cand = " AND ".join(conds) if conds else "TRUE"
        return (
            f"{col} IN (SELECT v.article_id FROM articles v WHERE {cand} AND "  # noqa: S608
            "regexp_matches(coalesce(v.title, '') || chr(10) || v.text, ?))"
        )
    if isinstance(node, Not):
        return f"NOT ({_sql(node.child, alias, params)})"
    joiner = " AND " if isinstance(node, And) else " OR "
    return "(" + joiner.join(_sql(c, alias, params) for c in node.children) + ")"
