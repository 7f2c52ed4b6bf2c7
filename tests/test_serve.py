"""`harvester serve` end to end: the demo world harvested by the real CLI, served by Datasette, read over
HTTP and in a real headless Chromium."""

from __future__ import annotations

import html
import json
import os
import queue
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx
import pytest
from click.testing import CliRunner

from harvester import search
from harvester.config import Config, load_config
from harvester.datasette_metadata import COLUMNS, TABLES, build_metadata
from harvester.demo import build_world, serve_world
from harvester.serve import serve_command
from harvester.views import VIEW_NAMES

WINDOW = ("2022-09-01", "2023-08-31")
ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 60.0


def harvester(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harvester.cli", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@dataclass(frozen=True)
class Harvested:
    dir: Path
    config: Path
    db: Path


@dataclass(frozen=True)
class Serving:
    url: str  # http://127.0.0.1:PORT/harvest
    harvested: Harvested


@pytest.fixture(scope="module")
def harvested(tmp_path_factory: pytest.TempPathFactory) -> Harvested:
    """The demo world at scale 1, harvested once by the real CLI."""
    tmp = tmp_path_factory.mktemp("serve")
    with serve_world(build_world(scale=1, seed=0)) as served:
        config = served.write_config(tmp / "sources.yaml")
        result = harvester(config, "run")
    assert result.returncode == 0, result.stderr
    return Harvested(tmp, config, tmp / "harvest.db")


def _lines(stream: IO[str], into: queue.Queue[str]) -> None:
    for line in stream:
        into.put(line)
    into.put("")  # end of stream: the process exited


@pytest.fixture(scope="module")
def serving(harvested: Harvested) -> Iterator[Serving]:
    """`harvester serve --port 0` as a subprocess; the URL is the one it prints once it listens."""
    process = subprocess.Popen(
        [sys.executable, "-m", "harvester.cli", "--config", str(harvested.config), "serve", "--port", "0", "--no-open"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(process.stderr, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        while True:
            line = lines.get(timeout=STARTUP_TIMEOUT)
            seen.append(line)
            assert line, f"harvester serve exited with {process.wait()}: {''.join(seen)}"
            if found := re.search(r"Listening on (http://127\.0\.0\.1:\d+/\w+)", line):
                break
        yield Serving(found.group(1), harvested)
    finally:
        process.terminate()
        process.wait(timeout=30)
        reader.join(timeout=30)
        process.stderr.close()


def newest_title(db: Path) -> str:
    conn = sqlite3.connect(db)
    (title,) = conn.execute("SELECT title FROM articles ORDER BY published_at DESC LIMIT 1").fetchone()
    conn.close()
    return str(title)


# --- over HTTP -----------------------------------------------------------------------------


def test_canned_counts_equal_harvester_count(serving: Serving) -> None:
    start, end = WINDOW
    answer = httpx.get(f"{serving.url}/counts_per_channel.json", params={"from": start, "to": end, "_shape": "array"})
    assert answer.status_code == 200, answer.text
    rows = answer.json()
    result = harvester(serving.harvested.config, "count", "--from", start, "--to", end, "--format", "json")
    assert result.returncode == 0, result.stderr
    expected = {c["id"]: c["count"] for c in json.loads(result.stdout)["channels"] if c["kind"] == "crawled"}
    assert {row["channel"]: row["count"] for row in rows} == expected
    assert [row["channel"] for row in rows] == list(expected)  # report order
    assert all(count > 0 for count in expected.values())
    assert {row["pending"] for row in rows} == {0}


def test_articles_page_renders_with_descriptions_and_facets(serving: Serving) -> None:
    page = httpx.get(f"{serving.url}/articles")
    assert page.status_code == 200
    assert html.escape(newest_title(serving.harvested.db), quote=False) in page.text
    assert "canonical URL of the article" in page.text  # a column description
    data = httpx.get(f"{serving.url}/articles.json").json()
    assert {"channel", "source", "year", "month", "kind"} <= set(data["facet_results"])


def test_search_query_answers_as_the_search_module(serving: Serving) -> None:
    params = {"q": "统战 -招聘", "channel": "", "_shape": "array"}
    answer = httpx.get(f"{serving.url}/search_articles.json", params=params)
    assert answer.status_code == 200, answer.text
    conn = sqlite3.connect(serving.harvested.db)
    expected = search.search(conn, "统战 -招聘", limit=None)
    conn.close()
    assert expected
    assert [row["id"] for row in answer.json()] == expected
    empty = httpx.get(f"{serving.url}/search_articles.json", params={"q": "", "channel": "", "_shape": "array"})
    assert empty.json() == []


def test_the_views_are_served(serving: Serving) -> None:
    answer = httpx.get(f"{serving.url}/source_health.json", params={"_shape": "array"})
    rows = answer.json()
    assert [row["source"] for row in rows] == [s.id for s in load_config(serving.harvested.config).sources]
    assert all(row["last_run"] == 1 and row["articles"] > 0 for row in rows)


# --- in a real browser ---------------------------------------------------------------------


def chromium() -> str:
    """The Chromium of the distribution; the test fails (not skips) without it."""
    found = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        pytest.fail("Chromium is needed for the browser test: run `apt-get install -y chromium` (as root)")
    return found


def browse(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    command = [
        chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp / 'profile'}",
        "--window-size=1280,900",
        *args,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_a_browser_shows_the_articles_table(serving: Serving, tmp_path: Path) -> None:
    url = f"{serving.url}/articles"
    shot = tmp_path / "page.png"
    result = browse(tmp_path, url, f"--screenshot={shot}")
    assert result.returncode == 0, result.stderr
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size > 20_000  # a rendered page, not a blank one
    dom = browse(tmp_path, url, "--dump-dom")
    assert dom.returncode == 0, dom.stderr
    assert html.escape(newest_title(serving.harvested.db), quote=False) in dom.stdout
    assert 'class="rows-and-columns"' in dom.stdout  # Datasette's table of rows


# --- without a server ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Obj:
    loaded: Config

    def config(self) -> Config:
        return self.loaded


def test_serve_without_a_database_says_what_to_do(tmp_path: Path) -> None:
    (tmp_path / "sources.yaml").write_text(
        "database: none.db\nchannels: [{id: c, label: C}]\nsources: [{id: s, channel: c, urls: ['https://a.cn/']}]\n",
        encoding="utf-8",
    )
    obj = _Obj(load_config(tmp_path / "sources.yaml"))
    result = CliRunner().invoke(serve_command, ["--port", "0"], obj=obj)
    assert result.exit_code == 3
    assert "no database at" in result.output and "harvester run" in result.output
    assert not (tmp_path / "none.db").exists()


def test_help_has_examples_and_loopback_default() -> None:
    result = CliRunner().invoke(serve_command, ["--help"])
    assert result.exit_code == 0
    assert "Examples:" in result.output and "127.0.0.1" in result.output


def test_metadata_declares_the_canned_queries() -> None:
    metadata = build_metadata("harvest")
    database = metadata["databases"]["harvest"]
    assert set(database["queries"]) == {"counts_per_channel", "search_articles"}
    assert database["queries"]["counts_per_channel"]["params"] == ["from", "to"]
    assert database["tables"]["articles"]["facets"][:5] == ["channel", "source", "year", "month", "kind"]


def test_docs_describe_every_column_table_and_view() -> None:
    docs = (ROOT / "docs" / "database.md").read_text(encoding="utf-8")
    articles = docs[docs.index("## `articles`") :]
    articles = articles[: articles.index("\n## ")]
    documented = set()
    for line in re.findall(r"^\| (.+?) \|", articles, flags=re.MULTILINE):
        documented.update(re.findall(r"`(\w+)`", line))
    assert documented == set(COLUMNS["articles"])
    for name in (*TABLES, *VIEW_NAMES):
        assert f"`{name}`" in docs, name
