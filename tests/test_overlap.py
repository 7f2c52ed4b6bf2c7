"""Two overlapping runs on one database (an overlapping cron): they never interleave."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from harvester.demo import Faults, build_world, serve_world


def start(config: Path, *args: str) -> subprocess.Popen[str]:
    argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), "run", *args]
    return subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_a_second_run_exits_75_or_waits_for_the_first(tmp_path: Path) -> None:
    slow = Faults(slow_rate=0.6, slow_seconds=0.25, seed=5)  # a first run that takes several seconds
    with serve_world(build_world(scale=1), faults=slow) as served:
        config = served.write_config(tmp_path / "sources.yaml")
        first = start(config)
        deadline = time.monotonic() + 30
        while not (tmp_path / "harvest.db.lock").exists() or (tmp_path / "harvest.db.lock").stat().st_size == 0:
            assert time.monotonic() < deadline and first.poll() is None
            time.sleep(0.02)
        refused = start(config)
        _, refused_err = refused.communicate(timeout=60)
        waiting = start(config, "--wait", "120")
        _, first_err = first.communicate(timeout=120)
        _, waiting_err = waiting.communicate(timeout=120)
    assert refused.returncode == 75
    assert f"another harvester run (pid {first.pid}) is using" in refused_err and "--wait" in refused_err
    assert first.returncode == 0, first_err
    assert waiting.returncode == 0, waiting_err
    with sqlite3.connect(tmp_path / "harvest.db") as conn:
        runs = conn.execute("SELECT started_at, finished_at, status FROM runs ORDER BY id").fetchall()
    assert [r[2] for r in runs] == ["ok", "ok"]  # the refused run never started one
    assert runs[0][1] <= runs[1][0], "the waiting run started only after the first had finished"
