"""One harvest at a time per database, across processes (cron, `schedule`, a manual `run`).

An advisory ``flock`` on ``<database>.lock``: the kernel releases it when the holder dies,
even by SIGKILL, so a crash never leaves a stale lock behind. APScheduler's
``max_instances`` works only inside one process; this works between processes.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from harvester.errors import DatabaseLocked

POLL_SECONDS = 0.2


class RunLock:
    """Hold the run lock of ``database`` for the duration of a ``with`` block.

    ``wait`` is how long to wait for another run to finish before giving up with
    :class:`DatabaseLocked` (0: do not wait).
    """

    def __init__(
        self,
        database: Path,
        *,
        wait: float = 0.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.database = database
        self.path = database.with_name(database.name + ".lock")
        self.wait = wait
        self._clock = clock
        self._sleep = sleep
        self._fd: int | None = None

    def __enter__(self) -> RunLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = self._clock() + self.wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if self._clock() >= deadline:
                    holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
                    os.close(fd)
                    raise DatabaseLocked(
                        f"another harvester run (pid {holder}) is using {self.database}; "
                        f"waited {self.wait:g} s. Let it finish, or pass --wait SECONDS to wait longer"
                    ) from None
                self._sleep(POLL_SECONDS)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
