"""`log_file:` gets one JSON object per line for every run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harvester.demo import build_world, serve_world


def test_a_run_writes_json_lines_to_the_configured_log_file(tmp_path: Path) -> None:
    with serve_world(build_world(scale=1), hostile=True) as served:
        config = served.write_config(tmp_path / "sources.yaml")
        config.write_text(config.read_text(encoding="utf-8") + "log_file: logs/run.jsonl\n", encoding="utf-8")
        argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), "run", "--source", "hostile"]
        result = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    entries = [json.loads(line) for line in (tmp_path / "logs" / "run.jsonl").read_text(encoding="utf-8").splitlines()]
    assert entries and all({"at", "level", "logger", "message"} <= set(e) for e in entries)
    assert any(e["level"] == "WARNING" and "/binary.htm" in e["message"] for e in entries)
