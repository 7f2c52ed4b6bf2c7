"""`harvester check` against the demo world: what it reads, and that it writes nothing."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from harvester.demo import Served, build_world, serve_world


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Served, Path]]:
    tmp = tmp_path_factory.mktemp("check")
    with serve_world(build_world(scale=1)) as world:
        yield world, world.write_config(tmp / "sources.yaml")


def check(config: Path, *args: str) -> subprocess.CompletedProcess[str]:
    argv = [sys.executable, "-m", "harvester.cli", "--config", str(config), "check", *args]
    return subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize(("source", "family"), [("dept-gzdt", "vsb"), ("news-lgyw", "webplus"), ("prov-gxtz", "trs")])
def test_a_source_shows_family_entries_pager_and_an_article(
    served: tuple[Served, Path], source: str, family: str
) -> None:
    world, config = served
    result = check(config, source, "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    truth = [t for t in world.truth() if t.source == source]
    assert report["family"] == family
    assert len(report["entries"]) >= 10
    assert {e["title"] for e in report["entries"]} <= {t.title for t in truth}  # full titles, not truncated
    assert report["next_pages"], "the pager's next page"
    assert report["article"]["title"] and report["article"]["body_chars"] > 0
    assert not (config.parent / "harvest.db").exists()


def test_a_plain_url_works_and_the_table_is_readable(served: tuple[Served, Path]) -> None:
    world, config = served
    result = check(config, world.origins["news"] + "/1058/list.htm")
    assert result.returncode == 0, result.stderr
    assert "family: webplus" in result.stdout and "first article:" in result.stdout


def test_unknown_source_and_unreachable_url_say_what_is_wrong(served: tuple[Served, Path]) -> None:
    _, config = served
    unknown = check(config, "no-such-source")
    assert unknown.returncode == 2 and "neither a source id" in unknown.stderr
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens here once the socket closes
    unreachable = check(config, f"http://127.0.0.1:{port}/list.htm")
    assert unreachable.returncode == 1 and f"cannot read http://127.0.0.1:{port}/list.htm" in unreachable.stderr
