"""The public API is exactly `__all__`, and every name in it is documented."""

from __future__ import annotations

import inspect
from datetime import date
from pathlib import Path
from types import ModuleType

import harvester

ROOT = Path(__file__).resolve().parent.parent


def test_all_lists_every_public_name_and_nothing_else() -> None:
    public = {
        name
        for name, value in vars(harvester).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }
    assert public == set(harvester.__all__) - {"__version__"}


def test_every_public_name_has_a_docstring() -> None:
    for name in harvester.__all__:
        value = getattr(harvester, name)
        if inspect.isclass(value) or inspect.isfunction(value):
            assert inspect.getdoc(value), f"harvester.{name} has no docstring"


def test_the_readme_example_runs_against_a_real_database(tmp_path: Path) -> None:
    config_file = tmp_path / "sources.yaml"
    config_file.write_text(
        "channels: [{id: department, label: 本部门网站}]\n"
        "sources: [{id: dept-news, channel: department, urls: ['http://127.0.0.1:9/list.htm']}]\n",
        encoding="utf-8",
    )
    config = harvester.load_config(config_file)
    result = harvester.count(config, date(2022, 9, 1), date(2023, 8, 31))
    assert [(c.id, c.count) for c in result.channels] == [("department", 0)]
    assert list(harvester.articles(config, channel="department")) == []
