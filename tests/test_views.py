"""The analyst views and the counted flag, on a real SQLite file written by the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import pytest

from harvester.config import Config, Match, load_config
from harvester.count import count_window
from harvester.errors import StorageError
from harvester.status import source_statuses
from harvester.store import ArticleRecord, Store
from harvester.views import COUNTS_PER_CHANNEL_SQL, install_views, refresh_counted

CONFIG = """\
database: harvest.db
timezone: Asia/Shanghai
channels:
  - {id: department, label: 本部门网站}
  - {id: campus, label: 学校新闻网}
  - {id: yearbook, label: 年鉴, kind: ledger, unit: 条}
sources:
  - {id: news, channel: department, urls: ["https://a.cn/news.htm"]}
  - {id: notices, channel: department, urls: ["https://a.cn/notices.htm"]}
  - id: campus
    channel: campus
    urls: ["https://b.cn/list.htm"]
    match: {any: [统战, 民主党派], none: [招聘]}
"""

CHANNELS = {"news": "department", "notices": "department", "campus": "campus", "gone": "department"}

# (source, url, published_at, title, body)
ROWS = [
    ("news", "https://a.cn/1.htm", "2022-09-01", "座谈会", "统战"),
    ("news", "https://a.cn/2.htm", "2022-09-15T10:00:00+08:00", "培训班", ""),
    ("notices", "https://a.cn/2.htm", "2022-09-15T10:00:00+08:00", "培训班", ""),  # same URL, second source
    ("notices", "https://a.cn/3.htm", "2023-08-31T23:59:00+08:00", "通知", ""),
    ("notices", "https://a.cn/4.htm", "2023-09-01", "下一年", ""),
    ("notices", "https://a.cn/5.htm", None, "无日期", ""),
    ("campus", "https://b.cn/1.htm", "2022-10-01", "统战部调研", ""),
    ("campus", "https://b.cn/2.htm", "2022-10-02", "运动会", "学生"),  # fails the match filter
    ("campus", "https://b.cn/3.htm", "2022-10-03", "民主党派招聘", ""),  # excluded by none
    ("campus", "https://b.cn/4.htm", "2023-01-05", "校报", "民主党派座谈"),
    ("gone", "https://a.cn/9.htm", "2022-11-01", "旧来源", "统战"),  # source no longer configured
]


def write_config(tmp_path: Path, text: str = CONFIG) -> Config:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def record(source: str, url: str, published: str | None, title: str, body: str) -> ArticleRecord:
    return ArticleRecord(url, source, CHANNELS[source], title, published, body=body)


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Config, Store]]:
    config = write_config(tmp_path)
    store = Store(config.database)
    install_views(store.conn)
    for row in ROWS:
        store.upsert_article(record(*row))
    yield config, store
    store.close()


def query(store: Store, sql: str, params: dict[str, str] | tuple[str, ...] = ()) -> list[tuple[object, ...]]:
    return [tuple(row) for row in store.conn.execute(sql, params)]


def sql_counts(store: Store, start: str, end: str) -> dict[str, int]:
    rows = store.conn.execute(COUNTS_PER_CHANNEL_SQL, {"from": start, "to": end})
    return {row["channel"]: row["count"] for row in rows}


def cli_counts(config: Config, store: Store, start: date, end: date) -> dict[str, int]:
    result = count_window(config, store, start, end, ledger=[])
    return {c.id: c.count for c in result.channels if c.kind == "crawled"}


def test_install_is_idempotent_and_writes_nothing_the_second_time(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        install_views(store.conn)
        schema = query(store, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
        changes = store.conn.total_changes
        install_views(store.conn)
        assert query(store, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
        assert store.conn.total_changes == changes
        views = {r[0] for r in query(store, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert views == {
        "articles_by_month",
        "channel_month_counts",
        "recent_problems",
        "source_health",
        "articles_with_story",
    }


def test_install_needs_the_store_schema(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "empty.db")
    with pytest.raises(StorageError, match="no articles table"):
        install_views(conn)
    conn.close()


def test_articles_by_month_counts_rows_per_source_and_month(world: tuple[Config, Store]) -> None:
    config, store = world
    refresh_counted(store.conn, config)
    rows = query(store, "SELECT channel, source, year, month, n, counted FROM articles_by_month")
    assert rows == [
        ("campus", "campus", 2022, 10, 3, 1),
        ("campus", "campus", 2023, 1, 1, 1),
        ("department", "gone", 2022, 11, 1, 0),
        ("department", "news", 2022, 9, 2, 2),
        ("department", "notices", 2022, 9, 1, 1),
        ("department", "notices", 2023, 8, 1, 1),
        ("department", "notices", 2023, 9, 1, 1),
    ]


def test_channel_month_counts_are_distinct_urls(world: tuple[Config, Store]) -> None:
    config, store = world
    refresh_counted(store.conn, config)
    rows = query(store, "SELECT channel, year, month, articles, counted FROM channel_month_counts")
    assert rows == [
        ("campus", 2022, 10, 3, 1),
        ("campus", 2023, 1, 1, 1),
        ("department", 2022, 9, 2, 2),  # 2.htm is in two sources and counts once
        ("department", 2022, 11, 1, 0),
        ("department", 2023, 8, 1, 1),
        ("department", 2023, 9, 1, 1),
    ]


def test_counted_flags_follow_count_exactly(world: tuple[Config, Store]) -> None:
    config, store = world
    refreshed = refresh_counted(store.conn, config)
    assert refreshed.full and refreshed.evaluated == len(ROWS)
    flags = dict(query(store, "SELECT url || ' ' || source, counted FROM articles"))
    assert [url for url, flag in flags.items() if not flag] == [
        "https://a.cn/5.htm notices",  # no date
        "https://b.cn/2.htm campus",  # no match term
        "https://b.cn/3.htm campus",  # a none term
        "https://a.cn/9.htm gone",  # source not configured
    ]
    for start, end in [("2022-09-01", "2023-08-31"), ("2022-09-15", "2022-10-02"), ("2023-09-01", "2023-09-01")]:
        expected = cli_counts(config, store, date.fromisoformat(start), date.fromisoformat(end))
        assert sql_counts(store, start, end) == expected
    assert sql_counts(store, "2022-09-01", "2023-08-31") == {"department": 3, "campus": 2}


def test_new_and_changed_rows_are_pending_until_the_next_refresh(world: tuple[Config, Store]) -> None:
    config, store = world
    refresh_counted(store.conn, config)
    store.upsert_article(record("campus", "https://b.cn/5.htm", "2022-12-01", "统战新闻", ""))
    store.upsert_article(record("campus", "https://b.cn/1.htm", "2022-10-01", "统战部调研", "（招聘）"))
    pending = query(store, "SELECT url, counted, count_key FROM articles WHERE counted IS NULL ORDER BY url")
    assert pending == [("https://b.cn/1.htm", None, None), ("https://b.cn/5.htm", None, None)]
    row = store.conn.execute(COUNTS_PER_CHANNEL_SQL, {"from": "2022-09-01", "to": "2023-08-31"}).fetchall()
    assert [(r["channel"], r["count"], r["pending"]) for r in row] == [("department", 3, 0), ("campus", 1, 2)]
    refreshed = refresh_counted(store.conn, config)
    assert (refreshed.full, refreshed.evaluated, refreshed.changed) == (False, 2, 2)
    window = date(2022, 9, 1), date(2023, 8, 31)
    assert (
        sql_counts(store, "2022-09-01", "2023-08-31")
        == cli_counts(config, store, *window)
        == {
            "department": 3,
            "campus": 2,  # b.cn/1 now says 招聘 and drops out; b.cn/5 comes in
        }
    )


def test_a_changed_filter_recomputes_every_row(world: tuple[Config, Store], tmp_path: Path) -> None:
    config, store = world
    refresh_counted(store.conn, config)
    assert refresh_counted(store.conn, config).evaluated == 0  # nothing new
    loose = write_config(tmp_path, CONFIG.replace("match: {any: [统战, 民主党派], none: [招聘]}", "name: 新闻网"))
    refreshed = refresh_counted(store.conn, loose)
    assert refreshed.full and refreshed.evaluated == len(ROWS)
    window = date(2022, 9, 1), date(2023, 8, 31)
    assert (
        sql_counts(store, "2022-09-01", "2023-08-31")
        == cli_counts(loose, store, *window)
        == {
            "department": 3,
            "campus": 4,
        }
    )
    sources = query(store, "SELECT id, name, channel, match FROM config_sources ORDER BY position")
    assert sources[2] == ("campus", "新闻网", "campus", None)
    channels = query(store, "SELECT id, label, kind, unit FROM config_channels ORDER BY position")
    assert channels[2] == ("yearbook", "年鉴", "ledger", "条")


@dataclass(frozen=True)
class Meddling(Match):
    """A filter that, while b.cn/4 is being evaluated, has another connection change that article."""

    database: str = ""

    def accepts(self, text: str) -> bool:
        if "民主党派座谈" in text:
            with Store(self.database) as other:
                other.upsert_article(record("campus", "https://b.cn/4.htm", "2023-01-05", "校报", "运动会"))
        return super().accepts(text)


def test_a_row_changed_during_a_refresh_is_left_pending(world: tuple[Config, Store]) -> None:
    config, store = world
    campus = config.source("campus")
    meddling = Meddling(campus.match.all, campus.match.any, campus.match.none, str(config.database))  # type: ignore[union-attr]
    sources = tuple(replace(s, match=meddling) if s.id == "campus" else s for s in config.sources)
    refresh_counted(store.conn, replace(config, sources=sources))
    assert query(store, "SELECT body, counted FROM articles WHERE url = 'https://b.cn/4.htm'") == [("运动会", None)]
    refresh_counted(store.conn, config)
    assert query(store, "SELECT counted FROM articles WHERE url = 'https://b.cn/4.htm'") == [(0,)]


def _problems(store: Store) -> None:
    first = store.begin_run(["news", "campus"])
    store.record_source_run(first, {"source": "news", "new": 2, "failed": 1, "entries": 3})
    store.record_source_run(first, {"source": "campus", "new": 4, "failed": 0, "entries": 4})
    store.record_problem(first, "news", "https://a.cn/x.htm", "fetch", "timeout")
    store.record_problem(first, "campus", "https://b.cn/x.htm", "no-date", "no date")
    store.finish_run(first, status="partial", new=6, updated=0, failed=1)
    second = store.begin_run(["news"])
    store.record_source_run(second, {"source": "news", "new": 0, "failed": 2, "entries": 3})
    store.record_problem(second, "news", "https://a.cn/y.htm", "fetch", "HTTP 500")
    store.record_problem(second, "news", "https://a.cn/z.htm", "article", "empty")
    store.finish_run(second, status="partial", new=0, updated=0, failed=2)


def test_recent_problems_are_those_of_each_sources_last_run(world: tuple[Config, Store]) -> None:
    _, store = world
    _problems(store)
    rows = query(store, "SELECT source, run_id, kind, url, message FROM recent_problems")
    assert rows == [
        ("campus", 1, "no-date", "https://b.cn/x.htm", "no date"),
        ("news", 2, "fetch", "https://a.cn/y.htm", "HTTP 500"),
        ("news", 2, "article", "https://a.cn/z.htm", "empty"),
    ]


def test_source_health_agrees_with_harvester_status(world: tuple[Config, Store]) -> None:
    config, store = world
    _problems(store)
    refresh_counted(store.conn, config)
    store.conn.row_factory = sqlite3.Row
    health = {row["source"]: row for row in store.conn.execute("SELECT * FROM source_health")}
    assert list(health) == ["news", "notices", "campus", "gone"]  # configured order, then the rest
    for status in source_statuses(config, store, stale_days=60, today=date(2023, 9, 1)):
        row = health[status.source]
        assert (row["channel"], row["last_run"], row["last_run_at"]) == (
            status.channel,
            status.last_run,
            status.last_run_at,
        )
        assert (row["new"] or 0, row["failed"] or 0, row["problems"]) == (
            status.last_new,
            status.last_failed,
            status.problems,
        )
        assert (row["newest_article"], row["last_new_at"]) == (status.newest_article, status.last_new_at)
    assert (health["news"]["articles"], health["news"]["counted"], health["news"]["last_run_status"]) == (
        2,
        2,
        "partial",
    )
    assert (health["gone"]["configured"], health["gone"]["channel"], health["gone"]["last_run"]) == (
        0,
        "department",
        None,
    )


def test_story_view_shows_cluster_sizes(world: tuple[Config, Store]) -> None:
    _, store = world
    store.conn.execute("UPDATE articles SET story = id")
    store.conn.execute(
        "UPDATE articles SET story = (SELECT id FROM articles WHERE url = 'https://a.cn/1.htm') "
        "WHERE url = 'https://a.cn/3.htm'"
    )
    rows = query(
        store,
        "SELECT url, story_size, story_first FROM articles_with_story WHERE story_size > 1 ORDER BY url",
    )
    assert rows == [("https://a.cn/1.htm", 2, 1), ("https://a.cn/3.htm", 2, 0)]
    assert len(query(store, "SELECT * FROM articles_with_story")) == len(ROWS)


def test_an_outdated_view_is_replaced(tmp_path: Path) -> None:
    with Store(tmp_path / "h.db") as store:
        install_views(store.conn)
        store.conn.execute("DROP VIEW articles_by_month")
        store.conn.execute("CREATE VIEW articles_by_month AS SELECT 1 AS old")
        install_views(store.conn)
        columns = [row[1] for row in store.conn.execute("PRAGMA table_info(articles_by_month)")]
    assert columns == ["channel", "source", "year", "month", "n", "counted"]
