"""The ``harvester`` command: a thin shell over the Python API.

Exit statuses are those of :mod:`harvester.exits`.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.console import Console
from rich.table import Table

from harvester import search
from harvester._version import __version__
from harvester.check import check_command
from harvester.config import Config, load_config
from harvester.count import CountResult, Window, count_window
from harvester.errors import ConfigError
from harvester.exits import fail_cleanly
from harvester.harvest import Harvester, RunSummary
from harvester.ledger import LedgerEntry, add_entry, load_ledger
from harvester.lock import RunLock
from harvester.logs import log_to_file
from harvester.progress import RunDisplay
from harvester.report import markdown_report, write_report
from harvester.report.evidence import EVIDENCE_FORMATS, write_evidence
from harvester.schedule import schedule_command
from harvester.serve import serve_command
from harvester.status import status_command
from harvester.store import Store

F = TypeVar("F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class Context:
    config_path: Path
    db: Path | None

    def config(self) -> Config:
        config = load_config(self.config_path)
        return dataclasses.replace(config, database=self.db) if self.db else config


class _DateType(click.ParamType[date, Any]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date like 2022-09-01", param, ctx)


DATE = _DateType()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default="sources.yaml",
    envvar="HARVESTER_CONFIG",
    show_default=True,
    help="The sources.yaml to use (env HARVESTER_CONFIG).",
)
@click.option("--db", type=click.Path(path_type=Path, dir_okay=False), help="Database file; overrides `database:`.")
@click.version_option(__version__, prog_name="harvester")
@click.pass_context
def cli(ctx: click.Context, config_path: Path, db: Path | None) -> None:
    """Harvest a department's publication channels into SQLite and count them.

    \b
    Examples:
      harvester run                         # harvest every source once (cron-friendly)
      harvester count --from 2022-09-01 --to 2023-08-31
      harvester --config /etc/harvester/sources.yaml count --from 2022-09-01 --to 2023-08-31 --format json
    """
    ctx.obj = Context(config_path, db)


@cli.command()
@click.option("--source", "sources", multiple=True, metavar="ID", help="Harvest only this source (repeatable).")
@click.option(
    "--wait",
    type=float,
    default=0.0,
    show_default=True,
    metavar="SECONDS",
    help="If another run holds the database, wait this long for it before giving up (exit 75).",
)
@click.pass_obj
@fail_cleanly
def run(obj: Context, sources: tuple[str, ...], wait: float) -> None:
    """Harvest once and exit.

    Silent under cron unless something went wrong; on a terminal, prints a summary per source.
    Failed pages are recorded in the `fetches` and `problems` tables and do not fail the run.

    \b
    Examples:
      harvester run
      harvester run --source dept-news --source campus-news
      harvester run --wait 600     # under cron: wait up to 10 minutes for an overlapping run
    """
    config = obj.config()
    unknown = [s for s in sources if s not in {x.id for x in config.sources}]
    if unknown:
        known = ", ".join(s.id for s in config.sources)
        raise ConfigError(f"unknown source {', '.join(unknown)} (known: {known})", path=config.path, key="--source")
    if config.log_file is not None:
        log_to_file(config.log_file)
    interactive = sys.stdout.isatty()
    with RunLock(config.database, wait=wait), Store(config.database) as store:
        if interactive:
            with RunDisplay(sources or [s.id for s in config.sources]) as display:
                summary = Harvester(config, store, progress=display).run(sources or None)
        else:
            summary = Harvester(config, store).run(sources or None)
    _print_run(summary, interactive=interactive)


def _print_run(summary: RunSummary, *, interactive: bool) -> None:
    troubled = [s for s in summary.sources if s.failed or s.warnings]
    if interactive:
        table = Table(
            "source", "list pages", "entries", "new", "updated", "failed", "robots", title=f"run {summary.run_id}"
        )
        for s in summary.sources:
            table.add_row(s.source, *(str(v) for v in (s.list_pages, s.entries, s.new, s.updated, s.failed, s.robots)))
        Console().print(table)
    for s in troubled:
        lines = [f"{s.failed} failed page(s)"] if s.failed else []
        click.echo(f"harvester: [{s.source}] " + "; ".join(lines + s.warnings), err=True)
    if troubled:
        click.echo(f"harvester: details: SELECT * FROM problems WHERE run_id = {summary.run_id}", err=True)


def _window_options(func: F) -> F:
    """--from/--to or --year: the report window, in the configured time zone."""
    func = click.option(
        "--year",
        type=click.IntRange(1900, 9998),
        metavar="YEAR",
        help="The disclosure year starting in YEAR (year_start_month 9: YEAR-09-01 … YEAR+1-08-31).",
    )(func)
    func = click.option("--to", "end", type=DATE, help="Last day of the window (inclusive).")(func)
    return click.option("--from", "start", type=DATE, help="First day of the window (inclusive).")(func)


def _window(config: Config, start: date | None, end: date | None, year: int | None) -> Window:
    if year is not None:
        if start is not None or end is not None:
            raise click.UsageError("give either --year or --from/--to, not both")
        return Window.disclosure_year(year, config.year_start_month)
    if start is None or end is None:
        raise click.UsageError("give the window: --from YYYY-MM-DD --to YYYY-MM-DD (both inclusive), or --year YEAR")
    if end < start:
        raise click.BadParameter(f"--to {end} is before --from {start}", param_hint="--to")
    return Window(start, end)


def _count(config: Config, window: Window) -> CountResult:
    entries = load_ledger(config)
    with Store(config.database) as store:
        return count_window(config, store, window.start, window.end, ledger=entries)


def _evidence_path(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    if value is not None and value.suffix.lower() not in EVIDENCE_FORMATS:
        raise click.BadParameter(f"{value} must end in .csv or .xlsx")
    return value


@cli.command()
@_window_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.option(
    "--by",
    type=click.Choice(["channel", "source", "month"]),
    default="channel",
    show_default=True,
    help="Breakdown of the table and CSV (JSON always holds every breakdown).",
)
@click.option("--uncategorized", is_flag=True, help="List the items that fall in no content category instead.")
@click.option(
    "--evidence",
    type=click.Path(path_type=Path, dir_okay=False),
    callback=_evidence_path,
    metavar="FILE",
    help="Also write one row per counted item to FILE (.csv or .xlsx).",
)
@click.pass_obj
@fail_cleanly
def count(
    obj: Context,
    start: date | None,
    end: date | None,
    year: int | None,
    fmt: str,
    by: str,
    uncategorized: bool,
    evidence: Path | None,
) -> None:
    """Print the distinct articles (and ledger entries) per channel in a window.

    \b
    Examples:
      harvester count --from 2022-09-01 --to 2023-08-31
      harvester count --year 2022 --format json
      harvester count --year 2022 --by month --format csv > months.csv
      harvester count --year 2022 --by source
      harvester count --year 2022 --evidence evidence.xlsx
      harvester count --year 2022 --uncategorized
    """
    config = obj.config()
    result = _count(config, _window(config, start, end, year))
    if evidence is not None:
        write_evidence(result, evidence)
    text = _render_uncategorized(result, fmt) if uncategorized else _render_count(result, fmt, by)
    click.echo(text, nl=fmt != "table")


def _render_count(result: CountResult, fmt: str, by: str = "channel") -> str:
    if fmt == "json":
        return json.dumps(result.as_dict(), ensure_ascii=False, indent=2)
    header, rows = _count_rows(result, by, wide=fmt == "table")
    if fmt == "csv":
        return _csv_text(header, rows)
    return _table_text(header, rows, f"{result.start} … {result.end}")


def _count_rows(result: CountResult, by: str, *, wide: bool) -> tuple[list[str], list[list[str]]]:
    if by == "source":
        rows = [[c.id, c.label, s.id, s.name, str(s.count)] for c in result.channels for s in c.sources]
        return ["channel", "label", "source", "name", "rows"], rows
    if by == "month" and wide:
        header = ["month", *(c.id for c in result.channels), "total"]
        rows = []
        for index, month in enumerate(result.months()):
            figures = [c.months[index][1] for c in result.channels]
            rows.append([month, *(str(n) for n in figures), str(sum(figures))])
        totals = [c.count for c in result.channels]
        return header, [*rows, ["total", *(str(n) for n in totals), str(sum(totals))]]
    if by == "month":
        rows = [[c.id, c.label, month, str(n)] for c in result.channels for month, n in c.months]
        return ["channel", "label", "month", "count"], rows
    rows = [[c.id, c.label, str(c.count), c.unit] for c in result.channels]
    return ["channel", "label", "count", "unit"], rows


def _render_uncategorized(result: CountResult, fmt: str) -> str:
    items = result.uncategorized()
    if fmt == "json":
        listed = [{"channel": i.channel, "date": i.day.isoformat(), "title": i.title, "url": i.url} for i in items]
        return json.dumps(listed, ensure_ascii=False, indent=2)
    header = ["date", "channel", "title", "url"]
    rows = [[i.day.isoformat(), i.channel, i.title, i.url or "(ledger)"] for i in items]
    if fmt == "csv":
        return _csv_text(header, rows)
    return _table_text(header, rows, f"uncategorized {result.start} … {result.end}: {len(items)}")


def _csv_text(header: list[str], rows: list[list[str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().rstrip("\n")


def _table_text(header: list[str], rows: list[list[str]], title: str) -> str:
    table = Table(*header, title=title)
    for row in rows:
        table.add_row(*row)
    console = Console(file=io.StringIO(), width=120, force_terminal=False)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


@cli.command()
@_window_options
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["markdown", "docx"]),
    help="Output format [default: docx when --output ends in .docx, else markdown].",
)
@click.option(
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write the report to FILE, and its chart beside it as FILE-chart.png (required for docx).",
)
@click.option("--title", help="The report's title line.")
@click.pass_obj
@fail_cleanly
def report(
    obj: Context,
    start: date | None,
    end: date | None,
    year: int | None,
    fmt: str | None,
    output: Path | None,
    title: str | None,
) -> None:
    """Write the disclosure report: figures, content categories, requests, chart, evidence.

    Markdown goes to standard output unless --output names a file; the chart of items per month
    is drawn only with --output (beside the file).

    \b
    Examples:
      harvester report --year 2022 > report.md
      harvester report --year 2022 --output report.md
      harvester report --year 2022 --format docx --output 2022-2023.docx
      harvester report --from 2022-09-01 --to 2023-08-31 --output report.docx
    """
    fmt = fmt or ("docx" if output is not None and output.suffix.lower() == ".docx" else "markdown")
    if fmt == "docx" and output is None:
        raise click.UsageError("--format docx needs --output FILE.docx")
    config = obj.config()
    result = _count(config, _window(config, start, end, year))
    if output is None:
        click.echo(markdown_report(result, title=title), nl=False)
    else:
        write_report(result, output, fmt, title=title)


@cli.group()
def ledger() -> None:
    """Keep the offline ledger: yearbooks, documents, notice boards, meetings, requests received.

    The file is the one `ledger:` names in sources.yaml (YAML or CSV); see docs/report.md.

    \b
    Examples:
      harvester ledger add --channel yearbook --date 2023-03-01 --title "《山东理工大学年鉴（2022）》统战工作"
      harvester ledger list --year 2022
    """


@ledger.command("add")
@click.option("--channel", required=True, metavar="ID", help="A channel of kind ledger, or 'requests'.")
@click.option("--date", "day", type=DATE, required=True, help="The day it was published or received.")
@click.option("--title", required=True, help="What was published (or requested).")
@click.option("--note", help="A free note (e.g. how many items, where).")
@click.option("--ref", "reference", help="A reference: file number, page, minutes.")
@click.pass_obj
@fail_cleanly
def ledger_add(obj: Context, channel: str, day: date, title: str, note: str | None, reference: str | None) -> None:
    """Append one entry to the ledger (validated first; the file is replaced atomically).

    \b
    Examples:
      harvester ledger add --channel yearbook --date 2023-03-01 --title "《年鉴（2022）》统战工作" --note 6条
      harvester ledger add --channel meeting --date 2023-05-10 --title "党外代表人士情况通报会" --ref 纪要5号
      harvester ledger add --channel requests --date 2023-04-02 --title "申请公开……"
    """
    config = obj.config()
    entry = LedgerEntry(day, channel, title.strip(), _blank_none(note), _blank_none(reference))
    added = add_entry(config, entry)
    click.echo(f"added {config.ledger}:{added.line}: {added.date} {added.channel} {added.title}")


def _blank_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


@ledger.command("list")
@_window_options
@click.option("--channel", metavar="ID", help="Only this channel.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table", show_default=True)
@click.pass_obj
@fail_cleanly
def ledger_list(
    obj: Context, start: date | None, end: date | None, year: int | None, channel: str | None, fmt: str
) -> None:
    """List the ledger's entries (all, or those of a window or a channel).

    \b
    Examples:
      harvester ledger list
      harvester ledger list --year 2022 --channel yearbook
      harvester ledger list --from 2022-09-01 --to 2023-08-31 --format csv
    """
    config = obj.config()
    given = (start, end, year) != (None, None, None)
    window = _window(config, start, end, year) if given else None
    entries = [
        e
        for e in load_ledger(config)
        if (window is None or window.contains(e.date)) and (channel is None or e.channel == channel)
    ]
    header = ["line", "date", "channel", "title", "note", "reference"]
    rows = [[str(e.line), e.date.isoformat(), e.channel, e.title, e.note or "", e.reference or ""] for e in entries]
    if fmt == "json":
        click.echo(json.dumps([dict(zip(header, row, strict=True)) for row in rows], ensure_ascii=False, indent=2))
    elif fmt == "csv":
        click.echo(_csv_text(header, rows))
    else:
        click.echo(_table_text(header, rows, f"{config.ledger}: {len(rows)} entries"), nl=False)


@cli.command()
@_window_options
@click.option("--channel", metavar="ID", help="Only clusters of this channel.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
@fail_cleanly
def dupes(obj: Context, start: date | None, end: date | None, year: int | None, channel: str | None, fmt: str) -> None:
    """List the duplicate clusters (stories) of a window: members, similarity, and why they merged.

    Each cluster counts once in its channel. The same article in two channels is never merged.

    \b
    Examples:
      harvester dupes --year 2022
      harvester dupes --from 2022-09-01 --to 2023-08-31 --channel campus --format json
    """
    config = obj.config()
    window = _window(config, start, end, year)
    with Store(config.database) as store:
        clusters = store.story_clusters(window.start.isoformat(), window.end.isoformat(), channel)
    if fmt == "json":
        keys = ("id", "source", "published_at", "title", "url", "story_similarity", "story_reason")
        data = [
            {"story": c[0]["story"], "channel": c[0]["channel"], "members": [{k: m[k] for k in keys} for m in c]}
            for c in clusters
        ]
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for members in clusters:
        click.echo(f"story #{members[0]['story']}  {members[0]['channel']}  {len(members)} articles, counted once")
        for m in members:
            why = "first" if m["id"] == m["story"] else m["story_reason"]
            click.echo(f"  {(m['published_at'] or '')[:10]}  [{m['source']}]  {m['title']}  {m['url']}  ({why})")
    click.echo(f"{len(clusters)} clusters in {window.start} … {window.end}")


@cli.command("search")
@click.argument("query")
@click.option("--channel", metavar="ID", help="Only articles of this channel.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--format", "fmt", type=click.Choice(["lines", "json"]), default="lines", show_default=True)
@click.pass_obj
@fail_cleanly
def search_command(obj: Context, query: str, channel: str | None, limit: int, fmt: str) -> None:
    """Find articles by words, newest first: date, title and URL per line.

    Chinese terms of any length work (统战, 党外, 民主党派, even one character); several terms must
    all occur; "quoted words" form a phrase; -term excludes.

    \b
    Examples:
      harvester search 统战
      harvester search "民主党派 读书会" --channel department
      harvester search 党外 -读书会 --limit 10 --format json
    """
    config = obj.config()
    with Store(config.database) as store:
        try:
            ids = search.search(store.conn, query, limit=limit, channel=channel)
        except search.SearchQueryError as exc:
            raise click.BadParameter(exc.message, param_hint="QUERY") from exc
        rows = store.articles_by_id(ids)
    if fmt == "json":
        keys = ("published_at", "title", "url", "channel", "source")
        click.echo(json.dumps([{k: r[k] for k in keys} for r in rows], ensure_ascii=False, indent=2))
        return
    for row in rows:
        click.echo(f"{(row['published_at'] or '')[:10]}\t{row['title']}\t{row['url']}")


# Commands that live beside the modules they shell (they import nothing from this file).
cli.add_command(check_command)
cli.add_command(serve_command)
cli.add_command(schedule_command)
cli.add_command(status_command)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="harvester")


if __name__ == "__main__":
    main()
