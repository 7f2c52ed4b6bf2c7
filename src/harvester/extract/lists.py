"""List pages: rows become :class:`ListEntry` values, pagers become the next :class:`Request`.

The helpers here are shared by every preset: a preset finds the rows and the pager of its
family, these functions read links, titles, dates and pin marks out of them. The generic
"largest repeated group of linked rows" search lives here too.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from harvester.extract.dates import date_from_url, find_date, parse_date
from harvester.extract.model import DateValue, ListEntry, Request
from harvester.extract.text import (
    ancestors,
    attr,
    children,
    clean_text,
    in_noise,
    is_skipped,
    node_text,
    resolve,
)

_ROW_TAGS = frozenset({"li", "tr", "dd", "dt", "article"})
_MAX_CLIMB = 6
_DATE_CHUNK = re.compile(r"[\d\s\-/.:\[\]()【】（）年月日号时分秒T]{3,40}")
_PIN_MARK = re.compile(r"(?<![a-z])(?:top|zd|istop|zhiding|settop)(?![a-z])|置顶", re.IGNORECASE)
_PIN_PREFIX = re.compile(r"^\s*[\[【(（]?\s*置顶\s*[\]】)）]?\s*")
_NEXT_WORDS = ("下一页", "下页", "后页", "下一頁")
_NEXT_EXACT = frozenset({"next", "next page", "next»", "next>", "next >", "next »", ">", "›", "下一页>>"})
_PAGE_OF = re.compile(r"第?\s*(\d{1,5})\s*/\s*(\d{1,5})\s*页?")
_PAGE_TOTAL = re.compile(r"共\s*(\d{1,5})\s*页")
_PAGE_CURRENT = re.compile(r"第\s*(\d{1,5})\s*页")
_NO_LINK = frozenset()  # type: frozenset[int]


@dataclass(frozen=True)
class RowHints:
    """Where the article link and the date sit inside a row (CSS, relative to the row); None = find."""

    link: str | None = None
    date: str | None = None


def entries_from_rows(rows: Iterable[LexborNode], base: str, hints: RowHints = RowHints()) -> tuple[ListEntry, ...]:
    """The entries of ``rows`` in order; rows without a usable link are skipped, repeated URLs kept once."""
    seen: set[str] = set()
    entries: list[ListEntry] = []
    for row in rows:
        entry = entry_from_row(row, base, hints)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    return tuple(entries)


def entry_from_row(row: LexborNode, base: str, hints: RowHints = RowHints()) -> ListEntry | None:
    """One list row as an entry: the main link's URL and title, the row's date, the pin mark."""
    link = row_link(row, base, hints.link)
    if link is None:
        return None
    url = resolve(base, link.attributes.get("href"))
    title = _PIN_PREFIX.sub("", link_title(link))
    if url is None or not title:
        return None
    date = row_date(row, link, hints.date) or date_from_url(url)
    return ListEntry(url=url, title=title, date=date, pinned=is_pinned(row))


def row_link(row: LexborNode, base: str, css: str | None = None) -> LexborNode | None:
    """The article link of a row: the one matching ``css``, else the one with the longest title."""
    if row.tag == "a" and css is None:
        return row if resolve(base, row.attributes.get("href")) else None
    candidates = row.css(css) if css else row.css("a[href]")
    best: LexborNode | None = None
    best_len = -1
    for node in candidates:
        link = node if node.tag == "a" else node.css_first("a[href]")
        if link is None or resolve(base, link.attributes.get("href")) is None:
            continue
        length = len(link_title(link))
        if length > best_len:
            best, best_len = link, length
    return best


def link_title(link: LexborNode) -> str:
    """A link's title: its ``title`` attribute when that is at least as complete as its text."""
    text = node_text(link)
    title = attr(link, "title")
    if title and (len(title) >= len(text) or text.endswith(("...", "…", "..")) or not text):
        return title
    if text:
        return text
    image = link.css_first("img[alt]")
    return attr(image, "alt") if image is not None else ""


def row_date(row: LexborNode, link: LexborNode | None = None, css: str | None = None) -> DateValue | None:
    """The date a row shows: in the element ``css`` names, else in a date-like piece of its text."""
    if css:
        text = node_text(row.css_first(css))
        found = (parse_date(text) or find_date(text)) if text else None
        if found is not None:
            return found
    skip = {link.mem_id} if link is not None else _NO_LINK
    rest: list[str] = []
    for chunk, in_link in _row_chunks(row, skip):
        if _DATE_CHUNK.fullmatch(chunk):
            value = parse_date(chunk)
            if value is not None:
                return value
        if not in_link:
            rest.append(chunk)
    joined = clean_text(" ".join(rest))
    if not joined or len(joined) > 200:
        return find_date(joined[:200]) if joined else None
    return parse_date(joined) if _DATE_CHUNK.fullmatch(joined) else find_date(joined)


def _row_chunks(row: LexborNode, skip: set[int] | frozenset[int]) -> Iterator[tuple[str, bool]]:
    """The text pieces of a row (one per text node), each flagged when it lies inside a skipped node."""
    stack: list[tuple[LexborNode, bool]] = [(row, row.mem_id in skip)]
    while stack:
        node, inside = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            text = clean_text(node.text_content or "")
            if text:
                yield text, inside
            continue
        if tag.startswith("-") or is_skipped(tag):
            continue
        kids = [(child, inside or child.mem_id in skip) for child in children(node)]
        stack.extend(reversed(kids))


def is_pinned(row: LexborNode) -> bool:
    """True when a row is marked 置顶: by its text, an icon, or a class/id such as ``top`` or ``zd``."""
    if "置顶" in node_text(row):
        return True
    for node in (row, *row.css("[class], [id], img")):
        marks = " ".join(attr(node, name) for name in ("class", "id", "src", "alt", "title"))
        if node.tag == "img":
            marks = marks.replace("/", " ").replace(".", " ")
        if _PIN_MARK.search(marks):
            return True
    return False


# --- finding rows ---------------------------------------------------------------------------


def rows_by_css(root: LexborNode, patterns: Sequence[str]) -> list[LexborNode]:
    """Rows matching the first pattern that matches outside navigation; the largest sibling group wins."""
    for pattern in patterns:
        rows = largest_group(root.css(pattern))
        if rows:
            return rows
    return []


def largest_group(nodes: Iterable[LexborNode]) -> list[LexborNode]:
    """The largest set of ``nodes`` that share a parent, outside navigation and sidebars; [] if none."""
    usable = [rows for rows in _group_by_parent(nodes) if not in_noise(rows[0])]
    return max(usable, key=len) if usable else []


def _group_by_parent(nodes: Iterable[LexborNode]) -> list[list[LexborNode]]:
    groups: dict[int, list[LexborNode]] = {}
    for node in nodes:
        parent = node.parent
        key = parent.mem_id if parent is not None else 0
        groups.setdefault(key, []).append(node)
    return list(groups.values())


def largest_link_group(root: LexborNode, base: str, accept: Callable[[str], bool] | None = None) -> list[LexborNode]:
    """The largest group of sibling rows that each carry a link (most with a date), outside navigation.

    ``accept`` filters the links by absolute URL (a preset can insist on its article URL scheme).
    """
    counts: dict[tuple[int, str], int] = {}
    groups: dict[tuple[int, str], dict[int, LexborNode]] = {}
    for link in root.css("a[href]"):
        url = resolve(base, link.attributes.get("href"))
        if url is None or (accept is not None and not accept(url)):
            continue
        row = _row_of(link, counts)
        if row is None or row.parent is None:
            continue
        groups.setdefault((row.parent.mem_id, row.tag or ""), {})[row.mem_id] = row
    best: list[LexborNode] = []
    best_score = 0.0
    for members in groups.values():
        rows = list(members.values())
        score = _group_score(rows, base)
        if score > best_score:
            best, best_score = rows, score
    return best


def _row_of(link: LexborNode, counts: dict[tuple[int, str], int]) -> LexborNode | None:
    """The row a link belongs to: the nearest li/tr/dd/article, else the nearest repeated element."""
    chain = [link, *_limited(ancestors(link), _MAX_CLIMB)]
    for node in chain[1:]:
        if node.tag in _ROW_TAGS:
            return node
        if node.tag in ("ul", "ol", "table", "tbody", "body"):
            break
    for node in chain:
        if node.tag in ("body", "html"):
            return None
        if _sibling_count(node, counts) >= 2:
            return node
    return None


def _limited(nodes: Iterator[LexborNode], limit: int) -> Iterator[LexborNode]:
    for index, node in enumerate(nodes):
        if index >= limit:
            return
        yield node


def _sibling_count(node: LexborNode, counts: dict[tuple[int, str], int]) -> int:
    parent = node.parent
    if parent is None:
        return 0
    key = (parent.mem_id, node.tag or "")
    if key not in counts:
        counts[key] = sum(1 for child in children(parent) if child.tag == node.tag)
    return counts[key]


def _group_score(rows: list[LexborNode], base: str) -> float:
    if not rows or in_noise(rows[0]):
        return 0.0
    entries = entries_from_rows(rows, base)
    if not entries:
        return 0.0
    dated = sum(1 for entry in entries if entry.date is not None)
    if len(entries) < 2 and not dated:
        return 0.0
    mean_title = sum(len(entry.title) for entry in entries) / len(entries)
    if mean_title < 5 and not dated:
        return 0.0
    return len(entries) * (1.0 if mean_title >= 8 else 0.5) + 2.0 * dated


# --- pagination -----------------------------------------------------------------------------


def next_from_nodes(nodes: Iterable[LexborNode], base: str) -> tuple[Request, ...]:
    """The first resolvable link among ``nodes`` (each an ``a`` or holding one) as the next request."""
    for node in nodes:
        link = node if node.tag == "a" else node.css_first("a[href]")
        url = resolve(base, link.attributes.get("href")) if link is not None else None
        if url is not None:
            return (Request(url),)
    return ()


def next_by_text(root: LexborNode, base: str) -> tuple[Request, ...]:
    """The next page by ``rel=next`` or by link text (下一页, 下页, 后页, next, >, ›)."""
    found = next_from_nodes(root.css("a[rel~=next], link[rel~=next]"), base)
    if found:
        return found
    return next_from_nodes((link for link in root.css("a[href]") if is_next_text(link)), base)


def is_next_text(link: LexborNode) -> bool:
    """True when a link reads as "next page"."""
    text = node_text(link) or attr(link, "title")
    if any(word in text for word in _NEXT_WORDS):
        return True
    return text.lower() in _NEXT_EXACT


def page_numbers(text: str) -> tuple[int | None, int | None]:
    """(current, total) page numbers from pager text such as ``1/15`` or ``第1页 共15页``."""
    match = _PAGE_OF.search(text)
    if match is not None:
        current, total = int(match.group(1)), int(match.group(2))
        if 0 < current <= total:
            return current, total
    total_match = _PAGE_TOTAL.search(text)
    current_match = _PAGE_CURRENT.search(text)
    return (
        int(current_match.group(1)) if current_match else None,
        int(total_match.group(1)) if total_match else None,
    )
