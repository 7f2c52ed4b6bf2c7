"""One source, one pass: its list columns -> entries -> articles -> the store.

Entries that point off-site or to a file are stored from what the list says; they are still
publications of that column. Login walls, soft 404s and robots-forbidden pages keep the
list's title and date.
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from harvester.config import Source
from harvester.errors import ExtractionError, FetchError, NotAnArticle, RobotsDisallowed
from harvester.extract import parse_article, parse_list
from harvester.extract.dates import date_from_url
from harvester.extract.model import ArticleFields, DateValue, ListEntry, Page, Request
from harvester.fetch import Fetched, Fetcher, Validators
from harvester.normalize import canonical_url
from harvester.store import ArticleRecord, ListPageState, Outcome

if TYPE_CHECKING:
    from harvester.harvest import Harvester

log = logging.getLogger(__name__)

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".zip", ".rar", ".7z", ".wps", ".txt")
ATTACHMENT_MARKERS = ("/system/_content/download.jsp", "/_upload/article/files/", "/module/download/")
DETAIL_CONCURRENCY = 16  # article pages in flight per source; the fetcher's per-host limit still applies
MAX_PARTS = 50  # pages of one split (TRS _1.html, _2.html ...) article


@dataclass
class SourceSummary:
    """What one source's pass did."""

    source: str
    list_pages: int = 0
    entries: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    robots: int = 0
    warnings: list[str] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)


@dataclass(frozen=True)
class _Listing:
    """A list page as read: where it ended up, its entries, what to visit next, its validators."""

    url: str
    entries: tuple[ListEntry, ...]
    following: tuple[Request, ...]
    family: str
    etag: str | None
    last_modified: str | None


UNCHANGED = "unchanged"  # a list page answered 304 Not Modified


class SourcePass:
    """One source, one pass: crawl its list columns, then its new, failed and recent articles.

    Incremental: once a column has been crawled to its end, later passes revalidate its pages
    (ETag/Last-Modified), stop at the first page that reaches known entries (pinned ones aside),
    and fetch article pages only for new entries, entries that failed before, and articles
    published within ``recheck_days`` (to notice updates). At the end, the pass's new articles
    get their stories (duplicate clusters) in one batch.
    """

    def __init__(self, harvester: Harvester, fetcher: Fetcher, run_id: int, source: Source) -> None:
        self.h = harvester
        self.fetcher = fetcher
        self.run_id = run_id
        self.source = source
        self.summary = SourceSummary(source.id)
        self.home_hosts = {_netloc(u) for u in source.urls} | set(source.allowed_hosts)
        self.seen: set[str] = set()  # canonical entry URLs met in this pass
        self.reference = harvester.today()  # year of year-less dates: nearest dated neighbour, else today
        self.recheck_from = (self.reference - timedelta(days=harvester.config.recheck_days)).isoformat()
        self.limit = asyncio.Semaphore(DETAIL_CONCURRENCY)
        self.known = harvester.store.known_articles(source.id)
        self.list_state = harvester.store.list_pages(source.id)
        self.seen_pages: dict[str, ListPageState] = {}  # remembered once the pass has stored their entries

    async def run(self) -> SourceSummary:
        # A TaskGroup: if the pass is cancelled (SIGTERM) or a write fails, every article task stops too.
        async with asyncio.TaskGroup() as articles:
            for start in self.source.urls:
                await self._crawl_column(start, articles)
            self._recheck_recent(articles)
        self.h.assign_stories()
        for url, state in self.seen_pages.items():  # only now: every entry of these pages is stored
            self.h.store.save_list_page(self.source.id, url, state)
        row = dataclasses.asdict(self.summary)
        del row["source"], row["unchanged"]
        self.h.store.record_source_run(
            self.run_id, {**row, "source": self.source.id, "warnings": json.dumps(row["warnings"], ensure_ascii=False)}
        )
        return self.summary

    # --- lists ---------------------------------------------------------------------------

    async def _crawl_column(self, start: str, articles: asyncio.TaskGroup) -> None:
        """Follow one column's pager until it ends, cycles, stops bringing news, or hits a limit."""
        state = self.list_state.get(start)
        incremental = state is not None and state.complete
        queue, visited, in_column, pages, failed = [Request(start)], set[str](), set[str](), 0, False
        while queue and pages < self.source.max_pages:
            request = queue.pop(0)
            if request.key in visited:
                continue
            visited.add(request.key)
            listing = await self._list_page(request, conditional=incremental)
            failed = failed or listing is None
            if listing is None:
                continue
            pages += 1
            if not isinstance(listing, _Listing):
                break  # UNCHANGED (304): nothing new on this page, so nothing new beyond it
            visited.add(Request(listing.url).key)  # where a redirect (paperindex.htm -> node_2.htm) led
            if request.url == start:
                self._check_redesign(start, state, listing)
            self.seen_pages[request.url] = ListPageState(
                listing.etag, listing.last_modified, family=listing.family, entries=len(listing.entries)
            )
            urls = [canonical_url(e.url) for e in listing.entries]
            reached_known = self._schedule(listing, urls, articles)
            fresh_in_column = set(urls) - in_column
            in_column.update(urls)
            cycling = bool(listing.entries) and not fresh_in_column  # an e-paper's ad page has no entries at all
            if cycling or self._older_than_since(listing.entries) or (incremental and reached_known):
                break  # a cycling/endless pager, entries older than `since`, or the known part of the column
            queue.extend(r for r in listing.following if r.key not in visited)
        self.summary.list_pages += pages
        limited = bool(queue) and pages >= self.source.max_pages
        if limited:
            self._warn(start, "max-pages", f"stopped at max_pages={self.source.max_pages}; raise it to go further back")
        if not failed and not limited:  # only a column read to its end may later be read incrementally
            first = self.seen_pages.get(start) or state or ListPageState()
            self.seen_pages[start] = dataclasses.replace(first, complete=True)

    def _check_redesign(self, start: str, before: ListPageState | None, listing: _Listing) -> None:
        """A silent redesign must never quietly lower a count: warn when a column's page changes kind."""
        if before is not None and before.family and before.family != listing.family:
            self._warn(
                start,
                "redesign",
                f"the list page was read as {before.family} before and as "
                f"{listing.family} now; check the entries with `harvester check {self.source.id}`",
            )
        if not listing.entries:
            had = f"it had {before.entries} before; " if before is not None and before.entries else ""
            self._warn(
                start,
                "redesign",
                f"the first list page yields no entries ({had}has the site been "
                f"redesigned? try `harvester check {self.source.id}`)",
            )

    def _schedule(self, listing: _Listing, urls: Sequence[str], articles: asyncio.TaskGroup) -> bool:
        """Start harvesting the entries that need it; say whether the page reached already-known entries.

        Lists run newest first, so past a known (unpinned) entry everything is known too.
        """
        reached_known = False
        for (entry, day), url in zip(self._dated(listing.entries), urls, strict=True):
            reached_known = reached_known or (url in self.known and not entry.pinned)
            if url in self.seen or not self._needs_harvest(url):
                continue
            self.seen.add(url)
            articles.create_task(self._harvest_entry(entry, url, day, listing.url))
        return reached_known

    def _recheck_recent(self, articles: asyncio.TaskGroup) -> None:
        """Fetch again the recent articles the lists did not bring up (their list pages answered 304)."""
        for url, known in self.known.items():
            if url in self.seen or known.kind != "page" or not self._needs_harvest(url):
                continue
            self.seen.add(url)
            day = date.fromisoformat(known.published_at[:10]) if known.published_at else None
            entry = ListEntry(url=url, title=known.list_title or "")
            articles.create_task(self._harvest_entry(entry, url, day, known.list_url or url))

    def _needs_harvest(self, url: str) -> bool:
        known = self.known.get(url)
        if known is None or known.detail_status == "error":
            return True
        return bool(known.published_at and known.published_at[:10] >= self.recheck_from)

    async def _list_page(self, request: Request, *, conditional: bool) -> _Listing | str | None:
        state = self.list_state.get(request.url) if conditional else None
        validators = Validators(state.etag, state.last_modified) if state else None
        fetched = await self._fetch(request, role="list page", validators=validators)
        if fetched is None:
            return None
        if fetched.status == 304:
            return UNCHANGED
        try:
            listing = parse_list(
                Page(fetched.url, fetched.html), preset=self.source.preset, selectors=self.source.selectors
            )
        except ExtractionError as exc:
            self._problem(fetched.url, "list", f"cannot read the list page: {exc.message}")
            return None
        return _Listing(fetched.url, listing.entries, listing.next, listing.family, fetched.etag, fetched.last_modified)

    def _dated(self, entries: Sequence[ListEntry]) -> list[tuple[ListEntry, date | datetime | None]]:
        """Resolve list dates in page order; a year-less date takes the year of its nearest dated neighbour."""
        result: list[tuple[ListEntry, date | datetime | None]] = []
        for entry in entries:
            day = None
            if entry.date is not None:
                day = entry.date.resolve(self.h.config.timezone, self.reference)
                if entry.date.year is not None and not entry.pinned:
                    self.reference = _as_date(day)
            result.append((entry, day))
        return result

    def _older_than_since(self, entries: Sequence[ListEntry]) -> bool:
        since = self.source.since
        if since is None:
            return False
        dated = [e.date for e in entries if not e.pinned and e.date is not None and e.date.year is not None]
        tz = self.h.config.timezone
        return bool(dated) and all(_as_date(d.resolve(tz, self.reference)) < since for d in dated)

    # --- articles ------------------------------------------------------------------------

    async def _harvest_entry(self, entry: ListEntry, url: str, list_day: date | datetime | None, list_url: str) -> None:
        async with self.limit:
            self.summary.entries += 1
            record = self._from_list(entry, url, list_day, list_url)
            parts = urlsplit(url)  # url is canonical already
            if parts.netloc not in self.home_hosts and parts.hostname not in self.home_hosts:
                record = _replace(record, kind="offsite", detail_status="not-fetched")
            elif _is_attachment(url):
                record = _replace(record, kind="attachment", detail_status="not-fetched")
            else:
                record = await self._with_detail(record, entry, list_day)
            if record.published_at is None:
                self._problem(url, "no-date", "no publication date on the list, the page or in the URL; not counted")
            self._store(record)

    def _from_list(self, entry: ListEntry, url: str, day: date | datetime | None, list_url: str) -> ArticleRecord:
        return ArticleRecord(
            url=url,
            source=self.source.id,
            channel=self.source.channel,
            title=_clean_list_title(entry.title),
            published_at=_iso(day) if day is not None else _iso_value(date_from_url(url), self),
            list_title=entry.title,
            list_url=list_url,
        )

    async def _with_detail(
        self, record: ArticleRecord, entry: ListEntry, list_day: date | datetime | None
    ) -> ArticleRecord:
        try:
            fetched = await self._fetch(Request(entry.url), role="article", quiet_robots=True)
        except RobotsDisallowed:
            self.summary.robots += 1
            return _replace(record, kind="restricted", detail_status="robots")
        if fetched is None:
            return _replace(record, detail_status="error")
        try:
            fields = parse_article(
                Page(fetched.url, fetched.html), preset=self.source.preset, selectors=self.source.selectors
            )
        except NotAnArticle as exc:
            return _replace(record, kind="restricted", detail_status=exc.reason)
        except ExtractionError as exc:
            self._problem(fetched.url, "article", f"cannot read the article: {exc.message}")
            return _replace(record, detail_status="error")
        fields, complete = await self._with_parts(fields)
        merged = self._merge(record, fields, entry, list_day)
        return merged if complete else _replace(merged, detail_status="error")  # retried next run

    async def _with_parts(self, fields: ArticleFields) -> tuple[ArticleFields, bool]:
        """Long TRS articles continue on _1.html, _2.html ...: append every part's body."""
        bodies, visited, part = [fields.body], set[str](), fields.next_part
        while part and part not in visited and len(visited) < MAX_PARTS:
            visited.add(part)
            fetched = await self._fetch(Request(part), role="article part")
            if fetched is None:
                return fields, False
            try:
                more = parse_article(
                    Page(fetched.url, fetched.html), preset=self.source.preset, selectors=self.source.selectors
                )
            except ExtractionError as exc:
                self._problem(part, "article", f"cannot read a part of the article: {exc.message}")
                return fields, False
            bodies.append(more.body)
            part = more.next_part
        return dataclasses.replace(fields, body="\n".join(bodies), next_part=None), True

    def _merge(
        self, record: ArticleRecord, fields: ArticleFields, entry: ListEntry, list_day: date | datetime | None
    ) -> ArticleRecord:
        published = record.published_at
        detail_day = _resolve(fields.date, self)
        if detail_day is not None and ((fields.date and fields.date.year is not None) or published is None):
            published = _prefer_time(detail_day, list_day)
        return _replace(
            record,
            title=_pick_title(entry.title, fields.title),
            published_at=published,
            body=fields.body,
            author=fields.author,
            origin=fields.origin,
            attachments=tuple((a.name, a.url) for a in fields.attachments),
        )

    def _store(self, record: ArticleRecord) -> None:
        outcome = self.h.store.upsert_article(record)
        self.summary.count(outcome)
        if self.h.progress is not None:
            self.h.progress.page_done(
                self.source.id, new=self.summary.new, updated=self.summary.updated, failed=self.summary.failed
            )

    # --- plumbing ------------------------------------------------------------------------

    async def _fetch(
        self, request: Request, *, role: str, quiet_robots: bool = False, validators: Validators | None = None
    ) -> Fetched | None:
        try:
            return await self.fetcher.fetch(request, source=self.source.id, validators=validators)
        except RobotsDisallowed:
            if quiet_robots:
                raise
            self.summary.robots += 1
            self._problem(request.url, "robots", f"robots.txt forbids this {role}; not fetched")
        except FetchError as exc:
            self.summary.failed += 1
            self._problem(request.url, "fetch", f"{role}: {exc.message}")
        return None

    def _problem(self, url: str | None, kind: str, message: str) -> None:
        log.warning("[%s] %s: %s", self.source.id, url, message)
        self.h.store.record_problem(self.run_id, self.source.id, url, kind, message)

    def _warn(self, url: str, kind: str, message: str) -> None:
        self.summary.warnings.append(message)
        self._problem(url, kind, message)


def _netloc(url: str) -> str:
    """host[:port] of a canonical URL: two sites on one host differ by port."""
    return urlsplit(canonical_url(url)).netloc


def _is_attachment(url: str) -> bool:
    path = urlsplit(url).path.lower()
    return path.endswith(ATTACHMENT_SUFFIXES) or any(marker in url for marker in ATTACHMENT_MARKERS)


def _clean_list_title(title: str) -> str:
    return title.strip()


def _pick_title(list_title: str, detail_title: str | None) -> str:
    """The detail page's full title, unless it is clearly not this article's (a site name, say)."""
    shown = list_title.strip()
    stem = shown.rstrip(".…").strip()
    if not detail_title:
        return shown
    if stem in detail_title or shown != stem or len(detail_title) >= len(shown):
        return detail_title.strip()
    return shown


def _resolve(value: DateValue | None, part: SourcePass) -> date | datetime | None:
    return None if value is None else value.resolve(part.h.config.timezone, part.reference)


def _iso_value(value: DateValue | None, part: SourcePass) -> str | None:
    day = _resolve(value, part)
    return None if day is None else _iso(day)


def _prefer_time(detail: date | datetime, listed: date | datetime | None) -> str:
    """The detail date, keeping the list's time of day when only the list shows one for the same day."""
    if not isinstance(detail, datetime) and isinstance(listed, datetime) and listed.date() == detail:
        return _iso(listed)
    return _iso(detail)


def _iso(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _replace(record: ArticleRecord, **changes: Any) -> ArticleRecord:
    return dataclasses.replace(record, **changes)
