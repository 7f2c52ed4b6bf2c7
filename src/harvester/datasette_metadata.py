"""Datasette metadata for a harvester database: descriptions, facets, canned queries.

The table and column meanings are the ones docs/database.md gives analysts (a test keeps the
two in step). :func:`build_metadata` returns the plain dict Datasette takes as ``metadata=``.
"""

from __future__ import annotations

import base64
from types import MappingProxyType
from typing import Any

from harvester.views import COUNTS_PER_CHANNEL_SQL

__all__ = [
    "COLUMNS",
    "HIDDEN_TABLES",
    "SEARCH_FUNCTION",
    "SEARCH_SQL",
    "STYLE_URL",
    "TABLES",
    "build_metadata",
]

SEARCH_FUNCTION = "harvester_search"
"""The SQL function ``harvester serve`` registers: ``harvester_search(query, channel)`` -> JSON list of ids."""

SEARCH_SQL = f"""
SELECT a.id, a.published_at, a.channel, a.source, a.title, a.url, a.counted
FROM articles a
WHERE a.id IN (SELECT value FROM json_each({SEARCH_FUNCTION}(:q, :channel)))
ORDER BY a.published_at DESC, a.id DESC"""

TABLES = MappingProxyType(
    {
        "articles": "One row per distinct article per source; counted = 1 marks the rows harvester count counts.",
        "runs": "One row per harvest pass.",
        "fetches": "One row per HTTP attempt.",
        "problems": "What went wrong and was recorded instead of stopping the run.",
        "run_sources": "What one source's pass of one run did.",
        "list_pages": "What each list page looked like last time (validators, family, entries).",
        "article_updates": "One row per detected change of an article's text, date or attachments.",
        "config_channels": "The channels of sources.yaml, in report order (as of the last refresh).",
        "config_sources": "The sources of sources.yaml with their match filters (as of the last refresh).",
        "articles_by_month": "Rows per channel, source and month of publication, and how many of them count.",
        "channel_month_counts": "Distinct articles (URLs) per channel and month, and distinct counted ones.",
        "recent_problems": "The problems of each source's last run.",
        "source_health": "Per source: its last run, what it found and failed, its newest article.",
        "articles_with_story": "Articles with their near-duplicate story (only once stories are stored).",
    }
)
"""Table and view descriptions, as in docs/database.md."""

COLUMNS = MappingProxyType(
    {
        "articles": {
            "id": "integer key",
            "url": "canonical URL of the article (or of the list entry, for files and off-site items)",
            "source": "the source id from sources.yaml",
            "channel": "the channel id of that source",
            "title": "the full title (from the article page; the list's, when the page could not be read)",
            "published_at": "2023-05-12T10:20:00+08:00, or 2023-05-12 when no time is known; NULL when no date "
            "could be found (not counted)",
            "body": "the article's plain text, paragraphs separated by newlines (empty for files and off-site items)",
            "kind": "page, attachment (the list links a file), offsite (the list links another site), restricted "
            "(login wall, soft 404 or robots-forbidden: title and date from the list)",
            "detail_status": "ok, login-wall, soft-404, empty, robots, error (retried next run), not-fetched",
            "list_title": "the title as the list shows it (lists truncate titles)",
            "list_url": "the list page where the entry was found",
            "author": "作者, when the page shows it",
            "origin": "来源, when the page shows it",
            "attachments": 'JSON list of {"name", "url"}',
            "family": "reserved: the CMS family that read the page",
            "content_hash": "identity of title, date, body and attachments: a change marks an update",
            "year": "year of published_at, for facets",
            "month": "month of published_at, for facets",
            "first_seen_at": "when harvester first stored the row (UTC)",
            "updated_at": "when the article last changed (UTC); NULL if never",
            "checked_at": "when a run last saw it (UTC)",
            "counted": "1: harvester count counts it (configured source, dated, passes the match filter); 0: not; "
            "NULL: not yet evaluated (new or changed since the last refresh)",
            "count_key": "the identity under which it counts once per channel (today: the URL)",
        },
    }
)
"""Column descriptions, as in docs/database.md."""

# Datasette lists column descriptions above the table, one per two lines: a compact, scrolling
# two-column list keeps the rows near the first screen.
STYLE = (
    "dl.column-descriptions{display:grid;grid-template-columns:max-content 1fr;column-gap:1.5em;"
    "max-height:9em;overflow-y:auto;font-size:0.85em;border:1px solid #ddd;padding:0.3em 0.6em}"
    "dl.column-descriptions dt{font-weight:bold}dl.column-descriptions dd{margin:0}"
    # long URLs would squeeze the Chinese titles and bodies into a column one character wide
    "td.col-url,td.col-list_url{word-break:break-all;min-width:12em;max-width:18em}"
    "td.col-title,td.col-list_title{min-width:12em}td.col-body{min-width:24em}"
)
STYLE_URL = "data:text/css;base64," + base64.b64encode(STYLE.encode()).decode()

HIDDEN_TABLES = ("_sqlite_migrations", "articles_search", "articles_search_text")

_FACETS = MappingProxyType(
    {
        "articles": ("channel", "source", "year", "month", "kind", "counted"),
        "problems": ("source", "kind", "run_id"),
        "fetches": ("source", "status", "run_id"),
        "runs": ("status",),
        "articles_by_month": ("channel", "source", "year"),
        "channel_month_counts": ("channel", "year"),
        "recent_problems": ("source", "kind"),
    }
)


def build_metadata(database: str, *, title: str = "harvester") -> dict[str, Any]:
    """Datasette metadata for the database named ``database`` (the file's stem)."""
    tables: dict[str, Any] = {}
    for name, description in TABLES.items():
        table: dict[str, Any] = {"description": description}
        if name in COLUMNS:
            table["columns"] = dict(COLUMNS[name])
        if name in _FACETS:
            table["facets"] = list(_FACETS[name])
        tables[name] = table
    tables["articles"].update({"sort_desc": "published_at", "label_column": "title"})
    tables["problems"]["sort_desc"] = "id"
    tables["runs"]["sort_desc"] = "id"
    for name in HIDDEN_TABLES:
        tables[name] = {"hidden": True}
    return {
        "title": title,
        "extra_css_urls": [STYLE_URL],
        "description": "Articles harvested from the department's publication channels. "
        "Canned queries: counts_per_channel (the figures of harvester count) and search_articles.",
        "databases": {
            database: {
                "description": "See docs/database.md for every table, view and column.",
                "tables": tables,
                "queries": _queries(),
            }
        },
    }


def _queries() -> dict[str, Any]:
    return {
        "counts_per_channel": {
            "title": "Articles per channel in a window (as harvester count)",
            "description": "Distinct counted articles per crawled channel published from :from to :to "
            "(YYYY-MM-DD, both inclusive, local dates). pending: rows not yet evaluated (added since the "
            "last refresh; they are evaluated after each run and when harvester serve starts). Ledger "
            "channels (yearbooks, meetings...) are counted from the ledger file: use harvester count.",
            "sql": COUNTS_PER_CHANNEL_SQL.strip(),
            "params": ["from", "to"],
        },
        "search_articles": {
            "title": "Search articles (Chinese full text)",
            "description": "Words separated by spaces must all occur (in the title or the body); "
            '"quotes" group a phrase; a leading - excludes a word. channel: a channel id, or empty for all.',
            "sql": SEARCH_SQL.strip(),
            "params": ["q", "channel"],
        },
    }
