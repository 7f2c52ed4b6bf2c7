"""Per-channel counts for a window, and the items behind them.

A crawled channel's count is the number of distinct articles of that channel published within
[start, end] (inclusive, local dates in the configured time zone) that pass their source's
``match`` filter. The filter is applied here, at count time, so that changing it in
sources.yaml needs no new harvest. A ledger channel's count is the number of its ledger
entries dated within the window. Requests for disclosure (ledger channel ``requests``) are
kept apart, for section 二(二) of the report.

Every counted thing is an :class:`Item`: one distinct article of one channel (all the rows
that share its :func:`distinct_key`), or one ledger entry. Counts, months, categories and
the evidence export are all computed from the same items, so they always agree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from harvester.categories import categorize
from harvester.config import REQUESTS, Channel, Config
from harvester.ledger import LedgerEntry, load_ledger
from harvester.store import Store

__all__ = [
    "CategoryCount",
    "ChannelCount",
    "CountResult",
    "Item",
    "SourceCount",
    "Window",
    "count_window",
    "counted_articles",
    "distinct_key",
]

LEDGER_SOURCE = "ledger"  # the source column of ledger items
_EXAMPLES = 3  # example titles per category


def distinct_key(row: Mapping[str, Any]) -> str:
    """The identity under which an article counts once per channel: its story (duplicate cluster).

    Rows written before clustering existed have no story and count by canonical URL.
    """
    story = row.get("story")
    return f"story:{story}" if story is not None else str(row["url"])


@dataclass(frozen=True)
class Window:
    """A report window: local dates, both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(f"the window ends ({self.end}) before it starts ({self.start})")

    @classmethod
    def disclosure_year(cls, year: int, start_month: int) -> Window:
        """The report year that starts on the 1st of ``start_month`` of ``year`` (9: 2022-09-01 … 2023-08-31)."""
        start = date(year, start_month, 1)
        after = date(year + 1, start_month, 1)
        return cls(start, date.fromordinal(after.toordinal() - 1))

    def contains(self, day: date) -> bool:
        """Whether ``day`` falls in the window."""
        return self.start <= day <= self.end

    def months(self) -> tuple[str, ...]:
        """Every month the window touches, as ``YYYY-MM``, in order."""
        months = []
        year, month = self.start.year, self.start.month
        while (year, month) <= (self.end.year, self.end.month):
            months.append(f"{year:04d}-{month:02d}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return tuple(months)


@dataclass(frozen=True)
class Item:
    """One counted thing: a distinct article of a channel, or a ledger entry."""

    channel: str
    day: date
    title: str
    sources: tuple[str, ...]  # source ids that list it; ("ledger",) for ledger entries
    story: str  # the distinct key (articles) or ``ledger:LINE`` (ledger entries)
    url: str | None = None  # the earliest row's URL; None for ledger entries
    other_urls: tuple[str, ...] = ()  # the other URLs of the same distinct article
    categories: tuple[str, ...] = ()  # category ids, in configured order
    note: str | None = None
    reference: str | None = None

    @property
    def month(self) -> str:
        """``YYYY-MM`` of the item's date."""
        return self.day.isoformat()[:7]


@dataclass(frozen=True)
class SourceCount:
    """Rows of one source in the window (an article listed by two sources counts in each)."""

    id: str
    name: str
    count: int


@dataclass(frozen=True)
class ChannelCount:
    """One channel's figure and its breakdowns."""

    id: str
    label: str
    count: int  # distinct articles (crawled) or entries (ledger) in the channel
    sources: tuple[SourceCount, ...]  # rows per source
    kind: str = "crawled"
    unit: str = "篇"
    phrase: str = ""  # how the report sentence names the channel
    months: tuple[tuple[str, int], ...] = ()  # (YYYY-MM, count) for every month of the window


@dataclass(frozen=True)
class CategoryCount:
    """Distinct items (across channels) that fall in one content category."""

    id: str
    label: str
    count: int
    examples: tuple[str, ...]  # a few titles, newest first


@dataclass(frozen=True)
class CountResult:
    """Everything counted in one window."""

    start: date
    end: date
    channels: tuple[ChannelCount, ...]
    items: tuple[Item, ...] = ()  # in channel order, then by date
    categories: tuple[CategoryCount, ...] = ()
    requests: tuple[LedgerEntry, ...] = ()  # requests for disclosure received (依申请公开)

    def months(self) -> tuple[str, ...]:
        """Every month of the window, ``YYYY-MM``."""
        return Window(self.start, self.end).months()

    def uncategorized(self) -> tuple[Item, ...]:
        """Items in no category (empty when no categories are configured)."""
        return tuple(item for item in self.items if self.categories and not item.categories)

    def as_dict(self) -> dict[str, Any]:
        """The contract's JSON shape (``from``, ``to``, ``channels``) with breakdowns added."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "channels": [
                {
                    "id": c.id,
                    "label": c.label,
                    "count": c.count,
                    "kind": c.kind,
                    "unit": c.unit,
                    "sources": [{"id": s.id, "name": s.name, "count": s.count} for s in c.sources],
                    "months": dict(c.months),
                }
                for c in self.channels
            ],
            "categories": [{"id": c.id, "label": c.label, "count": c.count} for c in self.categories],
            "uncategorized": len(self.uncategorized()),
            "requests": len(self.requests),
        }


def counted_articles(config: Config, store: Store, start: date, end: date) -> Iterator[dict[str, Any]]:
    """Every stored row that counts in [start, end]: in a configured source, dated, passing its filter.

    One row per source and article; :func:`count_window` folds rows of one article together.
    """
    sources = {s.id: s for s in config.sources}
    for row in store.iter_articles(start=start.isoformat(), end=end.isoformat()):
        source = sources.get(row["source"])
        if source is None or not row["published_at"]:
            continue
        if source.match is None or source.match.accepts(f"{row['title']}\n{row['body']}"):
            yield row


def count_window(
    config: Config, store: Store, start: date, end: date, *, ledger: Sequence[LedgerEntry] | None = None
) -> CountResult:
    """Distinct articles and ledger entries per channel in [start, end], with their breakdowns.

    ``ledger`` defaults to the entries of the ledger file sources.yaml names (see
    :func:`harvester.ledger.load_ledger`).
    """
    window = Window(start, end)
    entries = [e for e in (load_ledger(config) if ledger is None else ledger) if window.contains(e.date)]
    rows = list(counted_articles(config, store, start, end))
    items = _order(config, [*_article_items(config, rows), *_ledger_items(config, entries)])
    per_source = Counter(str(row["source"]) for row in rows)
    channels = tuple(_channel_count(config, channel, items, per_source, window) for channel in config.channels)
    requests = tuple(e for e in entries if e.channel == REQUESTS)
    return CountResult(start, end, channels, items, _category_counts(config, items), requests)


def _article_items(config: Config, rows: Iterable[Mapping[str, Any]]) -> list[Item]:
    """One item per channel and distinct key; its date, title and URL are the earliest row's."""
    groups: dict[tuple[str, str], list[Mapping[str, Any]]] = {}
    for row in rows:
        groups.setdefault((str(row["channel"]), distinct_key(row)), []).append(row)
    order = {source.id: index for index, source in enumerate(config.sources)}
    items = []
    for (channel, key), group in groups.items():
        group.sort(key=lambda r: (str(r["published_at"]), order.get(str(r["source"]), 0), str(r["url"])))
        first = group[0]
        text = "\n".join(f"{r['title']}\n{r['body'] or ''}" for r in group)
        urls = dict.fromkeys(str(r["url"]) for r in group)
        items.append(
            Item(
                channel=channel,
                day=date.fromisoformat(str(first["published_at"])[:10]),
                title=str(first["title"]),
                sources=tuple(sorted({str(r["source"]) for r in group}, key=lambda s: order.get(s, 0))),
                story=key,
                url=str(first["url"]),
                other_urls=tuple(url for url in urls if url != first["url"]),
                categories=categorize(text, config.categories),
            )
        )
    return items


def _ledger_items(config: Config, entries: Iterable[LedgerEntry]) -> list[Item]:
    return [
        Item(
            channel=entry.channel,
            day=entry.date,
            title=entry.title,
            sources=(LEDGER_SOURCE,),
            story=f"ledger:{entry.line if entry.line is not None else f'#{index}'}",
            categories=categorize(f"{entry.title}\n{entry.note or ''}", config.categories),
            note=entry.note,
            reference=entry.reference,
        )
        for index, entry in enumerate(entries)
        if entry.channel != REQUESTS
    ]


def _order(config: Config, items: Iterable[Item]) -> tuple[Item, ...]:
    position = {channel.id: index for index, channel in enumerate(config.channels)}
    return tuple(sorted(items, key=lambda i: (position.get(i.channel, len(position)), i.day, i.title, i.story)))


def _channel_count(
    config: Config, channel: Channel, items: Sequence[Item], per_source: Counter[str], window: Window
) -> ChannelCount:
    mine = [item for item in items if item.channel == channel.id]
    if channel.kind == "ledger":
        sources: tuple[SourceCount, ...] = (SourceCount(LEDGER_SOURCE, "台账", len(mine)),)
    else:
        sources = tuple(
            SourceCount(s.id, s.display_name, per_source[s.id]) for s in config.sources if s.channel == channel.id
        )
    months = Counter(item.month for item in mine)
    return ChannelCount(
        id=channel.id,
        label=channel.label,
        count=len(mine),
        sources=sources,
        kind=channel.kind,
        unit=channel.unit,
        phrase=channel.sentence_phrase,
        months=tuple((month, months[month]) for month in window.months()),
    )


def _category_counts(config: Config, items: Sequence[Item]) -> tuple[CategoryCount, ...]:
    """Per category: distinct stories across channels, and a few example titles (newest first)."""
    counts = []
    for category in config.categories:
        stories: dict[str, Item] = {}
        for item in items:
            if category.id in item.categories:
                stories.setdefault(item.story, item)
        newest = sorted(stories.values(), key=lambda i: (i.day, i.title), reverse=True)
        examples = tuple(dict.fromkeys(item.title for item in newest))[:_EXAMPLES]
        counts.append(CategoryCount(category.id, category.label, len(stories), examples))
    return tuple(counts)
