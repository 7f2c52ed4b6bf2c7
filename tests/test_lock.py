"""The run lock: one harvest per database across processes; freed even when the holder is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from harvester.errors import DatabaseLocked
from harvester.lock import RunLock


def test_a_second_holder_is_refused_with_the_pid(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with RunLock(db), pytest.raises(DatabaseLocked, match=rf"pid {os.getpid()}.*--wait"):
        RunLock(db).__enter__()


def test_waiting_is_bounded_and_uses_the_injected_clock(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    now = [0.0]
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += seconds

    with RunLock(db), pytest.raises(DatabaseLocked, match="waited 1 s"):
        RunLock(db, wait=1.0, clock=lambda: now[0], sleep=sleep).__enter__()
    assert 4 <= len(sleeps) <= 6


def test_the_lock_is_free_again_after_release(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    with RunLock(db):
        pass
    with RunLock(db) as lock:
        assert lock.path.read_text() == str(os.getpid())


def test_a_killed_holder_leaves_no_stale_lock(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    code = (
        "import pathlib, time\n"
        "from harvester.lock import RunLock\n"
        f"with RunLock(pathlib.Path({str(db)!r})):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(60)\n"
    )
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "held"
        with pytest.raises(DatabaseLocked):
            RunLock(db).__enter__()
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    deadline = time.monotonic() + 5
    with RunLock(db, wait=5, clock=time.monotonic):
        assert time.monotonic() < deadline
