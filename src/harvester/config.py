"""sources.yaml -> frozen, typed objects.

The file is read once, at the boundary; every component takes the plain values it needs.
Every mistake raises :class:`~harvester.errors.ConfigError` naming file, line and key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from harvester._version import __version__

DEFAULT_USER_AGENT = f"harvester/{__version__} (+contact: set fetch.user_agent in sources.yaml)"
SOURCE_ID = re.compile(r"^[A-Za-z0-9_-]+$")


@dataclass(frozen=True)
class Channel:
    """One publication route of the report (本部门网站, 学校新闻网、校报, ...)."""

    id: str
    label: str


@dataclass(frozen=True)
class Match:
    """Relevance filter over title + body: every ``all`` term, one ``any`` term (if given), no ``none`` term."""

    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def accepts(self, text: str) -> bool:
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
    schedule: str | None = None  # 5-field cron, in the config's time zone
    preset: str | None = None  # a CMS family name; None = detect
    selectors: Selectors = field(default_factory=Selectors)
    max_pages: int = 200  # list pages per start URL
    since: date | None = None  # stop paginating past entries older than this
    allowed_hosts: tuple[str, ...] = ()  # off-site hosts whose articles may be fetched too
    line: int | None = None  # where the source starts in sources.yaml, for messages

    @property
    def display_name(self) -> str:
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

    def source(self, source_id: str) -> Source:
        for source in self.sources:
            if source.id == source_id:
                return source
        known = ", ".join(s.id for s in self.sources)
        raise KeyError(f"no source {source_id!r} in {self.path} (known: {known})")

    def channel(self, channel_id: str) -> Channel:
        for channel in self.channels:
            if channel.id == channel_id:
                return channel
        raise KeyError(channel_id)


def load_config(path: Path | str) -> Config:
    """Read and validate sources.yaml. Raises ConfigError (file:line: key: problem)."""
    raise NotImplementedError  # written by the configuration work
