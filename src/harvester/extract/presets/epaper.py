"""Founder-style e-papers (campus and city newspapers).

``paperindex.htm`` redirects (the fetcher follows it) to a 版面 page ``html/YYYY-MM/DD/node_2.htm``,
which links its articles ``content_N.htm`` (relative), the other 版面 of the issue
(``node_3.htm`` ...) and often the previous issue (上一期 / 往期). The issue date exists only
in the URL. A list page's entries are its articles; its next requests are the other 版面 of
the same issue plus the previous issue's first 版面. Detail pages: a main title between
引题/副题 lines (``founder-title``, h1, ``#title``), the body in ``#ozoom`` / ``founder-content``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser, LexborNode

from harvester.config import Selectors
from harvester.extract.article import (
    apply_selectors,
    attachments,
    check_article,
    document_title,
    first_css,
    meta_date,
    page_tree,
    strip_site_suffix,
    text_or_none,
)
from harvester.extract.dates import date_from_url
from harvester.extract.lists import link_title, next_from_nodes
from harvester.extract.model import ArticleFields, ListEntry, ListPage, Page, Request
from harvester.extract.presets.generic import densest_block
from harvester.extract.text import base_url, block_text, clean_text, node_text, parse_html, resolve

_NODE_LINK = re.compile(r"""href=["']?[^"'>\s]*node_\d+\.htm""", re.IGNORECASE)
_CONTENT_LINK = re.compile(r"""href=["']?[^"'>\s]*content_\d+\.htm""", re.IGNORECASE)
_ISSUE_URL = re.compile(r"/\d{4}-\d{1,2}/\d{1,2}/(?:node|content)_\d+\.htm", re.IGNORECASE)
_PAGE_NUMBER = re.compile(r"第\s*[0-9０-９]{1,3}\s*版")
_FINGERPRINTS = (("版面导航", 2), ("founder-", 3), ("ozoom", 2), ("paperindex", 1), ("上一版", 1))
_NODE_URL = re.compile(r"/node_\d+\.htm$", re.IGNORECASE)
_CONTENT_URL = re.compile(r"/content_\d+\.htm$", re.IGNORECASE)
_PREVIOUS_WORDS = ("上一期", "往期", "前一期", "上期")
_TITLE_CSS = ("founder-title", "h1", "#title", ".title", ".article-title", "h2")
_BODY_CSS = ("#ozoom", "founder-content", "#FounderContent", ".content", "#content", ".article-content")


@dataclass(frozen=True)
class EpaperPreset:
    """Founder (方正) e-paper editions."""

    family: str = "epaper"

    def score(self, page: Page) -> int:
        """node_N.htm / content_N.htm links, an issue-dated URL, 版面 words, Founder classes."""
        html = page.html
        found = sum(weight for marker, weight in _FINGERPRINTS if marker in html)
        found += 2 if _NODE_LINK.search(html) else 0
        found += 2 if _CONTENT_LINK.search(html) else 0
        found += 1 if _PAGE_NUMBER.search(html) else 0
        return found + (3 if _ISSUE_URL.search(page.url.split("?", 1)[0]) else 0)

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """A 版面 page: its ``content_N.htm`` articles (dated by URL), the other 版面 and the previous issue.

        A 版面 without articles (a full-page advertisement) still gives its next requests.
        """
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        links = root.css(selectors.entry) if selectors.entry else root.css("a[href]")
        entries = _entries(links, base, accept=None if selectors.entry else _CONTENT_URL)
        if selectors.next:
            following = next_from_nodes(root.css(selectors.next), base)
        else:
            following = _unique((*_other_pages(root, base, page.url), *_previous_issue(root, base, page.url)))
        if not entries and not following:
            return None
        return ListPage(entries, following, self.family)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Main title (not the 引题/副题), the ``#ozoom`` body, the date from the URL."""
        tree, root = page_tree(page)
        base = base_url(tree, page.url)
        body_node = first_css(root, _BODY_CSS)
        known_body = body_node is not None
        body_node = body_node or densest_block(root)
        fields = ArticleFields(
            title=text_or_none(_title(tree, root)),
            date=date_from_url(page.url) or meta_date(tree),
            body=block_text(body_node),
            attachments=attachments((body_node,), base),
            family=self.family,
        )
        fields, chosen = apply_selectors(tree, fields, selectors)
        has_body = chosen is not None or known_body or bool(fields.body)
        return check_article(tree, fields, url=page.url, has_body=has_body)


def _entries(links: list[LexborNode], base: str, accept: re.Pattern[str] | None) -> tuple[ListEntry, ...]:
    """One entry per article URL, in page order, titled by the first of its links that has text.

    Image-map ``<area>`` links and text-less links only fix the order; the issue date comes from the URL.
    """
    titles: dict[str, str] = {}
    for node in links:
        link = node if node.tag == "a" else node.css_first("a[href]")
        url = resolve(base, link.attributes.get("href")) if link is not None else None
        if link is None or url is None or (accept is not None and not accept.search(url.split("?", 1)[0])):
            continue
        title = clean_text(link_title(link))
        if not titles.get(url):
            titles[url] = title
    return tuple(ListEntry(url, title, date_from_url(url)) for url, title in titles.items() if title)


def _issue_dir(url: str) -> str:
    return url.split("?", 1)[0].rsplit("/", 1)[0] + "/"


def _other_pages(root: LexborNode, base: str, here: str) -> list[Request]:
    """The ``node_N.htm`` links of the same issue (same directory), this page excluded."""
    issue = _issue_dir(here)
    found: list[Request] = []
    for link in root.css("a[href], area[href]"):
        url = resolve(base, link.attributes.get("href"))
        if url is None or url == here or not _NODE_URL.search(url.split("?", 1)[0]):
            continue
        if _issue_dir(url) == issue:
            found.append(Request(url))
    return found


def _previous_issue(root: LexborNode, base: str, here: str) -> list[Request]:
    """The 上一期 / 往期 link, when it leads to another issue's page (not to a calendar of issues)."""
    issue = _issue_dir(here)
    for link in root.css("a[href]"):
        text = node_text(link) or link_title(link)
        if not any(word in text for word in _PREVIOUS_WORDS):
            continue
        url = resolve(base, link.attributes.get("href"))
        if url is not None and _issue_dir(url) != issue and _ISSUE_URL.search(url.split("?", 1)[0]):
            return [Request(url)]
    return []


def _unique(requests: tuple[Request, ...]) -> tuple[Request, ...]:
    seen: set[str] = set()
    kept: list[Request] = []
    for request in requests:
        if request.key not in seen:
            seen.add(request.key)
            kept.append(request)
    return tuple(kept)


def _title(tree: LexborHTMLParser, root: LexborNode) -> str:
    """The main title: ``founder-title``, h1, ``#title`` ... (引题/副题 carry their own tags or classes)."""
    for css in _TITLE_CSS:
        for node in root.css(css):
            if _is_side_title(node):
                continue
            text = node_text(node)
            if text:
                return text
    return strip_site_suffix(document_title(tree))


def _is_side_title(node: LexborNode) -> bool:
    """True for the 引题 (pre-title) and 副题 (subtitle) lines."""
    marks = f"{node.attributes.get('class') or ''} {node.attributes.get('id') or ''}".lower()
    return any(word in marks for word in ("pretitle", "subtitle", "yinti", "futi", "intro", "sub"))


PRESET = EpaperPreset()
