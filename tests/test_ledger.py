"""The offline ledger: reading YAML and CSV, file:line errors, safe appends, the ledger commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from harvester.cli import cli
from harvester.config import Config, load_config
from harvester.errors import ConfigError
from harvester.ledger import LedgerEntry, add_entry, load_ledger

SOURCES = """\
ledger: {ledger}
channels:
  - {{id: department, label: 本部门网站}}
  - {{id: yearbook, label: 年鉴, kind: ledger, unit: 条}}
  - {{id: meeting, label: 会议、座谈, kind: ledger, unit: 项}}
sources:
  - {{id: news, channel: department, urls: ["https://a.cn/news.htm"]}}
"""

NO_LEDGER = SOURCES.format(ledger="x").replace("ledger: x\n", "")

YAML = """\
# 台账: one item per entry
- date: 2023-03-01
  channel: yearbook
  title: 《年鉴（2022）》统战工作
  note: 6条

# meetings
- date: 2023-05-10
  channel: meeting
  title: 党外代表人士情况通报会
  reference: 2023
"""

CSV = "date,channel,title,note,reference\n2023-03-01,yearbook,《年鉴（2022）》统战工作,6条,\n"


def setup(tmp_path: Path, content: str | None, name: str = "ledger.yaml") -> Config:
    (tmp_path / "sources.yaml").write_text(SOURCES.format(ledger=name), encoding="utf-8")
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8", newline="")
    return load_config(tmp_path / "sources.yaml")


def test_yaml_ledger_reads_with_lines(tmp_path: Path) -> None:
    entries = load_ledger(setup(tmp_path, YAML))
    assert entries == (
        LedgerEntry(date(2023, 3, 1), "yearbook", "《年鉴（2022）》统战工作", note="6条", line=2),
        LedgerEntry(date(2023, 5, 10), "meeting", "党外代表人士情况通报会", reference="2023", line=8),
    )


def test_csv_ledger_reads_with_lines_and_bom(tmp_path: Path) -> None:
    text = "\ufeff" + CSV + '\n2023-05-10,meeting,"通报会,第二次",,"纪要\n5号"\n2023-06-01,requests,申请公开,,\n'
    entries = load_ledger(setup(tmp_path, text, "ledger.csv"))
    assert [(e.line, e.channel, e.title, e.reference) for e in entries] == [
        (2, "yearbook", "《年鉴（2022）》统战工作", None),
        (4, "meeting", "通报会,第二次", "纪要\n5号"),
        (6, "requests", "申请公开", None),
    ]


def test_empty_and_comment_only_ledgers_hold_nothing(tmp_path: Path) -> None:
    assert load_ledger(setup(tmp_path, "# nothing yet\n")) == ()
    assert load_ledger(setup(tmp_path, "", "ledger.csv")) == ()


def test_no_ledger_key_means_no_entries_but_a_missing_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(NO_LEDGER, encoding="utf-8")
    assert load_ledger(load_config(tmp_path / "sources.yaml")) == ()
    with pytest.raises(ConfigError, match="no such ledger file"):
        load_ledger(setup(tmp_path, None))


# (case, file name, content, line, key, phrase)
BAD = [
    ("yaml-not-a-list", "ledger.yaml", "date: 2023-01-01\n", 1, None, "expected a list"),
    ("yaml-unknown-key", "ledger.yaml", YAML + "  notes: x\n", 12, "[1].notes", "did you mean 'note'?"),
    ("yaml-missing-title", "ledger.yaml", "- date: 2023-01-01\n  channel: yearbook\n", 1, "[0].title", "missing"),
    ("yaml-bad-date", "ledger.yaml", "- {date: 2023-02-30, channel: yearbook, title: x}\n", 1, "[0].date", "valid"),
    ("yaml-crawled", "ledger.yaml", "- {date: 2023-02-01, channel: department, title: x}\n", 1, "[0].channel", "kind"),
    ("yaml-unknown", "ledger.yaml", "\n- {date: 2023-02-01, channel: yearbok, title: x}\n", 2, "[0].channel", "known"),
    ("yaml-syntax", "ledger.yaml", "- date: 2023-02-01\n  channel: [yearbook\n", 3, None, "YAML syntax error"),
    ("yaml-duplicate", "ledger.yaml", YAML + YAML.split("# meetings\n")[1], 12, None, "the same entry as on line 8"),
    ("csv-unknown-column", "ledger.csv", "date,channel,title,remark\n", 1, "remark", "unknown column"),
    ("csv-missing-column", "ledger.csv", "date,title\n2023-01-01,x\n", 1, "channel", "lacks the column"),
    ("csv-bad-date", "ledger.csv", CSV + "2023/05/01,yearbook,x,,\n", 3, "date", "YYYY-MM-DD"),
    ("csv-cells", "ledger.csv", CSV + "2023-05-01,yearbook,x\n", 3, None, "3 cells where the header has 5"),
    ("csv-empty-title", "ledger.csv", CSV + "2023-05-01,yearbook, ,,\n", 3, "title", "empty"),
    ("csv-crawled", "ledger.csv", CSV + "\n2023-05-01,department,x,,\n", 4, "channel", "kind: crawled"),
]


@pytest.mark.parametrize(("name", "content", "line", "key", "phrase"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_ledger_names_file_line_and_key(
    tmp_path: Path, name: str, content: str, line: int, key: str | None, phrase: str
) -> None:
    config = setup(tmp_path, content, name)
    with pytest.raises(ConfigError) as caught:
        load_ledger(config)
    error = caught.value
    assert (error.path, error.line, error.key) == (tmp_path / name, line, key)
    assert str(error).startswith(f"{tmp_path / name}:{line}: ") and phrase in str(error), str(error)


def test_add_appends_text_and_keeps_comments(tmp_path: Path) -> None:
    config = setup(tmp_path, YAML)
    added = add_entry(config, LedgerEntry(date(2023, 6, 1), "meeting", '座谈会: "统战" #1', note="第二次"))
    text = (tmp_path / "ledger.yaml").read_text(encoding="utf-8")
    assert text.startswith(YAML) and "# meetings" in text
    assert added.line == 12 and load_ledger(config)[-1] == added
    assert added.title == '座谈会: "统战" #1'


def test_add_creates_the_file_and_follows_an_indented_list(tmp_path: Path) -> None:
    config = setup(tmp_path, None)
    add_entry(config, LedgerEntry(date(2023, 6, 1), "requests", "申请公开招生计划"))
    assert load_ledger(config)[0].channel == "requests"
    indented = "  - {date: 2023-01-01, channel: yearbook, title: 甲}\n"
    config = setup(tmp_path, indented)
    add_entry(config, LedgerEntry(date(2023, 6, 2), "yearbook", "乙"))
    assert [e.title for e in load_ledger(config)] == ["甲", "乙"]


def test_add_to_csv_keeps_header_crlf_and_bom(tmp_path: Path) -> None:
    config = setup(tmp_path, "\ufeff" + CSV.replace("\n", "\r\n"), "ledger.csv")
    add_entry(config, LedgerEntry(date(2023, 6, 1), "meeting", "通报会，第三次, 扩大", reference="纪要7号"))
    raw = (tmp_path / "ledger.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfdate,channel") and raw.count(b"\r\n") == 3 and b"\n\n" not in raw
    assert load_ledger(config)[-1].title == "通报会，第三次, 扩大"


@pytest.mark.parametrize(
    ("name", "content", "entry", "phrase"),
    [
        ("ledger.yaml", YAML, LedgerEntry(date(2023, 6, 1), "department", "x"), "kind: crawled"),
        ("ledger.yaml", YAML, LedgerEntry(date(2023, 6, 1), "meeting", "  "), "non-empty"),
        ("ledger.yaml", YAML, LedgerEntry(date(2023, 6, 1), "meeting", "a\nb"), "one line"),
        (
            "ledger.yaml",
            YAML.replace("title: 党外", "titel: 党外"),
            LedgerEntry(date(2023, 6, 1), "meeting", "x"),
            "titel",
        ),
        ("ledger.yaml", "[]\n", LedgerEntry(date(2023, 6, 1), "meeting", "x"), "block list"),
        ("ledger.yaml", "entries:\n  - x\n", LedgerEntry(date(2023, 6, 1), "meeting", "x"), "expected a list"),
        (
            "ledger.yaml",
            YAML,
            LedgerEntry(date(2023, 3, 1), "yearbook", "《年鉴（2022）》统战工作", note="6条"),
            "already in the ledger",
        ),
        ("ledger.csv", "date,channel,title\n", LedgerEntry(date(2023, 6, 1), "meeting", "x", note="n"), "no 'note'"),
    ],
)
def test_failed_add_leaves_the_file_unchanged(
    tmp_path: Path, name: str, content: str, entry: LedgerEntry, phrase: str
) -> None:
    config = setup(tmp_path, content, name)
    before = (tmp_path / name).read_bytes()
    with pytest.raises(ConfigError, match=phrase):
        add_entry(config, entry)
    assert (tmp_path / name).read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["sources.yaml", name])  # no temporary file left


def test_add_without_a_ledger_key(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(NO_LEDGER, encoding="utf-8")
    with pytest.raises(ConfigError, match="no ledger file is configured"):
        add_entry(load_config(tmp_path / "sources.yaml"), LedgerEntry(date(2023, 1, 1), "meeting", "x"))


def cli_run(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, ["--config", str(tmp_path / "sources.yaml"), *args])
    return result.exit_code, result.stdout, result.stderr


def test_cli_ledger_add_and_list(tmp_path: Path) -> None:
    setup(tmp_path, YAML)
    code, out, err = cli_run(
        tmp_path, "ledger", "add", "--channel", "yearbook", "--date", "2023-07-01", "--title", "补充条目", "--ref", "R1"
    )
    assert code == 0, err
    assert out.startswith(f"added {tmp_path / 'ledger.yaml'}:12: 2023-07-01 yearbook 补充条目")
    code, out, _ = cli_run(tmp_path, "ledger", "list", "--year", "2022", "--channel", "yearbook", "--format", "json")
    assert code == 0 and [e["title"] for e in json.loads(out)] == ["《年鉴（2022）》统战工作", "补充条目"]
    assert json.loads(out)[1]["reference"] == "R1"
    code, out, _ = cli_run(tmp_path, "ledger", "list")
    assert code == 0 and "党外代表人士情况通报会" in out


def test_cli_failed_ledger_add_exits_2_and_writes_nothing(tmp_path: Path) -> None:
    setup(tmp_path, YAML)
    before = (tmp_path / "ledger.yaml").read_bytes()
    code, _, err = cli_run(tmp_path, "ledger", "add", "--channel", "yearbok", "--date", "2023-07-01", "--title", "x")
    assert code == 2 and "unknown ledger channel 'yearbok'" in err and str(tmp_path / "ledger.yaml") in err
    code, _, err = cli_run(tmp_path, "ledger", "add", "--channel", "yearbook", "--date", "2023-02-30", "--title", "x")
    assert code == 2 and "2023-02-30" in err
    assert (tmp_path / "ledger.yaml").read_bytes() == before


def test_cli_count_reports_a_broken_ledger_with_its_line(tmp_path: Path) -> None:
    setup(tmp_path, YAML + "- {date: 2023-13-01, channel: yearbook, title: x}\n")
    code, _, err = cli_run(tmp_path, "count", "--year", "2022")
    assert code == 2 and f"{tmp_path / 'ledger.yaml'}:12: [2].date" in err
