"""Benchmark near-duplicate clustering (harvester.dedupe.StoryIndex) on synthetic Chinese news.

Usage::

    .venv/bin/python scripts/bench_dedupe.py                 # N = 10k, 100k, 1M
    .venv/bin/python scripts/bench_dedupe.py --sizes 10000,100000

Each size runs in a fresh subprocess so that the peak RSS (ru_maxrss) belongs to that size.
Articles come from a deterministic generator: a Zipf-weighted vocabulary of 2-4 character
words plus newsroom phrases, bodies of 300-800 characters, 20 channels; 3% are planted
reposts of an earlier article of the same channel with light edits (本报讯 prefix, editor
line, retitled headline, a few character edits, full-width/half-width and line-break
changes); 0.5% are exact copies in another channel and 0.5% recurring titles
(读书会（第N期）) with new bodies, both of which must stay separate stories.
Precision and recall are over pairs of articles put in the same story.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from harvester.dedupe import StoryIndex

Article = tuple[int, str, str, str]

_PHRASES = [
    "高质量发展",
    "立德树人",
    "学校党委",
    "全体师生",
    "人才培养",
    "科学研究",
    "社会服务",
    "文化传承",
    "党史学习教育",
    "教育教学改革",
    "一流学科建设",
    "产教融合",
    "校企合作",
    "乡村振兴",
    "实验室安全",
    "研究生招生",
    "本科教学",
    "思想政治工作",
    "主题教育",
    "新时代",
    "重要讲话精神",
    "统一战线",
    "民主党派",
    "学术报告",
    "座谈会",
    "专题会议",
    "工作部署",
    "圆满完成",
    "取得实效",
    "扎实推进",
    "进一步加强",
    "认真贯彻落实",
    "切实提高",
    "不断完善",
]
_NAMES = ["王明", "李华", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周强", "吴敏"]
_BATCH = 20_000
_CHANNELS = 20


@dataclass
class _World:
    """Generator state: vocabulary, random stream and a pool of recent originals."""

    seed: int
    rng: np.random.Generator = field(init=False)
    vocab: list[str] = field(init=False)
    cdf: np.ndarray = field(init=False)
    recent: list[tuple[int, int, str, str]] = field(default_factory=list)
    copies: dict[tuple[int, int], int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)
        chars = [chr(c) for c in self.rng.choice(np.arange(0x4E00, 0x9FA5), 3500, replace=False)]
        char_cdf = np.cumsum(1.0 / np.arange(1, len(chars) + 1) ** 0.9)
        sizes = self.rng.integers(2, 5, 30_000)
        picks = np.searchsorted(char_cdf, self.rng.random(int(sizes.sum())) * char_cdf[-1])
        flat = "".join(chars[i] for i in picks)
        ends = np.cumsum(sizes)
        words = [flat[end - size : end] for size, end in zip(sizes.tolist(), ends.tolist(), strict=True)]
        self.vocab = ["，", "。", "、", *_PHRASES, *words]
        weights = 1.0 / np.arange(1, len(self.vocab) + 1) ** 1.0
        weights[:3] = [0.06, 0.03, 0.01]
        self.cdf = np.cumsum(weights / weights.sum())

    def text(self, length: int) -> str:
        """About ``length`` characters of Zipf-distributed words and punctuation."""
        tokens = np.searchsorted(self.cdf, self.rng.random(length // 2 + 8) * self.cdf[-1])
        vocab = self.vocab
        return "".join([vocab[t] for t in tokens.tolist()])[:length] + "。"


def _edit(world: _World, title: str, body: str) -> tuple[str, str]:
    """A light-edit repost of an article."""
    rng = world.rng
    chars = list(body)
    for _ in range(int(rng.integers(1, 4))):
        at = int(rng.integers(0, len(chars)))
        kind = int(rng.integers(0, 3))
        if kind == 0:
            chars[at] = world.vocab[int(rng.integers(3, 200))][0]
        elif kind == 1:
            del chars[at]
        else:
            chars.insert(at, "的")
    body = "".join(chars)
    if rng.random() < 0.5:
        body = f"本报讯（记者 {_NAMES[int(rng.integers(0, 10))]}）{body}"
    if rng.random() < 0.5:
        body = f"{body}\n（完）\n编辑：{_NAMES[int(rng.integers(0, 10))]}\n审核：{_NAMES[0]}"
    if rng.random() < 0.3:
        body = body.replace("，", ",").replace("。", "。\n　　")
    title = "我校" + title[2:] if rng.random() < 0.5 else title + "（图）"
    return title, body


def generate(n: int, seed: int = 7, start_id: int = 1) -> Iterator[tuple[list[Article], list[int]]]:
    """Batches of articles and their planted story ids (the id of the story's first article)."""
    world = _World(seed)
    articles: list[Article] = []
    truth: list[int] = []
    for article_id in range(start_id, start_id + n):
        article, story = _next_article(world, article_id)
        articles.append(article)
        truth.append(story)
        if len(articles) == _BATCH:
            yield articles, truth
            articles, truth = [], []
    if articles:
        yield articles, truth


def _next_article(world: _World, article_id: int) -> tuple[Article, int]:
    """One article: an original, a repost, a cross-channel copy or a recurring title."""
    draw = world.rng.random()
    if draw < 0.03 and world.recent:
        story, channel, title, body = world.recent[int(world.rng.integers(0, len(world.recent)))]
        title, body = _edit(world, title, body)
        return (article_id, f"ch{channel}", title, body), story
    if draw < 0.035 and world.recent:
        story, channel, title, body = world.recent[int(world.rng.integers(0, len(world.recent)))]
        channel = (channel + 1) % _CHANNELS
        first = world.copies.setdefault((story, channel), article_id)
        return (article_id, f"ch{channel}", title, body), first
    channel = int(world.rng.integers(0, _CHANNELS))
    title = world.text(int(world.rng.integers(10, 25)))
    if draw < 0.04:
        title = f"读书会（第{article_id % 97}期）"
    body = world.text(int(world.rng.integers(300, 801)))
    world.recent.append((article_id, channel, title, body))
    if len(world.recent) > 5000:
        world.recent.pop(int(world.rng.integers(0, 5000)))
    return (article_id, f"ch{channel}", title, body), article_id


def pair_scores(predicted: np.ndarray, truth: np.ndarray) -> tuple[float, float, int, int]:
    """Pairwise precision, recall, and the number of multi-article stories found and planted."""

    def pairs(*labels: np.ndarray) -> tuple[int, int]:
        _, counts = np.unique(np.stack(labels, axis=1), axis=0, return_counts=True)
        return int((counts * (counts - 1) // 2).sum()), int((counts > 1).sum())

    found, found_clusters = pairs(predicted)
    planted, planted_clusters = pairs(truth)
    both, _ = pairs(predicted, truth)
    precision = both / found if found else 1.0
    recall = both / planted if planted else 1.0
    return precision, recall, found_clusters, planted_clusters


def run_one(n: int) -> dict[str, float]:
    """Cluster n articles, then add 1,000 more (batch and one at a time); return measurements."""
    index = StoryIndex()
    predicted: list[int] = []
    truth: list[int] = []
    generating = clustering = cpu = 0.0
    started = time.perf_counter()
    for articles, stories in generate(n):
        generating += time.perf_counter() - started
        started, cpu_started = time.perf_counter(), time.process_time()
        predicted.extend(d.story for d in index.add_many(articles))
        clustering += time.perf_counter() - started
        cpu += time.process_time() - cpu_started
        truth.extend(stories)
        started = time.perf_counter()
    precision, recall, found, planted = pair_scores(np.array(predicted), np.array(truth))
    extra = [a for batch, _ in generate(2000, seed=8, start_id=n + 1) for a in batch]
    started = time.perf_counter()
    index.add_many(extra[:1000])
    add_batch = time.perf_counter() - started
    started = time.perf_counter()
    for article in extra[1000:]:
        index.add(*article)
    add_single = time.perf_counter() - started
    return {
        "n": n,
        "seconds": clustering,
        "cpu": cpu,
        "generate": generating,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "precision": precision,
        "recall": recall,
        "found": found,
        "planted": planted,
        "add_batch": add_batch,
        "add_single": add_single,
    }


def main() -> None:
    """Run each size in a subprocess and print the table."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated N values")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.one)))
        return
    print(
        f"{'N':>9} {'seconds':>8} {'cpu s':>6} {'art/s':>8} {'RSS MB':>7} {'stories found/planted':>22} "
        f"{'precision':>9} {'recall':>7} {'+1000 batch':>11} {'+1000 add()':>11} {'(generate s)':>12}"
    )
    for size in (int(s) for s in args.sizes.split(",")):
        out = subprocess.run([sys.executable, __file__, "--one", str(size)], check=True, capture_output=True, text=True)
        r = json.loads(out.stdout)
        print(
            f"{r['n']:>9,} {r['seconds']:>8.1f} {r['cpu']:>6.1f} {r['n'] / r['seconds']:>8,.0f} {r['rss_mb']:>7.0f} "
            f"{r['found']:>10,}/{r['planted']:<11,} {r['precision']:>9.4f} {r['recall']:>7.4f} "
            f"{r['add_batch']:>10.3f}s {r['add_single']:>10.3f}s {r['generate']:>12.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
