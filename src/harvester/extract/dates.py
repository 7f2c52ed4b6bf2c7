"""Dates as Chinese CMS pages show them: in list rows, meta lines, meta tags and URLs.

Three entry points, all returning a :class:`DateValue` or None (never raising on bad text):

- :func:`parse_date` — a string that *is* a date (``"2023-05-12"``, ``"[05-12]"``,
  ``"2023年05月12日 10:20"``, ``"二〇二三年五月十二日"``, ``"12\\n2023-05"``, ``"3天前"`` ...);
- :func:`find_date` — the date inside a longer text, preferring a labelled one
  (``"发布时间：2023-05-12 10:20 作者：..."``);
- :func:`date_from_url` — the date encoded in an article URL (WebPlus, TRS, Hanweb, e-papers).

Order of rules: a precompiled regex for the common numeric forms, own rules for a missing
year, split list dates, Chinese numerals and relative words, and dateparser only as the
last fallback for text with words in it (English month names, ...). dateparser never sees
the forms it gets wrong (``05-12`` → 2005, ``12月30日`` → 2012, spaced ``年 月 日`` → year 1),
and any year it returns must be written in the text.

Time zones: a :class:`DateValue` is the wall-clock time the page shows; a trailing UTC
offset (``+08:00``, ``Z``) is kept in ``DateValue.utc_offset``; without one, the caller supplies the zone.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import re
import unicodedata
from datetime import datetime, timedelta
from typing import Any

from harvester.extract.model import DateValue

__all__ = ["MAX_YEAR", "MIN_YEAR", "date_from_url", "find_date", "parse_date"]

logger = logging.getLogger(__name__)

MIN_YEAR = 1990
MAX_YEAR = 2100

_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_CN_DIGITS = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}

# --- regular expressions -------------------------------------------------------------------

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)(?:\s*[日号])?"
_WEEKDAY = r"(?:\s*\(?(?:星期|周|礼拜)[一二三四五六日天]\)?)?"
_TIME = (
    r"(?:(?:T|\s+|(?<=[日号)]))(上午|下午|晚上)?\s*(\d{1,2})\s*[:时]\s*(\d{2})"
    r"(?:\s*[:分]\s*(\d{2})(?:\.\d+)?)?(?!\d)\s*[分秒]?)?"
)
_ZONE = r"(?:\s*(?P<zone>Z|[+-]\d{2}:?\d{2}|(?:GMT|UTC)(?:[+-]\d{1,2}(?::?\d{2})?)?))?"
_OFFSET = re.compile(r"(?:GMT|UTC)?([+-])(\d{1,2}):?(\d{2})?$")
_OPEN = r"\s*[\[【(（]?\s*"
_CLOSE = r"\s*[\]】)）]?\s*"

_FULL_RE = re.compile(_OPEN + _DATE + _WEEKDAY + _TIME + _ZONE + _CLOSE)
_FULL_SEARCH_RE = re.compile(r"(?<!\d)" + _DATE + _WEEKDAY + _TIME)
_MONTH_DAY = r"(\d{1,2})\s*(?:[-/]|月)\s*(\d{1,2})(?!\d)(?:\s*[日号])?"
_MONTH_DAY_RE = re.compile(_OPEN + _MONTH_DAY + _WEEKDAY + _TIME + _CLOSE)
_MONTH_DAY_AT_RE = re.compile(_MONTH_DAY + _WEEKDAY + _TIME + r"(?![-/.\d])")
_COMPACT_RE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})\s*")
_DAY_THEN_MONTH_RE = re.compile(r"\s*(\d{1,2})\s+(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*")
_MONTH_THEN_DAY_RE = re.compile(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s+(\d{1,2})\s*[日号]?\s*")
_RELATIVE_RE = re.compile(
    r"\s*(?:(\d{1,4})\s*(秒钟?|分钟|小时|个?钟头|天|日|周|星期|个?月|年)\s*[以之]?前"
    r"|(刚刚|刚才|今天|今日|昨天|昨日|前天)(?:\s*(\d{1,2})\s*[:时]\s*(\d{2})\s*分?)?)\s*"
)
_CN_NUMBER_RE = re.compile(r"[〇零○一二三四五六七八九十]{1,4}(?=\s*[年月日号])")
_NUMERIC_ONLY_RE = re.compile(r"[\d\s\-/.:\[\]()年月日号]*")
_LABEL_RE = re.compile(r"(发布时间|发布日期|发表时间|发文日期|成文日期|更新时间|时间|日期)\s*[:：]\s*")
_LABEL_RANK = {
    "发布时间": 0,
    "发布日期": 0,
    "发表时间": 0,
    "发文日期": 0,
    "成文日期": 0,
    "时间": 1,
    "日期": 1,
}
_UPDATE_RANK = 2

_URL_RULES = (
    re.compile(r"/(\d{4})/(\d{2})(\d{2})/c\d+a\d+/"),  # WebPlus /2023/0512/c1058a123/page.htm
    re.compile(r"(?:^|/)t(\d{4})(\d{2})(\d{2})_\d+(?:_\d+)?\.s?html?$"),  # TRS ./202305/t20230512_1.html
    re.compile(r"/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_"),  # Hanweb /art/2023/5/12/art_1_2.html
    re.compile(r"/(\d{4})-(\d{1,2})/(\d{1,2})/(?:content|node)_"),  # Founder html/2023-05/12/node_2.htm
    re.compile(r"/(\d{4})(\d{2})(\d{2})/"),  # a /20230512/ segment
    re.compile(r"/(\d{4})/(\d{1,2})/(\d{1,2})/"),  # a /2023/05/12/ path
)

_DATEPARSER_SETTINGS = {
    "PREFER_DATES_FROM": "past",
    "STRICT_PARSING": True,
    "REQUIRE_PARTS": ["day", "month", "year"],
    "RETURN_TIME_AS_PERIOD": True,
    "PARSERS": ["absolute-time"],  # no relative dates (they need a reference), no timestamps
}
_DATEPARSER_MAX_LEN = 80

# --- public API ----------------------------------------------------------------------------


def parse_date(text: str, *, reference: datetime | None = None) -> DateValue | None:
    """Read ``text`` as one date, as a list row or meta tag shows it; None if it is not one.

    Relative forms (``"3天前"``, ``"昨天 10:20"``, ``"刚刚"``) are counted back from
    ``reference`` (the fetch time, in the site's zone) and are None without it.
    """
    value = _parse_absolute(text)
    if value is not None:
        return value
    return _parse_relative(_normalize(text), reference)


def find_date(text: str) -> DateValue | None:
    """The date inside a longer text: a labelled one (``发布时间：...``) first, else the first full date.

    Publication labels win over the plain ``时间``/``日期``, which win over ``更新时间``.
    """
    text = _normalize(text)
    labelled = _find_labelled(text)
    if labelled is not None:
        return labelled
    for match in _FULL_SEARCH_RE.finditer(text):
        value = _from_full(match)
        if value is not None:
            return value
    return None


def date_from_url(url: str) -> DateValue | None:
    """The publication date written into an article URL's path, or None if it carries none."""
    path = url.split("#", 1)[0].split("?", 1)[0]
    for rule in _URL_RULES:
        match = rule.search(path)
        if match is not None:
            year, month, day = match.groups()
            return _make(int(year), int(month), int(day))
    return None


# --- absolute forms ------------------------------------------------------------------------


@functools.lru_cache(maxsize=4096)
def _parse_absolute(text: str) -> DateValue | None:
    match = _FULL_RE.fullmatch(text)
    if match is not None:
        return _from_full(match)
    normal = _normalize(text)
    if normal != text:
        match = _FULL_RE.fullmatch(normal)
        if match is not None:
            return _from_full(match)
    return _parse_other_numeric(normal) or _parse_with_dateparser(normal)


def _parse_other_numeric(text: str) -> DateValue | None:
    match = _MONTH_DAY_RE.fullmatch(text)
    if match is not None:
        return _from_month_day(match)
    match = _COMPACT_RE.fullmatch(text)
    if match is not None:
        return _make(*map(int, match.groups()))
    match = _DAY_THEN_MONTH_RE.fullmatch(text)
    if match is not None:
        day, year, month = map(int, match.groups())
        return _make(year, month, day)
    match = _MONTH_THEN_DAY_RE.fullmatch(text)
    if match is not None:
        return _make(*map(int, match.groups()))
    return None


def _from_full(match: re.Match[str]) -> DateValue | None:
    year, month, day, half, hour, minute, second = match.groups()[:7]
    value = _with_time(int(year), int(month), int(day), half, hour, minute, second)
    zone = match.groupdict().get("zone")
    if value is None or zone is None or value.hour is None:
        return value
    return dataclasses.replace(value, utc_offset=_offset_minutes(zone))


def _offset_minutes(zone: str) -> int | None:
    """Minutes east of UTC of ``Z``, ``+08:00``, ``+0800``, ``GMT+8``; None if out of range."""
    if zone in ("Z", "GMT", "UTC"):
        return 0
    found = _OFFSET.match(zone)
    if found is None:
        return None
    sign, hours, minutes = found.groups()
    total = int(hours) * 60 + int(minutes or 0)
    return (-total if sign == "-" else total) if total <= 14 * 60 else None


def _from_month_day(match: re.Match[str]) -> DateValue | None:
    month, day, half, hour, minute, second = match.groups()
    return _with_time(None, int(month), int(day), half, hour, minute, second)


def _with_time(
    year: int | None,
    month: int,
    day: int,
    half: str | None,
    hour: str | None,
    minute: str | None,
    second: str | None,
) -> DateValue | None:
    if hour is None or minute is None:
        return _make(year, month, day)
    h = int(hour)
    if half in ("下午", "晚上") and h < 12:
        h += 12
    return _make(year, month, day, h, int(minute), None if second is None else int(second))


def _make(
    year: int | None,
    month: int,
    day: int,
    hour: int | None = None,
    minute: int | None = None,
    second: int | None = None,
) -> DateValue | None:
    """A validated DateValue, or None when any part is out of range."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        return None
    if not 1 <= month <= 12 or not 1 <= day <= _days_in_month(year, month):
        return None
    if hour is not None and not (0 <= hour <= 23 and 0 <= (minute or 0) <= 59 and 0 <= (second or 0) <= 59):
        return None
    return DateValue(year, month, day, hour, minute, second)


def _days_in_month(year: int | None, month: int) -> int:
    if month == 2 and year is not None and not _is_leap(year):
        return 28
    return _DAYS_IN_MONTH[month - 1]


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


# --- normalization and Chinese numerals ----------------------------------------------------


def _normalize(text: str) -> str:
    """Full-width digits and punctuation to ASCII (NFKC), Chinese numerals before 年月日 to digits."""
    if text.isascii():
        return text
    return _CN_NUMBER_RE.sub(_cn_number_to_digits, unicodedata.normalize("NFKC", text))


def _cn_number_to_digits(match: re.Match[str]) -> str:
    token = match.group(0)
    value = _cn_number(token)
    return token if value is None else str(value)


def _cn_number(token: str) -> int | None:
    """二〇二三 → 2023 (digit by digit), 十二 → 12, 二十 → 20, 三十一 → 31; None if malformed."""
    if "十" not in token:
        return int("".join(str(_CN_DIGITS[c]) for c in token))
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


# --- relative forms ------------------------------------------------------------------------

_DAY_WORDS = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2}
_UNIT_SECONDS = {"秒": 1, "秒钟": 1, "分钟": 60, "小时": 3600, "钟头": 3600, "个钟头": 3600}
_UNIT_DAYS = {"天": 1, "日": 1, "周": 7, "星期": 7}


def _parse_relative(text: str, reference: datetime | None) -> DateValue | None:
    match = _RELATIVE_RE.fullmatch(text)
    if match is None or reference is None or not MIN_YEAR <= reference.year <= MAX_YEAR:
        return None
    count, unit, word, hour, minute = match.groups()
    if word in ("刚刚", "刚才"):
        return _make(reference.year, reference.month, reference.day, reference.hour, reference.minute)
    if word is not None:
        day = reference - timedelta(days=_DAY_WORDS[word])
        if hour is None or minute is None:
            return _make(day.year, day.month, day.day)
        return _make(day.year, day.month, day.day, int(hour), int(minute))
    return _count_back(reference, int(count), unit)


def _count_back(reference: datetime, count: int, unit: str) -> DateValue | None:
    if unit in _UNIT_SECONDS:
        if count * _UNIT_SECONDS[unit] > 366 * 86400:
            return None
        then = reference - timedelta(seconds=count * _UNIT_SECONDS[unit])
        return _make(then.year, then.month, then.day, then.hour, then.minute)
    if unit in _UNIT_DAYS:
        if count * _UNIT_DAYS[unit] > 3660 * 10:
            return None
        then = reference - timedelta(days=count * _UNIT_DAYS[unit])
        return _make(then.year, then.month, then.day)
    months = reference.year * 12 + reference.month - 1 - count * (12 if unit == "年" else 1)
    year, month = divmod(months, 12)
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    return _make(year, month + 1, min(reference.day, _days_in_month(year, month + 1)))


# --- labelled dates in longer text ---------------------------------------------------------


def _find_labelled(text: str) -> DateValue | None:
    best: tuple[int, DateValue] | None = None
    for label in _LABEL_RE.finditer(text):
        rank = _LABEL_RANK.get(label.group(1), _UPDATE_RANK)
        if best is not None and best[0] <= rank:
            continue
        value = _date_at(text, label.end())
        if value is not None:
            best = (rank, value)
    return None if best is None else best[1]


def _date_at(text: str, pos: int) -> DateValue | None:
    match = _FULL_SEARCH_RE.match(text, pos)
    if match is not None:
        return _from_full(match)
    match = _MONTH_DAY_AT_RE.match(text, pos)
    if match is not None:
        return _from_month_day(match)
    return None


# --- dateparser fallback -------------------------------------------------------------------


def _parse_with_dateparser(text: str) -> DateValue | None:
    """Last resort for worded dates; None unless every part, and the year as written, is in the text."""
    if len(text) > _DATEPARSER_MAX_LEN or _NUMERIC_ONLY_RE.fullmatch(text) or not re.search(r"\d{4}", text):
        return None
    try:
        data = _dateparser().get_date_data(text)
    except (ValueError, OverflowError) as exc:  # its parsers reject odd input this way
        logger.debug("dateparser rejected %r: %s", text, exc)
        return None
    found = data.date_obj
    if found is None or f"{found.year:04d}" not in text:
        return None
    if data.period == "time":
        return _make(found.year, found.month, found.day, found.hour, found.minute, found.second)
    return _make(found.year, found.month, found.day)


@functools.lru_cache(maxsize=1)
def _dateparser() -> Any:
    from dateparser.date import DateDataParser  # imported late: slow, and rarely needed

    return DateDataParser(languages=["zh", "en"], settings=_DATEPARSER_SETTINGS)
