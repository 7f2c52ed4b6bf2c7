"""Every command answers a broken sources.yaml the same way: one line naming file:line and key,
exit status 2, and no database created."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from harvester.cli import cli

ARGS = {
    "run": [],
    "schedule": [],
    "status": [],
    "check": ["s"],
    "count": ["--year", "2022"],
    "report": ["--year", "2022"],
    "ledger": ["list"],
    "dupes": ["--year", "2022"],
    "search": ["统战"],
    "serve": ["--port", "0"],
}


def test_every_command_is_covered() -> None:
    assert set(ARGS) == set(cli.commands)


@pytest.mark.parametrize("command", sorted(ARGS))
def test_a_broken_config_gives_one_line_and_exit_2(tmp_path: Path, command: str) -> None:
    config = tmp_path / "sources.yaml"
    config.write_text("channels: [{id: a, label: A}]\nsources: [{id: s, channel: b, urls: ['http://127.0.0.1:9/']}]\n")
    argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), command, *ARGS[command]]
    result = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    expected = f"harvester: {config}:2: sources[0].channel: unknown channel 'b' (known: a); "
    assert result.stderr.strip().splitlines() == [expected + "fix the id or add it under channels"]
    assert not (tmp_path / "harvest.db").exists()
