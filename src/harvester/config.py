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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import yaml
from apscheduler.triggers.cron import CronTrigger
from selectolax.lexbor import LexborHTMLParser, SelectolaxError

from harvester._version import __version__
from harvester.categories import DEFAULT_CATEGORIES, Category
from harvester.errors import ConfigError

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

_TAG = "tag:yaml.org,2002:"
_KINDS = MappingProxyType(
    {
        "bool": "true/false (YAML reads yes/no/on/off/true/false as booleans; quote it if you mean text)",
        "null": "nothing (an empty value)",
        "timestamp": "a date",
        "merge": "a merge key (<<)",
    }
)
_HOST = re.compile(r"[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_T = TypeVar("_T")


@dataclass(frozen=True)
class _Node:
    """A YAML node with its file and its key path (``sources[2].match.any``), for messages."""

    file: Path
    node: yaml.Node
    key: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, line=self.line, key=self.key or None)

    def tag(self) -> str:
        tag = str(self.node.tag)
        return tag[len(_TAG) :] if tag.startswith(_TAG) else tag

    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.tag() == "null"

    def kind(self) -> str:
        if isinstance(self.node, yaml.MappingNode):
            return "a mapping (key: value lines)"
        if isinstance(self.node, yaml.SequenceNode):
            return "a list"
        if self.tag() == "str":
            return f"the text {self.node.value!r}"
        if self.tag() in ("int", "float"):
            return f"the number {self.node.value} (quote it if you mean text)"
        return _KINDS.get(self.tag(), f"a value tagged {self.node.tag}")

    def value(self) -> Any:
        try:
            return yaml.constructor.SafeConstructor().construct_object(self.node, deep=True)
        except ValueError as exc:  # e.g. 2023-02-30 is resolved as a date and fails to build
            what = "date" if self.tag() == "timestamp" else self.tag()
            raise self.error(f"not a valid {what}: {self.node.value!r} ({exc})") from exc

    def expect(self, tags: Sequence[str], wanted: str) -> Any:
        if not isinstance(self.node, yaml.ScalarNode) or self.tag() not in tags:
            hint = "; write it as a list (one '- item' per line)" if "list" in wanted else ""
            raise self.error(f"expected {wanted}, got {self.kind()}{hint}")
        return self.value()

    def child(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.key}[{name}]"
        return f"{self.key}.{name}" if self.key else name

    def mapping(self, allowed: Sequence[str], required: Sequence[str] = ()) -> dict[str, _Node]:
        """The non-empty values by key; rejects unknown, duplicate and missing keys."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"expected a mapping with keys such as {', '.join(allowed)}; got {self.kind()}")
        found: dict[str, _Node] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in self.node.value:
            at = _Node(self.file, key_node, self.key)
            name = _key_name(at, allowed)
            at = _Node(self.file, key_node, self.child(name))
            if name in lines:
                raise at.error(f"duplicate key {name!r} (first given on line {lines[name]}); keep only one")
            lines[name] = at.line
            value = _Node(self.file, value_node, self.child(name))
            if value.is_null() and name in required:
                raise value.error(f"{name!r} is empty; give a value")
            if not value.is_null():
                found[name] = value
        missing = [name for name in required if name not in lines]
        if missing:
            at = _Node(self.file, self.node, self.child(missing[0]))
            raise at.error(f"missing required key {missing[0]!r}; add it (see docs/configuration.md)")
        return found

    def items(self) -> list[_Node]:
        """The entries of a list."""
        if not isinstance(self.node, yaml.SequenceNode):
            self.expect((), "a list")
        return [_Node(self.file, item, self.child(i)) for i, item in enumerate(self.node.value)]

    def text(self) -> str:
        """A non-empty string."""
        value = str(self.expect(("str",), "text")).strip()
        if not value:
            raise self.error("is empty; give a value or leave the key out")
        return value

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty strings."""
        return tuple(item.text() for item in self.items())

    def integer(self, minimum: int) -> int:
        """A whole number >= minimum (``true`` is not a number)."""
        value = self.expect(("int",), "a whole number")
        if value < minimum:
            raise self.error(f"must be at least {minimum}, got {value}")
        return int(value)

    def number(self, minimum: float, *, above: bool = False) -> float:
        """A number >= minimum (> minimum when ``above``)."""
        value = float(self.expect(("int", "float"), "a number"))
        if value < minimum or (above and value == minimum) or value != value:
            bound = "greater than" if above else "at least"
            raise self.error(f"must be {bound} {minimum:g}, got {self.node.value}")
        return value

    def boolean(self) -> bool:
        """true or false."""
        return bool(self.expect(("bool",), "true or false"))

    def day(self) -> date:
        """A date written YYYY-MM-DD (quoted or not)."""
        value = self.expect(("timestamp", "str"), "a date (YYYY-MM-DD)")
        if isinstance(value, datetime):
            raise self.error(f"expected a date (YYYY-MM-DD) without a time, got {self.node.value!r}")
        if isinstance(value, date):
            return value
        if not _ISO_DATE.fullmatch(value.strip()):
            raise self.error(f"expected a date written YYYY-MM-DD, e.g. 2022-09-01; got {value!r}")
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise self.error(f"not a valid date: {value!r} ({exc})") from exc


def _key_name(at: _Node, allowed: Sequence[str]) -> str:
    """The name of a mapping key, which must be known."""
    if at.tag() == "merge":
        raise at.error("YAML merge keys (<<) are not supported here; write the keys out in full")
    if not isinstance(at.node, yaml.ScalarNode) or at.tag() != "str":
        raise at.error(f"keys must be plain names, got {at.kind()}")
    name = str(at.node.value)
    if name not in allowed:
        at = _Node(at.file, at.node, at.child(name))
        raise at.error(_unknown("key", name, allowed, "remove it or fix its spelling"))
    return name


def _unknown(what: str, name: str, known: Sequence[str], advice: str) -> str:
    """``unknown key 'chanel'; did you mean 'channel'? (known: ...)`` with advice when no match is close."""
    close = difflib.get_close_matches(name, known, n=1)
    listed = ", ".join(known)
    if close:
        return f"unknown {what} {name!r}; did you mean {close[0]!r}? (known: {listed})"
    return f"unknown {what} {name!r} (known: {listed}); {advice}"


def _get(found: dict[str, _Node], name: str, parse: Callable[[_Node], _T], default: _T) -> _T:
    return parse(found[name]) if name in found else default


def _default(cls: type, name: str) -> Any:
    """The default of a dataclass field, so defaults live only in the dataclasses above."""
    return next(f.default for f in fields(cls) if f.name == name)


def load_config(path: Path | str) -> Config:
    """Read and validate sources.yaml. Raises ConfigError (file:line: key: problem)."""
    file = Path(path)
    top = _compose(file).mapping(TOP_KEYS, required=("channels", "sources"))
    tz = _get(top, "timezone", _timezone, ZoneInfo("Asia/Shanghai"))
    channels = _channels(top["channels"])
    return Config(
        path=file,
        database=_database(file, top.get("database")),
        timezone=tz,
        channels=channels,
        sources=_sources(top["sources"], channels, tz),
        fetch=_get(top, "fetch", _fetch, FetchSettings()),
        year_start_month=_get(top, "year_start_month", _month, _default(Config, "year_start_month")),
        default_schedule=_get(top, "default_schedule", lambda n: _cron(n, tz), _default(Config, "default_schedule")),
        recheck_days=_get(top, "recheck_days", lambda n: n.integer(0), _default(Config, "recheck_days")),
        duplicate_threshold=_get(top, "duplicate_threshold", _fraction, _default(Config, "duplicate_threshold")),
        log_file=_get(top, "log_file", lambda n: _relative_path(file, n), None),
        ledger=_get(top, "ledger", lambda n: _ledger_path(file, n), None),
        categories=_get(top, "categories", _categories, DEFAULT_CATEGORIES),
    )


def _fraction(node: _Node) -> float:
    """A number in (0, 1]."""
    value = node.number(0.0, above=True)
    if value > 1:
        raise node.error(f"must be at most 1, got {node.node.value}")
    return value


def _read_text(file: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is an error."""
    try:
        return file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        message = "no such file; create it (see docs/configuration.md) or pass --config"
        raise ConfigError(message, path=file) from exc
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte {exc.object[exc.start]:#04x}); save the file as UTF-8"
        raise ConfigError(message, path=file, line=line) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", path=file) from exc


def _compose(file: Path) -> _Node:
    """The document node of the file; empty and malformed files are errors."""
    node = _compose_text(file, _read_text(file))
    if node is None:
        message = "the file is empty; write at least channels and sources (see docs/configuration.md)"
        raise ConfigError(message, path=file, line=1)
    return node


def _compose_text(file: Path, text: str) -> _Node | None:
    """The document node of ``text`` (read from ``file``); None when it holds no value; syntax errors raise."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = f"{exc.problem} ({exc.context})" if exc.context else str(exc.problem)
        problem = " ".join(problem.split())
        message = f"YAML syntax error: {problem}; check the indentation, colons and quotes"
        raise ConfigError(message, path=file, line=line) from exc
    except yaml.YAMLError as exc:  # a ReaderError: a control character in the text
        position = getattr(exc, "position", 0)
        character = getattr(exc, "character", "?")
        code = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        message = f"not a readable YAML file: character {code} is not allowed; remove it"
        raise ConfigError(message, path=file, line=text.count("\n", 0, position) + 1) from exc
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"):
        return None
    return _Node(file, node, "")


def _database(file: Path, node: _Node | None) -> Path:
    if node is None:
        return file.parent / "harvest.db"
    return _relative_path(file, node)


def _relative_path(file: Path, node: _Node) -> Path:
    """A path as written, relative to the folder of sources.yaml (``~`` expanded)."""
    return file.parent / Path(node.text()).expanduser()


def _timezone(node: _Node) -> ZoneInfo:
    name = node.text()
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:
        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f"did you mean {close[0]!r}?" if close else "use an IANA name such as 'Asia/Shanghai'"
        raise node.error(f"unknown time zone {name!r}; {hint}") from exc


def _month(node: _Node) -> int:
    month = node.integer(1)
    if month > 12:
        raise node.error(f"must be a month number from 1 to 12, got {month}")
    return month


def _cron(node: _Node, tz: ZoneInfo) -> str:
    expression = " ".join(node.text().split())
    try:
        CronTrigger.from_crontab(expression, timezone=tz)
    except ValueError as exc:
        raise node.error(
            f"bad cron expression {expression!r} ({exc}); give 5 fields: minute hour day month weekday,"
            ' e.g. "30 6 * * *"'
        ) from exc
    return expression


def _identifier(node: _Node, what: str) -> str:
    value = node.text()
    if not SOURCE_ID.fullmatch(value):
        raise node.error(
            f"{what} id {value!r} may only use ASCII letters, digits, '-' and '_'; rename it, e.g. 'news-1'",
        )
    return value


def _unique(node: _Node, what: str, value: str, seen: dict[str, int]) -> None:
    if value in seen:
        raise node.error(f"duplicate {what} id {value!r} (first on line {seen[value]}); ids must be unique")
    seen[value] = node.line


def _ledger_path(file: Path, node: _Node) -> Path:
    path = _relative_path(file, node)
    if path.suffix.lower() not in (".yaml", ".yml", ".csv"):
        raise node.error(f"the ledger must be a .yaml, .yml or .csv file, got {path.name!r}; rename it")
    return path


def _channels(node: _Node) -> tuple[Channel, ...]:
    seen: dict[str, int] = {}
    channels = []
    for item in node.items():
        channel = _channel(item)
        _unique(item.mapping(CHANNEL_KEYS)["id"], "channel", channel.id, seen)
        channels.append(channel)
    if not channels:
        raise node.error("no channels; list at least one {id, label} under channels")
    return tuple(channels)


def _channel(node: _Node) -> Channel:
    found = node.mapping(CHANNEL_KEYS, required=("id", "label"))
    channel_id = _identifier(found["id"], "channel")
    if channel_id == REQUESTS:
        raise found["id"].error(
            f"channel id {REQUESTS!r} is reserved for requests for disclosure (依申请公开) in the ledger; rename it"
        )
    return Channel(
        id=channel_id,
        label=found["label"].text(),
        kind=_get(found, "kind", _channel_kind, "crawled"),
        unit=_get(found, "unit", _Node.text, _default(Channel, "unit")),
        phrase=_get(found, "phrase", _Node.text, None),
    )


def _channel_kind(node: _Node) -> str:
    value = node.text()
    if value not in CHANNEL_KINDS:
        raise node.error(_unknown("channel kind", value, CHANNEL_KINDS, "use crawled or ledger"))
    return value


def _categories(node: _Node) -> tuple[Category, ...]:
    seen: dict[str, int] = {}
    categories = []
    for item in node.items():
        found = item.mapping(CATEGORY_KEYS, required=("id", "label"))
        category_id = _identifier(found["id"], "category")
        _unique(found["id"], "category", category_id, seen)
        category = Category(
            id=category_id,
            label=found["label"].text(),
            all=_get(found, "all", _Node.texts, ()),
            any=_get(found, "any", _Node.texts, ()),
            none=_get(found, "none", _Node.texts, ()),
        )
        if not category.all and not category.any:
            raise item.error(f"category {category_id!r} has no terms; give at least one term in 'any' or 'all'")
        categories.append(category)
    return tuple(categories)


def _sources(node: _Node, channels: tuple[Channel, ...], tz: ZoneInfo) -> tuple[Source, ...]:
    seen: dict[str, int] = {}
    sources = []
    for item in node.items():
        source = _source(item, channels, tz)
        _unique(item.mapping(SOURCE_KEYS)["id"], "source", source.id, seen)
        sources.append(source)
    if not sources:
        raise node.error("no sources; list at least one {id, channel, urls} under sources")
    return tuple(sources)


def _source(node: _Node, channels: tuple[Channel, ...], tz: ZoneInfo) -> Source:
    found = node.mapping(SOURCE_KEYS, required=("id", "channel", "urls"))
    return Source(
        id=_identifier(found["id"], "source"),
        channel=_channel_ref(found["channel"], channels),
        urls=_urls(found["urls"]),
        name=_get(found, "name", _Node.text, None),
        match=_get(found, "match", _match, None),
        schedule=_get(found, "schedule", lambda n: _cron(n, tz), None),
        preset=_get(found, "preset", _preset, None),
        selectors=_get(found, "selectors", _selectors, Selectors()),
        max_pages=_get(found, "max_pages", lambda n: n.integer(1), _default(Source, "max_pages")),
        since=_get(found, "since", _Node.day, None),
        allowed_hosts=_get(found, "allowed_hosts", _hosts, ()),
        line=node.line,
    )


def _channel_ref(node: _Node, channels: tuple[Channel, ...]) -> str:
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


def _urls(node: _Node) -> tuple[str, ...]:
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


def _match(node: _Node) -> Match:
    found = node.mapping(MATCH_KEYS)
    return Match(
        all=_get(found, "all", _Node.texts, ()),
        any=_get(found, "any", _Node.texts, ()),
        none=_get(found, "none", _Node.texts, ()),
    )


def _preset(node: _Node) -> str:
    value = node.text()
    if value not in PRESETS:
        advice = "leave preset out to detect the site's CMS automatically"
        raise node.error(_unknown("preset", value, PRESETS, advice))
    return value


def _selector(node: _Node) -> str:
    value = node.text()
    try:
        LexborHTMLParser("<p></p>").css(value)
    except SelectolaxError as exc:
        raise node.error(f"not a valid CSS selector: {value!r} ({exc}); fix it or leave the key out") from exc
    return value


def _selectors(node: _Node) -> Selectors:
    found = node.mapping(SELECTOR_KEYS)
    return Selectors(**{name: _selector(value) for name, value in found.items()})


def _hosts(node: _Node) -> tuple[str, ...]:
    hosts = []
    for item in node.items():
        host = item.text().lower().rstrip(".")
        if not _HOST.fullmatch(host):
            raise item.error(f"not a host name: {host!r}; give the host only, e.g. mp.weixin.qq.com")
        hosts.append(host)
    return tuple(hosts)


def _fetch(node: _Node) -> FetchSettings:
    found = node.mapping(FETCH_KEYS)
    default = FetchSettings()
    return FetchSettings(
        delay=_get(found, "delay", lambda n: n.number(0.0), default.delay),
        per_host=_get(found, "per_host", lambda n: n.integer(1), default.per_host),
        timeout=_get(found, "timeout", lambda n: n.number(0.0, above=True), default.timeout),
        user_agent=_get(found, "user_agent", _Node.text, default.user_agent),
        retries=_get(found, "retries", lambda n: n.integer(0), default.retries),
        max_bytes=_get(found, "max_bytes", lambda n: n.integer(1), default.max_bytes),
        max_redirects=_get(found, "max_redirects", lambda n: n.integer(0), default.max_redirects),
        obey_robots=_get(found, "obey_robots", _Node.boolean, default.obey_robots),
        max_retry_after=_get(found, "max_retry_after", lambda n: n.number(0.0), default.max_retry_after),
    )
