"""The functions of the public API (re-exported by ``harvester``)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import Any

from harvester.config import Config
from harvester.count import CountResult, count_window
from harvester.harvest import Harvester, RunSummary
from harvester.lock import RunLock
from harvester.store import Store


def harvest(config: Config, *, sources: Sequence[str] | None = None, wait: float = 0.0) -> RunSummary:
    """Harvest the given sources (default: all) once into ``config.database``.

    Raises DatabaseLocked if another run holds the database for longer than ``wait`` seconds.
    """
    with RunLock(config.database, wait=wait), Store(config.database) as store:
        return Harvester(config, store).run(sources)


def count(config: Config, start: date, end: date) -> CountResult:
    """Distinct articles per channel published in [start, end] (inclusive, local dates)."""
    with Store(config.database) as store:
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
    with Store(config.database) as store:
        yield from store.iter_articles(
            channel=channel,
            source=source,
            start=start.isoformat() if start else None,
            end=end.isoformat() if end else None,
        )
