"""``harvester schedule``: one long-running process that harvests each source on its own cron.

APScheduler 3 (``AsyncIOScheduler``) holds one job per source (job id = source id) with a
``CronTrigger.from_crontab(source.schedule or config.default_schedule, timezone=config.timezone)``,
``coalesce=True`` (firings missed while busy or asleep run once), ``max_instances=1`` (a long
run is never started twice) and an explicit ``misfire_grace_time`` (a firing later than that
is skipped and logged; the next one runs as usual).

A firing harvests its source. Firings of this process run one at a time (an asyncio lock);
across processes the :class:`~harvester.lock.RunLock` keeps a manual ``harvester run`` or a
cron job from overlapping: a firing that cannot take it within ``lock_wait`` seconds is
skipped with a log line (the next firing retries). Errors are logged and the scheduler goes on.

Signals: SIGTERM/SIGINT stop new firings, cancel the harvest in flight (it stops between
articles; each article is its own transaction) and return; SIGHUP reloads sources.yaml
(a bad file is logged and the running configuration kept).
"""

from __future__ import annotations

import asyncio
import logging
import re
import signal
import sys
import time
from collections.abc import Awaitable, Callable
from contextlib import ExitStack
from datetime import UTC, datetime, tzinfo
from typing import Any, Protocol

import click
from apscheduler.events import EVENT_JOB_MAX_INSTANCES, EVENT_JOB_MISSED
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger

from harvester.config import Config, Source
from harvester.errors import ConfigError, DatabaseLocked, HarvesterError
from harvester.exits import fail_cleanly
from harvester.harvest import Harvester, RunSummary
from harvester.lock import RunLock
from harvester.logs import log_to_file
from harvester.store import Store

__all__ = [
    "LOCK_WAIT_SECONDS",
    "MISFIRE_GRACE_SECONDS",
    "RunSource",
    "Scheduler",
    "Tally",
    "cron_trigger",
    "harvest_source",
    "schedule_command",
]

log = logging.getLogger(__name__)

MISFIRE_GRACE_SECONDS = 3600  # a firing up to an hour late (suspend, busy loop) still runs
LOCK_WAIT_SECONDS = 300.0  # how long a firing waits for another process's run before skipping
LOCK_POLL_SECONDS = 2.0  # how often the run lock is retried while waiting (without blocking the loop)
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # crontab numbering: 0 (and 7) = Sunday
_DAY_ITEM = re.compile(r"(?P<first>\*|\w+)(?:-(?P<last>\w+))?(?:/(?P<step>\d+))?")


class Tally(Protocol):
    """What a harvest reports back for the firing's log line (:class:`~harvester.harvest.RunSummary` fits)."""

    @property
    def new(self) -> int: ...

    @property
    def updated(self) -> int: ...

    @property
    def failed(self) -> int: ...


RunSource = Callable[[Config, str], Awaitable[Tally]]


class _ConfigSource(Protocol):
    """The CLI's context object: loads (and reloads) the configuration."""

    def config(self) -> Config: ...


async def harvest_source(config: Config, source_id: str) -> RunSummary:
    """Harvest one source of ``config`` into its database: the default job of :class:`Scheduler`."""
    with Store(config.database) as store:
        return await Harvester(config, store).run_async([source_id])


def cron_trigger(expression: str, timezone: tzinfo) -> CronTrigger:
    """The APScheduler trigger of a standard 5-field crontab line, evaluated in ``timezone``.

    APScheduler 3 numbers weekdays from Monday = 0, crontab from Sunday = 0 (7 is Sunday too);
    numeric weekdays are rewritten as names first so that ``0 6 * * 1`` means Monday, as in cron.
    """
    fields = expression.split()
    if len(fields) != 5:
        raise ValueError(f"expected 5 fields (minute hour day month weekday), got {len(fields)}: {expression!r}")
    fields[4] = _weekday_names(fields[4])
    return CronTrigger.from_crontab(" ".join(fields), timezone=timezone)


def _weekday_names(field: str) -> str:
    """A crontab weekday field (``1-5``, ``0,6``, ``*/2``, ``mon-fri``) as a list of day names."""
    if field == "*":
        return field
    days: set[int] = set()
    for item in field.lower().split(","):
        match = _DAY_ITEM.fullmatch(item)
        if match is None:
            raise ValueError(f"cannot read the weekday {item!r}; use 0-7 (0 and 7 = Sunday) or sun-sat")
        days.update(_weekday_item(match))
    return ",".join(_CRON_DAYS[day] for day in sorted(days))


def _weekday_item(match: re.Match[str]) -> set[int]:
    """The crontab day numbers (0 = Sunday) of one comma-separated item of a weekday field."""
    first, last, step = match["first"], match["last"], int(match["step"] or 1)
    if first == "*":
        start, end = 0, 6
    else:
        start = _weekday_number(first)
        end = _weekday_number(last) if last else (7 if match["step"] else start)
    if end < start or step < 1:
        raise ValueError(f"bad weekday range {match[0]!r}")
    return {day % 7 for day in range(start, end + 1, step)}


def _weekday_number(value: str) -> int:
    """0-7 or a three-letter day name, as a crontab number."""
    if value.isdigit() and int(value) <= 7:
        return int(value)
    if value in _CRON_DAYS:
        return _CRON_DAYS.index(value)
    raise ValueError(f"bad weekday {value!r}; use 0-7 (0 and 7 = Sunday) or sun-sat")


def _cron_of(config: Config, source: Source) -> str:
    """The cron line of a source: its own, else the configuration's default."""
    return source.schedule or config.default_schedule


def _triggers(config: Config) -> dict[str, CronTrigger]:
    """Source id -> trigger, all built before any job changes; a bad cron line is a ConfigError."""
    triggers = {}
    for index, source in enumerate(config.sources):
        try:
            triggers[source.id] = cron_trigger(_cron_of(config, source), config.timezone)
        except ValueError as exc:
            own = source.schedule is not None
            raise ConfigError(
                f"bad cron expression {_cron_of(config, source)!r} ({exc}); give 5 fields: "
                'minute hour day month weekday, e.g. "30 6 * * *"',
                path=config.path,
                line=source.line if own else None,
                key=f"sources[{index}].schedule" if own else "default_schedule",
            ) from exc
    return triggers


class Scheduler:
    """Fires each source of the configuration on its own cron; see the module docstring.

    ``config_loader`` loads sources.yaml (again on :meth:`reload`); ``run_source(config, source_id)``
    harvests one source (tests pass a fake). ``now`` is the wall clock used for ``run_at_start``;
    ``monotonic`` and ``sleep`` time the firings and the wait for the run lock. APScheduler itself
    reads the time through ``datetime.now`` in its own modules (tests replace that; see
    tests/test_schedule.py) and is driven by its timer on the running event loop.
    """

    def __init__(
        self,
        config_loader: Callable[[], Config],
        run_source: RunSource = harvest_source,
        *,
        misfire_grace_time: int = MISFIRE_GRACE_SECONDS,
        lock_wait: float = LOCK_WAIT_SECONDS,
        run_at_start: bool = False,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.misfire_grace_time = misfire_grace_time
        self.lock_wait = lock_wait
        self._load = config_loader
        self._run_source = run_source
        self._run_at_start = run_at_start
        self._now = now
        self._monotonic = monotonic
        self._sleep = sleep
        self._config: Config | None = None
        self._aps: AsyncIOScheduler | None = None
        self._crons: dict[str, tuple[str, str]] = {}  # job id -> (cron line, time zone) it was built from
        self._serial = asyncio.Lock()
        self._in_flight: set[asyncio.Task[Any]] = set()
        self._stop_requested = asyncio.Event()
        self._stopping = False

    @property
    def config(self) -> Config:
        """The configuration in force (the last one that loaded)."""
        if self._config is None:
            raise RuntimeError("the scheduler has not been started")
        return self._config

    @property
    def apscheduler(self) -> AsyncIOScheduler:
        """The underlying APScheduler scheduler (for status and for tests)."""
        if self._aps is None:
            raise RuntimeError("the scheduler has not been started")
        return self._aps

    def next_firings(self) -> dict[str, datetime | None]:
        """Source id -> next firing time (``None``: paused), after :meth:`start`."""
        return {job.id: job.next_run_time for job in self.apscheduler.get_jobs()}

    # --- life cycle ----------------------------------------------------------------------

    def start(self) -> None:
        """Load the configuration and start firing; call inside a running event loop. Raises ConfigError."""
        config = self._load()
        triggers = _triggers(config)
        self._aps = AsyncIOScheduler(timezone=config.timezone)
        self._aps.add_listener(self._on_skipped, EVENT_JOB_MISSED | EVENT_JOB_MAX_INSTANCES)
        self._config = config
        self._replace_jobs(config, triggers, first=True)
        self._aps.start()
        log.info("scheduler started with %d source(s) from %s", len(config.sources), config.path)
        self._log_next_firings()

    async def serve(self, *, handle_signals: bool = True) -> None:
        """Start, run until SIGTERM/SIGINT (or :meth:`request_stop`), then :meth:`stop`; SIGHUP reloads."""
        self.start()
        loop = asyncio.get_running_loop()
        if handle_signals:
            loop.add_signal_handler(signal.SIGTERM, self.request_stop, "SIGTERM")
            loop.add_signal_handler(signal.SIGINT, self.request_stop, "SIGINT")
            loop.add_signal_handler(signal.SIGHUP, self.reload)
        try:
            await self._stop_requested.wait()
        finally:
            try:
                await self.stop()  # a second SIGTERM meanwhile changes nothing
            finally:
                if handle_signals:
                    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                        loop.remove_signal_handler(signum)

    def request_stop(self, reason: str = "a stop request") -> None:
        """Ask :meth:`serve` to stop (what SIGTERM and SIGINT do)."""
        log.info("received %s; stopping", reason)
        self._stop_requested.set()

    async def stop(self) -> None:
        """Take no new firings, cancel the harvests in flight, wait for them to wind down, shut down."""
        if self._aps is None or self._stopping:
            return
        self._stopping = True
        self._aps.pause()
        running = list(self._in_flight)
        for task in running:
            task.cancel()
        if running:
            log.info("waiting for %d firing(s) to stop between articles", len(running))
            await asyncio.gather(*running, return_exceptions=True)
        self._aps.shutdown(wait=False)
        await asyncio.sleep(0)  # AsyncIOScheduler shuts down in a callback on the loop
        log.info("scheduler stopped")

    def reload(self) -> bool:
        """Load sources.yaml again and replace the jobs (what SIGHUP does); a bad file keeps the old ones."""
        try:
            config = self._load()
            triggers = _triggers(config)
        except ConfigError as exc:
            log.error("reload failed; still running the previous configuration: %s", exc)
            return False
        before = set(self._crons)
        self._config = config
        changed = self._replace_jobs(config, triggers, first=False)
        after = set(self._crons)
        log.info(
            "reloaded %s: %d source(s); added %s, removed %s, rescheduled %s",
            config.path,
            len(after),
            _names(after - before),
            _names(before - after),
            _names(changed - (after - before)),
        )
        self._log_next_firings()
        return True

    # --- jobs ----------------------------------------------------------------------------

    def _replace_jobs(self, config: Config, triggers: dict[str, CronTrigger], *, first: bool) -> set[str]:
        """Make the jobs match ``config``; an unchanged source keeps its next firing. Returns the (re)built ids."""
        wanted = {s.id: (_cron_of(config, s), str(config.timezone)) for s in config.sources}
        for job_id in set(self._crons) - set(wanted):
            self.apscheduler.remove_job(job_id)
        built = {job_id for job_id, cron in wanted.items() if self._crons.get(job_id) != cron}
        for job_id in sorted(built):
            self._add_job(job_id, triggers[job_id], first=first)
        self._crons = wanted
        return built

    def _add_job(self, source_id: str, trigger: CronTrigger, *, first: bool) -> None:
        extra: dict[str, Any] = {"next_run_time": self._now()} if first and self._run_at_start else {}
        self.apscheduler.add_job(
            self._job,
            trigger,
            args=[source_id],
            id=source_id,
            name=source_id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=self.misfire_grace_time,
            replace_existing=True,
            **extra,
        )

    def _log_next_firings(self) -> None:
        crons = dict(self._crons)
        for job_id, when in sorted(self.next_firings().items()):
            shown = when.astimezone(self.config.timezone).isoformat(timespec="minutes") if when else "never"
            log.info("[%s] next firing %s (cron %r, %s)", job_id, shown, *crons[job_id])

    def _on_skipped(self, event: Any) -> None:
        """APScheduler listener: say in our log why a firing did not run."""
        if event.code == EVENT_JOB_MISSED:
            log.warning(
                "[%s] skipped the firing of %s: more than %d s late (misfire grace time); the next firing runs",
                event.job_id,
                event.scheduled_run_time.isoformat(timespec="minutes"),
                self.misfire_grace_time,
            )
        else:
            log.warning("[%s] skipped a firing: the previous one is still running", event.job_id)

    # --- one firing ----------------------------------------------------------------------

    async def _job(self, source_id: str) -> None:
        """What APScheduler runs: one firing, one at a time in this process, stoppable by :meth:`stop`."""
        task = asyncio.current_task()
        assert task is not None  # APScheduler runs coroutine jobs as tasks
        self._in_flight.add(task)
        try:
            async with self._serial:
                if not self._stopping:
                    await self._fire(source_id)
        except asyncio.CancelledError:
            if not self._stopping:
                raise
        finally:
            self._in_flight.discard(task)

    async def _fire(self, source_id: str) -> None:
        """Take the run lock (or skip), harvest the source, log one line; errors are logged, not raised."""
        config = self.config
        with ExitStack() as stack:
            if not await self._take_run_lock(stack, config, source_id):
                return
            started = self._monotonic()
            tally = await self._harvest(config, source_id, started)
        if tally is not None:
            log.info(
                "[%s] harvested: %d new, %d updated, %d failed in %.1f s",
                source_id,
                tally.new,
                tally.updated,
                tally.failed,
                self._monotonic() - started,
            )

    async def _harvest(self, config: Config, source_id: str, started: float) -> Tally | None:
        """Run the source; ``None`` when it failed (logged; the run row and problems are in the store)."""
        try:
            return await self._run_source(config, source_id)
        except asyncio.CancelledError:
            elapsed = self._monotonic() - started
            log.warning(
                "[%s] interrupted by shutdown after %.1f s; the articles stored so far are kept", source_id, elapsed
            )
            raise
        except HarvesterError as exc:
            elapsed = self._monotonic() - started
            log.error("[%s] failed after %.1f s: %s; the next firing retries", source_id, elapsed, exc)
        except Exception:
            elapsed = self._monotonic() - started
            log.exception(
                "[%s] failed after %.1f s with an unexpected error; the next firing retries", source_id, elapsed
            )
        return None

    async def _take_run_lock(self, stack: ExitStack, config: Config, source_id: str) -> bool:
        """Hold the cross-process run lock on ``stack``, polling without blocking the loop; False if it stays busy."""
        deadline = self._monotonic() + self.lock_wait
        while True:
            try:
                stack.enter_context(RunLock(config.database))
                return True
            except DatabaseLocked:
                remaining = deadline - self._monotonic()
                if remaining <= 0:
                    log.warning(
                        "[%s] skipped this firing: another harvester run holds %s.lock (waited %g s); "
                        "the next firing retries",
                        source_id,
                        config.database,
                        self.lock_wait,
                    )
                    return False
            await self._sleep(min(LOCK_POLL_SECONDS, remaining))


def _names(ids: set[str]) -> str:
    return ", ".join(sorted(ids)) or "none"


# --- the command ---------------------------------------------------------------------------


@click.command("schedule")
@click.option(
    "--misfire-grace",
    type=click.IntRange(min=1),
    default=MISFIRE_GRACE_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="A firing delayed longer than this (machine asleep, long stall) is skipped until the next one.",
)
@click.option(
    "--lock-wait",
    type=click.FloatRange(min=0),
    default=LOCK_WAIT_SECONDS,
    show_default=True,
    metavar="SECONDS",
    help="How long a firing waits for another harvester run on the same database before skipping.",
)
@click.option("--run-now", is_flag=True, help="Also harvest every source once right away, then follow the schedules.")
@click.pass_obj
@fail_cleanly
def schedule_command(obj: _ConfigSource, misfire_grace: int, lock_wait: float, run_now: bool) -> None:
    """Run every source on its own `schedule` (cron, in `timezone`) until stopped.

    One line per firing goes to stderr: source, new, updated, failed, duration.
    SIGTERM or SIGINT stops cleanly (the harvest in flight stops between articles; exit 0);
    SIGHUP reloads sources.yaml (a bad file is logged and the running configuration kept).
    A firing that finds another harvester run on the database waits --lock-wait seconds, then skips.

    \b
    Examples:
      harvester schedule
      harvester --config /etc/harvester/sources.yaml schedule --run-now
      harvester schedule --lock-wait 900 --misfire-grace 7200
      kill -HUP <pid>      # reload sources.yaml
      kill -TERM <pid>     # stop cleanly
    """
    _log_to_stderr()
    config = obj.config()
    Store(config.database).close()  # fail fast: bad configuration (2) or unusable database (3)
    if config.log_file is not None:
        log_to_file(config.log_file)
    scheduler = Scheduler(obj.config, misfire_grace_time=misfire_grace, lock_wait=lock_wait, run_at_start=run_now)
    asyncio.run(scheduler.serve())


def _log_to_stderr() -> None:
    """A plain stderr handler on the root logger, unless the application has set up logging already."""
    root = logging.getLogger()
    if root.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(_quiet_libraries)
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _quiet_libraries(record: logging.LogRecord) -> bool:
    """Our INFO lines, but only warnings from libraries (httpx logs every request at INFO)."""
    return record.levelno >= logging.WARNING or record.name.startswith("harvester")
