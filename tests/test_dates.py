"""Tests of harvester.extract.dates: list/meta dates, labelled dates in text, dates in URLs."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.extract.dates import date_from_url, find_date, parse_date
from harvester.extract.model import DateValue

D = DateValue

PARSE_CASES: list[tuple[str, DateValue | None]] = [
    # full numeric dates, as list rows show them
    ("2023-05-12", D(2023, 5, 12)),
    (" 2023-05-12", D(2023, 5, 12)),
    ("2023-05-12\n\t", D(2023, 5, 12)),
    ("2023/05/12", D(2023, 5, 12)),
    ("2023/5/2", D(2023, 5, 2)),
    ("[2023/05/12]", D(2023, 5, 12)),
    ("[2023-05-12]", D(2023, 5, 12)),
    ("【2023-05-12】", D(2023, 5, 12)),
    ("(2023-05-12)", D(2023, 5, 12)),
    ("2023.5.12", D(2023, 5, 12)),
    ("2023.05.12", D(2023, 5, 12)),
    ("２０２３－０５－１２", D(2023, 5, 12)),
    # Chinese forms
    ("2023年05月12日", D(2023, 5, 12)),
    ("2023年5月12日", D(2023, 5, 12)),
    ("2023年5月12号", D(2023, 5, 12)),
    ("2019 年 10 月 30 日", D(2019, 10, 30)),  # dateparser: year 1
    ("2023年5月12日 10:20", D(2023, 5, 12, 10, 20)),
    ("2023年5月12日10时20分", D(2023, 5, 12, 10, 20)),
    ("2023年5月12日 星期五 下午3:20", D(2023, 5, 12, 15, 20)),
    ("二〇二三年五月十二日", D(2023, 5, 12)),  # dateparser: unsupported
    ("二〇一九年十月三十日", D(2019, 10, 30)),
    ("二〇二三年十二月三十一日", D(2023, 12, 31)),
    ("2023年十一月二十日", D(2023, 11, 20)),
    # with a time
    ("2023-05-12 10:20", D(2023, 5, 12, 10, 20)),
    ("2023-05-12 10:20:33", D(2023, 5, 12, 10, 20, 33)),
    ("2023-05-12 00:00", D(2023, 5, 12, 0, 0)),
    ("2023-05-12T10:20:00+08:00", D(2023, 5, 12, 10, 20, 0, utc_offset=480)),  # the offset is kept
    ("2023-05-12T10:20:00.123Z", D(2023, 5, 12, 10, 20, 0, utc_offset=0)),
    ("2023-05-12 23:30:00-0500", D(2023, 5, 12, 23, 30, 0, utc_offset=-300)),
    # month and day without a year
    ("[05-12]", D(None, 5, 12)),
    ("05-12", D(None, 5, 12)),  # dateparser: 2005-12-30
    ("5/12", D(None, 5, 12)),
    ("5月12日", D(None, 5, 12)),  # dateparser: None
    ("12月30日", D(None, 12, 30)),  # dateparser: 2012-12-30
    ("五月十二日", D(None, 5, 12)),
    ("02-29", D(None, 2, 29)),  # valid in some year; resolve() decides
    ("[05-12 10:20]", D(None, 5, 12, 10, 20)),
    # compact and split forms
    ("20230512", D(2023, 5, 12)),
    ("12\n2023-05", D(2023, 5, 12)),  # WebPlus portals: day, then year-month
    ("12 2023/05", D(2023, 5, 12)),
    ("2023-05\n12", D(2023, 5, 12)),
    # worded forms through the dateparser fallback
    ("May 12, 2023", D(2023, 5, 12)),
    ("Fri, 12 May 2023 10:20:00 GMT", D(2023, 5, 12, 10, 20, 0)),
    # not dates
    ("", None),
    ("   ", None),
    ("2023-13-45", None),
    ("2023-02-29", None),  # not a leap year
    ("2024-02-29", D(2024, 2, 29)),
    ("2023-04-31", None),
    ("2023-05-12 24:00", None),
    ("2023-05-12 10:61", None),
    ("1989-05-12", None),
    ("2101-01-01", None),
    ("20231345", None),
    ("202305120", None),
    ("13805331234", None),  # a mobile number
    ("0533-2786123", None),  # a landline number
    ("1.2.3", None),  # a version number
    ("v2.3.1", None),
    ("点击：2023", None),
    ("2023", None),
    ("2023-05", None),
    ("第3期", None),
    ("读书会（第3期）", None),
    ("13/45", None),
    ("00-12", None),
    ("12/05/2023", None),  # day-first or month-first: ambiguous, refused
    ("May 2023", None),
    ("三天前", None),
    ("3天前", None),  # relative: no reference given
    ("昨天 10:20", None),
    ("今天", None),
    ("刚刚", None),
]


@pytest.mark.parametrize(("text", "expected"), PARSE_CASES)
def test_parse_date_table(text: str, expected: DateValue | None) -> None:
    assert parse_date(text) == expected


def test_parse_date_table_is_large_enough() -> None:
    assert len(PARSE_CASES) >= 40
    assert sum(expected is None for _, expected in PARSE_CASES) >= 15


REFERENCE = datetime(2023, 5, 15, 10, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3天前", D(2023, 5, 12)),
        ("15天前", D(2023, 4, 30)),
        ("1周前", D(2023, 5, 8)),
        ("5分钟前", D(2023, 5, 15, 10, 25)),
        ("2小时前", D(2023, 5, 15, 8, 30)),
        ("2个月前", D(2023, 3, 15)),
        ("1年前", D(2022, 5, 15)),
        ("昨天 10:20", D(2023, 5, 14, 10, 20)),
        ("昨天", D(2023, 5, 14)),
        ("前天 08:05", D(2023, 5, 13, 8, 5)),
        ("今天", D(2023, 5, 15)),
        ("刚刚", D(2023, 5, 15, 10, 30)),
        ("昨天 25:00", None),
        ("2023-05-12", D(2023, 5, 12)),  # absolute text ignores the reference
        ("很久以前", None),
    ],
)
def test_parse_date_relative_with_reference(text: str, expected: DateValue | None) -> None:
    assert parse_date(text, reference=REFERENCE) == expected


def test_relative_month_back_clamps_the_day() -> None:
    assert parse_date("1个月前", reference=datetime(2023, 3, 31, 9, 0)) == D(2023, 2, 28)


def test_relative_far_back_or_odd_reference_is_none() -> None:
    assert parse_date("99999天前", reference=REFERENCE) is None
    assert parse_date("3天前", reference=datetime(1, 1, 2)) is None


def test_resolve_supplies_the_year_from_the_reference() -> None:
    value = parse_date("[12-30]")
    assert value == D(None, 12, 30)
    assert value.resolve(ZoneInfo("Asia/Shanghai"), date(2023, 1, 5)) == date(2022, 12, 30)
    assert value.resolve(ZoneInfo("Asia/Shanghai"), date(2023, 12, 31)) == date(2023, 12, 30)


def test_resolve_keeps_a_parsed_time() -> None:
    tz = ZoneInfo("Asia/Shanghai")
    value = parse_date("2023-05-12 10:20")
    assert value is not None
    assert value.resolve(tz, date(2024, 1, 1)) == datetime(2023, 5, 12, 10, 20, tzinfo=tz)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发布时间：2023-05-12 10:20 作者：张三 来源：统战部 点击：[_showDynClicks]", D(2023, 5, 12, 10, 20)),
        ("发布日期：2023年05月12日 10:20", D(2023, 5, 12, 10, 20)),
        ("发布日期:2023年05月12日", D(2023, 5, 12)),
        ("2023-05-12 来源：党委统战部", D(2023, 5, 12)),
        ("作者：张三  发表时间： 2023/5/12  浏览：120", D(2023, 5, 12)),
        ("来源：本站 时间：2023-05-12 10:20:33 点击：", D(2023, 5, 12, 10, 20, 33)),
        ("日期：2023.05.12", D(2023, 5, 12)),
        ("发文日期：2023-05-12 成文日期：2023-05-10", D(2023, 5, 12)),
        ("成文日期：二〇二三年五月十二日", D(2023, 5, 12)),
        ("发布时间：\xa02023-05-12", D(2023, 5, 12)),
        ("发布时间：２０２３年５月１２日", D(2023, 5, 12)),
        ("时间：05-12 来源：学院", D(None, 5, 12)),
        # a labelled date wins over an earlier plain one
        ("转载 2020-01-01 原文 发布时间：2023-05-12", D(2023, 5, 12)),
        # a publication label wins over an update label, whatever the order
        ("更新时间：2024-01-01 发布时间：2023-05-12", D(2023, 5, 12)),
        ("更新时间：2024-01-01 09:00", D(2024, 1, 1, 9, 0)),
        # a bad labelled date does not hide a good plain one
        ("发布时间：2023-13-45 原文 2023-05-12", D(2023, 5, 12)),
        ("电话：0533-2786123 邮编 255000 2023年5月12日", D(2023, 5, 12)),
        ("第12023-05-120期", None),
        ("点击：2023 作者：张三", None),
        ("联系电话：13805331234", None),
        ("本站版本 1.2.3", None),
        ("", None),
    ],
)
def test_find_date(text: str, expected: DateValue | None) -> None:
    assert find_date(text) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://lgwindow.sdut.edu.cn/2023/0512/c1058a123/page.htm", D(2023, 5, 12)),
        ("/2023/1231/c21558a534756/page.psp", D(2023, 12, 31)),
        ("https://lgwindow.sdut.edu.cn/28/e4/c21558a534756/page.htm", None),  # old WebPlus: no date
        ("./202305/t20230512_123456.html", D(2023, 5, 12)),
        ("http://www.sd.gov.cn/art/xxgk/202305/t20230512_123456_1.html", D(2023, 5, 12)),
        ("../../202305/t20230512_123456.shtml", D(2023, 5, 12)),
        ("http://edu.shandong.gov.cn/art/2023/5/12/art_11969_123.html", D(2023, 5, 12)),
        ("http://edu.shandong.gov.cn/art/2023/12/1/art_1_2.html", D(2023, 12, 1)),
        ("http://paper.sdut.edu.cn/html/2023-05/12/content_3.htm", D(2023, 5, 12)),
        ("http://paper.sdut.edu.cn/html/2023-05/12/node_2.htm", D(2023, 5, 12)),
        ("https://example.edu.cn/news/20230512/1234.html", D(2023, 5, 12)),
        ("https://example.edu.cn/news/2023/05/12/hello", D(2023, 5, 12)),
        ("https://example.edu.cn/info/1058/4321.htm", None),
        ("https://example.edu.cn/list.htm?date=20230512", None),  # the query is not the path
        ("./202313/t20231345_1.html", None),
        ("http://edu.shandong.gov.cn/art/2023/2/30/art_1_2.html", None),
        ("http://[::1", None),
        ("", None),
    ],
)
def test_date_from_url(url: str, expected: DateValue | None) -> None:
    assert date_from_url(url) == expected


# --- properties ------------------------------------------------------------------------------


def assert_valid(value: DateValue | None) -> None:
    """A returned value is a real calendar date (any leap year for a missing year) and time."""
    if value is None:
        return
    assert isinstance(value, DateValue)
    assert value.year is None or 1990 <= value.year <= 2100
    date(2000 if value.year is None else value.year, value.month, value.day)
    if value.hour is None:
        assert value.minute is None and value.second is None
    else:
        assert 0 <= value.hour <= 23
        assert value.minute is not None and 0 <= value.minute <= 59
        assert value.second is None or 0 <= value.second <= 59


DATE_PIECES = st.sampled_from(
    [
        *"0123456789",
        "20",
        "19",
        "2023",
        "12",
        "31",
        *"-/.:[] T\n",
        *"年月日号时分秒前天",
        *"〇一二三四五六七八九十",
        "星期五",
        "下午",
        "昨天",
        "刚刚",
        "发布时间：",
        "时间:",
        "日期：",
        "更新时间：",
        "May",
        "Fri",
        "GMT",
        "+08:00",
        "Z",
        "２",
        "：",
    ]
)
DATE_LIKE = st.lists(DATE_PIECES, max_size=16).map("".join)
ANY_TEXT = st.one_of(st.text(), DATE_LIKE)


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_parse_date_never_raises_and_returns_valid_dates(text: str) -> None:
    assert_valid(parse_date(text))
    assert_valid(parse_date(text, reference=REFERENCE))


@settings(max_examples=300, deadline=None)
@given(ANY_TEXT)
def test_find_date_never_raises_and_returns_valid_dates(text: str) -> None:
    assert_valid(find_date(text))


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(),
        st.lists(st.one_of(DATE_PIECES, st.sampled_from(["/", "_", "art", "t", "c1a2"]))).map("".join),
    )
)
def test_date_from_url_never_raises_and_returns_valid_dates(url: str) -> None:
    assert_valid(date_from_url(url))


@settings(max_examples=200, deadline=None)
@given(
    st.integers(1990, 2100),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(
        [
            "{y}-{m:02d}-{d:02d}",
            "{y}/{m}/{d}",
            "{y}年{m}月{d}日",
            "[{y}.{m:02d}.{d:02d}]",
            "{y}{m:02d}{d:02d}",
        ]
    ),
)
def test_numeric_forms_round_trip(year: int, month: int, day: int, form: str) -> None:
    text = form.format(y=year, m=month, d=day)
    try:
        expected: DateValue | None = D(year, month, day) if date(year, month, day) else None
    except ValueError:
        expected = None
    assert parse_date(text) == expected
    assert find_date(f"发布时间：{text} 作者：张三") == (None if "{y}{m" in form else expected)


def test_an_offset_in_the_text_is_converted_to_the_configured_zone() -> None:
    shanghai = ZoneInfo("Asia/Shanghai")
    utc = parse_date("2023-05-12T02:20:00Z")
    west = parse_date("2023-05-12T23:30:00-05:00")
    local = parse_date("2023-05-12 10:20")
    assert utc is not None and west is not None and local is not None
    assert utc.resolve(shanghai, date(2023, 6, 1)).isoformat() == "2023-05-12T10:20:00+08:00"
    assert west.resolve(shanghai, date(2023, 6, 1)).isoformat() == "2023-05-13T12:30:00+08:00"
    assert local.resolve(shanghai, date(2023, 6, 1)).isoformat() == "2023-05-12T10:20:00+08:00"
