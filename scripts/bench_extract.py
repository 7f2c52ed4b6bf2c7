"""Benchmark article extraction: harvester vs trafilatura on every detail page of the demo world.

Usage::

    .venv/bin/python scripts/bench_extract.py              # scale 10
    .venv/bin/python scripts/bench_extract.py --scale 1

The demo world is served once on 127.0.0.1 and every detail page of its truth (kind "page") is
downloaded into memory (bytes and Content-Type); the servers are stopped before anything is
measured. Then, on one core and in this process, each tool decodes every page with
harvester.decode.decode_body and extracts it (harvester: parse_article, dates included;
trafilatura: bare_extraction(html, url=..., with_metadata=True), never fetching anything).
Speed is pages per CPU-second (time.process_time). Accuracy against the truth:
title exact match; date (harvester: the date, and the full ISO time where the truth has one;
trafilatura gives only YYYY-MM-DD, so only the date part is compared); body contains the
truth's body_snippet.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from harvester.decode import decode_body
from harvester.demo import TruthArticle, build_world, serve_world
from harvester.errors import ExtractionError
from harvester.extract import parse_article
from harvester.extract.model import Page

TZ = ZoneInfo("Asia/Shanghai")
REFERENCE_DAY = date(2023, 12, 31)  # after every demo article: resolves dates shown without a year
WARMUP_PER_GROUP = 5  # warm-up pages per (site, truth with a time)
WARMUP_SEED = 1  # warm-up pages come from another world, so no cache has seen the measured ones
DOWNLOAD_THREADS = 8
TARGET_PAGES_PER_CPU_SECOND = 300


@dataclass(frozen=True)
class Sample:
    """One downloaded detail page and its truth."""

    truth: TruthArticle
    body: bytes
    content_type: str
    site: str


@dataclass(frozen=True)
class Extracted:
    """What a tool found on one page (None: it found nothing)."""

    title: str | None
    date: str | None  # "2023-05-12" or "2023-05-12T10:20:00+08:00"
    text: str


@dataclass(frozen=True)
class Score:
    """One tool on a set of pages: speed and accuracy."""

    tool: str
    pages: int
    cpu_seconds: float
    title_ok: int
    date_ok: int
    body_ok: int
    failures: int

    @property
    def rate(self) -> float:
        """Pages per CPU-second."""
        return self.pages / self.cpu_seconds if self.cpu_seconds else float("inf")

    def percent(self, hits: int) -> float:
        """``hits`` as a percentage of the pages."""
        return 100.0 * hits / self.pages if self.pages else 0.0


Extractor = Callable[[Sample], Extracted | None]


def download_samples(scale: int, seed: int = 0) -> list[Sample]:
    """Serve the demo world and download every distinct ``page`` article of its truth."""
    world = build_world(scale=scale, seed=seed)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with serve_world(world) as served:
        sites = {origin: site for site, origin in served.origins.items()}
        unique = {row.url: row for row in served.truth() if row.kind == "page"}

        def fetch(row: TruthArticle) -> Sample:
            with opener.open(row.url, timeout=30) as response:
                body, content_type = response.read(), response.headers.get("Content-Type", "")
            site = next(name for origin, name in sites.items() if row.url.startswith(origin + "/"))
            return Sample(row, body, content_type, site)

        with ThreadPoolExecutor(DOWNLOAD_THREADS) as pool:
            return list(pool.map(fetch, unique.values()))


def harvester_extract(sample: Sample) -> Extracted | None:
    """Decode and parse one page with harvester (None when it says the page is no article)."""
    text, _ = decode_body(sample.body, sample.content_type)
    try:
        fields = parse_article(Page(sample.truth.url, text))
    except ExtractionError:
        return None
    when = fields.date.resolve(TZ, REFERENCE_DAY) if fields.date is not None else None
    return Extracted(fields.title, _iso(when), fields.body)


def trafilatura_extract(sample: Sample) -> Extracted | None:
    """Decode one page with decode_body and extract it with trafilatura.bare_extraction (HTML given, no fetch)."""
    import trafilatura

    text, _ = decode_body(sample.body, sample.content_type)
    document = trafilatura.bare_extraction(text, url=sample.truth.url, with_metadata=True)
    if document is None or isinstance(document, dict):
        return None
    return Extracted(document.title, document.date, document.text or "")


def _iso(value: date | datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def date_correct(found: str | None, published: str, *, date_only: bool) -> bool:
    """The date part equals the truth's; with a time in the truth, the full ISO string too (unless date_only)."""
    if found is None or found[:10] != published[:10]:
        return False
    return date_only or "T" not in published or found == published


def warmup_samples(samples: Sequence[Sample], per_group: int = WARMUP_PER_GROUP) -> list[Sample]:
    """A few pages of each site, with and without a time in the truth (every layout and date form once)."""
    groups: dict[tuple[str, bool], list[Sample]] = {}
    for sample in samples:
        group = groups.setdefault((sample.site, "T" in sample.truth.published), [])
        if len(group) < per_group:
            group.append(sample)
    return [sample for group in groups.values() for sample in group]


def timed(samples: Sequence[Sample], extract: Extractor) -> list[tuple[Extracted | None, float]]:
    """Each page's result and the CPU seconds its extraction took (one pass, in order)."""
    results: list[tuple[Extracted | None, float]] = []
    for sample in samples:
        started = time.process_time()
        found = extract(sample)
        results.append((found, time.process_time() - started))
    return results


def score(
    tool: str, samples: Sequence[Sample], results: Sequence[tuple[Extracted | None, float]], *, date_only: bool
) -> Score:
    """Speed and accuracy of ``results`` against the truth of ``samples``."""
    title_ok = date_ok = body_ok = failures = 0
    for sample, (found, _) in zip(samples, results, strict=True):
        if found is None:
            failures += 1
            continue
        truth = sample.truth
        title_ok += found.title == truth.title
        date_ok += date_correct(found.date, truth.published, date_only=date_only)
        body_ok += bool(truth.body_snippet) and truth.body_snippet in found.text
    cpu = sum(seconds for _, seconds in results)
    return Score(tool, len(samples), cpu, title_ok, date_ok, body_ok, failures)


def scores_by_site(
    tool: str, samples: Sequence[Sample], results: Sequence[tuple[Extracted | None, float]], *, date_only: bool
) -> list[Score]:
    """:func:`score` per site, from the same single pass."""
    rows = []
    for site in sorted({sample.site for sample in samples}):
        pairs = [(s, r) for s, r in zip(samples, results, strict=True) if s.site == site]
        rows.append(score(f"{tool} ({site})", [s for s, _ in pairs], [r for _, r in pairs], date_only=date_only))
    return rows


@contextmanager
def one_core() -> Iterator[None]:
    """Pin this process to one CPU while the block runs (where the platform allows it)."""
    if not hasattr(os, "sched_setaffinity"):
        yield
        return
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def print_table(scores: Sequence[Score], title: str) -> None:
    """The result table: tool, pages, pages/CPU-s, title %, date %, body %."""
    print(f"\n{title}")
    print(f"{'tool':<22} {'pages':>6} {'pages/CPU-s':>12} {'title %':>8} {'date %':>7} {'body %':>7} {'failed':>7}")
    for s in scores:
        print(
            f"{s.tool:<22} {s.pages:>6} {s.rate:>12.0f} {s.percent(s.title_ok):>8.1f} "
            f"{s.percent(s.date_ok):>7.1f} {s.percent(s.body_ok):>7.1f} {s.failures:>7}"
        )


def bench_extract(args: argparse.Namespace) -> None:
    """Issue 3: extraction speed and accuracy of harvester and trafilatura on the demo world's detail pages."""
    scale = getattr(args, "scale", 10)
    samples = download_samples(scale)
    warmup = warmup_samples(download_samples(1, seed=WARMUP_SEED))
    logging.getLogger("trafilatura").setLevel(logging.ERROR)  # its "discarding data" notes are noise here
    tools: list[tuple[str, Extractor, bool]] = [
        ("harvester", harvester_extract, False),
        ("trafilatura", trafilatura_extract, True),
    ]
    totals: list[Score] = []
    by_site: list[Score] = []
    with one_core():
        for name, extract, date_only in tools:
            timed(warmup, extract)
            results = timed(samples, extract)
            totals.append(score(name, samples, results, date_only=date_only))
            by_site += scores_by_site(name, samples, results, date_only=date_only)
    print_table(totals, f"Extraction of {len(samples)} detail pages of the demo world (scale {scale}), one core")
    print_table(by_site, "By site, same pass (dept = VSB, news = WebPlus, prov = TRS in GBK)")
    with_time = sum("T" in sample.truth.published for sample in samples)
    print(
        f"date %: harvester must also match the time on the {with_time} pages whose truth has one; "
        "trafilatura gives YYYY-MM-DD and is compared on the date only.\n"
        "Both decode with harvester.decode.decode_body inside the timed loop; each page is extracted once, after a "
        f"warm-up on {len(warmup)} pages of another world (seed {WARMUP_SEED}), so no cache has seen it.\n"
        f"Target for harvester: >= {TARGET_PAGES_PER_CPU_SECOND} pages per CPU-second."
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the extraction benchmark alone."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10, help="demo world scale (default 10)")
    bench_extract(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
