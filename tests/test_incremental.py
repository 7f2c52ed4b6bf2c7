"""Incremental runs against the demo world: conditional GETs, new entries only, updates noticed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from harvester.config import Config, load_config
from harvester.demo import Served, build_world, serve_world
from harvester.harvest import Harvester, RunSummary
from harvester.normalize import canonical_url
from harvester.store import Store


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Served, Config]]:
    with serve_world(build_world(scale=1)) as served:
        yield served, load_config(served.write_config(tmp_path / "sources.yaml"))


def harvest(config: Config, today: date | None = None) -> RunSummary:
    with Store(config.database) as store:
        return Harvester(config, store, today=(lambda: today) if today else None).run()


def requests_during(served: Served, action: object) -> list[tuple[str, str, int]]:
    before = len(served.log)
    assert callable(action)
    action()
    return [(e.site, e.path, e.status) for e in served.log[before:]]


def test_a_second_run_with_nothing_changed_asks_each_column_once(world: tuple[Served, Config]) -> None:
    served, config = world
    harvest(config)
    second = requests_during(served, lambda: harvest(config))
    columns = sum(len(s.urls) for s in config.sources)
    sites = len(served.origins)
    assert [status for _, path, status in second if path != "/robots.txt"] == [304] * columns
    assert len(second) == columns + sites  # one conditional GET per column, robots.txt once per site


def test_new_articles_cost_their_detail_pages_and_the_list_pages_that_hold_them(world: tuple[Served, Config]) -> None:
    served, config = world
    harvest(config)
    new = served.publish("dept-gzdt", 3) + served.publish("news-lgyw", 2)
    third = requests_during(served, lambda: harvest(config))
    pages = [(site, path) for site, path, status in third if path != "/robots.txt" and status == 200]
    new_paths = {canonical_url(t.url).split("/", 3)[3] for t in new}
    details = [path for _, path in pages if path.lstrip("/") in new_paths]
    lists = [path for _, path in pages if path.lstrip("/") not in new_paths]
    assert sorted(p.lstrip("/") for p in details) == sorted(new_paths)
    assert sorted(lists) == ["/1058/list.htm", "/gzdt.htm"]  # only the first pages changed
    with Store(config.database) as store:
        stored = {(r["source"], r["url"]) for r in store.iter_articles()}
    assert {(t.source, canonical_url(t.url)) for t in served.truth()} == stored


def test_an_edited_recent_article_is_noticed_and_recorded_as_an_update(world: tuple[Served, Config]) -> None:
    served, config = world
    newest = max(datetime.fromisoformat(t.published[:10]).date() for t in served.truth())
    harvest(config, today=newest)
    edited = served.edit("dept-gzdt", 0)
    summary = harvest(config, today=newest)
    assert summary.updated == 1
    with Store(config.database) as store:
        row = next(r for r in store.iter_articles(source="dept-gzdt") if r["url"] == canonical_url(edited.url))
        changes = store.conn.execute("SELECT fields FROM article_updates WHERE article_id = ?", (row["id"],))
        assert [c["fields"] for c in changes] == ["body"]
    assert row["updated_at"] is not None and "更新" in row["body"]


def test_recheck_horizon_zero_fetches_no_known_article(world: tuple[Served, Config], tmp_path: Path) -> None:
    served, config = world
    config = Config(**{**vars(config), "recheck_days": 0})
    harvest(config)
    served.edit("dept-gzdt", 0)
    again = requests_during(served, lambda: harvest(config, today=date(2023, 12, 1)))
    assert Counter(status for _, path, status in again if path != "/robots.txt") == Counter({304: 5})
