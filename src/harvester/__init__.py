"""harvester: harvest a department's publication channels into SQLite and count them.

The public API is small::

    import harvester
    config = harvester.load_config("sources.yaml")
    summary = harvester.harvest(config)                       # one pass, like `harvester run`
    result = harvester.count(config, date(2022, 9, 1), date(2023, 8, 31))
    for article in harvester.articles(config, channel="department"):
        print(article["published_at"], article["title"])

Everything not listed in ``__all__`` is private and may change.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from harvester._version import __version__
from harvester.config import Channel, Config, FetchSettings, Match, Selectors, Source, load_config
from harvester.count import ChannelCount, CountResult, SourceCount, count_window
from harvester.errors import (
    ConfigError,
    DatabaseLocked,
    ExtractionError,
    FetchError,
    HarvesterError,
    NotAnArticle,
    ResponseTooLarge,
    RobotsDisallowed,
    StorageError,
)
from harvester.harvest import Harvester as _Harvester
from harvester.harvest import RunSummary, SourceSummary
from harvester.lock import RunLock as _RunLock
from harvester.store import Store as _Store

__all__ = [
    "Channel",
    "ChannelCount",
    "Config",
    "ConfigError",
    "CountResult",
    "DatabaseLocked",
    "ExtractionError",
    "FetchError",
    "FetchSettings",
    "HarvesterError",
    "Match",
    "NotAnArticle",
    "ResponseTooLarge",
    "RobotsDisallowed",
    "RunSummary",
    "Selectors",
    "Source",
    "SourceCount",
    "SourceSummary",
    "StorageError",
    "__version__",
    "articles",
    "count",
    "harvest",
    "load_config",
]


def harvest(config: Config, *, sources: Sequence[str] | None = None, wait: float = 0.0) -> RunSummary:
    """Harvest the given sources (default: all) once into ``config.database``.

    Raises DatabaseLocked if another run holds the database for longer than ``wait`` seconds.
    """
    with _RunLock(config.database, wait=wait), _Store(config.database) as store:
        return _Harvester(config, store).run(sources)


def count(config: Config, start: date, end: date) -> CountResult:
    """Distinct articles per channel published in [start, end] (inclusive, local dates)."""
    with _Store(config.database) as store:
        return count_window(config, store, start, end)


def articles(
    config: Config,
    *,
    channel: str | None = None,
    source: str | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Iterator[dict[str, Any]]:
    """Stored articles (rows of the ``articles`` table as dicts), newest first."""
    with _Store(config.database) as store:
        yield from store.iter_articles(
            channel=channel,
            source=source,
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
        )
