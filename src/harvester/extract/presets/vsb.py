"""VSB (Visual SiteBuilder, "博达") department and college sites.

Lists: rows with ids like ``line_u7_0`` (ul/li or table rows, dates in many shapes); the pager
is ``div.pb_sys_common span.p_pages`` (首页 上页 下页 尾页) or an older ``td#fanyeNNN`` with
``a.Next``, and only the pager says where the next page is (later pages are numbered
downwards). Detail pages: ``form[name=_newscontent_fromname]`` with an h1/h2 title, a
发布时间 meta line, the body in ``.v_news_content`` and 附件【...】 download.jsp links.
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
    meta_date,
    meta_line,
    page_tree,
    strip_site_suffix,
    text_or_none,
)
from harvester.extract.dates import find_date
from harvester.extract.lists import (
    RowHints,
    entries_from_rows,
    largest_group,
    largest_link_group,
    next_from_nodes,
    page_numbers,
    rows_by_css,
)
from harvester.extract.model import ArticleFields, ListPage, Page, Request
from harvester.extract.text import base_url, block_text, node_text, parse_html

_FINGERPRINTS = (
    ("/system/resource/", 2),
    ("/system/_content/download.jsp", 2),
    ("_newscontent_fromname", 3),
    ("vsb_content", 3),
    ("v_news_content", 3),
    ("pb_sys_common", 2),
    ("urltype=news.", 2),
    ("_showDynClicks", 2),
)
_PATTERNS = (
    (re.compile(r"\b(?:winstyle|timestyle|titlestyle|c)\d{4,}\b"), 2),
    (re.compile(r"id=[\"']?line_?u?\d+_\d+"), 2),
    (re.compile(r"id=[\"']?fanye\d+"), 2),
)
_ROW_ID = re.compile(r"^line_?u?\d+_\d+$")
_ARTICLE_URL = re.compile(r"/info/\d+/\d+\.htm|content\.jsp\?.*wbnewsid=", re.IGNORECASE)
_BODY_CSS = (".v_news_content", "[id^=vsb_content]", "#vsb_newscontent")
_TITLE_CSS = (".content-title", ".title", ".arti_title")
_NEXT_WORDS = ("下页", "下一页")


@dataclass(frozen=True)
class VsbPreset:
    """VSB / 博达 Visual SiteBuilder."""

    family: str = "vsb"

    def score(self, page: Page) -> int:
        """Sum of the weights of the VSB fingerprints present in the page source."""
        html = page.html
        found = sum(weight for marker, weight in _FINGERPRINTS if marker in html)
        return found + sum(weight for pattern, weight in _PATTERNS if pattern.search(html))

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """Rows of the VSB list component and the next page from its pager (never guessed)."""
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        entries = entries_from_rows(_rows(root, base, selectors), base, RowHints(selectors.link, selectors.date))
        if not entries:
            return None
        pager = _pager(root)
        if selectors.next:
            following = next_from_nodes(root.css(selectors.next), base)
        else:
            following = _next_request(pager, base) if pager is not None else ()
        current, total = _page_numbers(pager) if pager is not None else (None, None)
        return ListPage(entries, following, self.family, current, total)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Title, 发布时间 line, ``.v_news_content`` body and attachments of a VSB detail page."""
        tree, body = page_tree(page)
        base = base_url(tree, page.url)
        form = tree.css_first("form[name=_newscontent_fromname]")
        root = form or body
        body_node = first_css(root, _BODY_CSS)
        line = meta_line(root) or (meta_line(body) if form is not None else "")
        author, origin = author_origin(line)
        fields = ArticleFields(
            title=text_or_none(_title(root) or strip_site_suffix(document_title(tree))),
            date=(find_date(line) if line else None) or meta_date(tree),
            body=block_text(body_node),
            attachments=attachments(_attachment_scopes(form, body_node), base),
            author=author,
            origin=origin,
            family=self.family,
        )
        fields, chosen = apply_selectors(tree, fields, selectors)
        return check_article(tree, fields, url=page.url, has_body=(chosen or body_node) is not None)


def _rows(root: LexborNode, base: str, selectors: Selectors) -> list[LexborNode]:
    if selectors.entry:
        return list(root.css(selectors.entry))
    by_id = largest_group(node for node in root.css("[id^=line]") if _ROW_ID.match(node.attributes.get("id") or ""))
    if by_id:
        return by_id
    rows = largest_link_group(root, base, accept=lambda url: _ARTICLE_URL.search(url) is not None)
    return rows or rows_by_css(root, ("[class^=winstyle] li", "[class^=winstyle] tr"))


def _attachment_scopes(form: LexborNode | None, body: LexborNode | None) -> tuple[LexborNode | None, ...]:
    if form is not None:
        return (form,)
    return (body, body.parent if body is not None else None)


def _title(root: LexborNode) -> str:
    styled = node_text(root.css_first("[class^=titlestyle]"))
    if styled:
        return styled
    heading = heading_title(root, ("h1", "h2"))
    if heading:
        return heading
    for css in _TITLE_CSS:
        if text := node_text(root.css_first(css)):
            return text
    return heading_title(root, ("h3",))


def _pager(root: LexborNode) -> LexborNode | None:
    pager = root.css_first("div.pb_sys_common") or root.css_first(".p_pages")
    if pager is not None:
        return pager
    cell = next((node for node in root.css("[id^=fanye]") if (node.attributes.get("id") or "")[5:].isdigit()), None)
    if cell is None:
        return None
    # The count (共33条 1/3) sits in td#fanyeNNN; its links are often in the next cell: take the whole row.
    return cell.parent if cell.tag == "td" and cell.parent is not None else cell


def _next_request(pager: LexborNode, base: str) -> tuple[Request, ...]:
    """下页 from the pager: ``span.p_next a`` or ``a.Next``; a disabled one has no link, so no next."""
    links = [link for link in pager.css("a[href]") if _is_next(link)]
    return next_from_nodes(links, base)


def _is_next(link: LexborNode) -> bool:
    text = node_text(link)
    classes = (
        (link.attributes.get("class") or "")
        + " "
        + ((link.parent.attributes.get("class") or "") if link.parent else "")
    )
    return any(word in text for word in _NEXT_WORDS) or ("p_next" in classes and "p_next_d" not in classes)


def _page_numbers(pager: LexborNode) -> tuple[int | None, int | None]:
    current, total = page_numbers(node_text(pager))
    if current is not None and total is not None:
        return current, total
    here = pager.css_first(".p_no_d")
    numbers = [int(text) for node in pager.css(".p_no, .p_no_d") if (text := node_text(node)).isdigit()]
    current = int(node_text(here)) if here is not None and node_text(here).isdigit() else current
    sequence = pager.css(".p_no, .p_no_d, .p_dot")
    if numbers and sequence and "p_dot" not in (sequence[-1].attributes.get("class") or ""):
        total = max(numbers)
    return current, total


PRESET = VsbPreset()
