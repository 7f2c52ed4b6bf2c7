"""Loading sources.yaml: a good file becomes frozen objects, every mistake a one-line file:line: key error."""

from __future__ import annotations

import dataclasses
import re
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from harvester import config as config_module
from harvester.config import (
    Channel,
    Config,
    FetchSettings,
    Match,
    Selectors,
    Source,
    load_config,
)
from harvester.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]

GOOD = """\
database: data/harvest.db
timezone: Europe/Berlin
year_start_month: 1
default_schedule: "15 5 * * 1-5"
channels:
  - id: department
    label: 本部门网站
  - id: campus
    label: 学校新闻网、校报
fetch:
  delay: 0.5
  per_host: 2
  timeout: 7
  user_agent: "harvester-test (+mailto:me@example.org)"
  retries: 0
  max_bytes: 1_000
  max_redirects: 3
  obey_robots: no
  max_retry_after: 9.5
sources:
  - id: dept-news
    channel: department
    urls:
      - https://example.edu.cn/gzdt.htm
  - id: campus_news-2
    name: 新闻网
    channel: campus
    urls: [http://news.example.edu.cn/1058/list.htm, "https://news.example.edu.cn/zhxw/list.htm"]
    match:
      all: [山东理工大学]
      any: [统战, 民主党派]
      none: [招聘]
    schedule: "30   6 * * *"
    preset: webplus
    selectors:
      entry: ul.news_list > li
      link: a[title]
      title: h1.arti_title
      date: span.news_meta
      body: .wp_articlecontent
      next: a.next
    max_pages: 5
    since: 2022-09-01
    allowed_hosts: [mp.weixin.qq.com, News.Example.edu.cn]
"""


def write(tmp_path: Path, content: str | bytes, name: str = "sources.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_good_config_round_trips_to_frozen_objects(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    expected = Config(
        path=path,
        database=tmp_path / "data" / "harvest.db",
        timezone=ZoneInfo("Europe/Berlin"),
        year_start_month=1,
        default_schedule="15 5 * * 1-5",
        channels=(Channel("department", "本部门网站"), Channel("campus", "学校新闻网、校报")),
        fetch=FetchSettings(
            delay=0.5,
            per_host=2,
            timeout=7.0,
            user_agent="harvester-test (+mailto:me@example.org)",
            retries=0,
            max_bytes=1000,
            max_redirects=3,
            obey_robots=False,
            max_retry_after=9.5,
        ),
        sources=(
            Source(id="dept-news", channel="department", urls=("https://example.edu.cn/gzdt.htm",), line=21),
            Source(
                id="campus_news-2",
                name="新闻网",
                channel="campus",
                urls=(
                    "http://news.example.edu.cn/1058/list.htm",
                    "https://news.example.edu.cn/zhxw/list.htm",
                ),
                match=Match(all=("山东理工大学",), any=("统战", "民主党派"), none=("招聘",)),
                schedule="30 6 * * *",
                preset="webplus",
                selectors=Selectors(
                    entry="ul.news_list > li",
                    link="a[title]",
                    title="h1.arti_title",
                    date="span.news_meta",
                    body=".wp_articlecontent",
                    next="a.next",
                ),
                max_pages=5,
                since=date(2022, 9, 1),
                allowed_hosts=("mp.weixin.qq.com", "news.example.edu.cn"),
                line=25,
            ),
        ),
    )
    assert load_config(path) == expected
    assert load_config(str(path)) == expected


def test_defaults_of_a_minimal_config(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "channels: [{id: campus, label: 新闻网}]\nsources: [{id: a, channel: campus, urls: [https://x.cn/]}]\n",
    )
    loaded = load_config(path)
    assert loaded.database == tmp_path / "harvest.db"
    assert loaded.timezone == ZoneInfo("Asia/Shanghai")
    assert loaded.fetch == FetchSettings()
    assert (loaded.year_start_month, loaded.default_schedule) == (9, "0 6 * * *")
    assert loaded.sources == (Source(id="a", channel="campus", urls=("https://x.cn/",), line=2),)
    assert loaded.sources[0].selectors == Selectors() and loaded.sources[0].max_pages == 1000


def test_loaded_objects_are_frozen_tuples(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, GOOD))
    assert isinstance(loaded.sources, tuple) and isinstance(loaded.sources[1].urls, tuple)
    assert isinstance(loaded.sources[1].match, Match) and isinstance(loaded.sources[1].match.any, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        loaded.sources[0].id = "other"  # type: ignore[misc]


def test_absolute_database_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "h.db"
    path = write(tmp_path, GOOD.replace("database: data/harvest.db", f"database: {target}"))
    assert load_config(path).database == target


def test_quoted_date_and_empty_optional_values(tmp_path: Path) -> None:
    text = GOOD.replace("since: 2022-09-01", 'since: "2022-09-01"').replace("preset: webplus", "preset:")
    source = load_config(write(tmp_path, text)).sources[1]
    assert source.since == date(2022, 9, 1)
    assert source.preset is None


# A minimal valid file; the line numbers below refer to it (line 10 is the first appended line).
BASE = """\
channels:
  - id: department
    label: 本部门网站
  - id: campus
    label: 学校新闻网
sources:
  - id: dept-news
    channel: department
    urls: [https://example.edu.cn/gzdt.htm]
"""


def swap(old: str, new: str) -> str:
    """BASE with one piece replaced."""
    assert old in BASE
    return BASE.replace(old, new)


# (case id, file content, line, key, phrase of the message)
BAD: list[tuple[str, str | bytes, int, str | None, str]] = [
    ("control-character", "channels: \x01\n", 1, None, "not a readable YAML file"),
    ("empty-file", "", 1, None, "the file is empty"),
    ("comment-only", "# nothing yet\n", 1, None, "the file is empty"),
    ("yaml-syntax", "channels:\n  - id: a\n   label: b\n", 3, None, "YAML syntax error"),
    ("yaml-unclosed-flow", "channels: [a, b\nsources: []\n", 2, None, "YAML syntax error"),
    ("not-utf8", "# 统战部\nchannels: 统战部\n".encode("gbk"), 1, None, "not UTF-8"),
    ("top-is-list", "- channels\n- sources\n", 1, None, "expected a mapping"),
    ("missing-channels", "sources: []\n", 1, "channels", "missing required key 'channels'"),
    ("null-sources", "channels: [{id: a, label: b}]\nsources:\n", 2, "sources", "'sources' is empty"),
    ("unknown-top-key", BASE + "databse: x.db\n", 10, "databse", "did you mean 'database'?"),
    ("unknown-source-key", BASE + "    chanel: campus\n", 10, "sources[0].chanel", "did you mean 'channel'?"),
    ("unknown-fetch-key", BASE + "fetch:\n  delai: 1\n", 11, "fetch.delai", "did you mean 'delay'?"),
    (
        "unknown-match-key",
        BASE + "    match:\n      every: [统战]\n",
        11,
        "sources[0].match.every",
        "remove it or fix its spelling",
    ),
    (
        "unknown-selectors-key",
        BASE + "    selectors:\n      titel: h1\n",
        11,
        "sources[0].selectors.titel",
        "did you mean 'title'?",
    ),
    (
        "unknown-channel-key",
        swap("    label: 学校新闻网\n", "    label: 学校新闻网\n    lable: x\n"),
        6,
        "channels[1].lable",
        "did you mean 'label'?",
    ),
    (
        "missing-urls",
        swap("    urls: [https://example.edu.cn/gzdt.htm]\n", ""),
        7,
        "sources[0].urls",
        "missing required key 'urls'",
    ),
    (
        "missing-label",
        swap("  - id: campus\n    label: 学校新闻网\n", "  - id: campus\n"),
        4,
        "channels[1].label",
        "missing required key 'label'",
    ),
    (
        "urls-is-string",
        swap("[https://example.edu.cn/gzdt.htm]", "https://example.edu.cn/gzdt.htm"),
        9,
        "sources[0].urls",
        "expected a list",
    ),
    (
        "match-any-is-string",
        BASE + "    match:\n      any: 统战\n",
        11,
        "sources[0].match.any",
        "expected a list",
    ),
    (
        "bool-as-int",
        BASE + "    max_pages: true\n",
        10,
        "sources[0].max_pages",
        "expected a whole number, got true/false",
    ),
    ("float-as-int", BASE + "fetch:\n  per_host: 1.5\n", 11, "fetch.per_host", "expected a whole number"),
    ("zero-max-pages", BASE + "    max_pages: 0\n", 10, "sources[0].max_pages", "must be at least 1"),
    ("negative-delay", BASE + "fetch:\n  delay: -1\n", 11, "fetch.delay", "must be at least 0"),
    ("zero-timeout", BASE + "fetch:\n  timeout: 0\n", 11, "fetch.timeout", "must be greater than 0"),
    (
        "string-as-bool",
        BASE + "fetch:\n  obey_robots: sometimes\n",
        11,
        "fetch.obey_robots",
        "expected true or false",
    ),
    ("int-as-text", BASE + "    name: 2023\n", 10, "sources[0].name", "expected text"),
    (
        "unknown-channel",
        swap("channel: department", "channel: campuss"),
        8,
        "sources[0].channel",
        "unknown channel 'campuss' (known: department, campus); fix the id or add it under channels",
    ),
    (
        "duplicate-source-id",
        BASE + "  - id: dept-news\n    channel: campus\n    urls: [https://b.cn/]\n",
        10,
        "sources[1].id",
        "duplicate source id 'dept-news' (first on line 7)",
    ),
    (
        "duplicate-channel-id",
        swap("id: campus", "id: department"),
        4,
        "channels[1].id",
        "duplicate channel id 'department'",
    ),
    (
        "bad-source-id",
        swap("id: dept-news", "id: dept news"),
        7,
        "sources[0].id",
        "may only use ASCII letters",
    ),
    ("bool-channel-id", swap("id: campus", "id: yes"), 4, "channels[1].id", "YAML reads yes/no"),
    (
        "bad-url-scheme",
        swap("https://example.edu.cn/gzdt.htm", "ftp://example.edu.cn/gzdt.htm"),
        9,
        "sources[0].urls[0]",
        "not an http(s) URL",
    ),
    (
        "url-without-host",
        swap("[https://example.edu.cn/gzdt.htm]", "[https://example.edu.cn/a.htm, 'https:///b.htm']"),
        9,
        "sources[0].urls[1]",
        "with a host",
    ),
    (
        "url-bad-port",
        swap("https://example.edu.cn/gzdt.htm", "https://example.edu.cn:99999/gzdt.htm"),
        9,
        "sources[0].urls[0]",
        "not a valid URL",
    ),
    ("empty-urls", swap("[https://example.edu.cn/gzdt.htm]", "[]"), 9, "sources[0].urls", "no URLs"),
    ("bad-cron", BASE + '    schedule: "61 6 * * *"\n', 10, "sources[0].schedule", "bad cron expression"),
    ("six-field-cron", BASE + 'default_schedule: "0 0 6 * * *"\n', 10, "default_schedule", "give 5 fields"),
    ("bad-timezone", "timezone: Asia/Shangai\n" + BASE, 1, "timezone", "did you mean 'Asia/Shanghai'?"),
    ("bad-date", BASE + "    since: 2023-02-30\n", 10, "sources[0].since", "not a valid date"),
    ("date-as-words", BASE + "    since: last september\n", 10, "sources[0].since", "YYYY-MM-DD"),
    ("datetime-as-date", BASE + "    since: 2023-02-01 10:00:00\n", 10, "sources[0].since", "without a time"),
    (
        "bad-preset",
        BASE + "    preset: webplu\n",
        10,
        "sources[0].preset",
        "unknown preset 'webplu'; did you mean 'webplus'?",
    ),
    (
        "bad-css",
        BASE + "    selectors:\n      entry: 'ul.news >'\n",
        11,
        "sources[0].selectors.entry",
        "not a valid CSS selector",
    ),
    (
        "duplicate-yaml-key",
        BASE + "    channel: campus\n",
        10,
        "sources[0].channel",
        "duplicate key 'channel' (first given on line 8)",
    ),
    (
        "bad-host",
        BASE + "    allowed_hosts: [https://mp.weixin.qq.com/]\n",
        10,
        "sources[0].allowed_hosts[0]",
        "not a host name",
    ),
    ("month-13", BASE + "year_start_month: 13\n", 10, "year_start_month", "from 1 to 12"),
    ("empty-string", BASE + "    name: '  '\n", 10, "sources[0].name", "is empty"),
    ("merge-key", BASE + "fetch:\n  <<: {delay: 1}\n", 11, "fetch", "merge keys"),
    (
        "bad-channel-kind",
        swap("label: 学校新闻网\n", "label: 学校新闻网\n    kind: ledgr\n"),
        6,
        "channels[1].kind",
        "did you mean 'ledger'?",
    ),
    (
        "source-in-ledger-channel",
        swap("label: 学校新闻网\n", "label: 学校新闻网\n  - {id: yearbook, label: 年鉴, kind: ledger}\n").replace(
            "channel: department", "channel: yearbook"
        ),
        9,
        "sources[0].channel",
        "is a ledger channel",
    ),
    ("reserved-requests", swap("id: campus", "id: requests"), 4, "channels[1].id", "reserved"),
    ("empty-unit", swap("label: 学校新闻网\n", "label: 学校新闻网\n    unit: ''\n"), 6, "channels[1].unit", "is empty"),
    ("ledger-suffix", BASE + "ledger: ledger.txt\n", 10, "ledger", "a .yaml, .yml or .csv file"),
    (
        "sources-is-mapping",
        "channels: [{id: a, label: b}]\nsources:\n  id: x\n",
        3,
        "sources",
        "expected a list",
    ),
]


@pytest.mark.parametrize(("content", "line", "key", "phrase"), [case[1:] for case in BAD], ids=[c[0] for c in BAD])
def test_bad_config_names_file_line_and_key(
    tmp_path: Path, content: str | bytes, line: int, key: str | None, phrase: str
) -> None:
    path = write(tmp_path, content)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    error = caught.value
    assert (error.path, error.line, error.key) == (path, line, key)
    text = str(error)
    assert text.startswith(f"{path}:{line}: " + (f"{key}: " if key else "")), text
    assert phrase in error.message, text
    assert "\n" not in text


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert caught.value.line is None and caught.value.key is None
    assert str(caught.value) == f"{path}: no such file; create it (see docs/configuration.md) or pass --config"


def test_unreadable_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(f"{tmp_path}: cannot read the file")


def test_error_message_has_the_documented_shape(tmp_path: Path) -> None:
    text = GOOD.replace("    channel: campus\n", "    channel: campuss\n")
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert str(caught.value) == (
        f"{tmp_path / 'sources.yaml'}:27: sources[1].channel: unknown channel 'campuss' "
        "(known: department, campus); fix the id or add it under channels"
    )


def test_shipped_sources_yaml_loads() -> None:
    loaded = load_config(ROOT / "sources.yaml")
    assert [(c.id, c.label) for c in loaded.channels] == [
        ("department", "本部门网站"),
        ("campus", "学校新闻网、校报"),
        ("provincial", "省委统战部、省委教育工委等上级部门"),
        ("yearbook", "年鉴"),
        ("document", "文件"),
        ("board", "公告栏"),
        ("statistics", "统计报表"),
        ("meeting", "会议、座谈"),
    ]
    assert [c.sentence_phrase for c in loaded.channels][:3] == [
        "通过本部门网站发布、更新信息",
        "通过学校新闻网、校报等渠道发布重要信息",
        "通过省委统战部、省委教育工委等上级部门发布统战工作信息",
    ]
    assert loaded.ledger == ROOT / "ledger.yaml" and loaded.ledger.exists()
    hosts: dict[str, set[str]] = {}
    for source in loaded.sources:
        hosts.setdefault(source.channel, set()).update(urlsplit(url).netloc for url in source.urls)
    assert hosts == {
        "department": {"example.edu.cn"},
        "campus": {"lgwindow.sdut.edu.cn"},
        "provincial": {"edu.shandong.gov.cn", "www.sdtzb.gov.cn"},
    }
    assert loaded.fetch.delay >= 2.0 and loaded.fetch.per_host == 1
    assert loaded.database == ROOT / "harvest.db"
    assert "TODO(user): replace with the department site's column list pages" in (ROOT / "sources.yaml").read_text(
        encoding="utf-8"
    )


# The loader's own tables of accepted keys, with the heading of the docs section that documents them.
ACCEPTED: list[tuple[str, tuple[str, ...]]] = [
    ("## Top level", config_module.TOP_KEYS),
    ("## `channels`", config_module.CHANNEL_KEYS),
    ("## `sources`", config_module.SOURCE_KEYS),
    ("### Presets", config_module.PRESETS),
    ("### `match`", config_module.MATCH_KEYS),
    ("### `selectors`", config_module.SELECTOR_KEYS),
    ("## `fetch`", config_module.FETCH_KEYS),
    ("## `categories`", config_module.CATEGORY_KEYS),
]
DOCS = ROOT / "docs" / "configuration.md"


def docs_section(heading: str) -> str:
    """The text under one heading of docs/configuration.md, up to the next heading."""
    sections = re.split(r"^(?=#{2,3} )", DOCS.read_text(encoding="utf-8"), flags=re.MULTILINE)
    matching = [section for section in sections if section.splitlines()[0] == heading]
    assert len(matching) == 1, f"docs/configuration.md needs exactly one heading {heading!r}"
    return matching[0]


def test_key_tables_are_the_dataclass_fields() -> None:
    tables = dict(ACCEPTED)
    assert set(tables["## Top level"]) == {
        "database",
        "timezone",
        "channels",
        "sources",
        "fetch",
        "year_start_month",
        "default_schedule",
        "recheck_days",
        "duplicate_threshold",
        "log_file",
        "ledger",
        "categories",
    }
    assert "line" not in tables["## `sources`"]
    assert set(tables["## `fetch`"]) == {f.name for f in dataclasses.fields(FetchSettings)}
    assert set(tables["### `selectors`"]) == {f.name for f in dataclasses.fields(Selectors)}


@pytest.mark.parametrize(("heading", "key"), [(h, k) for h, keys in ACCEPTED for k in keys])
def test_every_accepted_key_is_documented(heading: str, key: str) -> None:
    assert f"`{key}`" in docs_section(heading), f"{key!r} is missing under {heading!r} in docs/configuration.md"


def test_annotated_example_in_docs_loads(tmp_path: Path) -> None:
    section = docs_section("## A complete annotated example")
    example = section.split("```yaml\n", 1)[1].split("```", 1)[0]
    loaded = load_config(write(tmp_path, example))
    assert [s.id for s in loaded.sources] == ["dept-news", "campus-news", "old-site"]
    assert loaded.sources[2].selectors.any_set()
    keys_used = set(re.findall(r"^\s*-?\s*([a-z_]+):(?:\s|$)", example, flags=re.MULTILINE))
    every_key = {key for heading, keys in ACCEPTED if heading != "### Presets" for key in keys}
    assert keys_used == every_key


def test_channel_kind_unit_phrase_and_ledger_path(tmp_path: Path) -> None:
    text = BASE.replace(
        "    label: 学校新闻网\n",
        "    label: 学校新闻网\n    phrase: 通过学校新闻网、校报等渠道发布重要信息\n"
        "  - {id: yearbook, label: 年鉴, kind: ledger, unit: 条}\n"
        "  - {id: meeting, label: 会议、座谈, kind: ledger, unit: 项, phrase: 通过会议、座谈方式信息公开}\n",
    )
    loaded = load_config(write(tmp_path, text + "ledger: records/ledger.csv\n"))
    assert loaded.channels == (
        Channel("department", "本部门网站"),
        Channel("campus", "学校新闻网", phrase="通过学校新闻网、校报等渠道发布重要信息"),
        Channel("yearbook", "年鉴", kind="ledger", unit="条"),
        Channel("meeting", "会议、座谈", kind="ledger", unit="项", phrase="通过会议、座谈方式信息公开"),
    )
    assert [c.sentence_phrase for c in loaded.channels] == [
        "通过本部门网站发布信息",
        "通过学校新闻网、校报等渠道发布重要信息",
        "通过年鉴形式信息公开",
        "通过会议、座谈方式信息公开",
    ]
    assert [c.id for c in loaded.ledger_channels()] == ["yearbook", "meeting"]
    assert loaded.ledger == tmp_path / "records" / "ledger.csv"
    assert load_config(write(tmp_path, BASE)).ledger is None
