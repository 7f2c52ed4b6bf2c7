"""The values extraction produces. Extraction never touches the network or the database:
it turns a decoded :class:`Page` into a :class:`ListPage` or an :class:`ArticleFields`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Request:
    """What to fetch next: a GET of ``url``, or a form POST (Hanweb's dataproxy.jsp paging)."""

    url: str
    method: str = "GET"
    data: tuple[tuple[str, str], ...] = ()

    @property
    def key(self) -> str:
        """Identity for "already visited" checks."""
        if not self.data:
            return f"{self.method} {self.url}"
        return f"{self.method} {self.url} " + "&".join(f"{k}={v}" for k, v in self.data)


@dataclass(frozen=True)
class Page:
    """A decoded response: its final URL (after redirects) and its text."""

    url: str
    html: str


@dataclass(frozen=True)
class DateValue:
    """A date as a page shows it, before a time zone and a missing year are supplied.

    ``year`` is None for list dates like ``[05-12]``; ``hour`` is None when no time is shown.
    """

    year: int | None
    month: int
    day: int
    hour: int | None = None
    minute: int | None = None
    second: int | None = None
    utc_offset: int | None = None  # minutes east of UTC when the text says (…+08:00, …Z); else local time

    @property
    def has_time(self) -> bool:
        return self.hour is not None

    def resolve(self, tz: ZoneInfo, reference: date) -> date | datetime:
        """A ``date``, or an aware ``datetime`` in ``tz`` when a time is known.

        A missing year is taken from ``reference`` (the nearest dated neighbour, or the
        fetch date): the latest year in which the date is not after ``reference``.
        """
        year = self.year
        if year is None:
            year = reference.year
            if _safe_date(year, self.month, self.day) > reference + timedelta(days=1):
                year -= 1
        day = _safe_date(year, self.month, self.day)
        if self.hour is None:
            return day
        zone = tz if self.utc_offset is None else timezone(timedelta(minutes=self.utc_offset))
        moment = datetime(day.year, day.month, day.day, self.hour, self.minute or 0, self.second or 0, tzinfo=zone)
        return moment.astimezone(tz)


def _safe_date(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:  # 02-29 in a non-leap reference year
        return date(year, month, 28)


@dataclass(frozen=True)
class ListEntry:
    """One row of a list page, as the list shows it (the title may be truncated)."""

    url: str  # absolute, resolved against the list page's URL
    title: str
    date: DateValue | None = None
    pinned: bool = False  # 置顶: may be old, must not stop a date-bounded crawl


@dataclass(frozen=True)
class ListPage:
    """The entries of one list page and the list pages to visit next (usually one)."""

    entries: tuple[ListEntry, ...]
    next: tuple[Request, ...]
    family: str  # the preset that read it ("vsb", "webplus", ..., "generic")
    current_page: int | None = None
    total_pages: int | None = None


@dataclass(frozen=True)
class Attachment:
    name: str
    url: str


@dataclass(frozen=True)
class ArticleFields:
    """What a detail page says about its article."""

    title: str | None  # the full title (None: take the list's)
    date: DateValue | None
    body: str  # plain text, paragraphs separated by "\n"
    attachments: tuple[Attachment, ...] = ()
    author: str | None = None  # 作者
    origin: str | None = None  # 来源
    family: str = "generic"
    next_part: str | None = None  # TRS splits long articles into _1.html, _2.html ...
