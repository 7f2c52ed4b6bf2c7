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
provincial site) and, with ``hostile=True``, ``hostile`` (answers to survive).
"""

from __future__ import annotations

from harvester.demo.server import Faults, LogEntry, Served, serve_world
from harvester.demo.truth import TruthArticle
from harvester.demo.world import Article, Column, Entry, SourceSpec, World, build_world

__all__ = [
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
