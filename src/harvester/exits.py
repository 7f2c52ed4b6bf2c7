"""Exit statuses of the ``harvester`` command, and the wrapper that applies them.

0 done (even when some pages failed: they are recorded), 1 unexpected error, 2 bad input
(configuration, options), 3 unusable database, 75 another run holds the database.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from harvester.errors import ConfigError, DatabaseLocked, HarvesterError, StorageError

F = TypeVar("F", bound=Callable[..., Any])

EXIT_STATUS: tuple[tuple[type[HarvesterError], int], ...] = (
    (ConfigError, 2),
    (DatabaseLocked, 75),  # before StorageError, its base
    (StorageError, 3),
    (HarvesterError, 1),
)


def exit_status(error: HarvesterError) -> int:
    """The documented exit status for ``error``."""
    return next(status for kind, status in EXIT_STATUS if isinstance(error, kind))


def fail_cleanly(func: F) -> F:
    """Turn harvester errors into one clear line on stderr and the documented exit status."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except HarvesterError as exc:
            click.echo(f"harvester: {exc}", err=True)
            sys.exit(exit_status(exc))

    return wrapper  # type: ignore[return-value]
