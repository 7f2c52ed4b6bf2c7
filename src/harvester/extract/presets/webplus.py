"""WebPlus Pro (Sudy) campus news sites.

Lists: ``ul.news_list > li.news`` (``span.news_title a[title]`` + ``span.news_meta``), the
``.wp_article_list`` variant, and news portals with thumbnails, summaries and split dates;
the pager is ``ul.wp_paging`` (``a.next`` 下一页, disabled as ``javascript:void(0);``,
``em.curr_page`` / ``em.all_pages``). Detail pages: ``h1.arti_title``, ``span.arti_update``
and a ``.wp_articlecontent`` body full of Word/VML junk; files under ``/_upload/article/files/``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborNode

from harvester.config import Selectors
from harvester.extract.article import (
    apply_selectors,
    attachments,
    author_origin,
    check_article,
    document_title,
    first_css,
    heading_title,
    meta_line,
    page_tree,
    strip_site_suffix,
    text_or_none,
)
from harvester.extract.dates import date_from_url, find_date
from harvester.extract.lists import (
    RowHints,
    entries_from_rows,
    largest_link_group,
    next_from_nodes,
    page_numbers,
    rows_by_css,
)
from harvester.extract.model import ArticleFields, ListPage, Page
from harvester.extract.text import base_url, block_text, node_text, parse_html

_FINGERPRINTS = (
    ("sudy-wp-context", 3),
    ("/_js/_portletPlugs/", 3),
    ('frag="窗口', 3),
    ("/_visitcount", 3),
    ("/_upload/", 2),
    ("wp_paging", 2),
    ("wp_articlecontent", 3),
    ("/_css/_system/system.css", 2),
    ("wp_article_list", 2),
    ("WP_VisitCount", 2),
)
_ROW_CSS = (
    "ul.news_list > li",
    ".wp_article_list > li",
    ".wp_article_list li",
    "li.news",
    ".wp_article_list_table tr",
    ".news_list_portal > .item",
    ".news_list_portal > div",
    ".news_list > div",
)
_LINK_CSS = ".news_title a, .Article_Title a, .news_title, .Article_Title"
_DATE_CSS = (".news_meta", ".Article_PublishDate", ".news_date", ".date", ".news_time", ".time")
_ARTICLE_URL = re.compile(r"/c\d+a\d+/page\.htm|/page\.htm$|/_redirect\?", re.IGNORECASE)
_BODY_CSS = (".wp_articlecontent", ".article_content", ".read", ".entry")
_META_CSS = (".arti_metas", ".arti_update", ".article_meta")


@dataclass(frozen=True)
class WebPlusPreset:
    """WebPlus Pro (Sudy)."""

    family: str = "webplus"

    def score(self, page: Page) -> int:
        """Sum of the weights of the WebPlus fingerprints present in the page source."""
        return sum(weight for marker, weight in _FINGERPRINTS if marker in page.html)

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """Rows of the news list (plain, article-list or portal variant) and the ``a.next`` of ``ul.wp_paging``."""
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        rows = _rows(root, base, selectors)
        entries = entries_from_rows(rows, base, _hints(rows, selectors))
        if not entries:
            return None
        pager = root.css_first("ul.wp_paging") or root.css_first(".wp_paging")
        if selectors.next:
            following = next_from_nodes(root.css(selectors.next), base)
        else:
            following = next_from_nodes(pager.css("a.next"), base) if pager is not None else ()
        current, total = _page_numbers(pager) if pager is not None else (None, None)
        return ListPage(entries, following, self.family, current, total)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """``h1.arti_title``, the arti_update date, the cleaned ``.wp_articlecontent`` text and its files."""
        tree, root = page_tree(page)
        base = base_url(tree, page.url)
        body_node = first_css(root, _BODY_CSS)
        meta = first_css(root, _META_CSS)
        line = node_text(meta) if meta is not None else meta_line(root)
        author, origin = author_origin(line)
        title = node_text(root.css_first(".arti_title")) or heading_title(root, ("h1", "h2"))
        fields = ArticleFields(
            title=text_or_none(title or strip_site_suffix(document_title(tree))),
            date=(find_date(line) if line else None) or date_from_url(page.url),
            body=block_text(body_node),
            attachments=attachments(_attachment_scopes(body_node), base),
            author=author,
            origin=origin,
            family=self.family,
        )
        fields, chosen = apply_selectors(tree, fields, selectors)
        return check_article(tree, fields, url=page.url, has_body=(chosen or body_node) is not None)


def _rows(root: LexborNode, base: str, selectors: Selectors) -> list[LexborNode]:
    if selectors.entry:
        return list(root.css(selectors.entry))
    rows = rows_by_css(root, _ROW_CSS)
    if rows:
        return rows
    return largest_link_group(root, base, accept=lambda url: _ARTICLE_URL.search(url) is not None)


def _hints(rows: list[LexborNode], selectors: Selectors) -> RowHints:
    """Prefer the title link and the date element of the family, when the rows have them."""
    sample = rows[0] if rows else None
    link = selectors.link or (_LINK_CSS if sample is not None and sample.css_first(_LINK_CSS) else None)
    date = selectors.date
    if date is None and sample is not None:
        date = next((css for css in _DATE_CSS if sample.css_first(css) is not None), None)
    return RowHints(link=link, date=date)


def _attachment_scopes(body: LexborNode | None) -> tuple[LexborNode | None, ...]:
    return (body, body.parent if body is not None else None)


def _page_numbers(pager: LexborNode) -> tuple[int | None, int | None]:
    current_text = node_text(pager.css_first("em.curr_page"))
    total_text = node_text(pager.css_first("em.all_pages"))
    if current_text.isdigit() or total_text.isdigit():
        return (
            int(current_text) if current_text.isdigit() else None,
            int(total_text) if total_text.isdigit() else None,
        )
    return page_numbers(node_text(pager))


PRESET = WebPlusPreset()
