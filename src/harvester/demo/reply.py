"""What a demo site answers: a status, headers and a body (built, or streamed).

HTML answers carry validators (:func:`with_validators`): a strong ``ETag`` hashed from the body
and a ``Last-Modified`` from the page's ``modified`` time, so conditional requests can be
answered ``304 Not Modified`` (:func:`not_modified`, :func:`unchanged`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

HTML = "text/html; charset=utf-8"
LOCAL_OFFSET = timedelta(hours=8)  # the world's naive times are Asia/Shanghai


@dataclass(frozen=True)
class Reply:
    """One HTTP answer of a simulated site.

    ``stream`` produces the body piece by piece (sent without Content-Length, then the
    connection is closed); ``declared_length`` overrides the Content-Length sent, to model
    truncated answers. ``modified`` (naive local time) becomes the ``Last-Modified`` header;
    when a site leaves it unset, the server supplies a safe fallback.
    """

    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    stream: Callable[[], Iterator[bytes]] | None = None
    declared_length: int | None = None
    modified: datetime | None = None


def html(page: str, *, status: int = 200, content_type: str = HTML, modified: datetime | None = None) -> Reply:
    """An HTML page encoded as UTF-8, last changed at ``modified`` (naive local time)."""
    return Reply(status, page.encode("utf-8"), content_type, modified=modified)


def not_found() -> Reply:
    """A real 404."""
    return html("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", status=404)


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location`` (absolute path or URL)."""
    return Reply(status, b"", HTML, (("Location", location),))


def validated(reply: Reply) -> bool:
    """Whether ``reply`` gets validators: a complete 200 HTML answer (not streamed)."""
    return reply.status == 200 and reply.stream is None and reply.content_type.startswith("text/html")


def etag(body: bytes) -> str:
    """A strong entity tag for ``body``."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def http_date(moment: datetime) -> str:
    """``moment`` (naive local time) as an HTTP-date."""
    return format_datetime((moment - LOCAL_OFFSET).replace(tzinfo=UTC), usegmt=True)


def with_validators(reply: Reply, fallback: datetime) -> Reply:
    """``reply`` with ``ETag`` and ``Last-Modified`` headers (``fallback`` when it has no ``modified``)."""
    modified = reply.modified or fallback
    headers = (*reply.headers, ("ETag", etag(reply.body)), ("Last-Modified", http_date(modified)))
    return replace(reply, headers=headers, modified=modified)


def not_modified(reply: Reply, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """Whether a GET with these request headers may be answered 304 for ``reply`` (with validators).

    ``If-None-Match`` decides when present (weak comparison, ``*`` matches); otherwise an
    ``If-Modified-Since`` not older than Last-Modified does. Unparsable dates are ignored.
    """
    found = dict(reply.headers)
    if "ETag" not in found or reply.modified is None:
        return False
    if if_none_match is not None:
        tags = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return "*" in tags or found["ETag"] in tags
    if if_modified_since is None:
        return False
    try:
        since = parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False
    if since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    return since >= (reply.modified - LOCAL_OFFSET).replace(tzinfo=UTC, microsecond=0)


def unchanged(reply: Reply) -> Reply:
    """The ``304 Not Modified`` answer standing for ``reply`` (validators kept, no body)."""
    kept = tuple((name, value) for name, value in reply.headers if name in ("ETag", "Last-Modified"))
    return Reply(304, b"", reply.content_type, kept, modified=reply.modified)


Renderer = Callable[[str, str], Reply]
"""A site: ``(path, query) -> Reply``."""
