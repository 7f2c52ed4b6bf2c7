"""Chinese full-text search over ``articles``: a character-bigram FTS5 index.

SQLite's own tokenizers do not fit Chinese: ``trigram`` cannot match the common two-character terms
(统战, 党外, 民盟) and ``unicode61`` treats a whole run of Chinese as one token. So the text is indexed in a
form :func:`bigram_text` computes, with ``unicode61`` only splitting at spaces:

- a run of CJK characters becomes its overlapping bigrams ("统战部长" → "统战 战部 部长"); a lone one stays;
- a Latin/digit word is kept, lower-cased (after NFKC, so full-width "ＣＰＰＣＣ" is "cppcc");
- where spaces or punctuation separate two pieces, a boundary token (U+E000) is written, so that a
  phrase never matches across punctuation ("统战，战部" does not contain "统战部").

Query language (:func:`search`): terms separated by spaces are ANDed; a term matches where the title or
the body contains it contiguously (CJK exactly, Latin as whole words, case-insensitively); "quotes" (or
“ ”) group a phrase, in which a space stands for any run of spaces or punctuation; a leading ``-``
excludes. Every operator character of FTS5 in a query is plain text. A one-character CJK term cannot
be answered by a bigram index and is tested with ``instr`` on the rows.

Storage: ``articles_search`` is a contentless FTS5 table (rowid = ``articles.id``); SQLite 3.40 can only
delete from it given the indexed text, so ``articles_search_text`` keeps that text zlib-compressed.
``install`` also creates the index ``articles_search_by_date`` on ``articles(published_at)`` that makes
"newest first, first 50" cheap for frequent terms.

Newest first with a limit: up to DIRECT_LOOKUP_MAX index matches are looked up by id and sorted; more
are answered by walking ``articles_search_by_date`` (or the store's ``(channel, published_at)`` index)
newest first, testing membership in the match set, until ``limit`` hits. A query of one-character terms
only walks the dates when the character is frequent, and otherwise reads the whole table (seconds at
a million articles).
"""

from __future__ import annotations

import logging
import operator
import re
import sqlite3
import unicodedata
import zlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from harvester.errors import HarvesterError, StorageError

log = logging.getLogger(__name__)

BOUNDARY = "\ue000"
"""The token written between two pieces of text that spaces or punctuation separate."""

FTS_TABLE = "articles_search"
TEXT_TABLE = "articles_search_text"
DATE_INDEX = "articles_search_by_date"
DIRECT_LOOKUP_MAX = 2000
"""Up to this many FTS matches, look the rows up and sort them; above it, walk the date index."""
CHAR_WALK_RATIO = 2000
"""A one-character query walks the date index if its character is in at least 1 of this many articles."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f"
_PIECE = re.compile(rf"(?P<cjk>[{_CJK}]+)|(?P<word>[^\W_{_CJK}\ue000-\uf8ff]+)")
_LONE_CJK = re.compile(rf"[{_CJK}]")
_QUOTES = {'"': '"', "“": "”", "「": "」"}
_MINUS = "-－"
_BATCH = 500


class SearchQueryError(HarvesterError):
    """A search query that has nothing to search for (empty, only punctuation, only exclusions)."""


# --- the indexed form ----------------------------------------------------------------------


def _tokens(text: str) -> list[str]:
    """The token sequence of ``text`` (see the module docstring)."""
    tokens: list[str] = []
    end = -1
    for match in _PIECE.finditer(unicodedata.normalize("NFKC", text)):
        if end >= 0 and match.start() != end:
            tokens.append(BOUNDARY)
        end = match.end()
        run = match.group("cjk")
        if run is None:
            tokens.append(match.group().lower())
        elif len(run) == 1:
            tokens.append(run)
        else:
            tokens.extend(map(operator.add, run, run[1:]))
    return tokens


def bigram_text(text: str) -> str:
    """The indexed form of ``text``: CJK bigrams, lower-cased words and boundary tokens, space-separated."""
    return " ".join(_tokens(text))


def _is_lone_cjk(token: str) -> bool:
    return len(token) == 1 and _LONE_CJK.match(token) is not None


# --- writing -------------------------------------------------------------------------------


def install(conn: sqlite3.Connection) -> None:
    """Create the search tables and the date index if missing, then bring the index up to date.

    Idempotent. Articles not yet indexed are indexed (all of them on a new index); index entries whose
    article row is gone are removed. This check is skipped when the index has as many entries as there are
    articles and the same highest id (the usual case, which costs two counts). Runs in its own savepoint
    (inside the caller's transaction, if any).
    """
    with _savepoint(conn, "search_install", "install the search index"):
        if conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'articles'").fetchone() is None:
            raise StorageError("cannot install search: the database has no articles table (open it with Store)")
        conn.execute(
            f"CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5("
            "text, content='', tokenize='unicode61 remove_diacritics 0')"
        )
        conn.execute(f"CREATE TABLE IF NOT EXISTS {TEXT_TABLE} (id INTEGER PRIMARY KEY, packed BLOB NOT NULL)")
        conn.execute(f"CREATE INDEX IF NOT EXISTS {DATE_INDEX} ON articles (published_at)")
        _catch_up(conn)


def _catch_up(conn: sqlite3.Connection) -> None:
    """Index the articles that are not indexed; forget the entries of articles that are gone."""
    # both id lists come from small b-trees: the FTS5 docsize shadow table (one row per indexed
    # article) and the date index; '+id' makes SQLite build each list once instead of probing articles
    indexed = f"SELECT +id FROM {FTS_TABLE}_docsize"
    stored = f"SELECT +id FROM articles INDEXED BY {DATE_INDEX}"
    totals = "SELECT (SELECT count(*) FROM {0}), (SELECT max(id) FROM {0})"
    articles_total = conn.execute(totals.format("articles")).fetchone()
    if articles_total == conn.execute(totals.format(f"{FTS_TABLE}_docsize")).fetchone():
        return  # as many entries as articles, up to the same id: nothing to catch up (cheap on every open)
    orphans = [row[0] for row in conn.execute(f"SELECT id FROM {FTS_TABLE}_docsize WHERE id NOT IN ({stored})")]
    for article_id in orphans:
        _delete(conn, article_id, _indexed_text(conn, article_id))
    missing = sorted(row[0] for row in conn.execute(f"{stored} WHERE id NOT IN ({indexed})"))
    for start in range(0, len(missing), _BATCH):
        batch = missing[start : start + _BATCH]
        marks = ", ".join("?" * len(batch))
        for article_id, title, body in conn.execute(
            f"SELECT id, title, body FROM articles WHERE id IN ({marks})", batch
        ):
            _insert(conn, article_id, _tokens(_joined(title, body)))
    if missing or orphans:
        log.info(
            "search index: %d articles indexed, %d entries of deleted articles removed", len(missing), len(orphans)
        )


@contextmanager
def _savepoint(conn: sqlite3.Connection, name: str, what: str) -> Iterator[None]:
    """Run the block in a savepoint: all of it or none of it; sqlite3 errors become StorageError."""
    try:
        conn.execute(f"SAVEPOINT {name}")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot {what}: {exc}") from exc
    try:
        yield
        conn.execute(f"RELEASE {name}")
    except BaseException as exc:
        _undo(conn, name)
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"cannot {what}: {exc}") from exc
        raise


def _undo(conn: sqlite3.Connection, name: str) -> None:
    if not conn.in_transaction:
        return  # SQLite already rolled the whole transaction back
    try:
        conn.execute(f"ROLLBACK TO {name}")
        conn.execute(f"RELEASE {name}")
    except sqlite3.Error as exc:  # the original error is re-raised by the caller
        log.warning("could not roll back to savepoint %s: %s", name, exc)


def _joined(title: str | None, body: str | None) -> str:
    return f"{title or ''}\n{body or ''}"


def _insert(conn: sqlite3.Connection, article_id: int, tokens: list[str]) -> None:
    text = " ".join(tokens)
    conn.execute(f"INSERT INTO {FTS_TABLE} (rowid, text) VALUES (?, ?)", (article_id, text))
    packed = zlib.compress(text.encode(), 1)
    conn.execute(f"INSERT OR REPLACE INTO {TEXT_TABLE} (id, packed) VALUES (?, ?)", (article_id, packed))


def _indexed_text(conn: sqlite3.Connection, article_id: int) -> str | None:
    row = conn.execute(f"SELECT packed FROM {TEXT_TABLE} WHERE id = ?", (article_id,)).fetchone()
    return None if row is None else zlib.decompress(row[0]).decode()


def _delete(conn: sqlite3.Connection, article_id: int, text: str | None) -> None:
    """Remove the article from the FTS index (a contentless table needs the text it was indexed with)."""
    if text is not None:
        conn.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, text) VALUES ('delete', ?, ?)", (article_id, text))
        conn.execute(f"DELETE FROM {TEXT_TABLE} WHERE id = ?", (article_id,))


def index_article(conn: sqlite3.Connection, article_id: int, title: str, body: str) -> None:
    """Index (or re-index) one article, in a savepoint; the caller holds the transaction.

    Re-indexing the text the article is already indexed with writes nothing.
    """
    tokens = _tokens(_joined(title, body))
    with _savepoint(conn, "search_index", f"index article {article_id} for search"):
        indexed = _indexed_text(conn, article_id)
        if indexed == " ".join(tokens):
            return
        _delete(conn, article_id, indexed)
        _insert(conn, article_id, tokens)


def remove_article(conn: sqlite3.Connection, article_id: int) -> None:
    """Remove one article from the search index (nothing happens if it is not indexed)."""
    with _savepoint(conn, "search_remove", f"remove article {article_id} from the search index"):
        _delete(conn, article_id, _indexed_text(conn, article_id))


# --- queries -------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Term:
    tokens: tuple[str, ...]
    negative: bool


@dataclass
class _Plan:
    """What a query asks, split by how each part is answered."""

    include_fts: list[str] = field(default_factory=list)
    exclude_fts: list[str] = field(default_factory=list)
    include_chars: list[str] = field(default_factory=list)
    exclude_chars: list[str] = field(default_factory=list)
    include_verify: list[tuple[str, ...]] = field(default_factory=list)
    exclude_verify: list[tuple[str, ...]] = field(default_factory=list)

    def match_expression(self) -> str | None:
        if not self.include_fts:
            return None
        expression = " AND ".join(self.include_fts)
        if self.exclude_fts:
            expression = f"({expression}) NOT ({' OR '.join(self.exclude_fts)})"
        return expression


def _split_query(query: str) -> Iterable[tuple[str, bool]]:
    """(text, negative) for each space-separated word or quoted phrase of ``query``."""
    i, n = 0, len(query)
    while i < n:
        if query[i].isspace():
            i += 1
            continue
        negative = query[i] in _MINUS and i + 1 < n and not query[i + 1].isspace()
        i += negative
        if query[i] in _QUOTES:
            close = query.find(_QUOTES[query[i]], i + 1)
            end = n if close < 0 else close
            yield query[i + 1 : end], negative
            i = end + 1
            continue
        j = i
        while j < n and not query[j].isspace():
            j += 1
        yield query[i:j], negative
        i = j


def _terms(query: str) -> list[_Term]:
    terms = [_Term(tuple(_tokens(text)), negative) for text, negative in _split_query(query)]
    terms = [term for term in terms if term.tokens]
    if not terms:
        raise SearchQueryError(f"the search {query!r} has no words or characters to search for; type some text")
    if all(term.negative for term in terms):
        raise SearchQueryError(f"the search {query!r} only excludes; add at least one term to look for")
    return terms


def _phrase(tokens: Sequence[str]) -> str:
    """An FTS5 phrase; a lone CJK character at the end matches any bigram it starts."""
    prefix = len(tokens) > 1 and _is_lone_cjk(tokens[-1])
    return f'"{" ".join(tokens)}"' + (" *" if prefix else "")


def _plan(query: str) -> _Plan:
    plan = _Plan()
    for term in _terms(query):
        tokens = term.tokens
        if len(tokens) == 1 and _is_lone_cjk(tokens[0]):
            (plan.exclude_chars if term.negative else plan.include_chars).append(tokens[0])
        elif _is_lone_cjk(tokens[0]):
            # a lone character first may end a longer run in the text, which FTS5 cannot ask:
            # the rest of the phrase narrows the rows, a check on their tokens decides
            if term.negative:
                plan.exclude_verify.append(tokens)
            else:
                plan.include_fts.append(_phrase(tokens[1:]))
                plan.include_verify.append(tokens)
        else:
            (plan.exclude_fts if term.negative else plan.include_fts).append(_phrase(tokens))
    return plan


def to_fts_query(query: str) -> str | None:
    """The FTS5 MATCH expression for ``query``; None when no term can be answered by the index."""
    return _plan(query).match_expression()


def _token_matches(token: str, wanted: str, *, first: bool, last: bool) -> bool:
    if token == wanted:
        return True
    if not _is_lone_cjk(wanted) or len(token) != 2 or not _LONE_CJK.match(token[0]):
        return False
    return (first and token[1] == wanted) or (last and token[0] == wanted)


def _contains(tokens: Sequence[str], wanted: Sequence[str]) -> bool:
    """Whether the token sequence contains the phrase (lone CJK characters at its ends may be in bigrams)."""
    size = len(wanted)
    for start in range(len(tokens) - size + 1):
        if all(_token_matches(tokens[start + k], wanted[k], first=k == 0, last=k == size - 1) for k in range(size)):
            return True
    return False


def _sql(plan: _Plan, channel: str | None, *, strategy: str, columns: str) -> tuple[str, list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    expression = plan.match_expression()
    if expression is not None:
        # '+' keeps the planner from turning the IN into rowid lookups: walk the date index instead
        lhs = "+a.id" if strategy == "walk" else "a.id"
        clauses.append(f"{lhs} IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
        params.append(expression)
    elif plan.exclude_fts:
        clauses.append(f"a.id NOT IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ?)")
        params.append(" OR ".join(plan.exclude_fts))
    text = "(a.title || char(10) || coalesce(a.body, ''))"
    for char in plan.include_chars:
        clauses.append(f"instr({text}, ?) > 0")
        params.append(char)
    for char in plan.exclude_chars:
        clauses.append(f"instr({text}, ?) = 0")
        params.append(char)
    if channel is not None:
        clauses.append("a.channel = ?")
        params.append(channel)
    where = " AND ".join(clauses)
    # a rare character: read the table in storage order and sort, rather than row by row in date order
    source = "articles a NOT INDEXED" if strategy == "scan" and channel is None else "articles a"
    return f"SELECT {columns} FROM {source} WHERE {where} ORDER BY a.published_at DESC, a.id DESC", params


def _count(conn: sqlite3.Connection, expression: str, cap: int) -> int:
    sql = f"SELECT count(*) FROM (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH ? LIMIT ?)"
    (count,) = conn.execute(sql, (expression, cap)).fetchone()
    return int(count)


def _strategy(conn: sqlite3.Connection, plan: _Plan, limit: int | None) -> str:
    """How to find the newest ``limit`` rows: "lookup" (matches by id, then sort), "walk" (the date index,
    newest first, until ``limit`` hits) or "scan" (the whole table, then sort)."""
    expression = plan.match_expression()
    if expression is not None:
        if limit is None or _count(conn, expression, DIRECT_LOOKUP_MAX + 1) <= DIRECT_LOOKUP_MAX:
            return "lookup"
        return "walk"
    if limit is None:
        return "scan"
    # only one-character terms: walking the dates pays off if every character is frequent. The rows
    # where the character starts a bigram or stands alone ("c" *) estimate its frequency.
    (top,) = conn.execute(f"SELECT max(rowid) FROM {FTS_TABLE}_docsize").fetchone()
    need = (top or 0) // CHAR_WALK_RATIO + 1
    frequent = all(_count(conn, f'"{char}" *', need) >= need for char in plan.include_chars)
    return "walk" if frequent else "scan"


def search(conn: sqlite3.Connection, query: str, *, limit: int | None = 50, channel: str | None = None) -> list[int]:
    """Ids of the articles matching ``query`` (see the module docstring), newest ``published_at`` first.

    Raises :class:`SearchQueryError` for a query with nothing to search for, :class:`StorageError` when the
    database cannot be read (run :func:`install` first).
    """
    plan = _plan(query)
    if limit is not None and limit < 1:
        return []
    verify = bool(plan.include_verify or plan.exclude_verify)
    try:
        strategy = _strategy(conn, plan, limit)
        sql, params = _sql(plan, channel, strategy=strategy, columns="a.id, a.title, a.body" if verify else "a.id")
        if not verify:
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            return [row[0] for row in conn.execute(sql, params)]
        return _verified(conn.execute(sql, params), plan, limit)
    except sqlite3.Error as exc:
        raise StorageError(f"search for {query!r} failed: {exc}; was the search index installed?") from exc


def _verified(rows: Iterable[tuple[int, str, str | None]], plan: _Plan, limit: int | None) -> list[int]:
    found: list[int] = []
    for article_id, title, body in rows:
        tokens = _tokens(_joined(title, body))
        if all(_contains(tokens, t) for t in plan.include_verify) and not any(
            _contains(tokens, t) for t in plan.exclude_verify
        ):
            found.append(article_id)
            if limit is not None and len(found) >= limit:
                break
    return found
