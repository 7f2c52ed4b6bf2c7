"""Counting: windows (--from/--to, --year), distinct articles, breakdowns, the count command."""

from __future__ import annotations

import csv
import importlib
import io
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester.cli import cli
from harvester.config import Config, load_config
from harvester.count import Window, count_window, distinct_key
from harvester.store import ArticleRecord, Store

count_module = importlib.import_module("harvester.count")  # the package exports a function named count

CONFIG = """\
database: harvest.db
year_start_month: {month}
channels:
  - {{id: department, label: 本部门网站}}
  - {{id: campus, label: 学校新闻网}}
sources:
  - {{id: news, channel: department, urls: ["https://a.cn/news.htm"]}}
  - {{id: notices, channel: department, urls: ["https://a.cn/notices.htm"]}}
  - id: campus
    channel: campus
    urls: ["https://b.cn/list.htm"]
    match: {{any: [统战]}}
"""


def make(tmp_path: Path, rows: list[tuple[str, str, str | None, str]], month: int = 9) -> Path:
    """A config and a database holding (source, url, published_at, title) rows."""
    path = tmp_path / "sources.yaml"
    path.write_text(CONFIG.format(month=month), encoding="utf-8")
    channels = {"news": "department", "notices": "department", "campus": "campus"}
    with Store(tmp_path / "harvest.db") as store:
        for source, url, published, title in rows:
            store.upsert_article(
                ArticleRecord(url, source, channels[source], title, published, body=f"{title} 统战工作")
            )
    return path


def counts(config: Config, window: Window) -> dict[str, int]:
    with Store(config.database) as store:
        result = count_window(config, store, window.start, window.end)
    return {c.id: c.count for c in result.channels}


EDGES = [
    ("news", "https://a.cn/1", "2022-08-31T23:59:59+08:00", "前一天"),
    ("news", "https://a.cn/2", "2022-09-01", "第一天"),
    ("news", "https://a.cn/3", "2023-08-31T23:59:59+08:00", "最后一天"),
    ("news", "https://a.cn/4", "2023-09-01T00:00:00+08:00", "后一天"),
    ("news", "https://a.cn/5", "2022-12-31", "年末"),
    ("news", "https://a.cn/6", "2024-01-01", "次年"),
]


@pytest.mark.parametrize(
    ("year", "month", "start", "end"),
    [
        (2022, 9, date(2022, 9, 1), date(2023, 8, 31)),
        (2022, 1, date(2022, 1, 1), date(2022, 12, 31)),
        (2023, 3, date(2023, 3, 1), date(2024, 2, 29)),
        (2022, 12, date(2022, 12, 1), date(2023, 11, 30)),
    ],
)
def test_disclosure_year(year: int, month: int, start: date, end: date) -> None:
    assert Window.disclosure_year(year, month) == Window(start, end)


def test_window_months_and_order() -> None:
    assert Window(date(2022, 11, 30), date(2023, 2, 1)).months() == ("2022-11", "2022-12", "2023-01", "2023-02")
    with pytest.raises(ValueError, match="before it starts"):
        Window(date(2023, 1, 2), date(2023, 1, 1))


def test_year_window_edges_with_september_start(tmp_path: Path) -> None:
    config = load_config(make(tmp_path, EDGES, month=9))
    window = Window.disclosure_year(2022, config.year_start_month)
    with Store(config.database) as store:
        result = count_window(config, store, window.start, window.end)
    titles = sorted(item.title for item in result.items)
    assert titles == sorted(["第一天", "最后一天", "年末"])  # 2022-08-31 and 2023-09-01 stay out


def test_year_window_edges_with_january_start(tmp_path: Path) -> None:
    config = load_config(make(tmp_path, EDGES, month=1))
    assert counts(config, Window.disclosure_year(2022, config.year_start_month))["department"] == 3
    assert counts(config, Window.disclosure_year(2023, config.year_start_month))["department"] == 2


def run(config: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(config), *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_year_and_from_to_agree(tmp_path: Path) -> None:
    config = make(tmp_path, EDGES)
    by_year = run(config, "count", "--year", "2022", "--format", "json")
    by_dates = run(config, "count", "--from", "2022-09-01", "--to", "2023-08-31", "--format", "json")
    assert by_year[0] == by_dates[0] == 0
    assert json.loads(by_year[1]) == json.loads(by_dates[1])
    assert json.loads(by_year[1])["channels"][0]["count"] == 3


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--year", "2022", "--from", "2022-09-01"], "either --year or --from/--to"),
        (["--from", "2022-09-01"], "--to"),
        ([], "--year"),
        (["--from", "2023-09-01", "--to", "2023-08-31"], "before --from"),
        (["--year", "99999"], "99999"),
    ],
)
def test_cli_bad_window_exits_2(tmp_path: Path, args: list[str], phrase: str) -> None:
    code, _, err = run(make(tmp_path, EDGES), "count", *args)
    assert code == 2 and phrase in err


def test_distinct_within_a_channel_separate_across_channels(tmp_path: Path) -> None:
    rows = [
        ("news", "https://a.cn/x", "2023-01-05", "同一篇"),
        ("notices", "https://a.cn/x", "2023-01-06", "同一篇"),  # listed in two columns of one channel
        ("campus", "https://a.cn/x", "2023-01-05", "同一篇"),  # republished in another channel
        ("news", "https://a.cn/y", "2023-01-05", "同一篇"),  # same title, another article
        ("campus", "https://b.cn/z", "2023-02-01", "运动会"),  # fails campus match? body holds 统战: passes
    ]
    config = load_config(make(tmp_path, rows))
    with Store(config.database) as store:
        result = count_window(config, store, date(2022, 9, 1), date(2023, 8, 31))
    department, campus = result.channels
    assert (department.count, campus.count) == (2, 2)
    assert [(s.id, s.count) for s in department.sources] == [("news", 2), ("notices", 1)]
    item = next(i for i in result.items if i.channel == "department" and i.url == "https://a.cn/x")
    assert item.sources == ("news", "notices") and item.day == date(2023, 1, 5) and item.story == "https://a.cn/x"
    assert dict(department.months)["2023-01"] == 2 and len(department.months) == 12


def test_distinct_key_is_the_one_place_that_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rows = [("news", "https://a.cn/1", "2023-01-05", "甲"), ("notices", "https://a.cn/2", "2023-01-06", "甲")]
    config = load_config(make(tmp_path, rows))
    window = Window(date(2022, 9, 1), date(2023, 8, 31))
    assert distinct_key({"url": "https://a.cn/1", "title": "甲"}) == "https://a.cn/1"
    assert counts(config, window)["department"] == 2
    monkeypatch.setattr(count_module, "distinct_key", lambda row: str(row["title"]))  # e.g. a story id
    assert counts(config, window)["department"] == 1


def test_match_filter_applies_at_count_time(tmp_path: Path) -> None:
    path = make(tmp_path, [("campus", "https://b.cn/1", "2023-01-05", "运动会")])
    config = load_config(path)
    window = Window(date(2022, 9, 1), date(2023, 8, 31))
    assert counts(config, window)["campus"] == 1  # the body says 统战
    path.write_text(path.read_text(encoding="utf-8").replace("[统战]", "[民主党派]"), encoding="utf-8")
    assert counts(load_config(path), window)["campus"] == 0


def test_cli_breakdowns_by_source_and_month(tmp_path: Path) -> None:
    rows = [
        ("news", "https://a.cn/x", "2023-01-05", "甲"),
        ("notices", "https://a.cn/x", "2023-01-06", "甲"),
        ("news", "https://a.cn/y", "2023-03-05", "乙"),
    ]
    config = make(tmp_path, rows)
    code, out, _ = run(config, "count", "--year", "2022", "--by", "source", "--format", "csv")
    assert code == 0
    assert list(csv.reader(io.StringIO(out)))[:3] == [
        ["channel", "label", "source", "name", "rows"],
        ["department", "本部门网站", "news", "news", "2"],
        ["department", "本部门网站", "notices", "notices", "1"],
    ]
    code, out, _ = run(config, "count", "--year", "2022", "--by", "month", "--format", "csv")
    records = list(csv.DictReader(io.StringIO(out)))
    department = {r["month"]: r["count"] for r in records if r["channel"] == "department"}
    assert (department["2023-01"], department["2023-03"], department["2022-09"]) == ("1", "1", "0")
    code, out, _ = run(config, "count", "--year", "2022", "--by", "month")
    assert code == 0 and "2023-01" in out and "total" in out
    code, out, _ = run(config, "count", "--year", "2022", "--format", "csv")
    assert out.splitlines()[:2] == ["channel,label,count,unit", "department,本部门网站,2,篇"]


def test_cli_uncategorized_lists_what_no_rule_catches(tmp_path: Path) -> None:
    rows = [
        ("news", "https://a.cn/1", "2023-01-05", "民盟换届大会"),
        ("news", "https://a.cn/2", "2023-01-06", "植树节"),
    ]
    code, out, _ = run(make(tmp_path, rows), "count", "--year", "2022", "--uncategorized", "--format", "json")
    assert code == 0
    assert [entry["title"] for entry in json.loads(out)] == ["植树节"]
