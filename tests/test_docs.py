"""Every user-facing command is documented in the README with an example."""

from __future__ import annotations

from pathlib import Path

from harvester.cli import cli

ROOT = Path(__file__).resolve().parent.parent


def test_every_command_is_in_the_readme_with_an_example() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in cli.commands:
        assert f"`harvester {name}`" in readme, f"README lacks a row for `harvester {name}`"
        assert f"harvester {name} " in readme.split("## Commands", 1)[1], f"README lacks an example of {name}"


def test_every_command_help_has_examples() -> None:
    for name, command in cli.commands.items():
        assert "Examples:" in (command.help or ""), f"`harvester {name} --help` shows no example"


def test_readme_names_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "scripts/demo" in readme and "scripts/test" in readme
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")
