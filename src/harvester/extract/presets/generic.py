"""The generic fallback: any hand-rolled CMS, read by structure alone.

- List: the largest repeated group of sibling rows that each carry a link (most with a date),
  outside navigation, header, footer and sidebars; the next page by link text or ``rel=next``.
- Article: title from h1, ``ArticleTitle`` or ``<title>`` minus the site suffix; date from meta
  tags, a labelled line or the URL; body = the block with the densest non-link text.
"""

from __future__ import annotations

from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from harvester.config import Selectors
from harvester.extract.article import (
    apply_selectors,
    attachments,
    author_origin,
    check_article,
    document_title,
    heading_title,
    looks_missing,
    meta_content,
    meta_date,
    meta_line,
    split_title,
    strip_site_suffix,
    text_or_none,
)
from harvester.extract.dates import date_from_url, find_date
from harvester.extract.lists import (
    RowHints,
    entries_from_rows,
    largest_link_group,
    next_by_text,
    next_from_nodes,
    page_numbers,
)
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.text import (
    BLOCK_TAGS,
    base_url,
    block_text,
    children,
    clean_text,
    is_noise,
    is_skipped,
    node_text,
    parse_html,
)

_CANDIDATES = 5


@dataclass(frozen=True)
class GenericPreset:
    """Structure-only extraction; the fallback of every other preset."""

    family: str = "generic"

    def score(self, page: Page) -> int:
        """Always 0: generic is chosen only when no family matches."""
        return 0

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """Entries of the largest linked row group (or ``selectors.entry``) and the next page."""
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        hints = RowHints(link=selectors.link, date=selectors.date)
        rows = root.css(selectors.entry) if selectors.entry else largest_link_group(root, base)
        entries = entries_from_rows(rows, base, hints)
        if not entries:
            return None
        following = next_from_nodes(root.css(selectors.next), base) if selectors.next else next_by_text(root, base)
        current, total = _pager_numbers(root)
        return ListPage(entries, following, self.family, current, total)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Title, date, meta line, densest body block and attachments of any detail page."""
        tree = parse_html(page.html)
        base = base_url(tree, page.url)
        body_node = densest_block(tree.body) if tree.body is not None else None
        line = meta_line(tree.body) if tree.body is not None else ""
        author, origin = author_origin(line)
        fields = ArticleFields(
            title=text_or_none(article_title(tree)),
            date=meta_date(tree) or (find_date(line) if line else None) or date_from_url(page.url),
            body=block_text(body_node),
            attachments=attachments(_attachment_scopes(body_node), base),
            author=author or text_or_none(meta_content(tree, "author")),
            origin=origin or text_or_none(meta_content(tree, "ContentSource", "source")),
            family=self.family,
        )
        fields, chosen = apply_selectors(tree, fields, selectors)
        has_body = (chosen or body_node) is not None and not looks_missing(tree, fields.body)
        return check_article(tree, fields, url=page.url, has_body=has_body)


def article_title(tree: LexborHTMLParser) -> str:
    """meta ArticleTitle, else the first h1 that is not just the site name, else ``<title>`` minus the site."""
    meta = meta_content(tree, "ArticleTitle")
    if meta:
        return meta
    whole = document_title(tree)
    heading = heading_title(tree.body, ("h1",)) if tree.body is not None else ""
    if heading and heading not in site_parts(whole):
        return heading
    return strip_site_suffix(whole)


def site_parts(whole_title: str) -> tuple[str, ...]:
    """The parts of ``<title>`` after the first: the column and site names (``标题_栏目_站点``)."""
    first = strip_site_suffix(whole_title)
    return tuple(part for part in split_title(whole_title) if part != first)


def densest_block(root: LexborNode) -> LexborNode | None:
    """The block with the most non-link text: paragraphs score for themselves, half for their parent.

    Navigation, headers, footers and sidebars do not count. One pass over the tree; link density
    is measured only for the few best candidates.
    """
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    stack: list[tuple[LexborNode, LexborNode | None, bool]] = [(root, None, False)]
    while stack:
        node, block, in_link = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            if block is not None and not in_link:
                _credit(block, len(clean_text(node.text_content or "")), scores, nodes)
            continue
        if tag.startswith("-") or is_skipped(tag) or (node is not root and is_noise(node)):
            continue
        inner = node if tag in BLOCK_TAGS or tag == "td" else block
        stack.extend((child, inner, in_link or tag == "a") for child in children(node))
    ranked = sorted(scores, key=scores.__getitem__, reverse=True)[:_CANDIDATES]
    if not ranked:
        return None
    best = max(ranked, key=lambda key: scores[key] * (1.0 - _link_density(nodes[key])))
    chosen = nodes[best]
    if chosen.tag == "p" and chosen.parent is not None and chosen.parent.tag not in ("body", "html"):
        return chosen.parent
    return chosen


def _credit(block: LexborNode, length: int, scores: dict[int, float], nodes: dict[int, LexborNode]) -> None:
    if length == 0:
        return
    weight = float(length)
    node: LexborNode | None = block
    for _ in range(3):
        if node is None or node.tag in ("html", "-document", None):
            return
        scores[node.mem_id] = scores.get(node.mem_id, 0.0) + weight
        nodes[node.mem_id] = node
        weight /= 2
        node = node.parent


def _link_density(node: LexborNode) -> float:
    total = len(node_text(node))
    if total == 0:
        return 1.0
    linked = sum(len(node_text(link)) for link in node.css("a"))
    return min(1.0, linked / total)


def _attachment_scopes(body: LexborNode | None) -> tuple[LexborNode | None, ...]:
    if body is None:
        return ()
    return (body, body.parent) if body.parent is not None and body.parent.tag not in ("body", "html") else (body,)


def _pager_numbers(root: LexborNode) -> tuple[int | None, int | None]:
    """Current/total page from the text around the next-page link, if any."""
    for link in root.css("a[href]"):
        text = node_text(link)
        if "下一页" in text or "下页" in text:
            holder = link.parent
            return page_numbers(node_text(holder)) if holder is not None else (None, None)
    return None, None


PRESET = GenericPreset()
