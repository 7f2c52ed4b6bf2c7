"""The demo world: simulated sites of the CMS families, served on loopback, with known ground truth.

Usage::

    from harvester.demo import build_world, serve_world

    world = build_world(scale=1, seed=0)
    with serve_world(world) as served:
        config = served.write_config(tmp / "sources.yaml")
        ...  # harvest, then compare with served.truth() and served.expected_counts(start, end)

Incremental scenarios: HTML answers carry ``ETag`` and ``Last-Modified`` and answer conditional
GETs with ``304 Not Modified``; while served, ``served.publish(source_id, count)`` adds new
articles at the top of a source's column and ``served.edit(source_id, index)`` changes the body
of one, both returning the affected truth rows (``truth()`` and ``expected_counts()`` follow).

Sites: ``dept`` (VSB department site), ``news`` (WebPlus campus news site), ``prov`` (TRS
provincial site) and, with ``hostile=True``, ``hostile`` (answers to survive). Opt-in with
``build_world(..., extra=EXTRA_SITES)``: ``edu`` (Hanweb provincial education department, source
``edu-gzdt``, channel provincial; older records by POST to dataproxy.jsp), ``archive`` (old ASP
table layout, GBK, dates only on the list; source ``archive-hwdt``, channel department) and
``epaper`` (Founder e-paper campus newspaper, source ``paper``, channel campus, with a light-edit
repost of a campus news article: ``served.same_story_pairs()``; ``expected_counts`` counts a story once
per channel).
"""

from __future__ import annotations

from harvester.demo.server import Faults, LogEntry, Served, serve_world
from harvester.demo.truth import TruthArticle
from harvester.demo.world import EXTRA_SITES, Article, Column, Entry, SourceSpec, World, build_world

__all__ = [
    "EXTRA_SITES",
    "Article",
    "Column",
    "Entry",
    "Faults",
    "LogEntry",
    "Served",
    "SourceSpec",
    "TruthArticle",
    "World",
    "build_world",
    "serve_world",
]
