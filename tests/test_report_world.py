"""The whole demo world (six CMS families) plus a sample ledger, through the real CLI:
same-article decisions, exact channel counts, and the report paragraph's figures."""

from __future__ import annotations

import csv
import itertools
import json
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from harvester.demo import EXTRA_SITES, Served, build_world, serve_world
from harvester.normalize import canonical_url

WINDOW = (date(2022, 9, 1), date(2023, 8, 31))
LEDGER = {"yearbook": 6, "document": 1, "board": 4, "statistics": 4, "meeting": 5}  # the seed report's figures
LEDGER_CHANNELS = [
    {"id": "yearbook", "label": "年鉴", "kind": "ledger", "unit": "条"},
    {"id": "document", "label": "文件", "kind": "ledger", "unit": "项"},
    {"id": "board", "label": "公告栏", "kind": "ledger", "unit": "项"},
    {"id": "statistics", "label": "统计报表", "kind": "ledger", "unit": "项"},
    {"id": "meeting", "label": "会议、座谈", "kind": "ledger", "unit": "项", "phrase": "通过会议、座谈方式信息公开"},
]
PHRASES = {
    "department": "通过本部门网站发布、更新信息",
    "campus": "通过学校新闻网、校报等渠道发布重要信息",
    "provincial": "通过省委统战部、省委教育工委等上级部门发布统战工作信息",
}


class World(NamedTuple):
    served: Served
    config: Path
    rows: list[sqlite3.Row]


def cli(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=300, check=False)


def write_ledger(path: Path) -> None:
    entries = [
        {"date": date(2023, 3, 1 + n), "channel": channel, "title": f"台账条目{channel}{n}"}
        for channel, count in LEDGER.items()
        for n in range(count)
    ]
    entries.append({"date": date(2023, 9, 2), "channel": "yearbook", "title": "窗口之外的条目"})
    path.write_text(yaml.safe_dump(entries, allow_unicode=True), encoding="utf-8")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp = tmp_path_factory.mktemp("world")
    with serve_world(build_world(scale=1, extra=EXTRA_SITES)) as served:
        config = served.write_config(tmp / "sources.yaml")
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        for channel in data["channels"]:
            channel["phrase"] = PHRASES[channel["id"]]
        data["channels"] += LEDGER_CHANNELS
        data["ledger"] = "ledger.yaml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        write_ledger(tmp / "ledger.yaml")
        result = cli(config, "run")
        assert result.returncode == 0, result.stderr
        conn = sqlite3.connect(tmp / "harvest.db")
        conn.row_factory = sqlite3.Row
        yield World(served, config, list(conn.execute("SELECT * FROM articles")))
        conn.close()


def test_same_article_decisions_have_precision_and_recall_of_at_least_099(world: World) -> None:
    """Every pair of rows in one channel: truly the same article (same canonical URL, or a planted
    repost) versus put in one story by harvester."""
    reposts = {frozenset(canonical_url(u) for u in pair) for pair in world.served.same_story_pairs()}
    assert reposts, "the demo world plants reposts within a channel"
    tp = fp = fn = 0
    for a, b in itertools.combinations(world.rows, 2):
        if a["channel"] != b["channel"]:
            assert a["story"] != b["story"], "two channels never share a story"
            continue
        same = a["url"] == b["url"] or frozenset((a["url"], b["url"])) in reposts
        merged = a["story"] == b["story"]
        tp += same and merged
        fp += merged and not same
        fn += same and not merged
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.99 and recall >= 0.99, (tp, fp, fn)


def test_channel_counts_are_exact(world: World) -> None:
    result = cli(world.config, "count", "--year", "2022", "--format", "json")
    assert result.returncode == 0, result.stderr
    counts = {c["id"]: c["count"] for c in json.loads(result.stdout)["channels"]}
    assert counts == {**world.served.expected_counts(*WINDOW), **LEDGER}


def test_the_report_paragraph_carries_the_ground_truth_figures(world: World) -> None:
    result = cli(world.config, "report", "--year", "2022")
    assert result.returncode == 0, result.stderr
    expected = world.served.expected_counts(*WINDOW)
    sentence = (
        f"通过本部门网站发布、更新信息{expected['department']}篇，"
        f"通过学校新闻网、校报等渠道发布重要信息{expected['campus']}篇，"
        f"通过省委统战部、省委教育工委等上级部门发布统战工作信息{expected['provincial']}篇；"
        "通过年鉴形式信息公开6条；通过文件形式信息公开1项；通过公告栏形式信息公开4项；"
        "通过统计报表形式信息公开4项；通过会议、座谈方式信息公开5项。"
    )
    assert sentence in result.stdout
    assert "余" not in result.stdout.split("主动公开信息数量", 1)[1].split("\n", 1)[0]


def test_evidence_rows_per_channel_equal_the_counts(world: World, tmp_path: Path) -> None:
    evidence = tmp_path / "evidence.csv"
    result = cli(world.config, "count", "--year", "2022", "--format", "json", "--evidence", str(evidence))
    assert result.returncode == 0, result.stderr
    counts = {c["id"]: c["count"] for c in json.loads(result.stdout)["channels"]}
    with evidence.open(encoding="utf-8-sig", newline="") as handle:
        per_channel = Counter(row["channel"] for row in csv.DictReader(handle))
    assert per_channel == {k: v for k, v in counts.items() if v}


def test_dupes_lists_the_planted_repost_with_its_reason(world: World) -> None:
    result = cli(world.config, "dupes", "--year", "2022", "--format", "json")
    assert result.returncode == 0, result.stderr
    clusters = json.loads(result.stdout)
    urls = [{m["url"] for m in c["members"]} for c in clusters]
    for original, repost in world.served.same_story_pairs():
        assert {canonical_url(original), canonical_url(repost)} in urls
    reasons = {m["story_reason"] for c in clusters for m in c["members"][1:]}
    assert reasons and all(r for r in reasons)
