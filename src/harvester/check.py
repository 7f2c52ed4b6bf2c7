"""`harvester check`: try a source (or any list URL) before adding it, and write nothing.

Shows what harvester would read there: the CMS family it detects, the entries of the first
list page (title, date, URL), the pagination it found, and one article extracted in full.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from harvester.config import Config, Selectors
from harvester.errors import ExtractionError, FetchError, NotAnArticle
from harvester.exits import fail_cleanly
from harvester.extract import parse_article, parse_list
from harvester.extract.model import ListEntry, Page, Request
from harvester.fetch import Fetcher

SHOWN_ENTRIES = 15


@dataclass(frozen=True)
class CheckedEntry:
    title: str
    date: str | None
    url: str
    pinned: bool


@dataclass(frozen=True)
class CheckedArticle:
    url: str
    title: str | None = None
    date: str | None = None
    author: str | None = None
    origin: str | None = None
    body_chars: int = 0
    body_start: str = ""
    attachments: list[dict[str, str]] = field(default_factory=list)
    problem: str | None = None  # why the article could not be read


@dataclass(frozen=True)
class CheckReport:
    url: str
    family: str
    entries: list[CheckedEntry]
    next_pages: list[str]
    current_page: int | None
    total_pages: int | None
    article: CheckedArticle | None


async def check_list(config: Config, url: str, *, preset: str | None, selectors: Selectors) -> CheckReport:
    """Fetch one list page and its first article; raise FetchError when the list page cannot be had."""
    today = datetime.now(config.timezone).date()
    settings = replace(config.fetch, retries=min(config.fetch.retries, 1))  # answer quickly
    async with Fetcher(settings) as fetcher:
        fetched = await fetcher.fetch(Request(url))
        listing = parse_list(Page(fetched.url, fetched.html), preset=preset, selectors=selectors)
        entries = [_entry(e, config, today) for e in listing.entries]
        article = None
        if listing.entries:
            article = await _check_article(fetcher, listing.entries[0].url, config, today, preset, selectors)
    return CheckReport(
        url=fetched.url,
        family=listing.family,
        entries=entries,
        next_pages=[r.url if r.method == "GET" else f"{r.method} {r.url}" for r in listing.next],
        current_page=listing.current_page,
        total_pages=listing.total_pages,
        article=article,
    )


async def _check_article(
    fetcher: Fetcher, url: str, config: Config, today: date, preset: str | None, selectors: Selectors
) -> CheckedArticle:
    try:
        fetched = await fetcher.fetch(Request(url))
        fields = parse_article(Page(fetched.url, fetched.html), preset=preset, selectors=selectors)
    except NotAnArticle as exc:
        return CheckedArticle(url, problem=f"not an article ({exc.reason}): {exc.message}")
    except (FetchError, ExtractionError) as exc:
        return CheckedArticle(url, problem=exc.message)
    published = fields.date.resolve(config.timezone, today).isoformat() if fields.date else None
    return CheckedArticle(
        url=fetched.url,
        title=fields.title,
        date=published,
        author=fields.author,
        origin=fields.origin,
        body_chars=len(fields.body),
        body_start=fields.body[:120],
        attachments=[{"name": a.name, "url": a.url} for a in fields.attachments],
    )


def _entry(entry: ListEntry, config: Config, today: date) -> CheckedEntry:
    shown = entry.date.resolve(config.timezone, today).isoformat() if entry.date else None
    return CheckedEntry(entry.title, shown, entry.url, entry.pinned)


@click.command("check")
@click.argument("target", metavar="SOURCE_ID|URL")
@click.option("--preset", help="Read the page with this CMS preset instead of detecting it (URLs only).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
@fail_cleanly
def check_command(obj: Any, target: str, preset: str | None, fmt: str) -> None:
    """Show what harvester reads from a source's first list page, and write nothing.

    TARGET is a source id from sources.yaml (its first URL, preset and selectors are used)
    or any list page URL.

    \b
    Examples:
      harvester check dept-news
      harvester check https://lgwindow.sdut.edu.cn/1058/list.htm
      harvester check https://edu.shandong.gov.cn/col/col11969/index.html --preset hanweb --format json
    """
    config: Config = obj.config()
    selectors = Selectors()
    url = target
    if not target.startswith(("http://", "https://")):
        source = config.source(target) if target in {s.id for s in config.sources} else None
        if source is None:
            raise click.BadParameter(f"{target!r} is neither a source id of {config.path} nor an http(s) URL")
        url, preset, selectors = source.urls[0], source.preset, source.selectors
    try:
        report = asyncio.run(check_list(config, url, preset=preset, selectors=selectors))
    except (FetchError, ExtractionError) as exc:
        raise click.ClickException(f"cannot read {url}: {exc.message}") from exc
    if fmt == "json":
        click.echo(json.dumps(asdict(report), ensure_ascii=False, indent=2))
    else:
        _print(report)


def _print(report: CheckReport) -> None:
    console = Console()
    pages = f"page {report.current_page or '?'} of {report.total_pages or '?'}"
    console.print(f"[bold]{report.url}[/bold]\nfamily: {report.family}   {len(report.entries)} entries   {pages}")
    console.print("next: " + (", ".join(report.next_pages) or "none (last page, or no pager found)"))
    table = Table("date", "title", "url", "", title="entries of the first list page")
    for entry in report.entries[:SHOWN_ENTRIES]:
        table.add_row(entry.date or "-", entry.title, entry.url, "置顶" if entry.pinned else "")
    console.print(table)
    if len(report.entries) > SHOWN_ENTRIES:
        console.print(f"... and {len(report.entries) - SHOWN_ENTRIES} more (--format json shows all)")
    article = report.article
    if article is None:
        console.print("[yellow]no entries: check the URL, or set `selectors:` for this source[/yellow]")
    elif article.problem:
        console.print(f"first article {article.url}: [yellow]{article.problem}[/yellow]")
    else:
        console.print(f"first article: {article.url}\n  title: {article.title}\n  date: {article.date}")
        console.print(f"  author: {article.author or '-'}   origin: {article.origin or '-'}")
        console.print(f"  body: {article.body_chars} characters: {article.body_start}…")
        for attachment in article.attachments:
            console.print(f"  attachment: {attachment['name']} {attachment['url']}")
