"""`harvester schedule`: cron firings per source, coalescing, misfires, locks, reload and clean stop.

APScheduler 3 reads the wall clock in two places, ``datetime.now`` in ``apscheduler.schedulers.base``
(due jobs, next wake-up) and in ``apscheduler.executors.base`` (the misfire check). The ``clock``
fixture replaces that ``datetime`` name in both modules with one that answers from a fake clock
(monkeypatch undoes it after each test); :func:`fire_due` then runs the scheduler's wake-up at the
fake time and lets the submitted jobs run until they wait. Nothing sleeps.
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from click.testing import CliRunner

from harvester.config import Channel, Config, Source
from harvester.errors import ConfigError, StorageError
from harvester.lock import RunLock
from harvester.schedule import Scheduler, cron_trigger, schedule_command

SHANGHAI = ZoneInfo("Asia/Shanghai")
START = datetime(2024, 5, 1, 20, 0, tzinfo=UTC)  # 2024-05-02 04:00 in Shanghai, a Thursday


class FakeClock:
    """The wall clock APScheduler sees."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

    def set(self, when: datetime) -> None:
        self.now = when


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock(START)

    class ClockDatetime(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> datetime:  # type: ignore[override]
            return fake.now.astimezone(tz)

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", ClockDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", ClockDatetime)
    return fake


async def fire_due(scheduler: Scheduler) -> None:
    """Process the jobs due at the fake time, and let the started firings run until they wait."""
    scheduler.apscheduler.wakeup()
    for _ in range(30):
        await asyncio.sleep(0)


@dataclass
class Tally:
    new: int = 2
    updated: int = 1
    failed: int = 0


@dataclass
class FakeHarvest:
    """Stands in for harvest_source: records (source, fake time) and may wait on a gate."""

    clock: FakeClock
    calls: list[tuple[str, datetime]] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    gate: asyncio.Event | None = None

    async def __call__(self, config: Config, source_id: str) -> Tally:
        self.calls.append((source_id, self.clock.now))
        if self.gate is not None:
            await self.gate.wait()
        self.finished.append(source_id)
        return Tally()

    @property
    def sources(self) -> list[str]:
        return [source for source, _ in self.calls]


def make_config(tmp_path: Path, *sources: Source, default: str = "45 7 * * *", tz: ZoneInfo = SHANGHAI) -> Config:
    return Config(
        path=tmp_path / "sources.yaml",
        database=tmp_path / "harvest.db",
        timezone=tz,
        channels=(Channel("news", "新闻"),),
        sources=sources,
        default_schedule=default,
    )


def source(source_id: str, schedule: str | None = None) -> Source:
    return Source(id=source_id, channel="news", urls=(f"http://127.0.0.1/{source_id}/list.htm",), schedule=schedule)


def run(body: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(body())


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# --- cron times ------------------------------------------------------------------------------


def test_each_source_fires_at_its_own_cron_in_the_configured_time_zone(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config(tmp_path, source("a", "30 6 * * *"), source("b", "0 */2 * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest)
        scheduler.start()
        # 06:30 in Shanghai is 22:30 UTC; every two hours Shanghai time is every two hours UTC too (+8)
        assert scheduler.next_firings() == {"a": utc(2024, 5, 1, 22, 30), "b": utc(2024, 5, 1, 20, 0)}
        await fire_due(scheduler)
        clock.set(utc(2024, 5, 1, 22, 0))
        await fire_due(scheduler)
        clock.set(utc(2024, 5, 1, 22, 30))
        await fire_due(scheduler)
        clock.set(utc(2024, 5, 2, 0, 0))
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert harvest.calls == [
        ("b", utc(2024, 5, 1, 20, 0)),
        ("b", utc(2024, 5, 1, 22, 0)),
        ("a", utc(2024, 5, 1, 22, 30)),
        ("b", utc(2024, 5, 2, 0, 0)),
    ]


def test_the_default_schedule_applies_to_sources_without_one(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config(tmp_path, source("own", "0 9 * * *"), source("plain"), default="45 7 * * *")

    async def body() -> None:
        scheduler = Scheduler(lambda: config, FakeHarvest(clock))
        scheduler.start()
        jobs = {job.id: job for job in scheduler.apscheduler.get_jobs()}
        assert scheduler.next_firings()["plain"] == utc(2024, 5, 1, 23, 45)  # 07:45 in Shanghai
        assert scheduler.next_firings()["own"] == utc(2024, 5, 2, 1, 0)  # 09:00 in Shanghai
        assert jobs["plain"].trigger.timezone == SHANGHAI
        assert {(j.coalesce, j.max_instances, j.misfire_grace_time) for j in jobs.values()} == {(True, 1, 3600)}
        await scheduler.stop()

    run(body)


def test_run_at_start_fires_every_source_once_then_follows_the_cron(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config(tmp_path, source("a", "30 6 * * *"), source("b"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest, run_at_start=True, now=lambda: clock.now)
        scheduler.start()
        assert scheduler.next_firings() == {"a": START, "b": START}
        await fire_due(scheduler)
        assert scheduler.next_firings() == {"a": utc(2024, 5, 1, 22, 30), "b": utc(2024, 5, 1, 23, 45)}
        await scheduler.stop()

    run(body)
    assert sorted(harvest.calls) == [("a", START), ("b", START)]


def test_weekdays_are_numbered_as_in_crontab_not_as_in_apscheduler_3() -> None:
    after = datetime(2024, 5, 1, 12, 0, tzinfo=SHANGHAI)  # a Wednesday
    fire = {expr: cron_trigger(expr, SHANGHAI).get_next_fire_time(None, after) for expr in ("0 6 * * 1", "0 6 * * 0")}
    assert fire["0 6 * * 1"] is not None and fire["0 6 * * 1"].strftime("%a %d") == "Mon 06"
    assert fire["0 6 * * 0"] is not None and fire["0 6 * * 0"].strftime("%a %d") == "Sun 05"
    assert cron_trigger("0 6 * * 7", SHANGHAI).get_next_fire_time(None, after) == fire["0 6 * * 0"]
    weekdays = cron_trigger("0 6 * * 1-5", SHANGHAI)
    assert str(weekdays.fields[4]) == "mon,tue,wed,thu,fri"
    assert str(cron_trigger("0 6 * * */2", SHANGHAI).fields[4]) == "sun,tue,thu,sat"
    with pytest.raises(ValueError, match="weekday"):
        cron_trigger("0 6 * * 8", SHANGHAI)


# --- coalescing, max_instances, misfires -------------------------------------------------------


def test_three_missed_firings_coalesce_into_one_run(tmp_path: Path, clock: FakeClock) -> None:
    clock.set(utc(2024, 5, 1, 20, 0, 30))
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest)
        scheduler.start()
        clock.set(utc(2024, 5, 1, 23, 10))  # 21:00, 22:00 and 23:00 were all missed
        await fire_due(scheduler)
        assert scheduler.next_firings() == {"hourly": utc(2024, 5, 2, 0, 0)}
        await scheduler.stop()

    run(body)
    assert harvest.sources == ["hourly"]


def test_a_long_running_firing_is_not_started_twice(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        harvest.gate = asyncio.Event()
        scheduler = Scheduler(lambda: config, harvest)
        scheduler.start()
        clock.set(utc(2024, 5, 1, 21, 0))
        await fire_due(scheduler)
        clock.set(utc(2024, 5, 1, 22, 0))  # the 21:00 run is still going
        await fire_due(scheduler)
        assert harvest.sources == ["hourly"]
        harvest.gate.set()
        await fire_due(scheduler)
        clock.set(utc(2024, 5, 1, 23, 0))
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert harvest.sources == ["hourly", "hourly"]
    assert harvest.finished == ["hourly", "hourly"]
    assert "[hourly] skipped a firing: the previous one is still running" in caplog.text


def test_a_late_firing_runs_within_the_grace_time_and_is_skipped_beyond_it(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest, misfire_grace_time=600)
        scheduler.start()
        clock.set(utc(2024, 5, 1, 21, 9))  # 9 minutes late: within 10
        await fire_due(scheduler)
        assert harvest.calls == [("hourly", utc(2024, 5, 1, 21, 9))]
        clock.set(utc(2024, 5, 1, 22, 11))  # 11 minutes late: beyond
        await fire_due(scheduler)
        assert len(harvest.calls) == 1
        clock.set(utc(2024, 5, 1, 23, 0))
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert harvest.sources == ["hourly", "hourly"]
    assert "[hourly] skipped the firing of 2024-05-02T06:00+08:00: more than 600 s late" in caplog.text


def test_firings_in_one_process_run_one_at_a_time(tmp_path: Path, clock: FakeClock) -> None:
    config = make_config(tmp_path, source("a", "0 5 * * *"), source("b", "0 5 * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        harvest.gate = asyncio.Event()
        scheduler = Scheduler(lambda: config, harvest)
        scheduler.start()
        clock.set(utc(2024, 5, 1, 21, 0))  # 05:00 in Shanghai: both are due
        await fire_due(scheduler)
        assert len(harvest.calls) == 1 and harvest.finished == []
        harvest.gate.set()
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert sorted(harvest.finished) == ["a", "b"]


# --- errors and the cross-process lock ----------------------------------------------------------


def test_a_failing_firing_is_logged_and_the_scheduler_goes_on(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    outcomes: list[BaseException | Tally] = [StorageError("disk full"), RuntimeError("a bug"), Tally()]

    async def flaky(config: Config, source_id: str) -> Tally:
        outcome = outcomes.pop(0)
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def body() -> None:
        scheduler = Scheduler(lambda: config, flaky)
        scheduler.start()
        for hour in (21, 22, 23):
            clock.set(utc(2024, 5, 1, hour, 0))
            await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert outcomes == []
    assert "[hourly] failed after 0.0 s: disk full; the next firing retries" in caplog.text
    assert "[hourly] failed after 0.0 s with an unexpected error" in caplog.text
    assert "RuntimeError: a bug" in caplog.text  # the traceback is logged
    assert "[hourly] harvested: 2 new, 1 updated, 0 failed in 0.0 s" in caplog.text


def test_a_firing_skips_while_another_process_holds_the_run_lock(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    harvest = FakeHarvest(clock)

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest, lock_wait=0)
        scheduler.start()
        with RunLock(config.database):  # a manual `harvester run` (a separate open file: flock conflicts)
            clock.set(utc(2024, 5, 1, 21, 0))
            await fire_due(scheduler)
        clock.set(utc(2024, 5, 1, 22, 0))
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert harvest.calls == [("hourly", utc(2024, 5, 1, 22, 0))]
    assert f"[hourly] skipped this firing: another harvester run holds {config.database}.lock" in caplog.text


def test_a_firing_waits_for_the_lock_without_blocking_and_runs_once_it_is_free(
    tmp_path: Path, clock: FakeClock
) -> None:
    config = make_config(tmp_path, source("hourly", "0 * * * *"))
    harvest = FakeHarvest(clock)
    elapsed = [0.0]
    waits: list[float] = []
    other = RunLock(config.database).__enter__()

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        elapsed[0] += seconds
        if len(waits) == 3:
            other.__exit__(None, None, None)  # the other run finishes

    async def body() -> None:
        scheduler = Scheduler(lambda: config, harvest, lock_wait=60, monotonic=lambda: elapsed[0], sleep=sleep)
        scheduler.start()
        clock.set(utc(2024, 5, 1, 21, 0))
        await fire_due(scheduler)
        await scheduler.stop()

    run(body)
    assert waits == [2.0, 2.0, 2.0]
    assert harvest.sources == ["hourly"]


# --- SIGHUP reload -----------------------------------------------------------------------------


def test_reload_with_a_good_config_replaces_the_jobs(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    configs = [
        make_config(tmp_path, source("kept", "0 9 * * *"), source("moved", "0 9 * * *"), source("gone")),
        make_config(tmp_path, source("kept", "0 9 * * *"), source("moved", "0 10 * * *"), source("added")),
    ]
    loads = iter(configs)

    async def body() -> None:
        scheduler = Scheduler(lambda: next(loads), FakeHarvest(clock))
        scheduler.start()
        kept_job = scheduler.apscheduler.get_job("kept")
        assert scheduler.reload() is True
        assert scheduler.next_firings() == {
            "kept": utc(2024, 5, 2, 1, 0),
            "moved": utc(2024, 5, 2, 2, 0),
            "added": utc(2024, 5, 1, 23, 45),
        }
        assert scheduler.apscheduler.get_job("kept").trigger is kept_job.trigger  # untouched
        assert scheduler.config is configs[1]
        await scheduler.stop()

    run(body)
    assert "added added, removed gone, rescheduled moved" in caplog.text


def test_reload_with_a_bad_config_keeps_the_old_jobs(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    good = make_config(tmp_path, source("a", "30 6 * * *"))
    calls = [0]

    def load() -> Config:
        calls[0] += 1
        if calls[0] > 1:
            raise ConfigError("unknown channel 'campuss'", path=good.path, line=12, key="sources[0].channel")
        return good

    async def body() -> None:
        scheduler = Scheduler(load, FakeHarvest(clock))
        scheduler.start()
        before = scheduler.next_firings()
        assert scheduler.reload() is False
        assert scheduler.next_firings() == before == {"a": utc(2024, 5, 1, 22, 30)}
        assert scheduler.config is good
        await scheduler.stop()

    run(body)
    assert "reload failed; still running the previous configuration" in caplog.text
    assert "sources.yaml:12: sources[0].channel: unknown channel 'campuss'" in caplog.text


def test_a_bad_cron_line_is_a_config_error_at_start_and_keeps_the_old_jobs_on_reload(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    good = make_config(tmp_path, source("a", "30 6 * * *"))
    bad = make_config(tmp_path, source("a", "30 6 * * *"), source("b", "0 6 * * 8"))
    with pytest.raises(ConfigError, match=r"sources\[1\]\.schedule: bad cron expression '0 6 \* \* 8'"):
        asyncio.run(Scheduler(lambda: bad, FakeHarvest(clock)).serve(handle_signals=False))
    loads = iter([good, bad])

    async def body() -> None:
        scheduler = Scheduler(lambda: next(loads), FakeHarvest(clock))
        scheduler.start()
        assert scheduler.reload() is False
        assert scheduler.next_firings() == {"a": utc(2024, 5, 1, 22, 30)}
        assert scheduler.config is good
        await scheduler.stop()

    run(body)
    assert "reload failed" in caplog.text


# --- stopping ----------------------------------------------------------------------------------


def test_stop_lets_the_harvest_in_flight_stop_between_articles(
    tmp_path: Path, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="harvester.schedule")
    config = make_config(tmp_path, source("news", "0 * * * *"))
    written: list[int] = []
    seen: dict[str, Any] = {}

    async def harvest(config: Config, source_id: str) -> Tally:
        seen["store"] = "open"
        try:
            for article in range(1, 6):
                try:
                    await seen["fetches"].get()  # fetching the article: the only place it can be cancelled
                except asyncio.CancelledError:
                    seen["cancelled at"] = article
                    raise
                written.append(article)  # one article, one transaction: no await inside
            return Tally()
        finally:
            seen["store"] = "closed"

    async def body() -> None:
        seen["fetches"] = asyncio.Queue()
        for _ in range(2):
            seen["fetches"].put_nowait(None)
        scheduler = Scheduler(lambda: config, harvest)
        serving = asyncio.create_task(scheduler.serve(handle_signals=False))
        await asyncio.sleep(0)
        clock.set(utc(2024, 5, 1, 21, 0))
        await fire_due(scheduler)
        assert written == [1, 2]
        scheduler.request_stop("SIGTERM")
        await asyncio.wait_for(serving, 5)  # returns normally: the command exits 0
        assert not scheduler.apscheduler.running

    run(body)
    assert written == [1, 2]
    assert seen["cancelled at"] == 3
    assert seen["store"] == "closed"
    assert "[news] interrupted by shutdown" in caplog.text
    assert "scheduler stopped" in caplog.text


# --- the command -------------------------------------------------------------------------------


@dataclass
class Obj:
    load: Callable[[], Config]

    def config(self) -> Config:
        return self.load()


def test_the_command_has_examples_and_exits_2_on_a_bad_config(tmp_path: Path) -> None:
    runner = CliRunner()
    assert "Examples:" in runner.invoke(schedule_command, ["--help"]).output

    def bad() -> Config:
        raise ConfigError("missing required key 'sources'", path=tmp_path / "sources.yaml", line=1)

    result = runner.invoke(schedule_command, [], obj=Obj(bad))
    assert result.exit_code == 2
    assert "sources.yaml:1: missing required key 'sources'" in result.output


def test_the_command_exits_3_when_the_database_is_unusable(tmp_path: Path) -> None:
    (tmp_path / "harvest.db").write_bytes(b"this is not a database, just text" * 100)
    config = make_config(tmp_path, source("a"))
    result = CliRunner().invoke(schedule_command, [], obj=Obj(lambda: config))
    assert result.exit_code == 3
    assert "cannot open the database" in result.output


# --- one real process ----------------------------------------------------------------------------

LIST_PAGE = """<html><head><meta charset="utf-8"><title>通知公告</title></head><body>
<ul class="news">
<li><a href="/info/1001.htm">学院召开统战工作会议</a><span>2024-04-28</span></li>
<li><a href="/info/1002.htm">民主党派座谈会</a><span>2024-04-29</span></li>
</ul></body></html>"""

ARTICLE_PAGE = """<html><head><meta charset="utf-8"><title>{title}</title></head><body>
<h1>{title}</h1><div class="date">2024-04-28</div><div class="body"><p>{title}。正文内容。</p></div>
</body></html>"""

CONFIG = """\
database: harvest.db
timezone: Asia/Shanghai
default_schedule: "0 6 * * *"
channels:
  - {{id: department, label: 本部门网站}}
sources:
  - id: notices
    channel: department
    urls: ["http://127.0.0.1:{port}/list.htm"]
    selectors: {{entry: "ul.news li", link: "a", date: "span", title: "h1", body: "div.body"}}
fetch: {{delay: 0, retries: 0, timeout: 10}}
"""

SCRIPT = """\
import sys
from harvester.config import load_config
from harvester.schedule import schedule_command

class Obj:
    def config(self):
        return load_config(sys.argv[1])

schedule_command.main(args=["--run-now"], obj=Obj(), prog_name="harvester schedule")
"""


class Site:
    """A trivial site on 127.0.0.1: a list page, one quick article, one that hangs until released."""

    def __init__(self) -> None:
        self.hanging = threading.Event()
        self.release = threading.Event()
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path == "/list.htm":
                    self.reply(LIST_PAGE)
                elif self.path == "/info/1001.htm":
                    self.reply(ARTICLE_PAGE.format(title="学院召开统战工作会议"))
                elif self.path == "/info/1002.htm":
                    site.hanging.set()
                    site.release.wait(10)  # the harvester is stopped meanwhile and hangs up
                    self.close_connection = True
                else:
                    self.send_error(404)

            def reply(self, html: str) -> None:
                body = html.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]


@pytest.fixture
def site() -> Iterator[Site]:
    served = Site()
    thread = threading.Thread(target=served.server.serve_forever, daemon=True)
    thread.start()
    yield served
    served.release.set()
    served.server.shutdown()
    served.server.server_close()
    thread.join(5)


def read_lines(stream: Any, into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)
    into.put("")


def wait_for_line(lines: queue.Queue[str], needle: str, seen: list[str]) -> None:
    while True:
        line = lines.get(timeout=10)
        seen.append(line)
        assert line, f"the process ended before logging {needle!r}:\n{''.join(seen)}"
        if needle in line:
            return


def test_the_real_process_reloads_on_sighup_and_exits_0_on_sigterm_mid_harvest(tmp_path: Path, site: Site) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text(CONFIG.format(port=site.port), encoding="utf-8")
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    process = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, str(config)],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    reader = threading.Thread(target=read_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    try:
        assert site.hanging.wait(10), "the harvest never reached the second article"
        process.send_signal(signal.SIGHUP)
        wait_for_line(lines, "reloaded", seen)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=5) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        site.release.set()
    seen.extend(iter(lambda: lines.get(timeout=10), ""))  # the rest, up to the end of the output
    reader.join(5)
    assert process.stderr is not None
    process.stderr.close()
    log = "".join(seen)
    assert "scheduler stopped" in log
    assert "[notices] interrupted by shutdown" in log
    assert "Traceback" not in log
    conn = sqlite3.connect(tmp_path / "harvest.db")
    assert conn.execute("SELECT status FROM runs").fetchall() == [("interrupted",)]
    assert [row[0] for row in conn.execute("SELECT url FROM articles")] == [
        f"http://127.0.0.1:{site.port}/info/1001.htm"
    ]
