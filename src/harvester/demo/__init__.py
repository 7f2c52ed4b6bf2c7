"""The demo world: simulated sites of the CMS families, served on loopback, with known ground truth.

Usage::

    from harvester.demo import build_world, serve_world

    world = build_world(scale=1, seed=0)
    with serve_world(world) as served:
        config = served.write_config(tmp / "sources.yaml")
        ...  # harvest, then compare with served.truth() and served.expected_counts(start, end)

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
