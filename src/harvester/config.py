"""sources.yaml -> frozen, typed objects.

The file is read once, at the boundary; every component takes the plain values it needs.
Every mistake raises :class:`~harvester.errors.ConfigError` naming file, line and key::

    sources.yaml:12: sources[2].channel: unknown channel 'campuss' (known: ...); fix the id or ...

The YAML is composed into nodes (not constructed into dicts) so that every value keeps
its line number; the nodes are then walked by hand, one small function per section.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from apscheduler.triggers.cron import CronTrigger
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from harvester._version import __version__
from harvester._yaml import Node, compose, field_default, optional, unknown_message
from harvester.categories import DEFAULT_CATEGORIES, Category

__all__ = [
    "CHANNEL_KINDS",
    "DEFAULT_USER_AGENT",
    "PRESETS",
    "REQUESTS",
    "Category",
    "Channel",
    "Config",
    "FetchSettings",
    "Match",
    "Selectors",
    "Source",
    "load_config",
]

DEFAULT_USER_AGENT = f"harvester/{__version__} (+contact: set fetch.user_agent in sources.yaml)"
SOURCE_ID = re.compile(r"^[A-Za-z0-9_-]+$")
PRESETS = ("vsb", "webplus", "trs", "hanweb", "table", "epaper", "generic")
CHANNEL_KINDS = ("crawled", "ledger")
REQUESTS = "requests"  # the ledger's channel for requests for disclosure received (依申请公开)


@dataclass(frozen=True)
class Channel:
    """One publication route of the report (本部门网站, 学校新闻网、校报, 年鉴, ...).

    ``kind`` is ``crawled`` (sources harvest it) or ``ledger`` (entries are written by hand in
    the ledger file: yearbooks, documents, notice boards, meetings). ``unit`` and ``phrase``
    shape the report's sentence: ``{phrase}{count}{unit}``.
    """

    id: str
    label: str
    kind: str = "crawled"
    unit: str = "篇"
    phrase: str | None = None  # None: derived from the label, see :attr:`sentence_phrase`

    @property
    def sentence_phrase(self) -> str:
        """How the report sentence names the channel: ``通过年鉴形式信息公开``, ``通过本部门网站发布信息``."""
        if self.phrase is not None:
            return self.phrase
        if self.kind == "ledger":
            return f"通过{self.label}形式信息公开"
        return f"通过{self.label}发布信息"


@dataclass(frozen=True)
class Match:
    """Relevance filter over title + body: every ``all`` term, one ``any`` term (if any), no ``none`` term."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def accepts(self, text: str) -> bool:
        """Whether ``text`` (title + body) passes the filter."""
        return (
            all(term in text for term in self.all)
            and (not self.any or any(term in text for term in self.any))
            and not any(term in text for term in self.none)
        )


@dataclass(frozen=True)
class Selectors:
    """Per-source CSS selectors that override detection; ``None`` means "detect"."""

    entry: str | None = None  # one list row
    link: str | None = None  # the article link inside a row
    title: str | None = None  # detail page title
    date: str | None = None  # list row date, or detail page date
    body: str | None = None  # detail page body
    next: str | None = None  # the pager's "next page" link on a list page

    def any_set(self) -> bool:
        """Whether at least one selector is given."""
        return any(value is not None for value in vars(self).values())


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits of the HTTP client. The defaults are polite to real sites."""

    delay: float = 1.0  # seconds between two requests to one host (robots.txt Crawl-delay wins if larger)
    per_host: int = 1  # concurrent requests to one host
    timeout: float = 20.0  # seconds, per request
    user_agent: str = DEFAULT_USER_AGENT
    retries: int = 3  # extra attempts after the first, on connect errors, timeouts, 429 and 5xx
    max_bytes: int = 10_000_000  # cap on a decoded response body
    max_redirects: int = 10  # HTTP, meta-refresh and script redirects together
    obey_robots: bool = True
    max_retry_after: float = 120.0  # a longer Retry-After is treated as a failure, not waited for


@dataclass(frozen=True)
class Source:
    """One list column (or a few) of one site, harvested into one channel."""

    id: str
    channel: str
    urls: tuple[str, ...]
    name: str | None = None
    match: Match | None = None
    schedule: str | None = None  # 5-field cron, in the config's time zone; None = Config.default_schedule
    preset: str | None = None  # a CMS family name; None = detect
    selectors: Selectors = field(default_factory=Selectors)
    max_pages: int = 1000  # list pages per start URL (a weekly e-paper has ~200 版面 pages a year)
    since: date | None = None  # stop paginating past entries older than this
    allowed_hosts: tuple[str, ...] = ()  # off-site hosts whose articles may be fetched too
    line: int | None = None  # where the source starts in sources.yaml, for messages

    @property
    def display_name(self) -> str:
        """The name if given, else the id."""
        return self.name or self.id


@dataclass(frozen=True)
class Config:
    """A whole sources.yaml."""

    path: Path
    database: Path
    timezone: ZoneInfo
    channels: tuple[Channel, ...]
    sources: tuple[Source, ...]
    fetch: FetchSettings = field(default_factory=FetchSettings)
    year_start_month: int = 9  # the report year starts on the 1st of this month (9: September-August)
    default_schedule: str = "0 6 * * *"  # cron of sources that give no schedule of their own
    recheck_days: int = 14  # articles published this recently are fetched again to notice updates
    log_file: Path | None = None  # JSON-lines log of every run, relative to this file
    duplicate_threshold: float = 0.7  # estimated Jaccard of 3-character shingles above which two articles are one story
    ledger: Path | None = None  # the offline ledger (YAML or CSV); None: no ledger
    categories: tuple[Category, ...] = DEFAULT_CATEGORIES  # content categories of the report

    def source(self, source_id: str) -> Source:
        """The source with this id; KeyError naming the known ids otherwise."""
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise KeyError(f"no source {source_id!r} in {self.path} (known: {known})")

    def channel(self, channel_id: str) -> Channel:
        """The channel with this id; KeyError otherwise."""
        for channel in self.channels:
            if channel.id == channel_id:
                return channel
        raise KeyError(channel_id)

    def ledger_channels(self) -> tuple[Channel, ...]:
        """The channels of kind ``ledger``, in report order."""
        return tuple(channel for channel in self.channels if channel.kind == "ledger")


# The keys each section accepts, derived from the dataclasses they fill (one source of truth).
def _names(cls: type, *, without: Sequence[str] = ()) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls) if f.name not in without)


TOP_KEYS = _names(Config, without=("path",))
CHANNEL_KEYS = _names(Channel)
SOURCE_KEYS = _names(Source, without=("line",))
MATCH_KEYS = _names(Match)
SELECTOR_KEYS = _names(Selectors)
FETCH_KEYS = _names(FetchSettings)
CATEGORY_KEYS = _names(Category)
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")


def load_config(path: Path | str) -> Config:
    """Read and validate sources.yaml. Raises ConfigError (file:line: key: problem)."""
    file = Path(path)
    top = compose(file).mapping(TOP_KEYS, required=("channels", "sources"))
    tz = optional(top, "timezone", _timezone, ZoneInfo("Asia/Shanghai"))
    channels = _channels(top["channels"])
    return Config(
        path=file,
        database=_database(file, top.get("database")),
        timezone=tz,
        channels=channels,
        sources=_sources(top["sources"], channels, tz),
        fetch=optional(top, "fetch", _fetch, FetchSettings()),
        year_start_month=optional(top, "year_start_month", _month, field_default(Config, "year_start_month")),
        default_schedule=optional(
            top, "default_schedule", lambda n: _cron(n, tz), field_default(Config, "default_schedule")
        ),
        recheck_days=optional(top, "recheck_days", lambda n: n.integer(0), field_default(Config, "recheck_days")),
        duplicate_threshold=optional(
            top, "duplicate_threshold", _fraction, field_default(Config, "duplicate_threshold")
        ),
        log_file=optional(top, "log_file", lambda n: _relative_path(file, n), None),
        ledger=optional(top, "ledger", lambda n: _ledger_path(file, n), None),
        categories=optional(top, "categories", _categories, DEFAULT_CATEGORIES),
    )


def _fraction(node: Node) -> float:
    """A number in (0, 1]."""
    value = node.number(0.0, above=True)
    if value > 1:
        raise node.error(f"must be at most 1, got {node.node.value}")
    return value


def _database(file: Path, node: Node | None) -> Path:
    if node is None:
        return file.parent / "harvest.db"
    return _relative_path(file, node)


def _relative_path(file: Path, node: Node) -> Path:
    """A path as written, relative to the folder of sources.yaml (``~`` expanded)."""
    return file.parent / Path(node.text()).expanduser()


def _timezone(node: Node) -> ZoneInfo:
    name = node.text()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "use an IANA name such as 'Asia/Shanghai'"
        raise node.error(f"unknown time zone {name!r}; {hint}") from exc


def _month(node: Node) -> int:
    month = node.integer(1)
    if month > 12:
        raise node.error(f"must be a month number from 1 to 12, got {month}")
    return month


def _cron(node: Node, tz: ZoneInfo) -> str:
    expression = " ".join(node.text().split())
    try:
        CronTrigger.from_crontab(expression, timezone=tz)
    except ValueError as exc:
        raise node.error(
            f"bad cron expression {expression!r} ({exc}); give 5 fields: minute hour day month weekday,"
            ' e.g. "30 6 * * *"'
        ) from exc
    return expression


def _identifier(node: Node, what: str) -> str:
    value = node.text()
    if not SOURCE_ID.fullmatch(value):
        raise node.error(
            f"{what} id {value!r} may only use ASCII letters, digits, '-' and '_'; rename it, e.g. 'news-1'",
        )
    return value


def _unique(node: Node, what: str, value: str, seen: dict[str, int]) -> None:
    if value in seen:
        raise node.error(f"duplicate {what} id {value!r} (first on line {seen[value]}); ids must be unique")
    seen[value] = node.line


def _ledger_path(file: Path, node: Node) -> Path:
    path = _relative_path(file, node)
    if path.suffix.lower() not in (".yaml", ".yml", ".csv"):
        raise node.error(f"the ledger must be a .yaml, .yml or .csv file, got {path.name!r}; rename it")
    return path


def _channels(node: Node) -> tuple[Channel, ...]:
    seen: dict[str, int] = {}
    channels = []
    for item in node.items():
        channel = _channel(item)
        _unique(item.mapping(CHANNEL_KEYS)["id"], "channel", channel.id, seen)
        channels.append(channel)
    if not channels:
        raise node.error("no channels; list at least one {id, label} under channels")
    return tuple(channels)


def _channel(node: Node) -> Channel:
    found = node.mapping(CHANNEL_KEYS, required=("id", "label"))
    channel_id = _identifier(found["id"], "channel")
    if channel_id == REQUESTS:
        raise found["id"].error(
            f"channel id {REQUESTS!r} is reserved for requests for disclosure (依申请公开) in the ledger; rename it"
        )
    return Channel(
        id=channel_id,
        label=found["label"].text(),
        kind=optional(found, "kind", _channel_kind, "crawled"),
        unit=optional(found, "unit", Node.text, field_default(Channel, "unit")),
        phrase=optional(found, "phrase", Node.text, None),
    )


def _channel_kind(node: Node) -> str:
    value = node.text()
    if value not in CHANNEL_KINDS:
        raise node.error(unknown_message("channel kind", value, CHANNEL_KINDS, "use crawled or ledger"))
    return value


def _categories(node: Node) -> tuple[Category, ...]:
    seen: dict[str, int] = {}
    categories = []
    for item in node.items():
        found = item.mapping(CATEGORY_KEYS, required=("id", "label"))
        category_id = _identifier(found["id"], "category")
        _unique(found["id"], "category", category_id, seen)
        category = Category(
            id=category_id,
            label=found["label"].text(),
            all=optional(found, "all", Node.texts, ()),
            any=optional(found, "any", Node.texts, ()),
            none=optional(found, "none", Node.texts, ()),
        )
        if not category.all and not category.any:
            raise item.error(f"category {category_id!r} has no terms; give at least one term in 'any' or 'all'")
        categories.append(category)
    return tuple(categories)


def _sources(node: Node, channels: tuple[Channel, ...], tz: ZoneInfo) -> tuple[Source, ...]:
    seen: dict[str, int] = {}
    sources = []
    for item in node.items():
        source = _source(item, channels, tz)
        _unique(item.mapping(SOURCE_KEYS)["id"], "source", source.id, seen)
        sources.append(source)
    if not sources:
        raise node.error("no sources; list at least one {id, channel, urls} under sources")
    return tuple(sources)


def _source(node: Node, channels: tuple[Channel, ...], tz: ZoneInfo) -> Source:
    found = node.mapping(SOURCE_KEYS, required=("id", "channel", "urls"))
    return Source(
        id=_identifier(found["id"], "source"),
        channel=_channel_ref(found["channel"], channels),
        urls=_urls(found["urls"]),
        name=optional(found, "name", Node.text, None),
        match=optional(found, "match", _match, None),
        schedule=optional(found, "schedule", lambda n: _cron(n, tz), None),
        preset=optional(found, "preset", _preset, None),
        selectors=optional(found, "selectors", _selectors, Selectors()),
        max_pages=optional(found, "max_pages", lambda n: n.integer(1), field_default(Source, "max_pages")),
        since=optional(found, "since", Node.day, None),
        allowed_hosts=optional(found, "allowed_hosts", _hosts, ()),
        line=node.line,
    )


def _channel_ref(node: Node, channels: tuple[Channel, ...]) -> str:
    value = node.text()
    known = [channel.id for channel in channels]
    if value not in known:
        listed = ", ".join(known)
        raise node.error(f"unknown channel {value!r} (known: {listed}); fix the id or add it under channels")
    if next(c for c in channels if c.id == value).kind == "ledger":
        raise node.error(
            f"channel {value!r} is a ledger channel (kind: ledger): nothing is harvested into it;"
            " use a crawled channel, or enter its items with `harvester ledger add`"
        )
    return value


def _urls(node: Node) -> tuple[str, ...]:
    urls: list[str] = []
    for item in node.items():
        url = item.text()
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 - parsing the port raises on a bad one
        except ValueError as exc:
            raise item.error(f"not a valid URL: {url!r} ({exc})") from exc
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
            raise item.error(f"not an http(s) URL with a host: {url!r}; write it in full, e.g. https://host/col.htm")
        if url in urls:
            raise item.error(f"URL {url!r} is listed twice; remove one")
        urls.append(url)
    if not urls:
        raise node.error("no URLs; list the first page of at least one column")
    return tuple(urls)


def _match(node: Node) -> Match:
    found = node.mapping(MATCH_KEYS)
    return Match(
        all=optional(found, "all", Node.texts, ()),
        any=optional(found, "any", Node.texts, ()),
        none=optional(found, "none", Node.texts, ()),
    )


def _preset(node: Node) -> str:
    value = node.text()
    if value not in PRESETS:
        advice = "leave preset out to detect the site's CMS automatically"
        raise node.error(unknown_message("preset", value, PRESETS, advice))
    return value


def _selector(node: Node) -> str:
    value = node.text()
    try:
        LexborHTMLParser("<p></p>").css(value)
    except SelectolaxError as exc:
        raise node.error(f"not a valid CSS selector: {value!r} ({exc}); fix it or leave the key out") from exc
    return value


def _selectors(node: Node) -> Selectors:
    found = node.mapping(SELECTOR_KEYS)
    return Selectors(**{name: _selector(value) for name, value in found.items()})


def _hosts(node: Node) -> tuple[str, ...]:
    hosts = []
    for item in node.items():
        host = item.text().lower().rstrip(".")
        if not _HOST.fullmatch(host):
            raise item.error(f"not a host name: {host!r}; give the host only, e.g. mp.weixin.qq.com")
        hosts.append(host)
    return tuple(hosts)


def _fetch(node: Node) -> FetchSettings:
    found = node.mapping(FETCH_KEYS)
    default = FetchSettings()
    return FetchSettings(
        delay=optional(found, "delay", lambda n: n.number(0.0), default.delay),
        per_host=optional(found, "per_host", lambda n: n.integer(1), default.per_host),
        timeout=optional(found, "timeout", lambda n: n.number(0.0, above=True), default.timeout),
        user_agent=optional(found, "user_agent", Node.text, default.user_agent),
        retries=optional(found, "retries", lambda n: n.integer(0), default.retries),
        max_bytes=optional(found, "max_bytes", lambda n: n.integer(1), default.max_bytes),
        max_redirects=optional(found, "max_redirects", lambda n: n.integer(0), default.max_redirects),
        obey_robots=optional(found, "obey_robots", Node.boolean, default.obey_robots),
        max_retry_after=optional(found, "max_retry_after", lambda n: n.number(0.0), default.max_retry_after),
    )
