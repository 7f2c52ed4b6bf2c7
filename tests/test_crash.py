"""Crash safety: a harvest killed with SIGKILL at random moments, then finished, equals a clean run."""

from __future__ import annotations

import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from harvester.demo import Faults, build_world, serve_world

KILLS = 6


def start(config: Path) -> subprocess.Popen[bytes]:
    argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), "run"]
    return subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_after(process: subprocess.Popen[bytes], db: Path, rows: int) -> bool:
    """SIGKILL the process once the database holds ``rows`` articles; False if it ended first."""
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline:
        if db.exists() and len(articles(db)) >= rows:
            process.kill()
            process.wait(timeout=30)
            return True
        time.sleep(0.01)
    process.wait(timeout=30)
    return False


def articles(db: Path) -> set[tuple[str, ...]]:
    """The stored articles; none when a kill landed before the schema was created (that is consistent too)."""
    with sqlite3.connect(db) as conn:
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'articles'").fetchone() is None:
            return set()
        rows = conn.execute("SELECT source, url, title, published_at, body, kind, attachments FROM articles")
        return {tuple(str(v) for v in row) for row in rows}


def test_killed_runs_then_a_finished_one_equal_an_uninterrupted_run(tmp_path: Path) -> None:
    rng = random.Random(20230901)
    # slow answers stretch the run so that every kill lands in the middle of it
    faults = Faults(slow_rate=0.15, slow_seconds=0.05, seed=3)
    with serve_world(build_world(scale=1), faults=faults) as served:
        clean_dir, crash_dir = tmp_path / "clean", tmp_path / "crash"
        clean_dir.mkdir()
        crash_dir.mkdir()
        clean = start(served.write_config(clean_dir / "sources.yaml"))
        assert clean.wait(timeout=120) == 0
        crashed_config = served.write_config(crash_dir / "sources.yaml")
        landed, sizes = 0, [0]
        for _ in range(KILLS):
            process = start(crashed_config)
            # kill once a random number of further articles is written: the moment falls anywhere in a write
            landed += kill_after(process, crash_dir / "harvest.db", sizes[-1] + rng.randint(3, 30))
            sizes.append(len(articles(crash_dir / "harvest.db")))
        finisher = start(crashed_config)
        assert finisher.wait(timeout=120) == 0

    assert landed >= 5, f"only {landed} kills landed during a run"
    assert sizes == sorted(sizes), "a killed run lost rows that an earlier one had written"
    assert 0 < sizes[-1] < len(articles(clean_dir / "harvest.db")), (
        "the kills did not land in the middle of the harvest"
    )
    assert articles(crash_dir / "harvest.db") == articles(clean_dir / "harvest.db")  # same world, same ports
    with sqlite3.connect(crash_dir / "harvest.db") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        statuses = {row[0] for row in conn.execute("SELECT status FROM runs")}
        duplicates = conn.execute(
            "SELECT count(*) FROM (SELECT 1 FROM articles GROUP BY source, url HAVING count(*) > 1)"
        )
        assert duplicates.fetchone() == (0,)
    assert "interrupted" in statuses and statuses <= {"interrupted", "ok", "partial"}
