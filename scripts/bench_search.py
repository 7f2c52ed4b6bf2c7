"""Benchmark harvester.search on synthetic Chinese articles.

Usage::

    .venv/bin/python scripts/bench_search.py --n 100000
    .venv/bin/python scripts/bench_search.py            # 1,000,000 articles

Articles come from a deterministic phrase table (seeded): titles of 10-30 characters, bodies of
300-600 characters, published_at spread at random over 2015-2026 (so ids do not follow dates),
统战 in ~5% of the articles, 民主党派 in ~1%, 党外 in ~0.5%. The script builds the ``articles`` table
(same columns as the store's), then times ``search.install`` (which indexes the existing rows), then the
median and p95 latency over 50 runs of each query with the default limit (50, newest first).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from harvester import search

SEED = 20261128
POOL = "".join(chr(c) for c in range(0x4E00, 0x4E00 + 2500))
PUNCT = "，，，、。；"
INSERTS = (("统战", 0.05), ("民主党派", 0.01), ("党外", 0.005))
QUERIES: tuple[tuple[str, str | None], ...] = (
    ("统战", None),
    ("党外", None),
    ("民主党派", None),
    ("统战 民主党派", None),
    ("统战部", None),
    ("民主党派 -统战", None),
    ("派", None),
    ("盟", None),  # absent from the corpus: a full scan, so only 5 runs
    ("统战", "channel-03"),
    ("民主党派", "channel-03"),
)
CHANNELS = tuple(f"channel-{i:02d}" for i in range(20))
SCHEMA = """
CREATE TABLE articles (
  id INTEGER PRIMARY KEY, url TEXT NOT NULL, source TEXT NOT NULL, channel TEXT NOT NULL,
  title TEXT NOT NULL, published_at TEXT, body TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_articles_channel_published_at ON articles (channel, published_at);
"""


def phrase_table(rng: random.Random, size: int) -> list[str]:
    """Pseudo-words of 2-4 characters, drawn with a skewed (Zipf-like) character frequency."""
    weights = [1 / (rank + 10) for rank in range(len(POOL))]
    return ["".join(rng.choices(POOL, weights, k=rng.randint(2, 4))) for _ in range(size)]


def sentence(rng: random.Random, words: list[str], low: int, high: int) -> str:
    """Words up to roughly ``low..high`` characters, with a comma now and then."""
    target, parts, length = rng.randint(low, high), [], 0
    while length < target:
        word = words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)]
        parts.append(word + (rng.choice(PUNCT) if rng.random() < 0.12 else ""))
        length += len(parts[-1])
    return "".join(parts) + "。"


def articles(n: int) -> Iterator[tuple[int, str, str, str, str, str, str]]:
    """Rows (id, url, source, channel, title, published_at, body) of the synthetic corpus."""
    rng = random.Random(SEED)
    words = phrase_table(rng, 20000)
    rng.shuffle(words)
    for article_id in range(1, n + 1):
        title = sentence(rng, words, 10, 28)
        body = sentence(rng, words, 300, 580)
        for term, rate in INSERTS:
            if rng.random() < rate:
                where = rng.randrange(len(body))
                body = body[:where] + term + body[where:]
        stamp = f"{rng.randint(2015, 2026)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:00:00+08:00"
        yield (article_id, f"https://x.example.cn/{article_id}.htm", "bench", rng.choice(CHANNELS), title, stamp, body)


def build(path: Path, n: int) -> tuple[float, float]:
    """Create the articles table and the search index; return (seconds for articles, seconds for install)."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.executescript(SCHEMA)
    started = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?)", articles(n))
    conn.execute("COMMIT")
    loaded = time.perf_counter()
    search.install(conn)
    installed = time.perf_counter()
    conn.close()
    return loaded - started, installed - loaded


def measure(conn: sqlite3.Connection, query: str, channel: str | None, runs: int) -> tuple[float, float, int, int]:
    """(median ms, p95 ms, hits returned, total matches) of ``search(conn, query, channel=channel)``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        hits = search.search(conn, query, channel=channel)
        times.append((time.perf_counter() - started) * 1000)
    total = len(search.search(conn, query, limit=None, channel=channel))
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], len(hits), total


def table_sizes(conn: sqlite3.Connection) -> str:
    """Bytes per table, if the dbstat virtual table is compiled in."""
    try:
        rows = conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8").fetchall()
    except sqlite3.OperationalError:
        return "(dbstat not available)"
    return ", ".join(f"{name} {size / 2**20:.0f} MiB" for name, size in rows)


def main() -> None:
    """Build (unless --reuse), then measure and print a table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="number of articles (default 1,000,000)")
    parser.add_argument("--db", type=Path, default=None, help="database file (default: a temporary bench-search-N.db)")
    parser.add_argument("--runs", type=int, default=50, help="runs per query (default 50)")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database, do not rebuild")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / f"bench-search-{args.n}.db"
    if not args.reuse:
        load_s, install_s = build(path, args.n)
        print(f"articles: {args.n:,} loaded in {load_s:.1f} s; search.install (index build) {install_s:.1f} s")
    conn = sqlite3.connect(path, isolation_level=None)
    print(f"database {path}: {path.stat().st_size / 2**20:.0f} MiB ({table_sizes(conn)})")
    started = time.perf_counter()
    search.install(conn)
    print(f"search.install on the indexed database (catch-up check): {time.perf_counter() - started:.2f} s")
    print(f"{'query':<16} {'channel':<11} {'median ms':>10} {'p95 ms':>8} {'returned':>9} {'matches':>8}")
    for query, channel in QUERIES:
        runs = 5 if query == "盟" else args.runs
        median, p95, returned, total = measure(conn, query, channel, runs)
        print(f"{query:<16} {channel or '-':<11} {median:>10.1f} {p95:>8.1f} {returned:>9} {total:>8}")
    conn.close()


if __name__ == "__main__":
    main()
