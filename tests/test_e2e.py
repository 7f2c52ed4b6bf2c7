"""End to end: the real CLI, as a subprocess, against the demo world on real loopback servers."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import NamedTuple

import pytest

from harvester.demo import Faults, Served, TruthArticle, build_world, serve_world
from harvester.normalize import canonical_url

WINDOW = ("2022-09-01", "2023-08-31")


def harvester(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )


def stored(db: Path) -> dict[tuple[str, str], sqlite3.Row]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    return {(r["source"], r["url"]): r for r in conn.execute("SELECT * FROM articles")}


class WorldRun(NamedTuple):
    served: Served
    dir: Path
    first: subprocess.CompletedProcess[str]
    second: subprocess.CompletedProcess[str]
    rows_after_first: int


@pytest.fixture(scope="module")
def world_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WorldRun]:
    """Two runs of the CLI over the demo world at scale 1."""
    tmp = tmp_path_factory.mktemp("e2e")
    with serve_world(build_world(scale=1, seed=0)) as served:
        config = served.write_config(tmp / "sources.yaml")
        first = harvester(config, "run")
        rows_after_first = len(stored(tmp / "harvest.db"))
        second = harvester(config, "run")
        yield WorldRun(served, tmp, first, second, rows_after_first)


def test_runs_succeed_silently_off_a_terminal(
    world_run: WorldRun,
) -> None:
    assert world_run.first.returncode == 0, world_run.first.stderr
    assert world_run.second.returncode == 0, world_run.second.stderr
    assert world_run.first.stdout == world_run.first.stderr == ""


def test_every_ground_truth_article_is_stored_exactly(
    world_run: WorldRun,
) -> None:
    served, tmp = world_run.served, world_run.dir
    rows = stored(tmp / "harvest.db")
    missing, wrong = [], []
    for truth in served.truth():
        row = rows.get(key(truth))
        if row is None:
            missing.append(truth.url)
            continue
        if (row["title"], row["published_at"]) != (truth.title, truth.published):
            wrong.append((truth.url, (row["title"], row["published_at"]), (truth.title, truth.published)))
        if truth.kind == "page":
            assert truth.body_snippet in row["body"], (truth.url, truth.body_snippet, row["body"][:200])
    assert not missing, f"{len(missing)} truth articles missing, e.g. {missing[:5]}"
    assert not wrong, f"{len(wrong)} with wrong title/date, e.g. {wrong[:3]}"


def test_nothing_is_stored_that_is_not_in_the_truth(
    world_run: WorldRun,
) -> None:
    served, tmp = world_run.served, world_run.dir
    expected = {key(t) for t in served.truth()}
    extra = set(stored(tmp / "harvest.db")) - expected
    assert not extra, f"unexpected rows, e.g. {sorted(extra)[:5]}"


def test_a_second_run_adds_no_rows(world_run: WorldRun) -> None:
    expected = len({key(t) for t in world_run.served.truth()})
    assert world_run.rows_after_first == len(stored(world_run.dir / "harvest.db")) == expected


def test_no_request_to_robots_disallowed_paths(
    world_run: WorldRun,
) -> None:
    served = world_run.served
    disallowed = served.disallowed_paths()
    assert disallowed, "the demo world must disallow something"
    hits = [e for e in served.log if any(e.path.startswith(p) for p in disallowed)]
    assert hits == []


def test_count_json_matches_the_ground_truth(
    world_run: WorldRun,
) -> None:
    served, tmp = world_run.served, world_run.dir
    result = harvester(tmp / "sources.yaml", "count", "--from", WINDOW[0], "--to", WINDOW[1], "--format", "json")
    assert result.returncode == 0, result.stderr
    counts = {c["id"]: c["count"] for c in json.loads(result.stdout)["channels"]}
    expected = served.expected_counts(date.fromisoformat(WINDOW[0]), date.fromisoformat(WINDOW[1]))
    assert counts == {channel: expected.get(channel, 0) for channel in counts}
    assert sum(counts.values()) > 0


def test_faults_do_not_change_the_result(tmp_path: Path, world_run: WorldRun) -> None:
    """~10% of first attempts answer 503, some connections reset mid-body, some are slow."""
    clean = stored(world_run.dir / "harvest.db")
    faults = Faults(error_rate=0.1, reset_rate=0.05, slow_rate=0.05, slow_seconds=0.2, seed=7)
    with serve_world(build_world(scale=1, seed=0), faults=faults) as served:
        config = served.write_config(tmp_path / "sources.yaml")
        result = harvester(config, "run")
        faulty = stored(tmp_path / "harvest.db")
        statuses = [e.status for e in served.log]
    assert result.returncode == 0, result.stderr
    assert 503 in statuses, "the fault injection did not fire"

    def essence(rows: dict[tuple[str, str], sqlite3.Row]) -> set[tuple[str, ...]]:
        return {(r["source"], _path(r["url"]), r["title"], r["published_at"], r["body"]) for r in rows.values()}

    assert essence(faulty) == essence(clean)


def key(truth: TruthArticle) -> tuple[str, str]:
    """The truth lists URLs as the list links them; the database holds canonical URLs."""
    return truth.source, canonical_url(truth.url)


def _path(url: str) -> str:
    """URLs differ between two servings only by port."""
    return url.split("/", 3)[-1]


@pytest.mark.parametrize("query", ["统战", "读书会", "民主党派", "盟", "党外 座谈会"])
def test_search_finds_exactly_the_articles_containing_the_words(world_run: WorldRun, query: str) -> None:
    db = world_run.dir / "harvest.db"
    result = harvester(world_run.dir / "sources.yaml", "search", query, "--limit", "1000", "--format", "json")
    assert result.returncode == 0, result.stderr
    found = {a["url"] for a in json.loads(result.stdout)}
    expected = {
        url for (_, url), row in stored(db).items() if all(t in f"{row['title']}\n{row['body']}" for t in query.split())
    }
    assert found == expected and found


def test_search_lines_show_date_title_and_url(world_run: WorldRun) -> None:
    result = harvester(world_run.dir / "sources.yaml", "search", "读书会")
    lines = result.stdout.splitlines()
    assert lines and all(len(line.split("\t")) == 3 for line in lines)
    dates = [line.split("\t")[0] for line in lines]
    assert dates == sorted(dates, reverse=True)
