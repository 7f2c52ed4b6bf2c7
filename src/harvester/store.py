"""The SQLite database: schema, migrations, transactional writes (sqlite-utils).

Tables (documented for analysts in docs/database.md):

- ``articles``  one row per distinct article per source (the contract's columns and more)
- ``runs``      one row per harvest pass
- ``fetches``   one row per HTTP attempt
- ``problems``  what went wrong and was recorded instead of stopping the run

The store never decides what is an article or a duplicate; it writes what it is given,
each article in its own transaction, so a crash never leaves half an article behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import sqlite_utils
from sqlite_utils import Migrations

from harvester import search
from harvester.errors import StorageError
from harvester.views import install_views

Outcome = Literal["new", "updated", "unchanged"]

migrations = Migrations("harvester")


@migrations(name="0001_initial")
def _initial(db: sqlite_utils.Database) -> None:
    db.table("articles").create(
        {
            "id": int,
            "url": str,
            "source": str,
            "channel": str,
            "title": str,
            "published_at": str,
            "body": str,
            "kind": str,
            "detail_status": str,
            "list_title": str,
            "list_url": str,
            "author": str,
            "origin": str,
            "attachments": str,
            "family": str,
            "content_hash": str,
            "year": int,
            "month": int,
            "first_seen_at": str,
            "updated_at": str,
            "checked_at": str,
        },
        pk="id",
        not_null={"url", "source", "channel", "title", "body", "kind", "detail_status", "first_seen_at"},
        defaults={"body": "", "attachments": "[]"},
    )
    db.table("articles").create_index(["source", "url"], unique=True)
    db.table("articles").create_index(["channel", "published_at"])
    db.table("runs").create(
        {
            "id": int,
            "started_at": str,
            "finished_at": str,
            "status": str,
            "pid": int,
            "sources": str,
            "new": int,
            "updated": int,
            "failed": int,
            "message": str,
        },
        pk="id",
    )
    db.table("fetches").create(
        {
            "id": int,
            "run_id": int,
            "source": str,
            "url": str,
            "method": str,
            "status": int,
            "bytes": int,
            "elapsed_ms": float,
            "error": str,
            "attempt": int,
            "at": str,
        },
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("fetches").create_index(["run_id"])
    db.table("problems").create(
        {"id": int, "run_id": int, "source": str, "url": str, "kind": str, "message": str, "at": str},
        pk="id",
        foreign_keys=[("run_id", "runs", "id")],
    )


@migrations(name="0002_incremental_state")
def _incremental_state(db: sqlite_utils.Database) -> None:
    db.table("list_pages").create(
        {
            "source": str,
            "url": str,
            "etag": str,
            "last_modified": str,
            "family": str,
            "entries": int,
            "complete_at": str,
            "checked_at": str,
        },
        pk=("source", "url"),
    )
    db.table("run_sources").create(
        {
            "run_id": int,
            "source": str,
            "list_pages": int,
            "entries": int,
            "new": int,
            "updated": int,
            "failed": int,
            "robots": int,
            "warnings": str,
        },
        pk=("run_id", "source"),
        foreign_keys=[("run_id", "runs", "id")],
    )
    db.table("article_updates").create(
        {"id": int, "article_id": int, "detected_at": str, "old_hash": str, "new_hash": str, "fields": str},
        pk="id",
        foreign_keys=[("article_id", "articles", "id")],
    )


@migrations(name="0003_stories")
def _stories(db: sqlite_utils.Database) -> None:
    articles = db.table("articles")
    articles.add_column("story", int)  # the duplicate cluster: the id of its first article (per channel)
    articles.add_column("story_similarity", float)
    articles.add_column("story_reason", str)
    articles.add_column("signature", bytes)  # MinHash signature, to rebuild the index without re-reading bodies
    articles.create_index(["channel", "story"])


@dataclass(frozen=True)
class StoryAssignment:
    """Which story (duplicate cluster) a new article joins, and why."""

    story: int
    similarity: float
    reason: str
    signature: bytes | None = None


@dataclass(frozen=True)
class KnownArticle:
    """What the store remembers of an article, for incremental decisions."""

    detail_status: str
    published_at: str | None
    kind: str = "page"
    list_title: str | None = None
    list_url: str | None = None


@dataclass(frozen=True)
class ListPageState:
    """What a list page looked like last time: validators, CMS family, entry count, and (for a
    column's first page) whether the column was ever crawled to its end."""

    etag: str | None = None
    last_modified: str | None = None
    complete: bool = False
    family: str | None = None
    entries: int | None = None


@dataclass(frozen=True)
class ArticleRecord:
    """One article as the harvester hands it to the store."""

    url: str
    source: str
    channel: str
    title: str
    published_at: str | None  # ISO 8601, see the contract
    body: str = ""
    kind: str = "page"  # page | attachment | offsite | restricted
    detail_status: str = "ok"  # ok | login-wall | soft-404 | empty | robots | error | not-fetched
    list_title: str | None = None
    list_url: str | None = None
    author: str | None = None
    origin: str | None = None
    attachments: tuple[tuple[str, str], ...] = field(default=())  # (name, url)

    @property
    def content_hash(self) -> str:
        """Identity of what the article says (for update detection)."""
        parts = [self.title, self.published_at or "", self.body, json.dumps(self.attachments)]
        return hashlib.sha1("\x1f".join(parts).encode()).hexdigest()

    def row(self) -> dict[str, Any]:
        year = month = None
        if self.published_at:
            year, month = int(self.published_at[:4]), int(self.published_at[5:7])
        return {
            "url": self.url,
            "source": self.source,
            "channel": self.channel,
            "title": self.title,
            "published_at": self.published_at,
            "body": self.body,
            "kind": self.kind,
            "detail_status": self.detail_status,
            "list_title": self.list_title,
            "list_url": self.list_url,
            "author": self.author,
            "origin": self.origin,
            "attachments": json.dumps([{"name": n, "url": u} for n, u in self.attachments], ensure_ascii=False),
            "content_hash": self.content_hash,
            "year": year,
            "month": month,
        }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class Store:
    """An open harvester database. Use as a context manager, or call :meth:`close`."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA busy_timeout = 30000")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self.db = sqlite_utils.Database(conn)
            migrations.apply(self.db)
            install_views(conn)
            search.install(conn)
        except (sqlite3.DatabaseError, OSError) as exc:
            raise StorageError(
                f"cannot open the database {self.path}: {exc}; check the path and permissions, "
                "or move a damaged file aside (nothing was written to it)"
            ) from exc
        self.conn = conn

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.conn.close()

    # --- runs, fetches, problems ---------------------------------------------------------

    def begin_run(self, sources: Sequence[str]) -> int:
        self._interrupt_stale_runs()
        row = {"started_at": _now(), "status": "running", "pid": os.getpid(), "sources": json.dumps(list(sources))}
        return self._insert("runs", row)

    def finish_run(self, run_id: int, *, status: str, new: int, updated: int, failed: int, message: str = "") -> None:
        self._write(
            "UPDATE runs SET finished_at = ?, status = ?, new = ?, updated = ?, failed = ?, message = ? WHERE id = ?",
            (_now(), status, new, updated, failed, message, run_id),
        )

    def _interrupt_stale_runs(self) -> None:
        """Runs left 'running' by a process that no longer exists were interrupted."""
        for run_id, pid in self.conn.execute("SELECT id, pid FROM runs WHERE status = 'running'").fetchall():
            if pid is None or not _process_alive(int(pid)):
                self._write("UPDATE runs SET status = 'interrupted' WHERE id = ?", (run_id,))

    def record_source_run(self, run_id: int, row: dict[str, Any]) -> None:
        """What one source's pass did (new, updated, failed, robots, warnings)."""
        self._insert("run_sources", {"run_id": run_id, **row})

    def record_fetch(self, run_id: int | None, row: dict[str, Any]) -> None:
        self._insert("fetches", {"run_id": run_id, **row})

    def record_problem(self, run_id: int | None, source: str | None, url: str | None, kind: str, message: str) -> None:
        row = {"run_id": run_id, "source": source, "url": url, "kind": kind, "message": message, "at": _now()}
        self._insert("problems", row)

    # --- articles ------------------------------------------------------------------------

    def upsert_article(self, record: ArticleRecord) -> Outcome:
        """Insert or update one article in its own transaction; say which happened.

        A new article has no story (duplicate cluster) yet: the harvester assigns stories in
        batches (:meth:`pending_stories`, :meth:`set_stories`); the store never decides them.
        """
        row = record.row()
        now = _now()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            existing = self.conn.execute(
                "SELECT * FROM articles WHERE source = ? AND url = ?", (record.source, record.url)
            ).fetchone()
            if existing is None:
                inserted = self.conn.execute(
                    f"INSERT INTO articles ({', '.join(row)}, first_seen_at, checked_at) "
                    f"VALUES ({', '.join('?' for _ in row)}, ?, ?)",
                    [*row.values(), now, now],
                )
                article_id = int(inserted.lastrowid or 0)
                search.index_article(self.conn, article_id, record.title, record.body)
                outcome: Outcome = "new"
            elif existing["content_hash"] != row["content_hash"]:
                self.db.table("articles").update(existing["id"], {**row, "updated_at": now, "checked_at": now})
                changed = [k for k in ("title", "published_at", "body", "attachments") if existing[k] != row[k]]
                update = {
                    "article_id": existing["id"],
                    "detected_at": now,
                    "old_hash": existing["content_hash"],
                    "new_hash": row["content_hash"],
                    "fields": ",".join(changed),
                }
                self.db.table("article_updates").insert(update)
                search.index_article(self.conn, existing["id"], record.title, record.body)
                outcome = "updated"
            else:
                self.conn.execute("UPDATE articles SET checked_at = ? WHERE id = ?", (now, existing["id"]))
                outcome = "unchanged"
            self.conn.execute("COMMIT")
        except (sqlite3.Error, StorageError) as exc:  # an article and its search entry go in together or not at all
            self._rollback()
            raise StorageError(
                f"cannot write article {record.url} to {self.path}: {exc}", source=record.source
            ) from exc
        return outcome

    def known_articles(self, source: str) -> dict[str, KnownArticle]:
        """url -> what is known of every stored article of ``source``."""
        rows = self.conn.execute(
            "SELECT url, detail_status, published_at, kind, list_title, list_url FROM articles WHERE source = ?",
            (source,),
        )
        return {row["url"]: KnownArticle(*tuple(row)[1:]) for row in rows}

    def list_pages(self, source: str) -> dict[str, ListPageState]:
        """url -> what is remembered of each list page of ``source``."""
        rows = self.conn.execute(
            "SELECT url, etag, last_modified, complete_at, family, entries FROM list_pages WHERE source = ?", (source,)
        )
        return {
            row["url"]: ListPageState(
                row["etag"], row["last_modified"], row["complete_at"] is not None, row["family"], row["entries"]
            )
            for row in rows
        }

    def save_list_page(self, source: str, url: str, state: ListPageState) -> None:
        """Remember a list page; a column once complete stays complete."""
        now = _now()
        self._write(
            "INSERT INTO list_pages (source, url, etag, last_modified, family, entries, complete_at, checked_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (source, url) DO UPDATE SET etag = excluded.etag, "
            "last_modified = excluded.last_modified, family = coalesce(excluded.family, family), "
            "entries = coalesce(excluded.entries, entries), complete_at = coalesce(excluded.complete_at, complete_at), "
            "checked_at = excluded.checked_at",
            (
                source,
                url,
                state.etag,
                state.last_modified,
                state.family,
                state.entries,
                now if state.complete else None,
                now,
            ),
        )

    def iter_articles(
        self, *, channel: str | None = None, source: str | None = None, start: str | None = None, end: str | None = None
    ) -> Iterator[dict[str, Any]]:
        """Rows of ``articles``, optionally limited to a channel, a source and a local-date window [start, end]."""
        clauses, params = [], []
        for column, value in (("channel", channel), ("source", source)):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if start is not None:
            clauses.append("substr(published_at, 1, 10) >= ?")
            params.append(start)
        if end is not None:
            clauses.append("substr(published_at, 1, 10) <= ?")
            params.append(end)
        where = " AND ".join(clauses) or "1"
        yield from self.db.query(f"SELECT * FROM articles WHERE {where} ORDER BY published_at DESC, id", params)

    def pending_stories(self) -> list[tuple[int, str, str, str, str]]:
        """(id, channel, url, title, body) of the articles without a story yet, oldest first."""
        rows = self.conn.execute("SELECT id, channel, url, title, body FROM articles WHERE story IS NULL ORDER BY id")
        return [(r["id"], r["channel"], r["url"], r["title"], r["body"]) for r in rows]

    def set_stories(self, stories: Sequence[tuple[int, StoryAssignment]]) -> None:
        """Write a batch of story assignments in one transaction."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(
                "UPDATE articles SET story = ?, story_similarity = ?, story_reason = ?, signature = ? WHERE id = ?",
                [(s.story, s.similarity, s.reason, s.signature, article_id) for article_id, s in stories],
            )
            self.conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StorageError(f"cannot write duplicate clusters to {self.path}: {exc}") from exc

    def story_rows(self) -> Iterator[tuple[int, str, int, bytes | None]]:
        """(article id, channel, story, signature) in insertion order, to rebuild the story index."""
        rows = self.conn.execute(
            "SELECT id, channel, story, signature FROM articles WHERE story IS NOT NULL ORDER BY id"
        )
        for row in rows:
            yield row["id"], row["channel"], row["story"], row["signature"]

    def story_of_url(self, channel: str, url: str) -> int | None:
        """The story of a row of ``channel`` with this canonical URL (listed by two sources), if any."""
        row = self.conn.execute(
            "SELECT story FROM articles WHERE channel = ? AND url = ? AND story IS NOT NULL ORDER BY id LIMIT 1",
            (channel, url),
        ).fetchone()
        return None if row is None else int(row["story"])

    def story_clusters(self, start: str, end: str, channel: str | None = None) -> list[list[dict[str, Any]]]:
        """Stories with more than one row and at least one member published in [start, end], members oldest
        first (the story's first article leads)."""
        where, params = "", [start, end]
        if channel is not None:
            where, params = "AND channel = ?", [start, end, channel]
        rows = self.db.query(
            "SELECT id, story, channel, source, published_at, title, url, story_similarity, story_reason "
            "FROM articles WHERE story IN (SELECT story FROM articles WHERE story IS NOT NULL "
            f"AND substr(published_at, 1, 10) BETWEEN ? AND ? {where}) ORDER BY story, id",
            params,
        )
        clusters: dict[int, list[dict[str, Any]]] = {}
        for row in rows:
            clusters.setdefault(row["story"], []).append(row)
        return [members for members in clusters.values() if len(members) > 1]

    def articles_by_id(self, ids: Sequence[int]) -> list[dict[str, Any]]:
        """The rows of these article ids, in the order given."""
        if not ids:
            return []
        marks = ", ".join("?" for _ in ids)
        rows = {r["id"]: r for r in self.db.query(f"SELECT * FROM articles WHERE id IN ({marks})", list(ids))}
        return [rows[i] for i in ids if i in rows]

    # --- plumbing ------------------------------------------------------------------------

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        try:
            cursor = self.conn.execute(
                f"INSERT INTO {table} ({', '.join(row)}) VALUES ({', '.join('?' for _ in row)})", list(row.values())
            )
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to {self.path} ({table}): {exc}") from exc
        return int(cursor.lastrowid or 0)

    def _write(self, sql: str, params: Sequence[Any]) -> None:
        try:
            self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot write to {self.path}: {exc}") from exc

    def _rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
