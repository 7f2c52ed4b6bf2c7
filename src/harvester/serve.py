"""`harvester serve`: Datasette on the live database, with descriptions, facets and canned queries.

The file is served mutable (never ``-i``/immutable: runs may write while it serves), read-only
for Datasette. Before serving, the command brings the analyst views, the search index and the
``counted`` flags up to date (see :mod:`harvester.views`), so the canned query
``counts_per_channel`` gives the figures of ``harvester count``.

Search: the index is a character-bigram FTS5 table (:mod:`harvester.search`) that Datasette's
own search box cannot query, so a small Datasette plugin registers the SQL function
``harvester_search(query, channel)`` (JSON list of matching ids) on each of Datasette's
connections, and the canned query ``search_articles`` uses it.

Datasette (and uvicorn, which it brings) is the optional extra ``serve``: it is imported only when
the command runs, so the rest of harvester works without it.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import socket
import sqlite3
import webbrowser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from harvester import search
from harvester.config import Config
from harvester.datasette_metadata import SEARCH_FUNCTION, build_metadata
from harvester.errors import HarvesterError, StorageError
from harvester.exits import fail_cleanly
from harvester.store import Store
from harvester.views import Refreshed, install_views, refresh_counted

__all__ = ["SEARCH_LIMIT", "Prepared", "datasette_app", "plugin_registered", "prepare_database", "serve_command"]

log = logging.getLogger(__name__)

SEARCH_LIMIT = 1000
"""The most ids ``harvester_search`` returns (Datasette shows at most 1000 rows anyway)."""

_PLUGIN_NAME = "harvester-serve"
_SETTINGS = {
    "sql_time_limit_ms": 5000,
    "facet_time_limit_ms": 500,
    "default_page_size": 50,
    "suggest_facets": False,
    "default_facet_size": 6,
    "truncate_cells_html": 80,  # bodies would make each row a screen high
}


@dataclass(frozen=True)
class Prepared:
    """What :func:`prepare_database` found and did."""

    path: Path
    name: str  # Datasette's name for the database: the file's stem
    articles: int
    refreshed: Refreshed


def prepare_database(config: Config) -> Prepared:
    """Open (and migrate) the configured database, install views and search index, refresh ``counted``.

    Raises :class:`StorageError` when there is no database yet (run ``harvester run`` first) or it
    cannot be opened.
    """
    path = config.database
    if not path.exists():
        raise StorageError(f"no database at {path}; run `harvester run` first (or give --db FILE)")
    with Store(path) as store:
        install_views(store.conn)
        search.install(store.conn)
        refreshed = refresh_counted(store.conn, config, full=True)
        (articles,) = store.conn.execute("SELECT count(*) FROM articles").fetchone()
    return Prepared(path, path.stem, int(articles), refreshed)


def _search_ids(conn: sqlite3.Connection) -> Callable[[str | None, str | None], str]:
    """The body of ``harvester_search(query, channel)`` on one connection."""

    def run(query: str | None, channel: str | None) -> str:
        if query is None or not query.strip():
            return "[]"  # the canned query's form before anything is typed
        ids = search.search(conn, query, limit=SEARCH_LIMIT, channel=channel or None)
        return json.dumps(ids)

    return run


def _require_datasette() -> None:
    """Raise a clear HarvesterError when the ``serve`` extra is not installed."""
    if importlib.util.find_spec("datasette") is None or importlib.util.find_spec("uvicorn") is None:
        raise HarvesterError("harvester serve needs Datasette: pip install 'harvester[serve]' (datasette>=0.65,<1)")


def _plugin() -> object:
    """The Datasette plugin of harvester serve: the search SQL function on every connection."""
    from datasette import hookimpl

    class Plugin:
        __name__ = _PLUGIN_NAME  # Datasette lists plugins by module name; this one is an object

        @hookimpl  # type: ignore[untyped-decorator]
        def prepare_connection(self, conn: sqlite3.Connection) -> None:
            """Register ``harvester_search`` on a Datasette connection."""
            conn.create_function(SEARCH_FUNCTION, 2, _search_ids(conn))

    return Plugin()


@contextmanager
def plugin_registered() -> Iterator[None]:
    """Register harvester's Datasette plugin for the duration of the block (Datasette keeps plugins globally)."""
    _require_datasette()
    from datasette.plugins import pm

    plugin = _plugin()
    pm.register(plugin, name=_PLUGIN_NAME)
    try:
        yield
    finally:
        pm.unregister(plugin)


def datasette_app(prepared: Prepared, *, title: str = "harvester") -> Any:
    """A Datasette instance on the prepared database file (mutable, read-only), with harvester's metadata.

    Call inside :func:`plugin_registered` so that the search query works.
    """
    _require_datasette()
    from datasette.app import Datasette

    return Datasette(
        files=[str(prepared.path)],
        metadata=build_metadata(prepared.name, title=title),
        settings=_SETTINGS,
    )


@click.command("serve")
@click.option(
    "--port", type=click.IntRange(0, 65535), default=8001, show_default=True, help="TCP port; 0 picks a free one."
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default is this machine only. 0.0.0.0 exposes the data to the network.",
)
@click.option("--open/--no-open", "open_browser", default=False, show_default=True, help="Open a web browser on it.")
@click.pass_obj
@fail_cleanly
def serve_command(obj: Any, port: int, host: str, open_browser: bool) -> None:
    """Browse and query the database in Datasette (read-only; runs may write meanwhile).

    Brings the analyst views, the search index and the `counted` flags up to date, then serves
    the live database file with table and column descriptions, facets, and the canned queries
    counts_per_channel (the figures of `harvester count`) and search_articles. Needs the
    `serve` extra: pip install 'harvester[serve]'. Stop it with Ctrl+C.

    \b
    Examples:
      harvester serve                       # http://127.0.0.1:8001/
      harvester serve --port 8080 --open
      harvester serve --port 0              # any free port; the URL is printed
      harvester --db /srv/harvester/harvest.db serve
    """
    config: Config = obj.config()
    _require_datasette()
    prepared = prepare_database(config)
    click.echo(
        f"Serving {prepared.path} ({prepared.articles} articles, {prepared.refreshed.counted} counted); "
        f"counts per channel: /{prepared.name}/counts_per_channel?from=YYYY-MM-DD&to=YYYY-MM-DD",
        err=True,
    )
    with plugin_registered():
        app = datasette_app(prepared, title=f"harvester: {config.path.name}")  # starts on its first request
        _listen(app.app(), host, port, prepared.name, open_browser)


def _listen(app: Any, host: str, port: int, database: str, open_browser: bool) -> None:
    """Serve ``app`` with uvicorn until stopped; say where it listens (the real port, for --port 0)."""
    import uvicorn

    class Server(uvicorn.Server):
        async def startup(self, sockets: list[socket.socket] | None = None) -> None:
            await super().startup(sockets=sockets)
            if not self.started:
                return
            bound_host, bound_port = self.servers[0].sockets[0].getsockname()[:2]
            url = f"http://{_url_host(str(bound_host))}:{bound_port}/{database}"
            click.echo(f"Listening on {url}\nPress Ctrl+C to stop.", err=True)
            if open_browser:
                webbrowser.open(url)

    Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="on")).run()


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host
