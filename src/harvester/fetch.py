"""The HTTP client of harvester: politeness, robots.txt, retries, size caps, redirects, decoding.

httpx stays behind this module; the rest of harvester sees :class:`Fetcher`, :class:`Fetched`,
:class:`FetchRecord`, :class:`Validators` and the :mod:`harvester.errors` fetch errors::

    fetch(request)
      for each hop (HTTP 3xx, meta refresh, script redirect; at most max_redirects):
        robots.txt verdict (loaded once per origin)        -> RobotsDisallowed
        attempts (tenacity; 1 + retries)                    -> FetchError "gave up after ..."
          host gate: per_host slots, max(delay, Crawl-delay) between starts
          stream the body, decode gzip/deflate ourselves in bounded steps -> ResponseTooLarge
          bytes -> text (harvester.decode)                 -> FetchError "not a text page"
        on_record(FetchRecord) after every attempt

Content-Encoding is decoded here, not by httpx: httpx inflates each network chunk in one
``zlib`` call without an output limit, so a 64 KB chunk of a gzip bomb becomes ~64 MB at once;
:class:`harvester.decode.Inflater` inflates in 64 KB steps instead.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from urllib.parse import urlencode, urljoin

import httpx
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt
from tenacity import wait_exponential_jitter as _wait_exponential_jitter

from harvester.config import FetchSettings
from harvester.decode import ACCEPT_ENCODING, CHUNK_BYTES, Inflater, decode_body, find_soft_redirect, sniff_binary
from harvester.errors import FetchError, ResponseTooLarge, RobotsDisallowed
from harvester.extract.model import Request
from harvester.robots import RobotsRules, origin_of, robots_url

__all__ = ["FetchRecord", "Fetched", "Fetcher", "Validators"]

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 §2.3.1.2
TOTAL_TIMEOUT_FACTOR = 3.0  # one attempt may take at most this many times fetch.timeout in all
BACKOFF_INITIAL = 1.0  # seconds; doubled per retry, plus up to BACKOFF_JITTER
BACKOFF_MAX = 60.0
BACKOFF_JITTER = 1.0
ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"
_TEXT_TYPES = frozenset({"application/xhtml+xml", "application/xml", "application/json", "application/javascript"})


@dataclass(frozen=True)
class FetchRecord:
    """One HTTP attempt (robots.txt and redirect hops included), for logs and the database."""

    url: str
    method: str
    status: int | None  # None when no HTTP answer arrived
    bytes: int  # decoded body bytes read
    elapsed_ms: float
    error: str | None  # None when the attempt succeeded
    attempt: int  # 1 for the first try of this URL, 2 for the first retry, ...
    source: str | None
    at: str  # UTC ISO 8601, when the record was made


@dataclass(frozen=True)
class Validators:
    """ETag / Last-Modified of a stored copy, for a conditional GET (answer: 304 Not Modified)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """A fetched page. ``status`` is 2xx, or 304 with ``html == ""``."""

    url: str  # final URL after redirects (HTTP, meta refresh, script)
    status: int
    html: str  # decoded text
    encoding: str  # the codec used ("" for 304)
    etag: str | None
    last_modified: str | None
    bytes: int  # decoded body bytes


class _Transient(Exception):
    """An attempt failed in a way worth retrying (network, timeout, truncation, 429, 5xx)."""

    def __init__(self, reason: str, *, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


@dataclass
class _Progress:
    """What one attempt got before it ended, for its FetchRecord."""

    status: int | None = None
    bytes: int = 0


@dataclass(frozen=True)
class _Answer:
    """The outcome of one successful attempt: a page, a 304, or a redirect."""

    url: str
    status: int
    location: str | None = None
    page: Fetched | None = None


@dataclass
class _HostGate:
    """Politeness for one origin: ``per_host`` concurrent requests, spaced starts."""

    slots: asyncio.Semaphore
    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    last_start: float | None = None

    @contextlib.asynccontextmanager
    async def slot(
        self, delay: float, clock: Callable[[], float], sleep: Callable[[float], Awaitable[None]]
    ) -> AsyncIterator[None]:
        """Hold one of the host's slots, starting at least ``delay`` s after the previous start."""
        async with self.slots:
            async with self.turn:
                now = clock()
                if self.last_start is not None and self.last_start + delay > now:
                    await sleep(self.last_start + delay - now)
                    now = max(clock(), self.last_start + delay)
                self.last_start = now
            yield


class Fetcher:
    """An async HTTP client for many hosts at once. Use as ``async with Fetcher(settings) as f:``.

    ``on_record`` receives a :class:`FetchRecord` after every attempt. ``transport`` replaces
    the network (tests pass ``httpx.MockTransport``); ``sleep`` and ``clock`` replace the timers.
    """

    def __init__(
        self,
        settings: FetchSettings,
        *,
        on_record: Callable[[FetchRecord], None] | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._on_record = on_record
        self._transport = transport
        self._sleep = sleep
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotsRules] = {}
        self._robots_loading: dict[str, asyncio.Task[RobotsRules]] = {}
        self._backoff = _wait_exponential_jitter(initial=BACKOFF_INITIAL, max=BACKOFF_MAX, jitter=BACKOFF_JITTER)

    async def __aenter__(self) -> Fetcher:
        self._client = httpx.AsyncClient(
            transport=self._transport,
            follow_redirects=False,
            timeout=httpx.Timeout(self._settings.timeout),
            headers={
                "User-Agent": self._settings.user_agent,
                "Accept": ACCEPT,
                "Accept-Encoding": ACCEPT_ENCODING,
            },
        )
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        pending = [task for task in self._robots_loading.values() if not task.done()]
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)  # let the cancellations finish
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def fetch(
        self, request: Request, *, source: str | None = None, validators: Validators | None = None
    ) -> Fetched:
        """Fetch ``request`` politely and return the decoded page (or a 304).

        Raises RobotsDisallowed, ResponseTooLarge or FetchError (with url, source, status).
        """
        return await self._follow(
            request, source, validators, max_hops=self._settings.max_redirects, robots=True, soft=True
        )

    def allowed(self, url: str) -> bool | None:
        """The robots.txt verdict for ``url`` if its host's robots.txt is loaded, else None."""
        if not self._settings.obey_robots:
            return True
        rules = self._robots.get(origin_of(url))
        return None if rules is None else rules.allows(url, self._settings.user_agent)

    async def can_fetch(self, url: str, *, source: str | None = None) -> bool:
        """The robots.txt verdict for ``url``, loading its host's robots.txt first if needed."""
        if not self._settings.obey_robots:
            return True
        rules = await self._robots_for(url, source)
        return rules.allows(url, self._settings.user_agent)

    # -- redirects -------------------------------------------------------------------------

    async def _follow(
        self,
        request: Request,
        source: str | None,
        validators: Validators | None,
        *,
        max_hops: int,
        robots: bool,
        soft: bool,
    ) -> Fetched:
        chain = [request]
        current = request
        while True:
            if robots:
                await self._check_robots(current.url, source)
            answer = await self._with_retries(current, source, validators)
            if answer.page is not None:
                target = find_soft_redirect(answer.page.html) if soft else None
                target_url = urljoin(answer.url, target) if target is not None else answer.url
                if target_url == answer.url or not target_url.startswith(("http://", "https://")):
                    return answer.page
                following = Request(target_url)
            else:
                following = _redirected(current, answer)
            chain.append(following)
            _check_chain(chain, max_hops, source)
            current = following

    async def _check_robots(self, url: str, source: str | None) -> None:
        if not self._settings.obey_robots:
            return
        rules = await self._robots_for(url, source)
        if not rules.allows(url, self._settings.user_agent):
            raise RobotsDisallowed(
                f"robots.txt forbids this URL for our user agent ({rules.reason}); "
                "not fetched - remove it from sources.yaml or ask the site",
                url=url,
                source=source,
            )

    # -- robots.txt ------------------------------------------------------------------------

    async def _robots_for(self, url: str, source: str | None) -> RobotsRules:
        origin = origin_of(url)
        rules = self._robots.get(origin)
        if rules is not None:
            return rules
        task = self._robots_loading.get(origin)
        if task is None:
            task = asyncio.ensure_future(self._load_robots(robots_url(url), source))
            self._robots_loading[origin] = task
        rules = await asyncio.shield(task)
        self._robots[origin] = rules
        return rules

    async def _load_robots(self, url: str, source: str | None) -> RobotsRules:
        try:
            page = await self._follow(
                Request(url), source, None, max_hops=ROBOTS_MAX_REDIRECTS, robots=False, soft=False
            )
        except FetchError as exc:
            rules = _robots_after_failure(exc)
            logger.log(logging.INFO if rules.allow_all else logging.WARNING, "%s: %s", url, rules.reason)
            return rules
        return RobotsRules.parse(page.html)

    def _gate(self, url: str) -> _HostGate:
        origin = origin_of(url)
        gate = self._gates.get(origin)
        if gate is None:
            gate = self._gates[origin] = _HostGate(asyncio.Semaphore(self._settings.per_host))
        return gate

    def _delay_for(self, url: str) -> float:
        rules = self._robots.get(origin_of(url))
        crawl_delay = rules.crawl_delay(self._settings.user_agent) if rules is not None else 0.0
        return max(self._settings.delay, crawl_delay)

    # -- attempts --------------------------------------------------------------------------

    async def _with_retries(self, request: Request, source: str | None, validators: Validators | None) -> _Answer:
        attempts = self._settings.retries + 1
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            wait=self._wait,
            retry=retry_if_exception_type(_Transient),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._attempt(request, attempt.retry_state.attempt_number, source, validators)
        except _Transient as exc:
            raise FetchError(
                f"gave up after {attempts} attempts: {exc.reason}; "
                "the site may be down or overloaded, the next run will try again",
                url=request.url,
                source=source,
                status=exc.status,
            ) from exc
        raise AssertionError("tenacity ended without a result")  # pragma: no cover

    def _wait(self, state: RetryCallState) -> float:
        failure = state.outcome.exception() if state.outcome is not None else None
        if isinstance(failure, _Transient) and failure.retry_after is not None:
            return failure.retry_after
        return float(self._backoff(state))

    async def _attempt(
        self, request: Request, number: int, source: str | None, validators: Validators | None
    ) -> _Answer:
        gate = self._gate(request.url)
        async with gate.slot(self._delay_for(request.url), self._clock, self._sleep):
            started = self._clock()
            progress = _Progress()
            try:
                answer = await self._timed_exchange(request, validators, progress, source)
            except (_Transient, FetchError) as exc:
                reason = exc.reason if isinstance(exc, _Transient) else exc.message
                self._record(request, number, source, started, progress, reason)
                raise
            self._record(request, number, source, started, progress, None)
            return answer

    async def _timed_exchange(
        self, request: Request, validators: Validators | None, progress: _Progress, source: str | None
    ) -> _Answer:
        limit = self._settings.timeout * TOTAL_TIMEOUT_FACTOR
        try:
            async with asyncio.timeout(limit):
                return await self._exchange(request, validators, progress, source)
        except TimeoutError as exc:
            raise _Transient(f"no complete answer within {limit:g} s", status=progress.status) from exc
        except httpx.TimeoutException as exc:
            raise _Transient(
                f"timed out ({type(exc).__name__}, limit {self._settings.timeout:g} s)",
                status=progress.status,
            ) from exc
        except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
            raise _Transient(f"{type(exc).__name__}: {exc or 'connection lost'}", status=progress.status) from exc
        except (httpx.TransportError, httpx.InvalidURL) as exc:
            raise FetchError(
                f"cannot request this URL ({type(exc).__name__}: {exc}); check it in sources.yaml",
                url=request.url,
                source=source,
            ) from exc

    async def _exchange(
        self, request: Request, validators: Validators | None, progress: _Progress, source: str | None
    ) -> _Answer:
        client = self._require_client()
        headers = _conditional_headers(validators)
        content: bytes | None = None
        if request.method.upper() == "POST":
            content = urlencode(request.data).encode("utf-8")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        async with client.stream(request.method.upper(), request.url, content=content, headers=headers) as response:
            progress.status = status = response.status_code
            url = str(response.url)
            if status in REDIRECT_STATUSES:
                return _Answer(url, status, location=response.headers.get("location", ""))
            if status == 304:
                return _Answer(url, status, page=_fetched(url, status, "", "", response.headers, 0))
            _check_status(response, self._settings.max_retry_after, source)
            _check_content_type(response, source)
            body = await self._read_body(response, progress, source)
            page = self._decode(response, body, source)
            return _Answer(url, status, page=page)

    async def _read_body(self, response: httpx.Response, progress: _Progress, source: str | None) -> bytes:
        url = str(response.url)
        cap = self._settings.max_bytes
        declared = _content_length(response)
        if declared is not None and declared > cap:
            raise ResponseTooLarge(
                f"Content-Length {declared} is over fetch.max_bytes ({cap}); "
                "not read - raise the cap if the page is genuine",
                url=url,
                source=source,
                status=response.status_code,
            )
        if response.is_stream_consumed:  # a transport handed over a preloaded (already decoded) body
            progress.bytes = len(response.content)
            _check_cap(progress.bytes, cap, response, source)
            return response.content
        try:
            inflater = Inflater.for_header(response.headers.get("content-encoding"))
        except ValueError as exc:
            raise FetchError(f"{exc}; report the site", url=url, source=source) from exc
        pieces: list[bytes] = []
        try:
            async for raw in response.aiter_raw(CHUNK_BYTES):
                for piece in inflater.feed(raw):
                    progress.bytes += len(piece)
                    _check_cap(progress.bytes, cap, response, source)
                    pieces.append(piece)
        except zlib.error as exc:
            raise FetchError(f"corrupt {inflater.coding} body ({exc})", url=url, source=source) from exc
        received = response.num_bytes_downloaded
        if (declared is not None and received < declared) or not inflater.complete:
            expected = f"of {declared} " if declared is not None else ""
            raise _Transient(f"truncated body: got {received} {expected}bytes", status=response.status_code)
        return b"".join(pieces)

    def _decode(self, response: httpx.Response, body: bytes, source: str | None) -> Fetched:
        content_type = response.headers.get("content-type")
        url = str(response.url)
        what = sniff_binary(body)
        if what is not None:
            raise FetchError(
                f"not a text page: the body is {what} although the server says {content_type or 'nothing'}; "
                "link it as an attachment instead",
                url=url,
                source=source,
                status=response.status_code,
            )
        html, codec = decode_body(body, content_type)
        return _fetched(url, response.status_code, html, codec, response.headers, len(body))

    def _record(
        self,
        request: Request,
        number: int,
        source: str | None,
        started: float,
        progress: _Progress,
        error: str | None,
    ) -> None:
        elapsed_ms = round((self._clock() - started) * 1000.0, 3)
        logger.debug("%s %s -> %s (%s)", request.method, request.url, progress.status, error or "ok")
        if self._on_record is None:
            return
        self._on_record(
            FetchRecord(
                url=request.url,
                method=request.method.upper(),
                status=progress.status,
                bytes=progress.bytes,
                elapsed_ms=elapsed_ms,
                error=error,
                attempt=number,
                source=source,
                at=datetime.now(UTC).isoformat(timespec="milliseconds"),
            )
        )

    def _require_client(self) -> httpx.AsyncClient:
        if self._client is None:
            raise RuntimeError("use the Fetcher inside 'async with Fetcher(settings) as fetcher:'")
        return self._client


# -- helpers ----------------------------------------------------------------------------------


def _fetched(url: str, status: int, html: str, codec: str, headers: httpx.Headers, size: int) -> Fetched:
    return Fetched(
        url=url,
        status=status,
        html=html,
        encoding=codec,
        etag=headers.get("etag"),
        last_modified=headers.get("last-modified"),
        bytes=size,
    )


def _conditional_headers(validators: Validators | None) -> dict[str, str]:
    headers: dict[str, str] = {}
    if validators is not None and validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators is not None and validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


def _redirected(current: Request, answer: _Answer) -> Request:
    if not answer.location:
        raise FetchError(f"HTTP {answer.status} redirect without a Location header", url=answer.url)
    target = urljoin(answer.url, answer.location)
    if answer.status == 303 or (answer.status in {301, 302} and current.method.upper() == "POST"):
        return Request(target)
    return Request(target, method=current.method, data=current.data)


def _check_chain(chain: list[Request], max_hops: int, source: str | None) -> None:
    last = chain[-1]
    path = " -> ".join(r.url for r in chain)
    if any(r.key == last.key for r in chain[:-1]):
        raise FetchError(f"redirect loop: {path}; the site is misconfigured", url=chain[0].url, source=source)
    if len(chain) - 1 > max_hops:
        raise FetchError(
            f"more than {max_hops} redirects: {path}; use the final URL in sources.yaml",
            url=chain[0].url,
            source=source,
        )


def _check_status(response: httpx.Response, max_retry_after: float, source: str | None) -> None:
    status = response.status_code
    url = str(response.url)
    if status == 429 or status >= 500:
        wait = _retry_after(response.headers.get("retry-after"))
        if wait is not None and wait > max_retry_after:
            raise FetchError(
                f"HTTP {status} asks us to come back in {wait:.0f} s, more than fetch.max_retry_after "
                f"({max_retry_after:g} s); not waiting - the next run will try again",
                url=url,
                source=source,
                status=status,
            )
        raise _Transient(f"HTTP {status}", status=status, retry_after=wait)
    if not 200 <= status < 300:
        raise FetchError(_status_advice(status), url=url, source=source, status=status)


def _status_advice(status: int) -> str:
    if status in {404, 410}:
        return f"HTTP {status}: the page is gone or the URL is wrong; check the URL in sources.yaml"
    if status in {401, 403}:
        return f"HTTP {status}: the site refuses us (login wall or blocked agent); check the URL in a browser"
    if 400 <= status < 500:
        return f"HTTP {status}: the site rejected the request; check the URL and the form data"
    return f"HTTP {status}: unexpected answer; report the site if it persists"


def _check_content_type(response: httpx.Response, source: str | None) -> None:
    header = response.headers.get("content-type", "")
    mime = header.split(";", 1)[0].strip().lower()
    if not mime or mime.startswith("text/") or mime in _TEXT_TYPES or mime.endswith(("+xml", "+json")):
        return
    raise FetchError(
        f"not a web page: the server sends {mime}; harvester reads only HTML/XML text "
        "(files are kept as attachments, not fetched)",
        url=str(response.url),
        source=source,
        status=response.status_code,
    )


def _check_cap(size: int, cap: int, response: httpx.Response, source: str | None) -> None:
    if size > cap:
        raise ResponseTooLarge(
            f"body is over fetch.max_bytes ({cap} decoded bytes); stopped reading - "
            "raise the cap if this page is genuine",
            url=str(response.url),
            source=source,
            status=response.status_code,
        )


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length", "")
    return int(value) if value.strip().isdigit() else None


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), None if absent or bad."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _robots_after_failure(exc: FetchError) -> RobotsRules:
    status = exc.status
    if status is not None and (200 <= status < 300 or (400 <= status < 500 and status != 429)):
        return RobotsRules.allow_everything(f"robots.txt answered HTTP {status} ({exc.message}): no rules apply")
    return RobotsRules.deny_everything(
        f"robots.txt could not be read ({exc.message}); RFC 9309: assume complete disallow until it can"
    )
