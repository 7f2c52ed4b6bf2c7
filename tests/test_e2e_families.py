"""End to end per added CMS family: the real CLI, as a subprocess, against the opt-in demo sites.

The written sources give only id, channel, urls (and match): no preset, no selectors, so CMS
detection has to find Hanweb (``edu-gzdt``), the old table layout (``archive-hwdt``) and the
Founder e-paper (``paper``) on its own.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

from harvester.demo import EXTRA_SITES, Served, TruthArticle, build_world, serve_world
from harvester.normalize import canonical_url


class Harvest(NamedTuple):
    result: subprocess.CompletedProcess[str]
    rows: dict[str, sqlite3.Row]  # canonical URL -> stored row, of the harvested source only
    truth: list[TruthArticle]
    log_start: int  # first request of this run in served.log


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    with serve_world(build_world(scale=1, seed=0, extra=EXTRA_SITES)) as running:
        yield running


@pytest.fixture(scope="module")
def config(served: Served, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return served.write_config(tmp_path_factory.mktemp("families") / "sources.yaml")


def harvest(served: Served, config: Path, source: str) -> Harvest:
    """Run ``harvester run --source SOURCE`` into a database of its own; that source's stored rows."""
    db = config.parent / f"{source}.db"
    start = len(served.log)
    env = {**os.environ, "PYTHONWARNINGS": "error::DeprecationWarning"}
    result = subprocess.run(
        [sys.executable, "-m", "harvester.cli", "--config", str(config), "--db", str(db), "run", "--source", source],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    rows: dict[str, sqlite3.Row] = {}
    if db.exists():
        conn = sqlite3.connect(db)
        conn.row_factory = sqlite3.Row
        rows = {r["url"]: r for r in conn.execute("SELECT * FROM articles WHERE source = ?", (source,))}
        conn.close()
    return Harvest(result, rows, [t for t in served.truth() if t.source == source], start)


def assert_truth_stored(run: Harvest) -> None:
    assert run.result.returncode == 0, run.result.stderr
    assert run.truth, "the source has no ground truth"
    missing, wrong, bodiless = [], [], []
    for truth in run.truth:
        row = run.rows.get(canonical_url(truth.url))
        if row is None:
            missing.append(truth.url)
            continue
        if (row["title"], row["published_at"]) != (truth.title, truth.published):
            wrong.append((truth.url, (row["title"], row["published_at"]), (truth.title, truth.published)))
        if truth.kind == "page" and truth.body_snippet not in (row["body"] or ""):
            bodiless.append((truth.url, truth.body_snippet, (row["body"] or "")[:120]))
    assert not missing, f"{len(missing)} of {len(run.truth)} truth articles missing, e.g. {missing[:5]}"
    assert not wrong, f"{len(wrong)} with wrong title/date, e.g. {wrong[:3]}"
    assert not bodiless, f"{len(bodiless)} without their body, e.g. {bodiless[:3]}"
    extra = set(run.rows) - {canonical_url(t.url) for t in run.truth}
    assert not extra, f"rows that are no articles of the source, e.g. {sorted(extra)[:5]}"


def assert_polite(served: Served, run: Harvest, site: str) -> None:
    disallowed = served.disallowed_by_site()[site]
    hits = [e.path for e in served.log[run.log_start :] if e.site == site and e.path.startswith(tuple(disallowed))]
    assert hits == []


def test_written_config_names_no_preset_and_no_selectors(config: Path) -> None:
    sources = {s["id"]: s for s in yaml.safe_load(config.read_text(encoding="utf-8"))["sources"]}
    for source in ("edu-gzdt", "archive-hwdt", "paper"):
        assert set(sources[source]) <= {"id", "name", "channel", "urls", "match"}, sources[source]


def test_hanweb_jpage_and_dataproxy_posts(served: Served, config: Path) -> None:
    run = harvest(served, config, "edu-gzdt")
    posts = [e for e in served.log[run.log_start :] if e.site == "edu" and e.method == "POST"]
    assert posts and all(e.status == 200 and "dataproxy.jsp?startrecord=" in e.path for e in posts), posts
    assert_truth_stored(run)
    assert_polite(served, run, "edu")


def test_old_table_layout_gbk_dates_from_the_list(served: Served, config: Path) -> None:
    run = harvest(served, config, "archive-hwdt")
    pages = {e.path for e in served.log[run.log_start :] if e.site == "archive" and "list.asp" in e.path}
    assert len(pages) == served.world.columns["archive", "hwdt"].pages
    assert_truth_stored(run)
    assert_polite(served, run, "archive")


def test_founder_epaper_issue_dates_from_the_url(served: Served, config: Path) -> None:
    run = harvest(served, config, "paper")
    assert_truth_stored(run)
    assert_polite(served, run, "epaper")
