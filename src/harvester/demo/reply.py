"""What a demo site answers: a status, headers and a body (built, or streamed)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    """One HTTP answer of a simulated site.

    ``stream`` produces the body piece by piece (sent without Content-Length, then the
    connection is closed); ``declared_length`` overrides the Content-Length sent, to model
    truncated answers.
    """

    status: int
    body: bytes = b""
    content_type: str = HTML
    headers: tuple[tuple[str, str], ...] = ()
    stream: Callable[[], Iterator[bytes]] | None = None
    declared_length: int | None = None


def html(page: str, *, status: int = 200, content_type: str = HTML) -> Reply:
    """An HTML page encoded as UTF-8."""
    return Reply(status, page.encode("utf-8"), content_type)


def not_found() -> Reply:
    """A real 404."""
    return html("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", status=404)


def redirect(location: str, status: int = 302) -> Reply:
    """A redirect to ``location`` (absolute path or URL)."""
    return Reply(status, b"", HTML, (("Location", location),))


Renderer = Callable[[str, str], Reply]
"""A site: ``(path, query) -> Reply``."""
