"""The store on a real SQLite file: upserts, runs, migrations, damage handling."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from harvester.errors import StorageError
from harvester.store import ArticleRecord, ListPageState, Store


def record(**changes: object) -> ArticleRecord:
    base: dict[str, object] = {
        "url": "https://dept.example.edu.cn/info/1012/1.htm",
        "source": "dept-news",
        "channel": "department",
        "title": "统战部召开党外代表人士座谈会",
        "published_at": "2023-05-12T10:20:00+08:00",
        "body": "5月12日，统战部召开座谈会。",
    }
    base.update(changes)
    return ArticleRecord(**base)  # type: ignore[arg-type]


def test_upsert_reports_new_unchanged_updated(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        assert store.upsert_article(record()) == "new"
        assert store.upsert_article(record()) == "unchanged"
        assert store.upsert_article(record(body="5月12日，统战部召开座谈会（更新）。")) == "updated"
        rows = list(store.iter_articles())
    assert len(rows) == 1
    assert rows[0]["updated_at"] is not None
    assert rows[0]["body"].endswith("（更新）。")
    assert rows[0]["id"] and store_updates(tmp_path / "h.db") == [(rows[0]["id"], "body")]
    assert (rows[0]["year"], rows[0]["month"]) == (2023, 5)


def test_same_url_in_two_sources_is_two_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        store.upsert_article(record())
        store.upsert_article(record(source="dept-notices"))
        assert len(list(store.iter_articles())) == 2
        assert len(list(store.iter_articles(source="dept-notices"))) == 1


def test_window_filter_uses_local_dates_inclusively(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        store.upsert_article(record(url="u1", published_at="2022-09-01"))
        store.upsert_article(record(url="u2", published_at="2023-08-31T23:59:00+08:00"))
        store.upsert_article(record(url="u3", published_at="2023-09-01T00:00:00+08:00"))
        store.upsert_article(record(url="u4", published_at="2022-08-31"))
        urls = {r["url"] for r in store.iter_articles(start="2022-09-01", end="2023-08-31")}
    assert urls == {"u1", "u2"}


def test_reopening_applies_no_migration_twice(tmp_path: Path) -> None:
    Store(tmp_path / "h.db").close()
    with Store(tmp_path / "h.db") as store:
        applied = [tuple(r) for r in store.conn.execute("SELECT name FROM _sqlite_migrations")]
        mode = store.conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert applied == [("0001_initial",), ("0002_incremental_state",), ("0003_stories",)]
    assert mode == "wal"


def test_a_failed_write_rolls_back_and_keeps_earlier_rows(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        store.upsert_article(record())
        store.conn.execute("CREATE TRIGGER boom BEFORE INSERT ON articles BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        with pytest.raises(StorageError, match="disk full"):
            store.upsert_article(record(url="https://dept.example.edu.cn/info/1012/2.htm"))
        assert not store.conn.in_transaction
        assert [r["url"] for r in store.iter_articles()] == ["https://dept.example.edu.cn/info/1012/1.htm"]


def test_damaged_file_gives_a_clear_error_and_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "h.db"
    path.write_bytes(b"not a database " * 500)
    before = path.read_bytes()
    with pytest.raises(StorageError, match=r"h\.db.*move a damaged file aside"):
        Store(path)
    assert path.read_bytes() == before


def test_runs_left_running_by_a_dead_process_are_marked_interrupted(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        run_id = store.begin_run(["a"])
        store.conn.execute("UPDATE runs SET pid = 999999999 WHERE id = ?", (run_id,))
    with Store(tmp_path / "h.db") as store:
        store.begin_run(["a"])
        status = store.conn.execute("SELECT status FROM runs WHERE id = ?", (run_id,)).fetchone()[0]
    assert status == "interrupted"


def test_problems_and_fetches_are_recorded(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        run_id = store.begin_run(["a"])
        store.record_fetch(
            run_id,
            {
                "source": "a",
                "url": "u",
                "method": "GET",
                "status": 503,
                "bytes": 0,
                "elapsed_ms": 1.0,
                "error": "HTTP 503",
                "attempt": 1,
                "at": "t",
            },
        )
        store.record_problem(run_id, "a", "u", "fetch", "gave up")
        store.finish_run(run_id, status="partial", new=0, updated=0, failed=1)
        fetch = tuple(store.conn.execute("SELECT status, error FROM fetches").fetchone())
        problem = tuple(store.conn.execute("SELECT kind, message FROM problems").fetchone())
        run = tuple(store.conn.execute("SELECT status, failed, finished_at IS NOT NULL FROM runs").fetchone())
    assert fetch == (503, "HTTP 503")
    assert problem == ("fetch", "gave up")
    assert run == ("partial", 1, 1)


def test_contract_columns_exist(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db"):
        pass
    columns = {row[1] for row in sqlite3.connect(tmp_path / "h.db").execute("PRAGMA table_info(articles)")}
    assert {"url", "source", "channel", "title", "published_at", "body"} <= columns


def store_updates(path: Path) -> list[tuple[int, str]]:
    return [tuple(r) for r in sqlite3.connect(path).execute("SELECT article_id, fields FROM article_updates")]


def test_list_page_state_keeps_completeness(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        store.save_list_page("s", "http://x/list.htm", ListPageState('"1"', None, True, "vsb", 12))
        store.save_list_page("s", "http://x/list.htm", ListPageState('"2"', "Fri", False, None, None))
        state = store.list_pages("s")["http://x/list.htm"]
    assert state == ListPageState('"2"', "Fri", True, "vsb", 12)
