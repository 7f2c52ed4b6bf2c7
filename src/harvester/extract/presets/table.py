"""Old table layouts of the ASP/.NET era (GBK, ``list.asp?page=2``, ``show.aspx?id=123``).

Lists: table rows ``<tr><td><a class=...>title</a></td><td>[2023/5/12]</td></tr>`` and a pager
line ``共N条记录 第1/M页 首页 上一页 下一页 末页`` whose 下一页 is a link except on the last page
(``javascript:__doPostBack(...)`` links are not followed). Detail pages: a title cell, an
optional 发布时间 line (often none: the date then comes from the list), the body cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from harvester.config import Selectors
from harvester.extract.article import (
    apply_selectors,
    attachments,
    author_origin,
    byline,
    check_article,
    document_title,
    first_css,
    heading_title,
    looks_missing,
    meta_date,
    meta_line,
    page_tree,
    split_title,
    strip_site_suffix,
    text_or_none,
)
from harvester.extract.dates import find_date
from harvester.extract.lists import (
    RowHints,
    entries_from_rows,
    is_next_text,
    largest_link_group,
    link_title,
    next_by_text,
    next_from_nodes,
)
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.presets.generic import densest_block
from harvester.extract.text import ancestors, base_url, block_text, clean_text, in_noise, node_text, parse_html

_ASP_LINK = re.compile(r"""(?:href|action)=["']?[^"'>\s]*\.aspx?\b""", re.IGNORECASE)
_RECORDS = re.compile(r"共\s*\d+\s*条记录")
_PAGE_OF = re.compile(r"第\s*(\d{1,5})\s*/\s*(\d{1,5})\s*页")
_GB_META = re.compile(r"""<meta[^>]+charset=["']?\s*(?:gb2312|gbk|gb18030)""", re.IGNORECASE)
_PAGER_WORDS = frozenset({"首页", "上一页", "下一页", "末页", "尾页", "上页", "下页", "前页", "后页"})
_BODY_CSS = ("td.content", "td#content", "#fontzoom", "#zoom", ".newscontent", "#newscontent", "td.article")
_TITLE_CSS = (".title", ".biaoti", ".newstitle", "#title", "td.bt", "font[size] b", "td[align=center] b")
_MIN_TABLES = 6
_PAGER_CLIMB = 4
_PAGER_MAX_TEXT = 300
_NEXT_WORDS = ("下一页", "下页")


@dataclass(frozen=True)
class TablePreset:
    """Hand-written ASP/.NET table layouts."""

    family: str = "table"

    def score(self, page: Page) -> int:
        """Fingerprints: .asp(x) links, 共N条记录 第x/y页, ``__VIEWSTATE``, a GBK meta, many tables."""
        html = page.html
        found = 2 if _ASP_LINK.search(html) else 0
        found += 2 if page.url.split("?", 1)[0].lower().endswith((".asp", ".aspx")) else 0
        found += 2 if _RECORDS.search(html) else 0
        found += 1 if _PAGE_OF.search(html) else 0
        found += 2 if "__VIEWSTATE" in html else 0
        found += 1 if _GB_META.search(html[:4096]) else 0
        return found + (1 if html.count("<table") + html.count("<TABLE") >= _MIN_TABLES else 0)

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """The linked table rows (pager row excluded) and the 下一页 link of the 共N条记录 pager."""
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        rows = list(root.css(selectors.entry)) if selectors.entry else _rows(root, base)
        entries = entries_from_rows(rows, base, RowHints(selectors.link, selectors.date))
        if not entries:
            return None
        pager = pager_node(root)
        current, total = page_of(node_text(pager)) if pager is not None else (None, None)
        if selectors.next:
            following = next_from_nodes(root.css(selectors.next), base)
        elif current is not None and total is not None and current >= total:
            following = ()
        elif pager is not None:
            following = next_from_nodes([link for link in pager.css("a[href]") if is_next_text(link)], base)
        else:
            following = next_by_text(root, base)
        return ListPage(entries, following, self.family, current, total)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Title cell, an optional 发布时间 line (None when the page has no date), the body cell, files."""
        tree, root = page_tree(page)
        base = base_url(tree, page.url)
        body_node = first_css(root, _BODY_CSS)
        known_body = body_node is not None
        body_node = body_node or densest_block(root)
        line = meta_line(root)
        author, origin = author_origin(line or byline(root))
        fields = ArticleFields(
            title=text_or_none(_title(tree, root)),
            date=(find_date(line) if line else None) or meta_date(tree),
            body=block_text(body_node),
            attachments=attachments((body_node,), base),
            author=author,
            origin=origin,
            family=self.family,
        )
        fields, chosen = apply_selectors(tree, fields, selectors)
        has_body = chosen is not None or known_body or (body_node is not None and not looks_missing(tree, fields.body))
        return check_article(tree, fields, url=page.url, has_body=has_body)


def _rows(root: LexborNode, base: str) -> list[LexborNode]:
    """The largest linked row group, without pager rows (首页 下一页 ..., 共N条记录)."""
    return [row for row in largest_link_group(root, base) if not _is_pager_row(row, base)]


def _is_pager_row(row: LexborNode, base: str) -> bool:
    text = node_text(row)
    if _RECORDS.search(text) or _PAGE_OF.search(text):
        return True
    titles = [link_title(link) for link in row.css("a[href]")]
    return bool(titles) and all(title in _PAGER_WORDS or title.isdigit() for title in titles)


def pager_node(root: LexborNode) -> LexborNode | None:
    """The nearest element around a ``共N条记录`` / ``第x/y页`` text that also holds a 下一页 word."""
    for text_node in root.traverse(include_text=True):
        if text_node.tag != "-text":
            continue
        own = clean_text(text_node.text_content or "")
        if ("页" not in own and "条记录" not in own) or own in _PAGER_WORDS:
            continue
        for parent in _limited(ancestors(text_node), _PAGER_CLIMB):
            text = node_text(parent)
            if len(text) > _PAGER_MAX_TEXT:
                break
            if (_RECORDS.search(text) or _PAGE_OF.search(text)) and any(word in text for word in _NEXT_WORDS):
                return parent
    return None


def _limited(nodes: Iterator[LexborNode], limit: int) -> Iterator[LexborNode]:
    for index, node in enumerate(nodes):
        if index >= limit:
            return
        yield node


def page_of(text: str) -> tuple[int | None, int | None]:
    """(current, total) from ``第1/5页``; (None, None) when the text has no such pair."""
    match = _PAGE_OF.search(text)
    if match is None:
        return None, None
    current, total = int(match.group(1)), int(match.group(2))
    return (current, total) if 0 < current <= total else (None, None)


def _title(tree: LexborHTMLParser, root: LexborNode) -> str:
    """A heading, else a title-classed cell, else the ``<title>`` without the site name."""
    whole = document_title(tree)
    site = set(split_title(whole)[1:])
    heading = heading_title(root, ("h1", "h2", "h3"))
    if heading and heading not in site:
        return heading
    for css in _TITLE_CSS:
        for node in root.css(css):
            text = node_text(node)
            if text and text not in site and not in_noise(node) and len(text) <= 120:
                return text
    return strip_site_suffix(whole)


PRESET = TablePreset()
