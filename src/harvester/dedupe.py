"""Content identity and near-duplicate stories within a channel.

A *story* is a cluster of articles that are the same text: the same body under two URLs or
in two columns, or a repost with light edits (a 本报讯 prefix, an editor line, a retitled
headline). The story id is the article id of the cluster's first article.

How articles are compared:

* text: title and body are boilerplate-stripped (:func:`~harvester.normalize.strip_boilerplate`)
  and normalized (:func:`~harvester.normalize.normalize_text`);
* exact identity: :func:`content_key`, a hash of the body, only for substantial bodies
  (>= 80 CJK characters or Latin letters once attachment names are removed);
* near-duplicates: character 3-gram shingles of title + body, a one-permutation MinHash
  signature (``num_perm`` bins, rotation densification, 16-bit values), LSH banding over the
  signature, and a confirmation by the estimated Jaccard similarity (>= ``threshold``).

One-permutation hashing costs one hash per shingle instead of ``num_perm``, which is what
makes a million articles fit in two minutes; its estimator is close to ordinary MinHash
with the same number of values (Shrivastava & Li, 2014). Articles with no substantial body
(详见附件, attachment-only, off-site entries) never join a story, and two channels never
share one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np
import numpy.typing as npt

from harvester.normalize import normalize_text, strip_boilerplate

__all__ = ["Decision", "StoryIndex", "choose_bands", "content_key"]

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
_Array = TypeVar("_Array", bound=np.ndarray[Any, Any])

_MIN_LETTERS = 80
_SUBSTANTIAL = re.compile(rf"(?:[^\u3400-\u9fffA-Za-z]*+[\u3400-\u9fffA-Za-z]){{{_MIN_LETTERS}}}")
_FILE_NAME = r"\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|txt|jpe?g|png)\b"
_HAS_FILE_NAME = re.compile(_FILE_NAME, re.IGNORECASE)
_ATTACHMENT = re.compile(
    rf"详见附件|见附件|附件\s*\d*\s*[：:]?|点击下载|下载附件|附件下载|[^\s，。、；：:,;]{{0,60}}{_FILE_NAME}",
    re.IGNORECASE,
)
_SIGNATURE_VERSION = 1
_DIGEST_BYTES = 16
_CHUNK_DOCS = 256
_PAIR_CHUNK = 65536
_DENSIFY_STEP = np.uint32(0x9E3779B1)
_EMPTY = np.uint32(0xFFFFFFFF)
_SEED = np.uint64(0x5DEECE66D2B7E151)
_CONTENT_BAND = 0xC0FFEE


def content_key(title: str, body: str) -> str | None:
    """Return the exact-content identity of an article, or None when it has none.

    The key is a 128-bit BLAKE2b hex digest of the boilerplate-stripped, normalized body,
    with a leading copy of the title removed (some pages repeat the headline in the body).
    The title does not enter the key otherwise: a retitled repost keeps its key.

    None for bodies with fewer than 80 CJK characters or Latin letters after removing
    attachment file names and 详见附件-style phrases: such articles (attachment-only,
    off-site, empty) are only ever the same as themselves.
    """
    digest = _prepare(title, body)[1]
    return digest.hex() if digest is not None else None


def _prepare(title: str, body: str) -> tuple[str, bytes | None]:
    """The text to shingle (title + body) and the body digest (None when not substantial)."""
    title_text = normalize_text(title)
    body_text = normalize_text(strip_boilerplate(body))
    if len(title_text) >= 4 and body_text.startswith(title_text):
        body_text = body_text[len(title_text) :]
    probe = body_text
    if "附件" in probe or "下载" in probe or _HAS_FILE_NAME.search(probe) is not None:
        probe = _ATTACHMENT.sub("", probe)
    if _SUBSTANTIAL.match(probe) is None:
        return title_text, None
    digest = hashlib.blake2b(body_text.encode("utf-8"), digest_size=_DIGEST_BYTES).digest()
    return f"{title_text}\n{body_text}", digest


@dataclass(frozen=True)
class Decision:
    """Where :meth:`StoryIndex.add` put an article.

    ``story`` is the article id of the story's first article (the article's own id for a new
    story); ``similarity`` is 1.0 for identical content, the estimated Jaccard similarity for
    a near-duplicate and 0.0 otherwise; ``reason`` is ``"new"``, ``"same-content"``,
    ``"near-duplicate of #12 (jaccard 0.93)"`` or ``"too-short"``.
    """

    story: int
    similarity: float
    reason: str


def choose_bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """LSH banding ``(bands, rows)`` for a similarity threshold.

    The most rows per band (the fewest chance candidates among unrelated articles) such that
    a pair ``min(0.1, (1 - threshold) / 2)`` above the threshold still becomes a candidate with
    probability >= 0.99. For 0.7 and 128 values this is 21 bands of 6 rows.
    """
    target = min(1.0, threshold + min(0.1, (1.0 - threshold) / 2))
    for rows in range(num_perm, 0, -1):
        bands = num_perm // rows
        if 1.0 - (1.0 - target**rows) ** bands >= 0.99:
            return bands, rows
    return num_perm, 1


def _mix(values: U64) -> U64:
    """SplitMix64 finalizer, vectorised and in place (uint64 arithmetic wraps)."""
    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def _signatures(texts: Sequence[str], num_perm: int) -> npt.NDArray[np.uint16]:
    """One-permutation MinHash signatures (rows of ``num_perm`` 16-bit values) of texts."""
    out = np.empty((len(texts), num_perm), dtype=np.uint16)
    for start in range(0, len(texts), _CHUNK_DOCS):
        chunk = texts[start : start + _CHUNK_DOCS]
        out[start : start + len(chunk)] = _signature_chunk(chunk, num_perm)
    return out


def _signature_chunk(texts: Sequence[str], num_perm: int) -> npt.NDArray[np.uint16]:
    """Signatures of a few hundred texts at once: hash every 3-gram, keep each bin's minimum."""
    lengths = np.fromiter((len(t) for t in texts), dtype=np.int64, count=len(texts))
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    doc = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
    valid = doc[:-2] == doc[2:] if codes.size >= 3 else np.zeros(0, dtype=bool)
    grams = codes[:-2] << np.uint64(42)
    grams |= codes[1:-1] << np.uint64(21)
    grams |= codes[2:]
    hashes = _mix(grams[valid] ^ _SEED)
    bins = ((hashes >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)
    slots = doc[:-2][valid] * num_perm + bins.astype(np.int64)
    minima = np.full(len(texts) * num_perm, _EMPTY, dtype=np.uint32)
    np.minimum.at(minima, slots, hashes.astype(np.uint32))
    return _densify(minima.reshape(len(texts), num_perm)).astype(np.uint16)


def _densify(minima: npt.NDArray[np.uint32]) -> npt.NDArray[np.uint32]:
    """Fill empty bins from the next non-empty bin to the right (circularly), plus an offset."""
    empty = minima == _EMPTY
    if not empty.any():
        return minima
    count, width = minima.shape
    columns = np.arange(width, dtype=np.int64)
    position = np.where(empty, 2 * width, columns)
    doubled = np.concatenate([position, position + width], axis=1)
    doubled[np.concatenate([empty, empty], axis=1)] = 2 * width
    following = np.minimum.accumulate(doubled[:, ::-1], axis=1)[:, ::-1][:, :width]
    found = following < 2 * width
    source = np.where(found, following % width, 0)
    distance = np.where(found, following - columns, 0).astype(np.uint32)
    rows = np.arange(count)[:, None]
    return (minima[rows, source] + distance * _DENSIFY_STEP).astype(np.uint32)


class _SortedRuns:
    """A multimap from uint64 keys to row numbers: a large sorted run and a small recent one."""

    def __init__(self) -> None:
        self._runs: list[tuple[U64, npt.NDArray[np.int32]]] = [
            (np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int32)) for _ in range(2)
        ]

    def __len__(self) -> int:
        return sum(keys.size for keys, _ in self._runs)

    def insert(self, keys: U64, rows: npt.NDArray[np.int32]) -> None:
        """Add entries; the recent run is folded into the large one when it gets big."""
        order = np.argsort(keys, kind="stable")
        keys, rows = keys[order], rows[order]
        (big_keys, big_rows), (new_keys, new_rows) = self._runs
        new_keys, new_rows = _merge(new_keys, new_rows, keys, rows)
        if new_keys.size > max(1 << 16, big_keys.size // 8):
            big_keys, big_rows = _merge(big_keys, big_rows, new_keys, new_rows)
            new_keys, new_rows = new_keys[:0], new_rows[:0]
        self._runs = [(big_keys, big_rows), (new_keys, new_rows)]

    def lookup(self, keys: U64) -> tuple[I64, I64]:
        """All ``(query index, row)`` pairs where the row was stored under the query's key."""
        order = np.argsort(keys)
        ordered = keys[order]
        queries, found = [], []
        for run_keys, run_rows in self._runs:
            if run_keys.size == 0:
                continue
            low = np.searchsorted(run_keys, ordered, side="left")
            hit = np.flatnonzero(run_keys[np.minimum(low, run_keys.size - 1)] == ordered)
            low = low[hit]
            counts = np.searchsorted(run_keys, ordered[hit], side="right") - low
            offsets = np.arange(int(counts.sum()), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
            queries.append(np.repeat(order[hit], counts))
            found.append(run_rows[np.repeat(low, counts) + offsets].astype(np.int64))
        if not queries:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        return np.concatenate(queries).astype(np.int64), np.concatenate(found)


def _merge(
    keys: U64, rows: npt.NDArray[np.int32], more_keys: U64, more_rows: npt.NDArray[np.int32]
) -> tuple[U64, npt.NDArray[np.int32]]:
    """Merge two key-sorted runs in linear time (entries of ``more`` go after equal keys)."""
    if more_keys.size == 0:
        return keys, rows
    at = np.searchsorted(keys, more_keys, side="right")
    return np.insert(keys, at, more_keys), np.insert(rows, at, more_rows)


def _pairs_within(keys: U64) -> tuple[I64, I64]:
    """All ``(later, earlier)`` position pairs of equal keys within one array."""
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts_flag = np.ones(ordered.size, dtype=bool)
    starts_flag[1:] = ordered[1:] != ordered[:-1]
    group_start = np.maximum.accumulate(np.where(starts_flag, np.arange(ordered.size), 0))
    counts = np.arange(ordered.size) - group_start
    later = np.repeat(order, counts)
    offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    earlier = order[np.repeat(group_start, counts) + offsets]
    return later.astype(np.int64), earlier.astype(np.int64)


def _grow(array: _Array, capacity: int) -> _Array:
    """A copy of ``array`` with room for ``capacity`` rows."""
    grown = np.empty((capacity, *array.shape[1:]), dtype=array.dtype)
    grown[: array.shape[0]] = array
    return cast(_Array, grown)


def _channel_hash(channel: str) -> int:
    """A stable 63-bit number for a channel id (the same in every process)."""
    return int.from_bytes(hashlib.blake2b(channel.encode("utf-8"), digest_size=8).digest(), "little") >> 1


class StoryIndex:
    """Near-duplicate clustering of articles into stories, one channel at a time.

    Articles are added in the order they were first seen; each is compared with the articles
    already in the index of the same channel through LSH buckets (never with all of them).
    An article joins the story of its best match: the earliest article with the same
    :func:`content_key`, else the most similar earlier article with an estimated Jaccard
    similarity >= ``threshold`` (ties go to the earlier article). Articles without a
    substantial body are never indexed and always start their own story.

    ``add`` takes one article; ``add_many`` takes a batch and is much faster per article
    while giving exactly the decisions ``add`` would give one at a time. ``signature`` and
    ``restore`` persist the index without keeping the texts.
    """

    def __init__(self, *, threshold: float = 0.7, num_perm: int = 128) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError(f"threshold must be in (0, 1], not {threshold}")
        if num_perm < 8:
            raise ValueError(f"num_perm must be at least 8, not {num_perm}")
        self._threshold = threshold
        self._num_perm = num_perm
        self._bands, self._rows_per_band = choose_bands(threshold, num_perm)
        self._row_of: dict[int, int] = {}
        self._channel_numbers: dict[str, int] = {}
        self._size = 0
        self._ids = np.zeros(0, dtype=np.int64)
        self._stories = np.zeros(0, dtype=np.int64)
        self._channels = np.zeros(0, dtype=np.int64)
        self._sigs = np.zeros((0, num_perm), dtype=np.uint16)
        self._digests = np.zeros((0, 2), dtype=np.uint64)
        self._buckets = _SortedRuns()

    def __len__(self) -> int:
        """The number of articles added (with or without a signature)."""
        return len(self._row_of)

    def __contains__(self, article_id: object) -> bool:
        """True when the article id has been added."""
        return article_id in self._row_of

    @property
    def bands(self) -> tuple[int, int]:
        """The LSH banding in use: ``(bands, rows per band)``, see :func:`choose_bands`."""
        return self._bands, self._rows_per_band

    def add(self, article_id: int, channel: str, title: str, body: str) -> Decision:
        """Place one article in a story; raise ValueError if the id was already added."""
        return self.add_many([(article_id, channel, title, body)])[0]

    def add_many(self, articles: Iterable[tuple[int, str, str, str]]) -> list[Decision]:
        """Place a batch of ``(article_id, channel, title, body)`` in order; see :meth:`add`."""
        batch = list(articles)
        self._check_new([article_id for article_id, _, _, _ in batch])
        prepared = [_prepare(title, body) for _, _, title, body in batch]
        indexed = [i for i, (_, digest) in enumerate(prepared) if digest is not None]
        sigs = _signatures([prepared[i][0] for i in indexed], self._num_perm)
        digests = np.frombuffer(b"".join(prepared[i][1] or b"" for i in indexed), dtype="<u8")
        channels = np.array([self._channel_number(batch[i][1]) for i in indexed], dtype=np.int64)
        rows = self._append([batch[i][0] for i in indexed], channels, sigs, digests.reshape(-1, 2))
        return self._decide(batch, indexed, rows)

    def story(self, article_id: int) -> int:
        """The story an added article belongs to; raises KeyError for an id never added."""
        row = self._row_of[article_id]
        return article_id if row < 0 else int(self._stories[row])

    def signature(self, article_id: int) -> bytes | None:
        """The stored form of an article (None when it has no substantial body).

        Format: one version byte, the 16-byte content digest, then ``num_perm`` little-endian
        16-bit MinHash values. Raises KeyError for an id that was never added.
        """
        row = self._row_of[article_id]
        if row < 0:
            return None
        digest = bytes(self._digests[row].astype("<u8").tobytes())
        return bytes([_SIGNATURE_VERSION]) + digest + bytes(self._sigs[row].astype("<u2").tobytes())

    @classmethod
    def restore(
        cls, rows: Iterable[tuple[int, str, int, bytes | None]], *, threshold: float = 0.7, num_perm: int = 128
    ) -> StoryIndex:
        """Rebuild an index from ``(article_id, channel, story, signature)`` rows.

        Pass the rows in the order the articles were added (ties between equally similar
        matches go to the earlier row). No text is re-shingled. Raises ValueError for a
        signature of another version or length (re-add those articles from their text).
        """
        index = cls(threshold=threshold, num_perm=num_perm)
        ids: list[int] = []
        channels: list[int] = []
        stories: list[int] = []
        blobs: list[bytes] = []
        width = 1 + _DIGEST_BYTES + 2 * num_perm
        for article_id, channel, story, signature in rows:
            index._check_new([article_id])
            if signature is None:
                index._row_of[article_id] = -1
                continue
            if len(signature) != width or signature[0] != _SIGNATURE_VERSION:
                raise ValueError(f"article #{article_id}: not a version-{_SIGNATURE_VERSION} signature")
            index._row_of[article_id] = -2
            ids.append(article_id)
            channels.append(index._channel_number(channel))
            stories.append(story)
            blobs.append(signature)
        table = np.frombuffer(b"".join(blobs), dtype=np.uint8).reshape(len(blobs), width)
        digests = table[:, 1 : 1 + _DIGEST_BYTES].copy().view("<u8").astype(np.uint64)
        sigs = table[:, 1 + _DIGEST_BYTES :].copy().view("<u2").astype(np.uint16)
        first = index._append(ids, np.array(channels, dtype=np.int64), sigs, digests)
        index._stories[first : first + len(ids)] = stories
        index._insert_keys(first, index._keys(first, index._size))
        return index

    def _check_new(self, article_ids: list[int]) -> None:
        """Raise ValueError for an id already added or repeated in the batch."""
        seen: set[int] = set()
        for article_id in article_ids:
            if article_id in self._row_of or article_id in seen:
                raise ValueError(f"article #{article_id} was already added to this index")
            seen.add(article_id)

    def _channel_number(self, channel: str) -> int:
        """The stable number of a channel id, cached."""
        number = self._channel_numbers.get(channel)
        if number is None:
            number = self._channel_numbers[channel] = _channel_hash(channel)
        return number

    def _append(self, ids: list[int], channels: I64, sigs: npt.NDArray[np.uint16], digests: U64) -> int:
        """Store rows and their bucket keys; return the first new row number."""
        first, count = self._size, len(ids)
        if first + count > self._ids.shape[0]:
            capacity = max(first + count, self._ids.shape[0] * 3 // 2, 1024)
            self._ids, self._stories, self._channels = (
                _grow(a, capacity) for a in (self._ids, self._stories, self._channels)
            )
            self._sigs, self._digests = _grow(self._sigs, capacity), _grow(self._digests, capacity)
        end = first + count
        self._ids[first:end] = ids
        self._stories[first:end] = ids
        self._channels[first:end] = channels
        self._sigs[first:end] = sigs
        self._digests[first:end] = digests
        self._size = end
        for offset, article_id in enumerate(ids):
            self._row_of[article_id] = first + offset
        return first

    def _keys(self, start: int, end: int) -> U64:
        """Bucket keys of rows ``start:end``: one per LSH band, then the content key (last column)."""
        bands, width = self._bands, self._rows_per_band
        channels = self._channels[start:end].astype(np.uint64)
        keys = np.empty((end - start, bands + 1), dtype=np.uint64)
        keys[:, :bands] = (channels[:, None] << np.uint64(16)) ^ np.arange(bands, dtype=np.uint64)
        keys[:, bands] = (channels << np.uint64(16)) ^ np.uint64(_CONTENT_BAND)
        keys = _mix(keys ^ _SEED)
        blocks = self._sigs[start:end, : bands * width].reshape(-1, bands, width).astype(np.uint64)
        for column in range(width):
            keys[:, :bands] = _mix(keys[:, :bands] ^ blocks[:, :, column])
        for column in range(2):
            keys[:, bands] = _mix(keys[:, bands] ^ self._digests[start:end, column])
        return keys

    def _insert_keys(self, first: int, keys: U64) -> None:
        """Put rows ``first:`` into their buckets (``keys`` from :meth:`_keys`)."""
        rows = np.arange(first, self._size, dtype=np.int32)
        self._buckets.insert(keys.reshape(-1), np.repeat(rows, keys.shape[1]))

    def _candidates(self, first: int) -> tuple[I64, I64, npt.NDArray[np.bool_]]:
        """``(later, earlier, same_content)`` row pairs sharing a bucket, for rows from ``first``."""
        keys = self._keys(first, self._size)
        columns = keys.shape[1]
        flat = keys.reshape(-1)
        query, found = self._buckets.lookup(flat)
        inner_later, inner_earlier = _pairs_within(flat)
        later = np.concatenate([query, inner_later]) // columns + first
        earlier = np.concatenate([found, inner_earlier // columns + first])
        content = np.concatenate([query, inner_later]) % columns == columns - 1
        self._insert_keys(first, keys)
        keep = (self._channels[later] == self._channels[earlier]) & (later != earlier)
        return later[keep], earlier[keep], content[keep]

    def _decide(self, batch: list[tuple[int, str, str, str]], indexed: list[int], first: int) -> list[Decision]:
        """Turn confirmed candidate pairs into decisions, in batch order."""
        later, earlier, content = self._candidates(first)
        same = self._same_content(later[content], earlier[content])
        near = self._near_duplicates(later[~content], earlier[~content])
        row_of_position = dict(zip(indexed, range(first, first + len(indexed)), strict=True))
        decisions = []
        for position, (article_id, _, _, _) in enumerate(batch):
            row = row_of_position.get(position)
            if row is None:
                self._row_of[article_id] = -1
                decisions.append(Decision(article_id, 0.0, "too-short"))
                continue
            decision = self._decision(row, same.get(row), near.get(row))
            self._stories[row] = decision.story
            decisions.append(decision)
        return decisions

    def _decision(self, row: int, same: int | None, near: tuple[int, float] | None) -> Decision:
        """The decision for one row given its best exact and near matches."""
        if same is not None:
            return Decision(int(self._stories[same]), 1.0, "same-content")
        if near is not None:
            match, similarity = near
            reason = f"near-duplicate of #{self._ids[match]} (jaccard {similarity:.2f})"
            return Decision(int(self._stories[match]), similarity, reason)
        return Decision(int(self._ids[row]), 0.0, "new")

    def _same_content(self, later: I64, earlier: I64) -> dict[int, int]:
        """For each row with an identical digest earlier in its channel, the earliest such row."""
        equal = (self._digests[later] == self._digests[earlier]).all(axis=1)
        later, earlier = later[equal], earlier[equal]
        order = np.lexsort((earlier, later))
        later, earlier = later[order], earlier[order]
        head = np.ones(later.size, dtype=bool)
        head[1:] = later[1:] != later[:-1]
        return dict(zip(later[head].tolist(), earlier[head].tolist(), strict=True))

    def _near_duplicates(self, later: I64, earlier: I64) -> dict[int, tuple[int, float]]:
        """For each row, its most similar earlier row at or above the threshold."""
        pairs = np.unique(later << np.int64(32) | earlier)
        later, earlier = pairs >> np.int64(32), pairs & np.int64(0xFFFFFFFF)
        similarity = np.empty(pairs.size, dtype=np.float64)
        for start in range(0, pairs.size, _PAIR_CHUNK):
            part = slice(start, start + _PAIR_CHUNK)
            equal = self._sigs[later[part]] == self._sigs[earlier[part]]
            similarity[part] = equal.sum(axis=1) / self._num_perm
        similarity = np.clip((similarity - 2.0**-16) / (1.0 - 2.0**-16), 0.0, 1.0)
        keep = similarity >= self._threshold
        later, earlier, similarity = later[keep], earlier[keep], similarity[keep]
        order = np.lexsort((earlier, -similarity, later))
        later, earlier, similarity = later[order], earlier[order], similarity[order]
        head = np.ones(later.size, dtype=bool)
        head[1:] = later[1:] != later[:-1]
        return {
            int(row): (int(match), round(float(value), 4))
            for row, match, value in zip(later[head], earlier[head], similarity[head], strict=True)
        }
