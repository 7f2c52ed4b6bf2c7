"""The disclosure report: the generated paragraph, the evidence export, Markdown, .docx and the chart.

The world below is built in a real SQLite file with Store.upsert_article, plus a sample ledger,
so that the figures are those of the seed report (74, 29, 13; 6, 1, 4, 4, 5), with traps:
rows just outside the window, an article listed by two sources of one channel, an article
published in two channels, campus and provincial articles that fail their match filter.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from harvester.config import Config, load_config
from harvester.count import CountResult, count_window
from harvester.report import chart_path, markdown_report, write_report
from harvester.report.chart import draw_chart
from harvester.report.content import (
    NO_REQUESTS,
    build_blocks,
    content_paragraphs,
    quantity_paragraph,
    requests_paragraph,
)
from harvester.report.evidence import EVIDENCE_COLUMNS, write_evidence
from harvester.store import ArticleRecord, Store

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "golden" / "report_paragraphs.txt"
START, END = date(2022, 9, 1), date(2023, 8, 31)

SOURCES = """\
database: harvest.db
timezone: Asia/Shanghai
ledger: ledger.yaml
channels:
  - id: department
    label: 本部门网站
    phrase: 通过本部门网站发布、更新信息
  - id: campus
    label: 学校新闻网、校报
    phrase: 通过学校新闻网、校报等渠道发布重要信息
  - id: provincial
    label: 省委统战部、省委教育工委等上级部门
    phrase: 通过省委统战部、省委教育工委等上级部门发布统战工作信息
  - {id: yearbook, label: 年鉴, kind: ledger, unit: 条}
  - {id: document, label: 文件, kind: ledger, unit: 项}
  - {id: board, label: 公告栏, kind: ledger, unit: 项}
  - {id: statistics, label: 统计报表, kind: ledger, unit: 项}
  - {id: meeting, label: 会议、座谈, kind: ledger, unit: 项, phrase: 通过会议、座谈方式信息公开}
sources:
  - id: dept-news
    channel: department
    urls: [https://tzb.example.edu.cn/gzdt.htm]
  - id: dept-notices
    channel: department
    urls: [https://tzb.example.edu.cn/tzgg.htm]
  - id: campus-news
    channel: campus
    urls: [https://news.example.edu.cn/1058/list.htm]
    match:
      any: [统战, 民主党派, 党外]
  - id: sd-edu
    channel: provincial
    urls: [https://edu.shandong.gov.cn/col/col11969/index.html]
    match:
      all: [山东理工大学]
"""

TOPICS = (
    "民盟山东理工大学委员会召开主题教育学习会",
    "党外知识分子联谊会理事会召开工作会议",
    "学校召开党外代表人士座谈会",
    "统战部2023年工作要点",
    "举办党外代表人士季度读书会",
    "台港澳学生交流座谈会",
    "统战部组织开展志愿服务活动",
)
LEDGER_CHANNELS = {"yearbook": 6, "document": 1, "board": 4, "statistics": 4, "meeting": 5}
EXPECTED = {"department": 74, "campus": 29, "provincial": 13, **LEDGER_CHANNELS}


def day(index: int) -> str:
    """Spread items over the window: index 0 is 2022-09-01."""
    return (START + timedelta(days=(index * 5) % 365)).isoformat()


def article(source: str, channel: str, url: str, title: str, published: str | None, body: str = "") -> ArticleRecord:
    return ArticleRecord(url=url, source=source, channel=channel, title=title, published_at=published, body=body)


def seed_records() -> list[ArticleRecord]:
    """The stored rows: every counted article plus the traps."""
    records = []
    for i in range(74):  # department: 70 news + 4 notices; notice 0 is also listed in the news column
        source = "dept-news" if i < 70 else "dept-notices"
        title = f"{TOPICS[i % len(TOPICS)]}（{i}）"
        records.append(article(source, "department", f"https://tzb.example.edu.cn/info/{i}.htm", title, day(i)))
    listed_twice = f"{TOPICS[70 % len(TOPICS)]}（70）"
    records.append(article("dept-news", "department", "https://tzb.example.edu.cn/info/70.htm", listed_twice, day(70)))
    for i in range(28):
        title = f"{TOPICS[i % len(TOPICS)]}（校园{i}）"
        url = f"https://news.example.edu.cn/2023/c1058a{i}/page.htm"
        records.append(article("campus-news", "campus", url, title, f"{day(i)}T10:20:00+08:00", "统战工作"))
    for i in range(5):  # fail the campus filter
        url = f"https://news.example.edu.cn/2023/c1058b{i}/page.htm"
        records.append(article("campus-news", "campus", url, f"运动会（{i}）", day(i), "田径"))
    for i in range(13):
        url = f"https://edu.shandong.gov.cn/art/2023/1/{i}/art_1_{i}.html"
        body = "山东理工大学党委统战部" if i % 2 else "山东理工大学"
        records.append(article("sd-edu", "provincial", url, f"{TOPICS[i % len(TOPICS)]}（省{i}）", day(i), body))
    records.append(article("sd-edu", "provincial", "https://edu.shandong.gov.cn/x/1.html", "他校统战", day(3), "x"))
    edges = (("2022-08-31", "before"), ("2023-09-01", "after"), ("2022-08-31T23:59:59+08:00", "eve"))
    for when, name in edges:
        url = f"https://tzb.example.edu.cn/info/{name}.htm"
        records.append(article("dept-news", "department", url, f"窗口外（{name}）", when))
    records.append(article("dept-news", "department", "https://tzb.example.edu.cn/info/nodate.htm", "无日期", None))
    # the same article published in two channels counts in each
    records.append(article("campus-news", "campus", "https://tzb.example.edu.cn/info/1.htm", TOPICS[1], day(1), "统战"))
    return records


LEDGER = """\
# 统战部信息公开台账 (offline channels)
- date: 2022-08-31
  channel: yearbook
  title: 窗口之前的年鉴条目
""" + "".join(
    f"- date: 2023-0{1 + n % 8}-1{n % 9}\n  channel: {channel}\n  title: {channel}条目{n}\n  note: 备注{n}\n"
    f"  reference: 鲁理工统发〔2023〕{n}号\n"
    for channel, total in LEDGER_CHANNELS.items()
    for n in range(total)
)


def build_world(folder: Path, *, requests: int = 0) -> Path:
    """sources.yaml, harvest.db and ledger.yaml in ``folder``; returns the sources.yaml path."""
    config_path = folder / "sources.yaml"
    config_path.write_text(SOURCES, encoding="utf-8")
    ledger = LEDGER + "".join(
        f"- date: 2023-04-0{n + 1}\n  channel: requests\n  title: 申请公开招生计划{n}\n" for n in range(requests)
    )
    (folder / "ledger.yaml").write_text(ledger, encoding="utf-8")
    with Store(folder / "harvest.db") as store:
        for record in seed_records():
            store.upsert_article(record)
    return config_path


def count(config: Config) -> CountResult:
    with Store(config.database) as store:
        return count_window(config, store, START, END)


@pytest.fixture
def world(tmp_path: Path) -> Config:
    return load_config(build_world(tmp_path))


SEED_PARAGRAPH = (
    "1.主动公开信息数量。通过本部门网站发布、更新信息74篇，通过学校新闻网、校报等渠道发布重要信息29篇，"
    "通过省委统战部、省委教育工委等上级部门发布统战工作信息13篇；通过年鉴形式信息公开6条；通过文件形式信息公开1项；"
    "通过公告栏形式信息公开4项；通过统计报表形式信息公开4项；通过会议、座谈方式信息公开5项。"
)


def test_counts_are_the_seed_figures(world: Config) -> None:
    result = count(world)
    assert {c.id: c.count for c in result.channels} == EXPECTED
    assert [c.id for c in result.channels] == list(EXPECTED)  # configured order, ledger beside crawled


def test_paragraph_carries_exactly_the_figures(world: Config) -> None:
    assert quantity_paragraph(count(world)) == SEED_PARAGRAPH


def test_paragraphs_golden(world: Config) -> None:
    result = count(world)
    lines = [quantity_paragraph(result), *content_paragraphs(result), requests_paragraph(result)]
    text = "\n".join(lines) + "\n"
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8"), "run with UPDATE_GOLDEN=1 after an intended change"


def test_paragraph_follows_the_counts(tmp_path: Path, world: Config) -> None:
    with Store(world.database) as store:
        store.upsert_article(article("dept-news", "department", "https://tzb.example.edu.cn/new.htm", "新", day(2)))
    paragraph = quantity_paragraph(count(world))
    assert "更新信息75篇，" in paragraph and "余" not in paragraph


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_evidence_rows_per_channel_equal_the_counts(tmp_path: Path, world: Config, suffix: str) -> None:
    result = count(world)
    path = write_evidence(result, tmp_path / f"evidence{suffix}")
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
    else:
        workbook = load_workbook(path, read_only=True)
        try:
            sheet = workbook["evidence"]
            rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        finally:
            workbook.close()
    assert tuple(rows[0]) == EVIDENCE_COLUMNS
    records = [dict(zip(EVIDENCE_COLUMNS, row, strict=True)) for row in rows[1:]]
    per_channel = {c: sum(1 for r in records if r["channel"] == c) for c in EXPECTED}
    assert per_channel == EXPECTED == {c.id: c.count for c in result.channels}
    assert all(START.isoformat() <= r["date"] <= END.isoformat() for r in records)
    ledger_rows = [r for r in records if r["channel"] == "document"]
    assert ledger_rows == [
        {
            "channel": "document",
            "channel_label": "文件",
            "source": "ledger",
            "date": "2023-01-10",
            "title": "document条目0",
            "url": "",
            "categories": "",
            "story": ledger_rows[0]["story"],
            "other_urls": "",
            "note": "备注0",
            "reference": "鲁理工统发〔2023〕0号",
        }
    ]
    twice = next(r for r in records if r["url"] == "https://tzb.example.edu.cn/info/70.htm")
    assert twice["source"] == "dept-news dept-notices" and twice["story"] == twice["url"]
    assert "民主党派活动" in next(r["categories"] for r in records if r["title"].startswith("民盟"))


def test_markdown_has_every_section(world: Config) -> None:
    text = markdown_report(count(world))
    assert SEED_PARAGRAPH in text
    assert "报告统计数据的起止时间为2022年9月1日至2023年8月31日。" in text
    assert "（二）依申请公开信息情况\n\n" + NO_REQUESTS in text
    assert "（1）基本情况方面信息" in text and "（6）对台港澳交流合作方面信息" in text
    assert "附录一 计数依据" in text and "附录二 未归类信息" in text
    evidence = [line for line in text.splitlines() if line.startswith("- ")]
    uncategorized = [line for line in evidence if line.startswith("- 【")]
    assert len(evidence) - len(uncategorized) == sum(EXPECTED.values())
    assert all("志愿服务" in line or "条目" in line for line in uncategorized)  # no rule matches these
    assert any("志愿服务" in line for line in uncategorized)


def test_requests_are_reported_when_received(tmp_path: Path) -> None:
    config = load_config(build_world(tmp_path, requests=2))
    result = count(config)
    assert len(result.requests) == 2 and {c.id: c.count for c in result.channels} == EXPECTED
    text = markdown_report(result)
    assert "收到依申请公开信息的申请2件" in text and NO_REQUESTS not in text
    assert "申请公开招生计划1" in text


def test_written_markdown_links_the_chart_beside_it(tmp_path: Path, world: Config) -> None:
    output = tmp_path / "out" / "report.md"
    written = write_report(count(world), output, "markdown")
    assert written == [output, chart_path(output)] and chart_path(output).name == "report-chart.png"
    assert chart_path(output).read_bytes().startswith(b"\x89PNG")
    assert "](report-chart.png)" in output.read_text(encoding="utf-8")


def test_chart_without_a_cjk_font_uses_ids(tmp_path: Path, world: Config) -> None:
    # filterwarnings=error: a missing glyph would raise here
    path = draw_chart(count(world), tmp_path / "chart.png", font=None)
    assert path.stat().st_size > 10_000


def test_blocks_name_the_chart_only_when_drawn(world: Config, tmp_path: Path) -> None:
    result = count(world)
    assert "图1" not in markdown_report(result)
    assert any(getattr(b, "caption", "").startswith("图1") for b in build_blocks(result, chart=tmp_path / "c.png"))


def harvester(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_cli_writes_a_docx_that_reads_back(tmp_path: Path) -> None:
    config = build_world(tmp_path)
    output = tmp_path / "x.docx"
    done = harvester(config, "report", "--year", "2022", "--format", "docx", "--output", str(output))
    assert done.returncode == 0, done.stderr
    document = Document(str(output))
    paragraphs = [p.text for p in document.paragraphs]
    assert SEED_PARAGRAPH in paragraphs
    assert NO_REQUESTS in paragraphs
    assert len(document.inline_shapes) == 1  # the chart
    assert (tmp_path / "x-chart.png").exists()
    table = document.tables[0]
    assert [cell.text for cell in table.rows[1].cells][:2] == ["本部门网站", "74篇"]
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert sum(1 for b in bullets if not b.startswith("【")) == sum(EXPECTED.values())


def test_cli_markdown_to_stdout_and_docx_needs_output(tmp_path: Path) -> None:
    config = build_world(tmp_path)
    done = harvester(config, "report", "--from", "2022-09-01", "--to", "2023-08-31")
    assert done.returncode == 0, done.stderr
    assert SEED_PARAGRAPH in done.stdout and not list(tmp_path.glob("*.png"))
    refused = harvester(config, "report", "--year", "2022", "--format", "docx")
    assert refused.returncode == 2 and "--output" in refused.stderr


def test_cli_count_evidence_and_json(tmp_path: Path) -> None:
    config = build_world(tmp_path)
    done = harvester(config, "count", "--year", "2022", "--format", "json", "--evidence", str(tmp_path / "e.csv"))
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    assert {c["id"]: c["count"] for c in shown["channels"]} == EXPECTED
    assert shown["requests"] == 0 and shown["from"] == "2022-09-01" and shown["to"] == "2023-08-31"
    with (tmp_path / "e.csv").open(encoding="utf-8-sig") as handle:
        assert sum(1 for _ in handle) == 1 + sum(EXPECTED.values())
    bad = harvester(config, "count", "--year", "2022", "--evidence", str(tmp_path / "e.txt"))
    assert bad.returncode == 2 and ".csv or .xlsx" in bad.stderr
