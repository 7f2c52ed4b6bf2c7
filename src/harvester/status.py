"""`harvester status`: the last run per source, its problems, and the sources that went quiet.

A stale source (no new article for N days) or a redesign alarm is the signal that a count
is about to be wrong; `--fail-on-alarm` turns it into an exit status for monitoring.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from harvester.config import Config
from harvester.exits import fail_cleanly
from harvester.store import Store


@dataclass(frozen=True)
class SourceStatus:
    source: str
    channel: str
    last_run: int | None
    last_run_at: str | None
    last_new: int
    last_failed: int
    problems: int  # problems recorded for this source in its last run
    newest_article: str | None  # newest published_at (local date)
    last_new_at: str | None  # when harvester last stored a new article (UTC)
    alarms: tuple[str, ...]  # "never-run", "stale", "redesign", "failing"


def source_statuses(config: Config, store: Store, *, stale_days: int, today: date) -> list[SourceStatus]:
    """The status of every configured source, in configuration order."""
    return [_status(config, store, s.id, s.channel, stale_days, today) for s in config.sources]


def _status(config: Config, store: Store, source: str, channel: str, stale_days: int, today: date) -> SourceStatus:
    conn = store.conn
    last = conn.execute(
        "SELECT rs.run_id, r.started_at, rs.new, rs.failed, rs.warnings, rs.entries FROM run_sources rs "
        "JOIN runs r ON r.id = rs.run_id WHERE rs.source = ? ORDER BY rs.run_id DESC LIMIT 1",
        (source,),
    ).fetchone()
    newest, last_new_at = conn.execute(
        "SELECT max(substr(published_at, 1, 10)), max(first_seen_at) FROM articles WHERE source = ?", (source,)
    ).fetchone()
    problems = 0
    alarms: list[str] = []
    if last is None:
        alarms.append("never-run")
    else:
        problems = conn.execute(
            "SELECT count(*) FROM problems WHERE run_id = ? AND source = ?", (last["run_id"], source)
        ).fetchone()[0]
        if "redesign" in (last["warnings"] or "") or (last["entries"] == 0 and last["failed"] == 0):
            alarms.append("redesign")
        if last["failed"] and not last["entries"]:
            alarms.append("failing")
    if last is not None and (newest is None or (today - date.fromisoformat(newest)).days > stale_days):
        alarms.append("stale")
    return SourceStatus(
        source=source,
        channel=channel,
        last_run=last["run_id"] if last else None,
        last_run_at=last["started_at"] if last else None,
        last_new=last["new"] if last else 0,
        last_failed=last["failed"] if last else 0,
        problems=problems,
        newest_article=newest,
        last_new_at=last_new_at,
        alarms=tuple(alarms),
    )


@click.command("status")
@click.option(
    "--stale-days",
    type=click.IntRange(min=1),
    default=60,
    show_default=True,
    help="A source whose newest article is older than this many days is stale.",
)
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--fail-on-alarm", is_flag=True, help="Exit 1 when any source is stale, failing or redesigned.")
@click.pass_obj
@fail_cleanly
def status_command(obj: Any, stale_days: int, fmt: str, fail_on_alarm: bool) -> None:
    """Show the last run of every source, its problems, and stale sources.

    \b
    Examples:
      harvester status
      harvester status --stale-days 30 --format json
      harvester status --fail-on-alarm || mail -s "harvester needs a look" it@example.edu.cn
    """
    config: Config = obj.config()
    with Store(config.database) as store:
        statuses = source_statuses(config, store, stale_days=stale_days, today=datetime.now(config.timezone).date())
    if fmt == "json":
        click.echo(json.dumps([asdict(s) for s in statuses], ensure_ascii=False, indent=2))
    else:
        _print_table(statuses)
    if fail_on_alarm and any(s.alarms for s in statuses):
        raise SystemExit(1)


def _print_table(statuses: list[SourceStatus]) -> None:
    table = Table("source", "channel", "last run", "new", "failed", "problems", "newest article", "alarms")
    for s in statuses:
        started = (s.last_run_at or "")[:16].replace("T", " ")
        run = f"#{s.last_run} {started} UTC" if s.last_run else "never"
        alarms = ", ".join(s.alarms) or "ok"
        table.add_row(
            s.source,
            s.channel,
            run,
            str(s.last_new),
            str(s.last_failed),
            str(s.problems),
            s.newest_article or "-",
            alarms,
        )
    Console().print(table)
