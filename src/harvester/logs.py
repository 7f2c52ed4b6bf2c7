"""Logging for the command line: JSON lines to a file when `log_file:` is configured.

The library only logs (``logging.getLogger(__name__)``); handlers are the application's
business, so only the CLI calls :func:`log_to_file`.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from pathlib import Path

# what a LogRecord carries on its own; anything else was passed with extra= and is logged too
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    """One JSON object per line: at, level, logger, message, and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **{k: v for k, v in vars(record).items() if k not in _STANDARD},
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def log_to_file(path: Path, level: int = logging.INFO) -> logging.Handler:
    """Send harvester's log records to ``path`` as JSON lines (appending); return the handler."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(JsonLines())
    handler.setLevel(level)
    logger = logging.getLogger("harvester")
    logger.addHandler(handler)
    logger.setLevel(min(logger.level or logging.WARNING, level))
    return handler
