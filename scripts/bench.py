"""Benchmarks of harvester, printed as tables. Run through scripts/bench (which sets up .venv).

    scripts/bench                 # every section (about 15 minutes: dedupe and search go to 1M articles)
    scripts/bench harvest         # harvest of the demo world vs a Scrapy spider (issue 2)
    scripts/bench extract         # article extraction vs trafilatura: speed and accuracy (issue 3)
    scripts/bench incremental     # requests of re-runs (issue 6)
    scripts/bench dedupe --dedupe-sizes 10000,100000   # near-duplicate clustering (issue 4)
    scripts/bench search --search-n 100000             # Chinese search latency (issue 7)

Every server is started here on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from harvester.demo import build_world, serve_world

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_extract import bench_extract  # a sibling script

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class ChildRun:
    """What one child process cost: wall time, CPU seconds, peak RSS."""

    wall: float
    cpu: float
    max_rss_mb: float
    returncode: int


def run_child(argv: Sequence[str], *, cwd: Path | None = None) -> ChildRun:
    """Run a command and measure it with wait4 (its own rusage, not the other children's)."""
    started = time.monotonic()
    process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.monotonic() - started
    if process.stderr is not None:
        process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    return ChildRun(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def bench_harvest(args: argparse.Namespace) -> None:
    """Issue 2: a full harvest of the demo world by harvester and by a hand-written Scrapy spider."""
    world = build_world(scale=args.scale)
    rows = []
    with tempfile.TemporaryDirectory() as tmp, serve_world(world) as served:
        folder = Path(tmp)
        config = served.write_config(folder / "sources.yaml", per_host=args.per_host)
        for name, argv in (
            ("harvester", [sys.executable, "-m", "harvester.cli", "--config", str(config), "run"]),
            (
                "scrapy",
                [
                    sys.executable,
                    "-m",
                    "scrapy",
                    "runspider",
                    str(HERE / "bench_scrapy_spider.py"),
                    "-a",
                    f"config={config}",
                    "-s",
                    f"CONCURRENT_REQUESTS_PER_DOMAIN={args.per_host}",
                    "-O",
                    str(folder / "items.jl"),
                ],
            ),
        ):
            before = len(served.log)
            child = run_child(argv, cwd=folder)
            pages = len(served.log) - before
            rows.append((name, pages, child))
    print(f"\nHarvest of the demo world, scale {args.scale}, {args.per_host} concurrent requests per site, no delay")
    header = ("crawler", "requests", "wall s", "pages/s", "CPU s", "CPU s/1000 pages", "peak RSS MB")
    print("{:<10} {:>8} {:>7} {:>8} {:>6} {:>17} {:>12}".format(*header))
    for name, pages, child in rows:
        print(
            f"{name:<10} {pages:>8} {child.wall:>7.1f} {pages / child.wall:>8.0f} {child.cpu:>6.1f} "
            f"{1000 * child.cpu / max(pages, 1):>17.2f} {child.max_rss_mb:>12.0f}"
            + ("" if child.returncode == 0 else f"   (exit {child.returncode})")
        )
    print("harvester also extracts dates, repairs charsets and writes every article and request to SQLite.")


def bench_incremental(args: argparse.Namespace) -> None:
    """Issue 6: what a re-run costs when nothing changed, and when k new articles appeared."""
    from harvester.config import load_config
    from harvester.harvest import Harvester
    from harvester.store import Store

    def run_once(config_path: Path) -> None:
        config = load_config(config_path)
        with Store(config.database) as store:
            Harvester(config, store).run()

    print(f"\nRe-runs of the demo world, scale {args.scale}")
    print(f"{'situation':<42} {'requests':>8} {'list pages':>10} {'articles':>8} {'robots':>6} {'target':>7}")
    with tempfile.TemporaryDirectory() as tmp, serve_world(build_world(scale=args.scale)) as served:
        config_path = served.write_config(Path(tmp) / "sources.yaml", per_host=args.per_host)
        config = load_config(config_path)
        columns = sum(len(s.urls) for s in config.sources)
        sites = len(served.origins)

        def measure(label: str, target: int, new_paths: set[str]) -> None:
            before = len(served.log)
            run_once(config_path)
            entries = served.log[before:]
            robots = sum(e.path == "/robots.txt" for e in entries)
            articles = sum(e.path.lstrip("/") in new_paths for e in entries)
            lists = len(entries) - robots - articles
            print(f"{label:<42} {len(entries):>8} {lists:>10} {articles:>8} {robots:>6} {target:>7}")

        first = len(served.log)
        run_once(config_path)
        print(f"{'first run (everything new)':<42} {len(served.log) - first:>8}")
        measure("second run, nothing changed", columns + sites, set())
        for k in (1, 10, 50):
            new = served.publish("dept-gzdt", k)
            paths = {t.url.split("/", 3)[3] for t in new}
            # 工作动态 shows 12 rows a page, 2 of them pinned on page 1: the new entries fill `holding` pages,
            # and when they fill the last one exactly, one more page is read to meet a known entry
            rows, pinned = 12, 2
            holding = -(-(k + pinned) // rows) + ((k + pinned) % rows == 0)
            measure(f"{k} new article(s) in one column", k + holding + columns - 1 + sites, paths)
    print("target: one request per list column plus robots.txt per site; with k new articles, k article pages")
    print("plus the list pages that hold them, and one more when they end exactly at a page's end")
    print("(the other columns still cost one conditional GET each)")


def bench_dedupe(args: argparse.Namespace) -> None:
    """Issue 4: near-duplicate clustering of 10k, 100k and 1M synthetic articles (each size in its own process)."""
    subprocess.run([sys.executable, str(HERE / "bench_dedupe.py"), "--sizes", args.dedupe_sizes], check=True)


def bench_search(args: argparse.Namespace) -> None:
    """Issue 7: Chinese search latency over N synthetic articles (builds the index first: minutes at 1M)."""
    subprocess.run([sys.executable, str(HERE / "bench_search.py"), "--n", str(args.search_n)], check=True)


SECTIONS: dict[str, Callable[[argparse.Namespace], None]] = {
    "harvest": bench_harvest,
    "extract": bench_extract,
    "incremental": bench_incremental,
    "dedupe": bench_dedupe,
    "search": bench_search,
}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("sections", nargs="*", metavar="SECTION", default=list(SECTIONS), help=", ".join(SECTIONS))
    parser.add_argument("--scale", type=int, default=10, help="demo world scale (default 10)")
    parser.add_argument("--per-host", type=int, default=4, help="concurrent requests per site (default 4)")
    parser.add_argument("--dedupe-sizes", default="10000,100000,1000000", help="article counts for `dedupe`")
    parser.add_argument("--search-n", type=int, default=1_000_000, help="article count for `search`")
    args = parser.parse_args(argv)
    for section in args.sections:
        SECTIONS[section](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
