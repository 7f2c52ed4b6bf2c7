"""The Fetcher against a real, hostile HTTP server on 127.0.0.1 (huge pages, gzip bombs, resets, ...)."""

from __future__ import annotations

import asyncio
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from harvester.config import FetchSettings
from harvester.errors import FetchError, ResponseTooLarge
from harvester.extract.model import Request
from harvester.fetch import Fetched, Fetcher, FetchRecord

MB = 1024 * 1024
CAP = 2 * MB
BIG_PAGE = 50 * MB
BOMB_DECODED = 1024 * MB
GBK_TEXT = "山东理工大学统战部 朱镕基 陶喆"
MEMORY_MARGIN = 4 * MB  # buffers of httpx/h11/asyncio, the record, pytest


class HostileServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, bomb: bytes) -> None:
        super().__init__(("127.0.0.1", 0), HostileHandler)
        self.bomb = bomb
        self.hits: dict[str, int] = {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that hang up on purpose (the cap) are expected here; stay quiet."""

    def hit(self, path: str) -> int:
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            return self.hits[path]


class HostileHandler(BaseHTTPRequestHandler):
    server: HostileServer

    def log_message(self, format: str, *args: object) -> None:
        """No access log on stderr."""

    def do_GET(self) -> None:
        count = self.server.hit(self.path)
        route = ROUTES.get(self.path)
        if route is None:
            self.send_error(404)
            return
        route(self, count)

    def head(self, status: int = 200, **headers: str) -> None:
        self.send_response(status)
        headers.setdefault("Content_Type", "text/html; charset=utf-8")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()


def big_page(h: HostileHandler, _: int, *, with_length: bool = False) -> None:
    h.head(**({"Content_Length": str(BIG_PAGE)} if with_length else {}))
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
    for _ in range(BIG_PAGE // len(chunk)):
        h.wfile.write(chunk)


def gzip_bomb(h: HostileHandler, _: int) -> None:
    h.head(Content_Encoding="gzip", Content_Length=str(len(h.server.bomb)))
    h.wfile.write(h.server.bomb)


def loop(target: str) -> Callable[[HostileHandler, int], None]:
    def route(h: HostileHandler, _: int) -> None:
        h.head(302, Location=target, Content_Length="0")

    return route


def binary(h: HostileHandler, _: int) -> None:
    body = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    h.head(Content_Length=str(len(body)))
    h.wfile.write(body)


def wrong_charset(h: HostileHandler, _: int) -> None:
    body = f'<html><head><meta charset="gb2312"></head><body><p>{GBK_TEXT}</p></body></html>'.encode("gbk")
    h.head(Content_Type="text/html; charset=utf-8", Content_Length=str(len(body)))
    h.wfile.write(body)


def truncated(h: HostileHandler, _: int) -> None:
    h.head(Content_Length="10000")
    h.wfile.write(b"<html><body>only the beginning")
    h.wfile.flush()
    h.close_connection = True


def reset_once(h: HostileHandler, count: int) -> None:
    body = ("<html><body><p>" + "完整的正文。" * 500 + "</p></body></html>").encode("utf-8")
    h.head(Content_Length=str(len(body)))
    if count > 1:
        h.wfile.write(body)
        return
    h.wfile.write(body[:1000])
    h.wfile.flush()
    h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    h.connection.close()  # RST mid-body
    h.close_connection = True


def slow(h: HostileHandler, _: int) -> None:
    h.server.stopping.wait(3.0)
    h.head(Content_Length="2")
    h.wfile.write(b"ok")


ROUTES: dict[str, Callable[[HostileHandler, int], None]] = {
    "/big": big_page,
    "/big-declared": lambda h, n: big_page(h, n, with_length=True),
    "/bomb": gzip_bomb,
    "/loop-a": loop("/loop-b"),
    "/loop-b": loop("/loop-a"),
    "/binary": binary,
    "/wrong-charset": wrong_charset,
    "/truncated": truncated,
    "/reset-once": reset_once,
    "/slow": slow,
}


def build_bomb() -> bytes:
    """~1 GB of zeros, gzip-compressed chunk by chunk (about 1 MB on the wire)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    parts = [compressor.compress(zeros) for _ in range(BOMB_DECODED // MB)]
    parts.append(compressor.flush())
    return b"".join(parts)


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    httpd = HostileServer(build_bomb())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.stopping.set()
    httpd.shutdown()
    httpd.server_close()
    thread.join(5)


async def _no_wait(_: float) -> None:
    """Retries back off instantly: these tests measure the server, not the politeness."""


def run(server: HostileServer, path: str, **settings: object) -> tuple[Fetched | FetchError, list[FetchRecord]]:
    """Fetch one path; return the page or the FetchError, and the records of the path's attempts."""
    records: list[FetchRecord] = []
    values: dict[str, object] = {"delay": 0.0, "timeout": 5.0, "max_bytes": CAP, "retries": 1, "user_agent": "t"}
    values.update(settings)
    url = f"http://127.0.0.1:{server.server_address[1]}{path}"

    async def main() -> Fetched | FetchError:
        fetcher = Fetcher(FetchSettings(**values), on_record=records.append, sleep=_no_wait)  # type: ignore[arg-type]
        async with fetcher:
            try:
                return await fetcher.fetch(Request(url), source="hostile")
            except FetchError as exc:
                return exc

    return asyncio.run(main()), [r for r in records if not r.url.endswith("/robots.txt")]


def timed(
    server: HostileServer, path: str, limit: float, **settings: object
) -> tuple[Fetched | FetchError, list[FetchRecord]]:
    started = time.monotonic()
    result = run(server, path, **settings)
    assert time.monotonic() - started < limit
    return result


def warm_up(server: HostileServer) -> None:
    """One small fetch first, so one-time costs (imports, SSL context) do not count as growth."""
    assert isinstance(run(server, "/wrong-charset")[0], Fetched)


def test_50mb_page_stops_at_the_cap_with_bounded_memory(server: HostileServer) -> None:
    warm_up(server)
    tracemalloc.start()
    try:
        result, records = timed(server, "/big", 10.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, ResponseTooLarge)
    assert "max_bytes" in result.message
    assert records[-1].error is not None and "max_bytes" in records[-1].error
    assert CAP < records[-1].bytes <= CAP + 64 * 1024
    assert len(records) == 1  # too large is final, not retried
    assert peak < CAP + MEMORY_MARGIN


def test_declared_50mb_refused_before_reading(server: HostileServer) -> None:
    result, records = timed(server, "/big-declared", 5.0)
    assert isinstance(result, ResponseTooLarge)
    assert "Content-Length" in result.message
    assert records[-1].bytes == 0


def test_gzip_bomb_capped_with_bounded_memory(server: HostileServer) -> None:
    warm_up(server)
    tracemalloc.start()
    try:
        result, records = timed(server, "/bomb", 10.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert isinstance(result, ResponseTooLarge)
    assert records[-1].status == 200
    assert CAP < records[-1].bytes <= CAP + 64 * 1024
    assert peak < CAP + MEMORY_MARGIN


def test_redirect_loop(server: HostileServer) -> None:
    result, records = timed(server, "/loop-a", 5.0)
    assert isinstance(result, FetchError)
    assert "redirect loop" in result.message
    assert [(r.url.rsplit("/", 1)[1], r.status) for r in records] == [("loop-a", 302), ("loop-b", 302)]


def test_binary_served_as_html(server: HostileServer) -> None:
    result, records = timed(server, "/binary", 5.0)
    assert isinstance(result, FetchError)
    assert "not a text page" in result.message
    assert "PNG" in result.message
    assert records[-1].status == 200
    assert records[-1].error is not None


def test_wrong_declared_charset(server: HostileServer) -> None:
    result, records = timed(server, "/wrong-charset", 5.0)
    assert isinstance(result, Fetched)
    assert GBK_TEXT in result.html
    assert result.encoding == "gb18030"
    assert records[-1].error is None


def test_truncated_html_retried_then_fails(server: HostileServer) -> None:
    result, records = timed(server, "/truncated", 5.0, retries=1)
    assert isinstance(result, FetchError)
    assert "gave up after 2 attempts" in result.message
    assert len(records) == 2
    assert all(r.error is not None and r.status == 200 for r in records)


def test_reset_mid_body_then_success(server: HostileServer) -> None:
    result, records = timed(server, "/reset-once", 5.0, retries=2)
    assert isinstance(result, Fetched)
    assert result.html.endswith("</html>")
    assert "完整的正文。" * 500 in result.html
    assert [r.attempt for r in records] == [1, 2]
    assert records[0].error is not None and records[0].error.startswith(("ReadError", "RemoteProtocolError"))
    assert records[1].error is None


def test_slow_response_times_out(server: HostileServer) -> None:
    result, records = timed(server, "/slow", 3.0, timeout=0.5, retries=1)
    assert isinstance(result, FetchError)
    assert "timed out" in result.message
    assert len(records) == 2
    assert all(r.status is None and r.error is not None and "timed out" in r.error for r in records)
