"""Hostile pages in a real run: bounded, recorded in `fetches`/`problems`, harmless to the rest."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
import yaml

from harvester.demo import build_world, serve_world
from harvester.normalize import canonical_url

MAX_PAGES = 30  # bound the endless pager quickly in the test


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlite3.Connection, set[tuple[str, str]], list[str]]:
    tmp = tmp_path_factory.mktemp("hostile")
    with serve_world(build_world(scale=1), hostile=True) as served:
        config = served.write_config(tmp / "sources.yaml")
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        next(s for s in data["sources"] if s["id"] == "hostile")["max_pages"] = MAX_PAGES
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        result = subprocess.run(
            [sys.executable, "-m", "harvester.cli", "--config", str(config), "run"],
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        truth = {(t.source, canonical_url(t.url)) for t in served.truth()}
        hostile_paths = [e.path for e in served.log if e.site == "hostile"]
    conn = sqlite3.connect(tmp / "harvest.db")
    conn.row_factory = sqlite3.Row
    return conn, truth, hostile_paths


def test_the_rest_of_the_world_is_harvested_in_full(
    hostile_run: tuple[sqlite3.Connection, set[tuple[str, str]], list[str]],
) -> None:
    conn, truth, _ = hostile_run
    stored = {
        (r["source"], r["url"]) for r in conn.execute("SELECT source, url FROM articles WHERE source != 'hostile'")
    }
    missing = truth - stored
    assert not missing


@pytest.mark.parametrize(
    ("path", "phrase"),
    [
        ("/big.htm", "max_bytes"),
        ("/bomb.htm", "max_bytes"),
        ("/loop/a.htm", "redirect"),
        ("/binary.htm", "not a text page"),
    ],
)
def test_each_trap_is_recorded_as_a_problem_and_its_requests_as_fetches(
    hostile_run: tuple[sqlite3.Connection, set[tuple[str, str]], list[str]], path: str, phrase: str
) -> None:
    conn, _, _ = hostile_run
    fetches = conn.execute("SELECT count(*) FROM fetches WHERE url LIKE ?", (f"%{path}",)).fetchone()[0]
    problems = [r["message"] for r in conn.execute("SELECT message FROM problems WHERE url LIKE ?", (f"%{path}",))]
    assert fetches >= 1
    assert len(problems) == 1 and phrase in problems[0], problems


def test_truncated_and_mislabelled_pages_do_not_break_the_run(
    hostile_run: tuple[sqlite3.Connection, set[tuple[str, str]], list[str]],
) -> None:
    conn, _, _ = hostile_run
    wrong = conn.execute("SELECT title, body FROM articles WHERE url LIKE '%/wrong-charset.htm'").fetchone()
    assert wrong is not None and "实为GBK编码" in wrong["body"]  # decoded right despite the header
    truncated = conn.execute("SELECT error FROM fetches WHERE url LIKE '%/truncated.htm'").fetchall()
    assert truncated and truncated[-1]["error"]


def test_cycling_and_endless_pagers_stop(
    hostile_run: tuple[sqlite3.Connection, set[tuple[str, str]], list[str]],
) -> None:
    conn, _, paths = hostile_run
    cycle_pages = [p for p in paths if p.startswith("/cycle/")]
    endless_pages = [p for p in paths if p.startswith("/endless/")]
    assert len(cycle_pages) == len(set(cycle_pages)) == 3
    assert len(endless_pages) == MAX_PAGES
    warning = conn.execute("SELECT message FROM problems WHERE source = 'hostile' AND kind = 'max-pages'").fetchone()
    assert warning is not None and f"max_pages={MAX_PAGES}" in warning["message"]
