"""A harvest run: every source's pass (see :mod:`harvester.source_pass`), then the run's record.

The run never stops for one bad page: a failed request or an unreadable page is recorded
(``fetches``, ``problems``) and the run goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from harvester.config import Config
from harvester.dedupe import StoryIndex
from harvester.fetch import Fetcher, FetchRecord
from harvester.source_pass import SourcePass, SourceSummary
from harvester.store import Store, StoryAssignment
from harvester.views import refresh_counted

__all__ = ["Harvester", "Progress", "RunSummary", "SourceSummary"]


class Progress(Protocol):
    """What the harvest tells an operator's display while it runs."""

    def page_done(self, source: str, *, new: int, updated: int, failed: int) -> None: ...


@dataclass
class RunSummary:
    """What a whole pass did; ``run_id`` is the row in the ``runs`` table."""

    run_id: int
    sources: list[SourceSummary]

    @property
    def new(self) -> int:
        return sum(s.new for s in self.sources)

    @property
    def updated(self) -> int:
        return sum(s.updated for s in self.sources)

    @property
    def failed(self) -> int:
        return sum(s.failed for s in self.sources)


class Harvester:
    """Runs harvest passes of a configuration into a store.

    ``fetcher_factory`` builds the HTTP client (tests inject transports and clocks through it);
    ``today`` supplies the date that year-less list dates fall back to; articles published within
    ``config.recheck_days`` of it are fetched again to notice updates.
    """

    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        fetcher_factory: Callable[[Callable[[FetchRecord], None]], Fetcher] | None = None,
        today: Callable[[], date] | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self._fetcher_factory = fetcher_factory or (lambda on_record: Fetcher(config.fetch, on_record=on_record))
        self.today = today or (lambda: datetime.now(config.timezone).date())
        self.progress = progress
        self._stories = StoryIndex.restore(store.story_rows(), threshold=config.duplicate_threshold)

    def run(self, source_ids: Sequence[str] | None = None) -> RunSummary:
        """Harvest the given sources (default: all) once, synchronously."""
        return asyncio.run(self.run_async(source_ids))

    async def run_async(self, source_ids: Sequence[str] | None = None) -> RunSummary:
        sources = [self.config.source(s) for s in source_ids] if source_ids else list(self.config.sources)
        run_id = self.store.begin_run([s.id for s in sources])
        self.assign_stories()  # articles a killed run stored without their story
        summaries: list[SourceSummary] = []
        try:
            async with self._fetcher_factory(lambda record: self._record_fetch(run_id, record)) as fetcher:
                jobs = [SourcePass(self, fetcher, run_id, source).run() for source in sources]
                summaries = list(await asyncio.gather(*jobs))
        except BaseException:
            self.store.finish_run(run_id, status="interrupted", new=0, updated=0, failed=0)
            raise
        summary = RunSummary(run_id, summaries)
        refresh_counted(self.store.conn, self.config)  # the `counted` flag analysts' views rely on
        status = "ok" if not summary.failed else "partial"
        self.store.finish_run(run_id, status=status, new=summary.new, updated=summary.updated, failed=summary.failed)
        return summary

    def assign_stories(self) -> None:
        """Give every article without a story its story (duplicate cluster), in one batch.

        Called after each source's pass and at the start of a run (so articles of a run that was
        killed get theirs too). A row of a channel joins the story of another row of the channel
        with the same canonical URL; otherwise its content decides (:class:`StoryIndex`).
        """
        pending = self.store.pending_stories()
        if not pending:
            return
        stored: dict[int, int] = {}  # pending id -> story of a stored row with its URL
        leader: dict[tuple[str, str], int] = {}  # (channel, url) -> the first pending id with no stored story
        for article_id, channel, url, _, _ in pending:
            story = self.store.story_of_url(channel, url)
            if story is not None:
                stored[article_id] = story
            else:
                leader.setdefault((channel, url), article_id)
        leaders = [(i, c, t, b) for i, c, u, t, b in pending if leader.get((c, u)) == i]
        decided = dict(zip((i for i, *_ in leaders), self._stories.add_many(leaders), strict=True))
        assigned: list[tuple[int, StoryAssignment]] = []
        for article_id, channel, url, _, _ in pending:
            if article_id in decided:
                d = decided[article_id]
                sig = self._stories.signature(article_id)
                assigned.append((article_id, StoryAssignment(d.story, d.similarity, d.reason, sig)))
            else:
                story = stored.get(article_id) or decided[leader[channel, url]].story
                assigned.append((article_id, StoryAssignment(story, 1.0, f"same URL as #{story}")))
        self.store.set_stories(assigned)

    def _record_fetch(self, run_id: int, record: FetchRecord) -> None:
        self.store.record_fetch(
            run_id,
            {
                "source": record.source,
                "url": record.url,
                "method": record.method,
                "status": record.status,
                "bytes": record.bytes,
                "elapsed_ms": round(record.elapsed_ms, 1),
                "error": record.error,
                "attempt": record.attempt,
                "at": record.at,
            },
        )
