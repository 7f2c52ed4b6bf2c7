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

from harvester._api import articles, count, harvest
from harvester._version import __version__
from harvester.config import Channel, Config, FetchSettings, Match, Selectors, Source, load_config
from harvester.count import ChannelCount, CountResult, SourceCount
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
from harvester.harvest import RunSummary, SourceSummary

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
