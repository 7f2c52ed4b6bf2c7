"""Fetcher unit tests with httpx.MockTransport and fake timers (nothing really waits)."""

from __future__ import annotations

import asyncio
import itertools
import zlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx
import pytest

from harvester.config import FetchSettings
from harvester.errors import FetchError, ResponseTooLarge, RobotsDisallowed
from harvester.extract.model import Request
from harvester.fetch import Fetched, Fetcher, FetchRecord, Validators

UA = "harvester-test/1.0 (+mailto:test@example.invalid)"
HTML = "<html><head><title>t</title></head><body><p>统战工作动态，正文内容。</p></body></html>"

Handler = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


class FakeTime:
    """A clock that only moves when someone sleeps; every requested sleep is kept."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        wake = self.now + seconds
        await asyncio.sleep(0)
        self.now = max(self.now, wake)


@dataclass
class World:
    """Routes by full URL; robots.txt answers 404 unless routed; every request is logged with its start."""

    time: FakeTime
    routes: dict[str, Handler] = field(default_factory=dict)
    log: list[tuple[str, str, float]] = field(default_factory=list)  # method, url, fake start time
    headers: list[httpx.Headers] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)

    async def handle(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.log.append((request.method, url, self.time.now))
        self.headers.append(request.headers)
        self.bodies.append(request.content)
        route = self.routes.get(url)
        if route is None:
            return httpx.Response(404, text="not found")
        result = route(request)
        return await result if isinstance(result, Awaitable) else result

    def urls(self) -> list[str]:
        return [url for _, url, _ in self.log]


def html(text: str = HTML, status: int = 200, **headers: str) -> Handler:
    return lambda _: httpx.Response(status, text=text, headers={"Content-Type": "text/html", **headers})


def streamed(status: int, body: bytes, **headers: str) -> httpx.Response:
    """A response whose body is streamed like a real one (``content=`` would be preloaded by httpx)."""
    headers = {"Content-Type": "text/html", "Content-Length": str(len(body)), **headers}
    return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def sequence(*responses: httpx.Response) -> Handler:
    remaining = list(responses)
    return lambda _: remaining.pop(0)


def fetcher(world: World, records: list[FetchRecord], **settings: object) -> Fetcher:
    values: dict[str, object] = {"delay": 0.0, "user_agent": UA, "retries": 3}
    values.update(settings)
    return Fetcher(
        FetchSettings(**values),  # type: ignore[arg-type]
        on_record=records.append,
        transport=httpx.MockTransport(world.handle),
        sleep=world.time.sleep,
        clock=world.time.clock,
    )


def get(world: World, url: str, records: list[FetchRecord] | None = None, **settings: object) -> Fetched:
    async def main() -> Fetched:
        async with fetcher(world, records if records is not None else [], **settings) as f:
            return await f.fetch(Request(url), source="dept-news")

    return asyncio.run(main())


@pytest.fixture
def world() -> World:
    return World(FakeTime())


def test_plain_fetch_sends_user_agent_and_decodes(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html()
    page = get(world, "https://a.edu.cn/x.htm")
    assert page.status == 200
    assert "统战工作动态" in page.html
    assert page.encoding == "utf-8"
    assert page.bytes == len(HTML.encode())
    assert world.headers[-1]["user-agent"] == UA
    assert world.urls() == ["https://a.edu.cn/robots.txt", "https://a.edu.cn/x.htm"]


def test_retries_503_then_succeeds(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = sequence(
        httpx.Response(503), httpx.Response(503), httpx.Response(200, text=HTML)
    )
    records: list[FetchRecord] = []
    page = get(world, "https://a.edu.cn/x.htm", records)
    assert page.status == 200
    pages = [r for r in records if r.url.endswith("x.htm")]
    assert [(r.attempt, r.status, r.error) for r in pages] == [
        (1, 503, "HTTP 503"),
        (2, 503, "HTTP 503"),
        (3, 200, None),
    ]
    assert len(world.time.sleeps) == 2
    assert all(s >= 1.0 for s in world.time.sleeps)


def test_gives_up_with_advice(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html("down", 503)
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/x.htm", retries=2)
    assert caught.value.status == 503
    assert caught.value.source == "dept-news"
    assert "gave up after 3 attempts: HTTP 503" in str(caught.value)
    assert "next run" in str(caught.value)
    assert world.urls().count("https://a.edu.cn/x.htm") == 3


def test_retry_after_seconds_is_the_sleep(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = sequence(
        httpx.Response(429, headers={"Retry-After": "7"}), httpx.Response(200, text=HTML)
    )
    get(world, "https://a.edu.cn/x.htm")
    assert world.time.sleeps == [7.0]


def test_retry_after_too_long_fails_now(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html("busy", 503, **{"Retry-After": "3600"})
    records: list[FetchRecord] = []
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/x.htm", records, max_retry_after=120.0)
    assert caught.value.status == 503
    assert "3600 s" in caught.value.message
    assert "max_retry_after" in caught.value.message
    assert world.urls().count("https://a.edu.cn/x.htm") == 1
    assert records[-1].error is not None and "3600" in records[-1].error


def test_404_fails_at_once(world: World) -> None:
    records: list[FetchRecord] = []
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/gone.htm", records)
    assert caught.value.status == 404
    assert "check the URL" in caught.value.message
    assert world.urls().count("https://a.edu.cn/gone.htm") == 1
    assert world.time.sleeps == []
    assert (records[-1].status, records[-1].attempt) == (404, 1)


def test_delay_spaces_one_host_while_hosts_run_concurrently(world: World) -> None:
    for host in ("a", "b"):
        for n in range(3):
            world.routes[f"https://{host}.edu.cn/{n}.htm"] = html()

    async def main() -> None:
        async with fetcher(world, [], delay=2.0, obey_robots=False) as f:
            await asyncio.gather(
                *(f.fetch(Request(f"https://{h}.edu.cn/{n}.htm")) for n in range(3) for h in ("a", "b"))
            )

    asyncio.run(main())
    starts = {h: [t for _, url, t in world.log if url.startswith(f"https://{h}.")] for h in ("a", "b")}
    for times in starts.values():
        assert len(times) == 3
        assert all(later - earlier >= 2.0 for earlier, later in itertools.pairwise(times))
    assert starts["b"][0] < starts["a"][1]  # b did not wait for a
    assert world.time.now - 1000.0 < 6.0  # two hosts in parallel: 2 gaps, not 5


def test_per_host_limits_concurrency(world: World) -> None:
    in_flight = {"now": 0, "max": 0}

    async def slow(_: httpx.Request) -> httpx.Response:
        in_flight["now"] += 1
        in_flight["max"] = max(in_flight["max"], in_flight["now"])
        for _ in range(5):
            await asyncio.sleep(0)
        in_flight["now"] -= 1
        return httpx.Response(200, text=HTML)

    for n in range(6):
        world.routes[f"https://a.edu.cn/{n}.htm"] = slow

    async def main() -> None:
        async with fetcher(world, [], per_host=2, obey_robots=False) as f:
            await asyncio.gather(*(f.fetch(Request(f"https://a.edu.cn/{n}.htm")) for n in range(6)))

    asyncio.run(main())
    assert in_flight["max"] == 2


def test_crawl_delay_larger_than_delay_wins(world: World) -> None:
    world.routes["https://a.edu.cn/robots.txt"] = html(
        "User-agent: *\nCrawl-delay: 5\n", **{"Content-Type": "text/plain"}
    )
    for n in range(3):
        world.routes[f"https://a.edu.cn/{n}.htm"] = html()

    async def main() -> None:
        async with fetcher(world, [], delay=1.0) as f:
            for n in range(3):
                await f.fetch(Request(f"https://a.edu.cn/{n}.htm"))

    asyncio.run(main())
    starts = [t for _, url, t in world.log if not url.endswith("robots.txt")]
    assert [b - a for a, b in itertools.pairwise(starts)] == [5.0, 5.0]


def test_robots_disallow_makes_no_request(world: World) -> None:
    world.routes["https://a.edu.cn/robots.txt"] = html("User-agent: *\nDisallow: /private/\n")
    world.routes["https://a.edu.cn/private/x.htm"] = html()
    world.routes["https://a.edu.cn/public.htm"] = html()

    async def main() -> None:
        async with fetcher(world, []) as f:
            assert f.allowed("https://a.edu.cn/private/x.htm") is None
            assert await f.can_fetch("https://a.edu.cn/public.htm")
            assert f.allowed("https://a.edu.cn/private/x.htm") is False
            with pytest.raises(RobotsDisallowed) as caught:
                await f.fetch(Request("https://a.edu.cn/private/x.htm"), source="s1")
            assert caught.value.source == "s1"
            assert caught.value.url == "https://a.edu.cn/private/x.htm"

    asyncio.run(main())
    assert world.urls() == ["https://a.edu.cn/robots.txt"]


def test_robots_fetched_once_under_concurrency(world: World) -> None:
    world.routes["https://a.edu.cn/robots.txt"] = html("User-agent: *\nAllow: /\n")
    for n in range(5):
        world.routes[f"https://a.edu.cn/{n}.htm"] = html()

    async def main() -> None:
        async with fetcher(world, [], per_host=5) as f:
            await asyncio.gather(*(f.fetch(Request(f"https://a.edu.cn/{n}.htm")) for n in range(5)))

    asyncio.run(main())
    assert world.urls().count("https://a.edu.cn/robots.txt") == 1
    assert len(world.urls()) == 6


def test_robots_404_allows_everything(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html()
    records: list[FetchRecord] = []
    assert get(world, "https://a.edu.cn/x.htm", records).status == 200
    assert (records[0].url, records[0].status) == ("https://a.edu.cn/robots.txt", 404)


def test_robots_503_disallows_everything(world: World) -> None:
    world.routes["https://a.edu.cn/robots.txt"] = html("oops", 503)
    world.routes["https://a.edu.cn/x.htm"] = html()
    records: list[FetchRecord] = []
    with pytest.raises(RobotsDisallowed) as caught:
        get(world, "https://a.edu.cn/x.htm", records, retries=1)
    assert "could not be read" in caught.value.message
    assert "https://a.edu.cn/x.htm" not in world.urls()
    assert [(r.url, r.status, r.error) for r in records] == [("https://a.edu.cn/robots.txt", 503, "HTTP 503")] * 2


def test_obey_robots_false_skips_robots(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html()
    get(world, "https://a.edu.cn/x.htm", obey_robots=False)
    assert world.urls() == ["https://a.edu.cn/x.htm"]


def test_redirect_chain_followed_and_recorded(world: World) -> None:
    world.routes["https://a.edu.cn/a"] = html("", 301, Location="/b")
    world.routes["https://a.edu.cn/b"] = html("", 302, Location="https://c.edu.cn/c.htm")
    world.routes["https://c.edu.cn/c.htm"] = html()
    records: list[FetchRecord] = []
    page = get(world, "https://a.edu.cn/a", records)
    assert page.url == "https://c.edu.cn/c.htm"
    hops = [(r.url, r.status) for r in records if not r.url.endswith("robots.txt")]
    assert hops == [("https://a.edu.cn/a", 301), ("https://a.edu.cn/b", 302), ("https://c.edu.cn/c.htm", 200)]
    assert "https://c.edu.cn/robots.txt" in world.urls()  # each hop is robots-checked


def test_redirect_to_disallowed_host_stops(world: World) -> None:
    world.routes["https://a.edu.cn/a"] = html("", 302, Location="https://c.edu.cn/secret/x")
    world.routes["https://c.edu.cn/robots.txt"] = html("User-agent: *\nDisallow: /secret\n")
    with pytest.raises(RobotsDisallowed):
        get(world, "https://a.edu.cn/a")
    assert "https://c.edu.cn/secret/x" not in world.urls()


def test_redirect_loop_detected(world: World) -> None:
    world.routes["https://a.edu.cn/x"] = html("", 302, Location="/y")
    world.routes["https://a.edu.cn/y"] = html("", 302, Location="/x")
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/x")
    assert "redirect loop" in caught.value.message
    assert world.urls().count("https://a.edu.cn/x") == 1


def test_too_many_redirects(world: World) -> None:
    for n in range(10):
        world.routes[f"https://a.edu.cn/{n}"] = html("", 307, Location=f"/{n + 1}")
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/0", max_redirects=3)
    assert "more than 3 redirects" in caught.value.message
    assert "https://a.edu.cn/4" not in world.urls()


def test_post_form_and_303_becomes_get(world: World) -> None:
    url = "https://edu.sd.gov.cn/module/web/jpage/dataproxy.jsp"
    world.routes[url] = lambda r: (
        httpx.Response(303, headers={"Location": "/result.xml"}) if r.method == "POST" else httpx.Response(400)
    )
    world.routes["https://edu.sd.gov.cn/result.xml"] = html(
        "<datastore><record/></datastore>", **{"Content-Type": "text/xml"}
    )

    async def main() -> Fetched:
        async with fetcher(world, []) as f:
            return await f.fetch(Request(url, method="POST", data=(("startrecord", "1"), ("col", "1"))))

    page = asyncio.run(main())
    assert "<record/>" in page.html
    assert world.log[1][0] == "POST"
    assert world.bodies[1] == b"startrecord=1&col=1"
    assert world.headers[1]["content-type"] == "application/x-www-form-urlencoded"
    assert world.log[2][:2] == ("GET", "https://edu.sd.gov.cn/result.xml")


def test_meta_refresh_followed_relative_to_current_url(world: World) -> None:
    world.routes["https://paper.edu.cn/paper/paperindex.htm"] = html(
        '<html><head><meta http-equiv="refresh" content="0; url=html/2023-05/12/node_2.htm"></head></html>'
    )
    world.routes["https://paper.edu.cn/paper/html/2023-05/12/node_2.htm"] = html()
    page = get(world, "https://paper.edu.cn/paper/paperindex.htm")
    assert page.url == "https://paper.edu.cn/paper/html/2023-05/12/node_2.htm"
    assert "统战工作动态" in page.html


def test_script_redirect_followed(world: World) -> None:
    world.routes["https://a.edu.cn/index.htm"] = html("<script>location.href = './main.htm';</script>")
    world.routes["https://a.edu.cn/main.htm"] = html()
    assert get(world, "https://a.edu.cn/index.htm").url == "https://a.edu.cn/main.htm"


def test_normal_page_with_scripts_is_not_a_redirect(world: World) -> None:
    article = "<p>" + "学校召开民主党派负责人座谈会，通报学校工作情况并听取意见建议。" * 6 + "</p>"
    body = HTML.replace(
        "</body>", article + "<script>function home(){ window.location = '/index.htm'; }</script></body>"
    )
    world.routes["https://a.edu.cn/x.htm"] = html(body)
    page = get(world, "https://a.edu.cn/x.htm")
    assert page.url == "https://a.edu.cn/x.htm"
    assert "https://a.edu.cn/index.htm" not in world.urls()


def test_conditional_get_304(world: World) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304, headers={"ETag": '"v1"'})
        return httpx.Response(200, text=HTML, headers={"ETag": '"v1"'})

    world.routes["https://a.edu.cn/x.htm"] = handler

    async def main() -> tuple[Fetched, Fetched]:
        async with fetcher(world, []) as f:
            first = await f.fetch(Request("https://a.edu.cn/x.htm"))
            again = await f.fetch(Request("https://a.edu.cn/x.htm"), validators=Validators(etag=first.etag))
            return first, again

    first, again = asyncio.run(main())
    assert (first.status, first.etag) == (200, '"v1"')
    assert (again.status, again.html, again.bytes) == (304, "", 0)
    assert world.headers[-1]["if-none-match"] == '"v1"'


def test_non_html_content_type_refused(world: World) -> None:
    world.routes["https://a.edu.cn/f.pdf"] = lambda _: httpx.Response(
        200, content=b"%PDF-1.4", headers={"Content-Type": "application/pdf"}
    )
    records: list[FetchRecord] = []
    with pytest.raises(FetchError) as caught:
        get(world, "https://a.edu.cn/f.pdf", records)
    assert "application/pdf" in caught.value.message
    assert records[-1].error is not None and "application/pdf" in records[-1].error


def test_truncated_body_is_retried(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = sequence(
        streamed(200, b"<html>cut", **{"Content-Length": "500"}),
        httpx.Response(200, text=HTML),
    )
    records: list[FetchRecord] = []
    assert "统战" in get(world, "https://a.edu.cn/x.htm", records).html
    assert records[-2].error == "truncated body: got 9 of 500 bytes"
    assert records[-1].error is None


def test_content_length_over_cap_refused_before_reading(world: World) -> None:
    world.routes["https://a.edu.cn/big.htm"] = lambda _: httpx.Response(
        200, content=b"x" * 2000, headers={"Content-Type": "text/html"}
    )
    records: list[FetchRecord] = []
    with pytest.raises(ResponseTooLarge):
        get(world, "https://a.edu.cn/big.htm", records, max_bytes=1000)
    assert records[-1].bytes == 0
    assert world.urls().count("https://a.edu.cn/big.htm") == 1


def test_connect_error_retried_and_recorded(world: World) -> None:
    calls = {"n": 0}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls["n"] += 1
        if calls["n"] == 1:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, text=HTML)

    world.routes["https://a.edu.cn/x.htm"] = flaky
    records: list[FetchRecord] = []
    get(world, "https://a.edu.cn/x.htm", records, obey_robots=False)
    assert [(r.status, r.error) for r in records] == [(None, "ConnectError: connection refused"), (200, None)]
    assert all(r.source == "dept-news" and r.at.endswith("+00:00") for r in records)


def test_fetch_outside_context_is_an_error(world: World) -> None:
    f = fetcher(world, [])
    with pytest.raises(RuntimeError, match="async with"):
        asyncio.run(f.fetch(Request("https://a.edu.cn/x.htm")))


def test_retry_after_http_date(world: World) -> None:
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    world.routes["https://a.edu.cn/x.htm"] = sequence(
        httpx.Response(503, headers={"Retry-After": when}), httpx.Response(200, text=HTML)
    )
    get(world, "https://a.edu.cn/x.htm")
    assert len(world.time.sleeps) == 1
    assert 25.0 < world.time.sleeps[0] <= 30.0


@pytest.mark.parametrize(
    ("coding", "wbits"),
    [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS), ("deflate", -zlib.MAX_WBITS)],
)
def test_content_encodings_decoded_in_bounded_steps(world: World, coding: str, wbits: int) -> None:
    text = HTML.replace("正文内容。", "正文内容。" * 40000)  # ~600 KB decoded: many 64 KB steps
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    wire = compressor.compress(text.encode()) + compressor.flush()
    world.routes["https://a.edu.cn/x.htm"] = lambda _: streamed(200, wire, **{"Content-Encoding": coding})
    page = get(world, "https://a.edu.cn/x.htm")
    assert page.html == text
    assert page.bytes == len(text.encode())
    assert world.headers[-1]["accept-encoding"] == "gzip, deflate"


def test_unknown_content_encoding_refused(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = lambda _: streamed(200, b"???", **{"Content-Encoding": "br"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        get(world, "https://a.edu.cn/x.htm")


def test_soft_redirect_to_javascript_url_is_not_followed(world: World) -> None:
    world.routes["https://a.edu.cn/x.htm"] = html("<script>location.href='javascript:void(0)'</script>")
    assert get(world, "https://a.edu.cn/x.htm").url == "https://a.edu.cn/x.htm"
