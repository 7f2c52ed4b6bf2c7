"""Serve a :class:`~harvester.demo.world.World` on loopback: one threaded HTTP server per site.

HTML answers carry ``ETag``/``Last-Modified`` and honour conditional GETs (304). While served,
the world can change (:meth:`Served.publish`, :meth:`Served.edit`); rendering and changes share
one lock, so a page is always rendered from a consistent world.
"""

from __future__ import annotations

import logging
import random
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from harvester.demo import hostile as hostile_site
from harvester.demo.reply import Renderer, Reply, not_modified, unchanged, validated, with_validators
from harvester.demo.sites import epaper, hanweb, table, trs, vsb, webplus
from harvester.demo.truth import TruthArticle, count_expected, story_pairs, truth_row, truth_rows
from harvester.demo.world import (
    ARCHIVE,
    CHANNELS,
    DISALLOWED,
    EDU,
    EPAPER,
    HOSTILE,
    HOSTILE_MATCH,
    NEWS,
    PROV,
    SITE_BUILT,
    SourceSpec,
    World,
)

logger = logging.getLogger(__name__)

PostRenderer = Callable[[str, str, str], Reply]
"""The POST side of a site: ``(path, query, form body) -> Reply``."""


@dataclass(frozen=True)
class Faults:
    """Deterministic trouble on first attempts: each path draws its fate from ``seed``."""

    error_rate: float = 0.0  # first attempts answering 503
    reset_rate: float = 0.0  # first attempts whose connection is reset mid-body
    slow_rate: float = 0.0  # first attempts answered after ``slow_seconds``
    slow_seconds: float = 0.3
    seed: int = 0

    def fate(self, site: str, path: str) -> tuple[bool, bool, bool]:
        """``(error, reset, slow)`` for the first attempt at ``path`` of ``site``."""
        rng = random.Random(f"{self.seed}:{site}:{path}")
        error, reset, slow = rng.random(), rng.random(), rng.random()
        return error < self.error_rate, error >= self.error_rate and reset < self.reset_rate, slow < self.slow_rate


class LogEntry(NamedTuple):
    """One request the world answered."""

    site: str
    method: str
    path: str  # path with query
    status: int
    bytes: int  # body bytes actually sent


class Served:
    """A running world: its origins, its request log and its truth (which may change while served)."""

    def __init__(self, world: World, faults: Faults, hostile: bool) -> None:
        self.world = world
        self.faults = faults
        self.hostile = hostile
        self.origins: dict[str, str] = {}
        self.log: list[LogEntry] = []
        self._lock = threading.Lock()
        self._attempted: set[tuple[str, str]] = set()
        self._world_lock = threading.RLock()

    def truth(self) -> list[TruthArticle]:
        """Every row harvester must store (the hostile site contributes none)."""
        with self._world_lock:
            return truth_rows(self.world, self.origins)

    def expected_counts(self, start: date, end: date) -> dict[str, int]:
        """Per channel: distinct relevant articles published within ``[start, end]``."""
        with self._world_lock:
            return count_expected(self.world, start, end)

    def same_story_pairs(self) -> list[tuple[str, str]]:
        """``(original URL, repost URL)`` pairs that tell the same story within one channel (to be merged)."""
        with self._world_lock:
            return story_pairs(self.world, self.origins)

    def publish(self, source_id: str, count: int) -> list[TruthArticle]:
        """Publish ``count`` new articles at the top of the source's column; their truth rows, newest first.

        List pages of that column re-render (and get new validators); other pages keep theirs.
        """
        spec = self._source(source_id)
        with self._world_lock:
            fresh = self.world.publish(spec.site, spec.column, count)
            return [truth_row(self.world, spec, article, self.origins) for article in fresh]

    def edit(self, source_id: str, index: int = 0) -> TruthArticle:
        """Append a dated note to the body of the ``index``-th newest page article of the source's column."""
        spec = self._source(source_id)
        with self._world_lock:
            article = self.world.edit(spec.site, spec.column, index)
            return truth_row(self.world, spec, article, self.origins)

    def render(self, renderer: Renderer, path: str, query: str) -> Reply:
        """Render one answer with ``renderer``, from a world no one is changing; HTML gets validators."""
        with self._world_lock:
            reply = renderer(path, query)
            fallback = max(SITE_BUILT, self.world.clock)
        return with_validators(reply, fallback) if validated(reply) else reply

    def render_post(self, renderer: PostRenderer, path: str, query: str, form: str) -> Reply:
        """Render one POST answer with ``renderer`` (never validated: POST answers are not cached)."""
        with self._world_lock:
            return renderer(path, query, form)

    def _source(self, source_id: str) -> SourceSpec:
        for spec in self.world.sources:
            if spec.id == source_id:
                return spec
        raise KeyError(f"no demo source {source_id!r}")

    def disallowed_paths(self) -> list[str]:
        """The robots.txt Disallow prefixes of all served sites (check them against :attr:`log`)."""
        return sorted({prefix for site in self.origins for prefix in DISALLOWED[site]})

    def disallowed_by_site(self) -> dict[str, list[str]]:
        """The robots.txt Disallow prefixes, per served site."""
        return {site: list(DISALLOWED[site]) for site in self.origins}

    def write_config(self, path: Path, *, database: str = "harvest.db", delay: float = 0.0, per_host: int = 4) -> Path:
        """Write a sources.yaml for every demo source (and the hostile one when served)."""
        path = Path(path)
        path.write_text(
            yaml.safe_dump(self.config_dict(database, delay, per_host), allow_unicode=True, sort_keys=False)
        )
        return path

    def config_dict(self, database: str, delay: float, per_host: int) -> dict[str, Any]:
        """The sources.yaml content as plain data."""
        sources: list[dict[str, Any]] = []
        for spec in self.world.sources:
            column = self.world.columns[spec.site, spec.column]
            entry: dict[str, Any] = {"id": spec.id, "name": spec.name, "channel": spec.channel}
            entry["urls"] = [self.origins[spec.site] + column.path]
            if spec.match:
                entry["match"] = {key: list(terms) for key, terms in spec.match.items()}
            sources.append(entry)
        if self.hostile:
            origin = self.origins[HOSTILE]
            sources.append(
                {
                    "id": "hostile",
                    "name": "恶意站点（只需存活）",
                    "channel": "department",
                    "urls": [origin + url for url in hostile_site.LIST_PATHS],
                    "match": {key: list(terms) for key, terms in HOSTILE_MATCH.items()},
                }
            )
        return {
            "database": database,
            "timezone": "Asia/Shanghai",
            "channels": [{"id": cid, "label": label} for cid, label in CHANNELS],
            "sources": sources,
            "fetch": {"delay": delay, "per_host": per_host},
        }

    def record(self, entry: LogEntry) -> None:
        """Append to the request log (thread-safe)."""
        with self._lock:
            self.log.append(entry)

    def first_attempt(self, site: str, path: str) -> bool:
        """True the first time ``path`` of ``site`` is requested."""
        with self._lock:
            if (site, path) in self._attempted:
                return False
            self._attempted.add((site, path))
            return True


class _SiteServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, site: str, served: Served) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.site = site
        self.served = served
        self.renderer: Renderer | None = None
        self.post_renderer: PostRenderer | None = None

    def handle_error(self, request: Any, client_address: Any) -> None:
        logger.debug("demo site %s: error while answering %s", self.site, client_address, exc_info=True)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "DemoSite/1.0"
    timeout = 15
    disable_nagle_algorithm = True
    server: _SiteServer

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("demo %s: " + format, self.server.site, *args)

    def do_GET(self) -> None:
        path, _, query = self.path.partition("?")
        reply = _robots(self.server.site) if path == "/robots.txt" else self._render(path, query)
        self._answer("GET", path, reply)

    def do_POST(self) -> None:
        path, _, query = self.path.partition("?")
        length = int(self.headers["Content-Length"] or 0)
        form = self.rfile.read(length).decode("utf-8", errors="replace") if length > 0 else ""
        renderer = self.server.post_renderer
        if renderer is None:
            reply = Reply(405, b"<html><body>Method Not Allowed</body></html>", headers=(("Allow", "GET"),))
        else:
            reply = self.server.served.render_post(renderer, path, query, form)
        self._answer("POST", path, reply)

    def _answer(self, method: str, path: str, reply: Reply) -> None:
        """Apply the faults, conditional GET and logging to ``reply``, then send it."""
        site, served = self.server.site, self.server.served
        error = reset = slow = False
        if path != "/robots.txt" and served.first_attempt(site, self.path):
            error, reset, slow = served.faults.fate(site, self.path)
        if slow:
            time.sleep(served.faults.slow_seconds)
        if error:
            reply = Reply(503, b"<html><body>Service Unavailable</body></html>", headers=(("Retry-After", "0"),))
        elif (
            method == "GET"
            and not reset
            and not_modified(reply, self.headers["If-None-Match"], self.headers["If-Modified-Since"])
        ):
            reply = unchanged(reply)
        if reply.stream is None and not reset:
            # recorded before the body goes out, so a client that has the answer finds it logged
            served.record(LogEntry(site, method, self.path, reply.status, len(reply.body)))
            self._send(reply, reset=False)
            return
        sent = self._send(reply, reset=reset)
        served.record(LogEntry(site, method, self.path, reply.status, sent))

    def _render(self, path: str, query: str) -> Reply:
        renderer = self.server.renderer
        if renderer is None:
            raise RuntimeError("demo site is not ready")
        return self.server.served.render(renderer, path, query)

    def _send(self, reply: Reply, *, reset: bool) -> int:
        self.send_response(reply.status)
        if reply.status == 304:  # no body, so neither length nor type
            for name, value in reply.headers:
                self.send_header(name, value)
            self.end_headers()
            return 0
        self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.stream is not None:
            self.send_header("Connection", "close")
            self.end_headers()
            self.close_connection = True
            return self._send_stream(reply)
        length = reply.declared_length if reply.declared_length is not None else len(reply.body)
        self.send_header("Content-Length", str(length))
        self.end_headers()
        if reset:
            return self._reset(reply.body[: len(reply.body) // 2])
        self.wfile.write(reply.body)
        if length != len(reply.body):
            self.close_connection = True
        return len(reply.body)

    def _send_stream(self, reply: Reply) -> int:
        assert reply.stream is not None
        sent = 0
        try:
            for chunk in reply.stream():
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            logger.debug("demo %s: client left after %d streamed bytes", self.server.site, sent)
        return sent

    def _reset(self, part: bytes) -> int:
        self.wfile.write(part)
        self.wfile.flush()
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.close_connection = True
        return len(part)


def _robots(site: str) -> Reply:
    lines = ["User-agent: *", *(f"Disallow: {prefix}" for prefix in DISALLOWED[site]), ""]
    return Reply(200, "\n".join(lines).encode(), "text/plain; charset=utf-8")


def _renderer(site: str, world: World, origins: dict[str, str]) -> Renderer:
    if site == NEWS:
        return webplus.WebPlusSite(world, origins).render
    if site == PROV:
        return trs.TrsSite(world, origins).render
    if site == HOSTILE:
        return hostile_site.HostileSite().render
    if site == EDU:
        return hanweb.HanwebSite(world, origins).render
    if site == ARCHIVE:
        return table.TableSite(world, origins).render
    if site == EPAPER:
        return epaper.EpaperSite(world, origins).render
    return vsb.VsbSite(world, origins).render


def _post_renderer(site: str, world: World, origins: dict[str, str]) -> PostRenderer | None:
    """The POST side of a site (Hanweb's dataproxy.jsp); None: the site answers POST with 405."""
    return hanweb.HanwebSite(world, origins).render_post if site == EDU else None


@contextmanager
def serve_world(world: World, *, faults: Faults | None = None, hostile: bool = False) -> Iterator[Served]:
    """Serve every site of ``world`` on 127.0.0.1 (ports chosen by the system) until the block ends."""
    served = Served(world, faults or Faults(), hostile)
    sites = (*world.sites, HOSTILE) if hostile else world.sites
    servers = [_SiteServer(site, served) for site in sites]
    started: list[_SiteServer] = []
    try:
        for server in servers:
            served.origins[server.site] = f"http://127.0.0.1:{server.server_address[1]}"
        for server in servers:
            server.renderer = _renderer(server.site, world, served.origins)
            server.post_renderer = _post_renderer(server.site, world, served.origins)
            threading.Thread(target=server.serve_forever, args=(0.05,), name=f"demo-{server.site}", daemon=True).start()
            started.append(server)
        yield served
    finally:
        for server in started:
            server.shutdown()
        for server in servers:
            server.server_close()
