"""The exception hierarchy of harvester.

Every error says what happened and what to do next, and carries the source id and the
URL (or the file and line) it concerns::

    HarvesterError
    ├── ConfigError          sources.yaml (or a file it names) is wrong: file, line, key
    ├── FetchError           a request failed for good: URL, status or reason
    │   ├── RobotsDisallowed     robots.txt forbids the URL
    │   └── ResponseTooLarge     the decoded body went over the byte cap
    ├── ExtractionError      a page could not be read as what it should be
    │   └── NotAnArticle         a login wall (系统提示), a soft 404, an empty page
    └── StorageError         the database cannot be opened, migrated or written
        └── DatabaseLocked       another run holds the database
"""

from __future__ import annotations

from pathlib import Path


class HarvesterError(Exception):
    """Base class of every error harvester raises on purpose."""

    def __init__(self, message: str, *, source: str | None = None, url: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source
        self.url = url

    def __str__(self) -> str:
        where = " ".join(part for part in (f"[{self.source}]" if self.source else "", self.url or "") if part)
        return f"{where}: {self.message}" if where else self.message


class ConfigError(HarvesterError):
    """A configuration file is wrong. ``str()`` gives ``file:line: key: problem``."""

    def __init__(self, message: str, *, path: Path | str, line: int | None = None, key: str | None = None) -> None:
        super().__init__(message)
        self.path = Path(path)
        self.line = line
        self.key = key

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class FetchError(HarvesterError):
    """A request failed after its retries; ``status`` is the last HTTP status, if any."""

    def __init__(self, message: str, *, url: str, source: str | None = None, status: int | None = None) -> None:
        super().__init__(message, source=source, url=url)
        self.status = status


class RobotsDisallowed(FetchError):
    """robots.txt forbids this URL for our user agent; it was not requested."""


class ResponseTooLarge(FetchError):
    """The (decoded) response body exceeded ``fetch.max_bytes``; the rest was not read."""


class ExtractionError(HarvesterError):
    """A page could not be read as a list or an article."""


class NotAnArticle(ExtractionError):
    """The page answered but is not the article: a login wall, a soft 404, an empty shell.

    ``reason`` is a short machine-readable word: ``login-wall``, ``soft-404``, ``empty``.
    """

    def __init__(self, message: str, *, reason: str, url: str | None = None, source: str | None = None) -> None:
        super().__init__(message, source=source, url=url)
        self.reason = reason


class StorageError(HarvesterError):
    """The database cannot be opened, migrated or written."""


class DatabaseLocked(StorageError):
    """Another harvester process holds the database's run lock."""
