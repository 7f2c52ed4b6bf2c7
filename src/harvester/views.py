"""Analyst-facing schema: plain SQL views, the ``counted`` flag, and sources.yaml mirrored in tables.

Everything here is documented for analysts in docs/database.md. :func:`install_views` is
idempotent and cheap (it writes only what differs), so the store calls it every time it opens
the database; :func:`refresh_counted` is called after each run and when ``harvester serve``
starts.

What is added to the store's schema:

- ``articles.counted`` (1 = the row counts in ``harvester count``: its source is configured,
  it has a date and it passes its source's ``match`` filter; 0 = it does not; NULL = not yet
  evaluated: new since the last refresh, or its text changed) and ``articles.count_key`` (the
  identity under which it counts once per channel, :func:`harvester.count.distinct_key`);
- the trigger ``articles_counted_stale`` that resets both when an article's text changes, and the
  partial index ``articles_counted_pending`` of the rows still to evaluate;
- ``config_channels`` and ``config_sources``: the channels and sources of sources.yaml as of
  the last refresh (labels, order, ``match`` filters as JSON);
- the views ``articles_by_month``, ``channel_month_counts``, ``recent_problems``,
  ``source_health`` and ``articles_with_story`` (each article with its duplicate cluster).

So ``SELECT channel, count(DISTINCT count_key) FROM articles WHERE counted = 1 AND
substr(published_at, 1, 10) BETWEEN :from AND :to GROUP BY channel`` is exactly what
``harvester count`` prints for the crawled channels.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from harvester.config import Config, Source
from harvester.errors import StorageError

__all__ = [
    "COUNTS_PER_CHANNEL_SQL",
    "VIEW_NAMES",
    "Refreshed",
    "install_views",
    "refresh_counted",
]

log = logging.getLogger(__name__)

_BATCH = 1000

_ADDED_COLUMNS = (("counted", "INTEGER"), ("count_key", "TEXT"))

_TABLES = {
    "config_channels": (
        "CREATE TABLE config_channels (id TEXT PRIMARY KEY, label TEXT NOT NULL, kind TEXT NOT NULL, "
        "unit TEXT NOT NULL, position INTEGER NOT NULL)"
    ),
    "config_sources": (
        "CREATE TABLE config_sources (id TEXT PRIMARY KEY, name TEXT NOT NULL, channel TEXT NOT NULL, "
        "urls TEXT NOT NULL, match TEXT, position INTEGER NOT NULL)"
    ),
}

_TRIGGER = (
    "articles_counted_stale",
    "CREATE TRIGGER articles_counted_stale AFTER UPDATE OF url, source, channel, title, body, published_at "
    "ON articles BEGIN UPDATE articles SET counted = NULL, count_key = NULL WHERE id = NEW.id; END",
)

# Rows still to evaluate, found without reading the table (a partial index holds only them).
_PENDING_INDEX = (
    "articles_counted_pending",
    "CREATE INDEX articles_counted_pending ON articles (id) WHERE counted IS NULL",
)

# The last run of a source is the newest run with a run_sources row for it (as `harvester status` says).
_LAST_RUN = "SELECT source, max(run_id) AS run_id FROM run_sources GROUP BY source"

_VIEWS = {
    "articles_by_month": """
CREATE VIEW articles_by_month AS
SELECT channel, source, year, month,
       count(*) AS n,
       count(CASE WHEN counted = 1 THEN 1 END) AS counted
FROM articles
WHERE year IS NOT NULL
GROUP BY channel, source, year, month
ORDER BY channel, source, year, month""",
    "channel_month_counts": """
CREATE VIEW channel_month_counts AS
SELECT channel, year, month,
       count(DISTINCT url) AS articles,
       count(DISTINCT CASE WHEN counted = 1 THEN count_key END) AS counted
FROM articles
WHERE year IS NOT NULL
GROUP BY channel, year, month
ORDER BY channel, year, month""",
    "recent_problems": f"""
CREATE VIEW recent_problems AS
SELECT p.source, p.run_id, r.started_at AS run_started_at, p.kind, p.url, p.message, p.at
FROM problems p
JOIN ({_LAST_RUN}) AS last ON last.source = p.source AND last.run_id = p.run_id
JOIN runs r ON r.id = p.run_id
ORDER BY p.source, p.id""",
    "source_health": f"""
CREATE VIEW source_health AS
WITH known AS (
    SELECT id AS source FROM config_sources
    UNION SELECT source FROM run_sources
    UNION SELECT source FROM articles
),
stored AS (
    SELECT source, count(*) AS articles, count(CASE WHEN counted = 1 THEN 1 END) AS counted,
           max(substr(published_at, 1, 10)) AS newest_article, max(first_seen_at) AS last_new_at
    FROM articles GROUP BY source
),
trouble AS (
    SELECT p.source, count(*) AS problems
    FROM problems p JOIN ({_LAST_RUN}) AS last ON last.source = p.source AND last.run_id = p.run_id
    GROUP BY p.source
)
SELECT known.source,
       cs.name,
       coalesce(cs.channel, (SELECT channel FROM articles a WHERE a.source = known.source LIMIT 1)) AS channel,
       cs.id IS NOT NULL AS configured,
       last.run_id AS last_run,
       r.started_at AS last_run_at,
       r.status AS last_run_status,
       rs.list_pages, rs.entries, rs."new", rs.updated, rs.failed, rs.robots,
       coalesce(trouble.problems, 0) AS problems,
       coalesce(stored.articles, 0) AS articles,
       coalesce(stored.counted, 0) AS counted,
       stored.newest_article,
       stored.last_new_at
FROM known
LEFT JOIN config_sources cs ON cs.id = known.source
LEFT JOIN ({_LAST_RUN}) AS last ON last.source = known.source
LEFT JOIN run_sources rs ON rs.source = known.source AND rs.run_id = last.run_id
LEFT JOIN runs r ON r.id = last.run_id
LEFT JOIN stored ON stored.source = known.source
LEFT JOIN trouble ON trouble.source = known.source
ORDER BY coalesce(cs.position, 1e9), known.source""",
    "articles_with_story": """
CREATE VIEW articles_with_story AS
WITH sizes AS (SELECT story, count(*) AS story_size FROM articles WHERE story IS NOT NULL GROUP BY story)
SELECT a.id, a.channel, a.source, a.published_at, a.title, a.url, a.kind, a.counted,
       a.story, coalesce(sizes.story_size, 1) AS story_size, coalesce(a.story = a.id, 1) AS story_first,
       a.story_similarity, a.story_reason
FROM articles a
LEFT JOIN sizes ON sizes.story = a.story
ORDER BY a.published_at DESC, a.id""",
}

VIEW_NAMES = tuple(_VIEWS)
"""Every view this module creates."""

COUNTS_PER_CHANNEL_SQL = """
SELECT c.id AS channel, c.label,
       count(DISTINCT a.count_key) AS count,
       (SELECT count(*) FROM articles p
        WHERE p.channel = c.id AND p.counted IS NULL AND substr(p.published_at, 1, 10) BETWEEN :from AND :to
       ) AS pending
FROM config_channels c
LEFT JOIN articles a
  ON a.channel = c.id AND a.counted = 1 AND substr(a.published_at, 1, 10) BETWEEN :from AND :to
WHERE c.kind = 'crawled'
GROUP BY c.id
ORDER BY c.position"""
"""Distinct counted articles per crawled channel in [:from, :to] (local dates, inclusive), as ``harvester count``;
``pending`` is the rows not yet evaluated (added or changed since the last refresh)."""


@dataclass(frozen=True)
class Refreshed:
    """What :func:`refresh_counted` did: rows evaluated, rows whose flag changed, rows that count."""

    evaluated: int
    changed: int
    counted: int
    full: bool


# --- installing ----------------------------------------------------------------------------


def install_views(conn: sqlite3.Connection) -> None:
    """Create (or bring up to date) the added columns, tables, trigger and views; idempotent.

    Writes nothing when everything is already as it should be. Raises :class:`StorageError`
    when the database has no ``articles`` table or cannot be written.
    """
    if not _exists(conn, "table", "articles"):
        raise StorageError("cannot install the views: the database has no articles table (open it with Store first)")
    wanted = {name: sql.strip() for name, sql in _VIEWS.items()}
    if not _needs_work(conn, wanted):
        return
    with _transaction(conn, "install the analyst views"):
        columns = _columns(conn, "articles")
        for name, kind in _ADDED_COLUMNS:
            if name not in columns:
                conn.execute(f"ALTER TABLE articles ADD COLUMN {name} {kind}")
        for name, sql in _TABLES.items():
            if not _exists(conn, "table", name):
                conn.execute(sql)
        _put(conn, "trigger", *_TRIGGER)
        _put(conn, "index", *_PENDING_INDEX)
        for name, sql in wanted.items():
            _put(conn, "view", name, sql)
    log.info("analyst views installed")


def _needs_work(conn: sqlite3.Connection, wanted: Mapping[str, str]) -> bool:
    columns = _columns(conn, "articles")
    if any(name not in columns for name, _ in _ADDED_COLUMNS):
        return True
    if any(not _exists(conn, "table", name) for name in _TABLES):
        return True
    if _stored_sql(conn, "trigger", _TRIGGER[0]) != _TRIGGER[1]:
        return True
    if _stored_sql(conn, "index", _PENDING_INDEX[0]) != _PENDING_INDEX[1]:
        return True
    stale_views = [name for name in VIEW_NAMES if _stored_sql(conn, "view", name) != wanted.get(name)]
    return bool(stale_views)


def _put(conn: sqlite3.Connection, kind: str, name: str, sql: str) -> None:
    """Create the view or trigger ``name`` as ``sql``, replacing a different definition."""
    stored = _stored_sql(conn, kind, name)
    if stored == sql:
        return
    if stored is not None:
        conn.execute(f"DROP {kind.upper()} {name}")
    conn.execute(sql)


def _stored_sql(conn: sqlite3.Connection, kind: str, name: str) -> str | None:
    row = conn.execute("SELECT sql FROM sqlite_master WHERE type = ? AND name = ?", (kind, name)).fetchone()
    return None if row is None else str(row[0])


def _exists(conn: sqlite3.Connection, kind: str, name: str) -> bool:
    return _stored_sql(conn, kind, name) is not None


def _columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {str(row[1]) for row in conn.execute(f"PRAGMA table_info({table})")}


@contextmanager
def _transaction(conn: sqlite3.Connection, what: str) -> Iterator[None]:
    """All of the block or none of it: a savepoint inside the caller's transaction, else BEGIN IMMEDIATE."""
    nested = conn.in_transaction
    try:
        conn.execute("SAVEPOINT harvester_views" if nested else "BEGIN IMMEDIATE")
    except sqlite3.Error as exc:
        raise StorageError(f"cannot {what}: {exc}") from exc
    try:
        yield
        conn.execute("RELEASE harvester_views" if nested else "COMMIT")
    except BaseException as exc:
        _undo(conn, nested)
        if isinstance(exc, sqlite3.Error):
            raise StorageError(f"cannot {what}: {exc}") from exc
        raise


def _undo(conn: sqlite3.Connection, nested: bool) -> None:
    if not conn.in_transaction:
        return  # SQLite already rolled the transaction back
    try:
        if nested:
            conn.execute("ROLLBACK TO harvester_views")
            conn.execute("RELEASE harvester_views")
        else:
            conn.execute("ROLLBACK")
    except sqlite3.Error as exc:  # the original error is re-raised by the caller
        log.warning("could not roll back the views transaction: %s", exc)


# --- the counted flag ----------------------------------------------------------------------


def refresh_counted(conn: sqlite3.Connection, config: Config, *, full: bool = False) -> Refreshed:
    """Store per article whether ``harvester count`` counts it (``counted``) and under which key (``count_key``).

    Also mirrors the channels and sources of ``config`` in ``config_channels`` and ``config_sources``.
    Evaluates every article when ``full`` is true or when the sources (ids, channels, ``match``
    filters) differ from the last refresh; otherwise only the rows still NULL (new or changed
    since). A row whose text changes while this runs keeps NULL (it is not overwritten with a
    flag computed from its old text). Installs the views first if needed.
    """
    from harvester.count import distinct_key  # count imports the store, which installs these views

    install_views(conn)
    sources = {source.id: source for source in config.sources}
    with _transaction(conn, "store the channels and sources of sources.yaml"):
        changed_config = _mirror_config(conn, config)
    full = full or changed_config
    where = "" if full else " WHERE counted IS NULL"  # the trigger and this function set both columns together
    cursor = conn.execute(f"SELECT * FROM articles{where}")
    names = [column[0] for column in cursor.description]
    updates: list[tuple[int, str | None, int, str | None]] = []
    evaluated = 0
    while batch := cursor.fetchmany(_BATCH):
        for values in batch:
            row = dict(zip(names, values, strict=True))
            flag = int(_counts(row, sources))
            key = distinct_key(row)
            evaluated += 1
            if (row["counted"], row["count_key"]) != (flag, key):
                updates.append((flag, key, row["id"], row["content_hash"]))
    with _transaction(conn, "store which articles count"):
        conn.executemany("UPDATE articles SET counted = ?, count_key = ? WHERE id = ? AND content_hash IS ?", updates)
    (counted,) = conn.execute("SELECT count(*) FROM articles WHERE counted = 1").fetchone()
    result = Refreshed(evaluated=evaluated, changed=len(updates), counted=int(counted), full=full)
    log.info("counted flags: %s", result)
    return result


def _counts(row: Mapping[str, Any], sources: Mapping[str, Source]) -> bool:
    """Whether ``harvester count`` counts this row in a window that holds its date (see count.counted_articles)."""
    source = sources.get(str(row["source"]))
    if source is None or not row["published_at"]:
        return False
    return source.match is None or source.match.accepts(f"{row['title']}\n{row['body']}")


def _mirror_config(conn: sqlite3.Connection, config: Config) -> bool:
    """Replace config_channels and config_sources; say whether what decides ``counted`` changed."""
    before = _source_rules(conn)
    conn.execute("DELETE FROM config_channels")
    conn.executemany(
        "INSERT INTO config_channels (id, label, kind, unit, position) VALUES (?, ?, ?, ?, ?)",
        [(c.id, c.label, c.kind, c.unit, index) for index, c in enumerate(config.channels)],
    )
    conn.execute("DELETE FROM config_sources")
    conn.executemany(
        "INSERT INTO config_sources (id, name, channel, urls, match, position) VALUES (?, ?, ?, ?, ?, ?)",
        [
            (s.id, s.display_name, s.channel, json.dumps(list(s.urls)), _match_json(s), index)
            for index, s in enumerate(config.sources)
        ],
    )
    return _source_rules(conn) != before


def _source_rules(conn: sqlite3.Connection) -> Sequence[tuple[Any, ...]]:
    return conn.execute("SELECT id, channel, match FROM config_sources ORDER BY id").fetchall()


def _match_json(source: Source) -> str | None:
    match = source.match
    if match is None:
        return None
    return json.dumps({"all": list(match.all), "any": list(match.any), "none": list(match.none)}, ensure_ascii=False)
