"""TRS WCM provincial and city government sites.

Lists: ``/{path}/index.html`` then ``index_1.html`` ... ``index_{N-1}.html`` (or ``list_N.html``);
the pager is not in the HTML but written by ``createPageHTML(N, current, "index", "html")``
(current 0-based; a variant passes a div id first and the record total last), so the next
page is ``index_{current+1}.html`` while ``current + 1 < N``. Articles are relative links
``./202305/t20230512_123456.html``. Detail pages carry the government meta tags
(``ArticleTitle``, ``PubDate``, ``ContentSource`` ...) and the body in ``div.TRS_Editor`` (or
``#zoom``); a long article continues in ``t..._1.html``, ``t..._2.html`` (``ArticleFields.next_part``).

The government-site article reader and the pager-call parser here are shared with Hanweb.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from selectolax.lexbor import LexborHTMLParser, LexborNode

from harvester.config import Selectors
from harvester.extract.article import (
    apply_selectors,
    attachments,
    author_origin,
    check_article,
    first_css,
    heading_title,
    looks_missing,
    meta_content,
    meta_date,
    meta_line,
    page_tree,
    text_or_none,
)
from harvester.extract.dates import date_from_url, find_date
from harvester.extract.lists import (
    RowHints,
    entries_from_rows,
    largest_link_group,
    next_by_text,
    next_from_nodes,
)
from harvester.extract.model import ArticleFields, ListPage, Page, Request
from harvester.extract.presets.generic import article_title, densest_block
from harvester.extract.text import base_url, block_text, children, parse_html, resolve

_FINGERPRINTS = (
    ("TRS_Editor", 3),
    ("TRS_UEDITOR", 3),
    ("createPageHTML", 3),
    ("trs_editor", 2),
)
_GOV_META = re.compile(r"""<meta\s+name=["']?(?:ArticleTitle|PubDate|ContentSource|SiteName|ColumnName)\b""", re.I)
_ARTICLE_LINK = re.compile(r"""href=["']?[^"'>]*\bt\d{8}_\d+(?:_\d+)?\.s?html?""", re.IGNORECASE)
_ARTICLE_URL = re.compile(r"/t\d{8}_\d+(?:_\d+)?\.s?html?$", re.IGNORECASE)
_PART_URL = re.compile(r"(t[0-9]{8}_[0-9]+)(?:_([0-9]{1,6}))?\.(s?html?)$", re.IGNORECASE)
_PAGER_CALL = re.compile(r"createPageHTML\s*\(([^()]*)\)")
_ARG = re.compile(r"""\s*("[^"]*"|'[^']*'|[^,]+)\s*(?:,|$)""")
_FILE_NAME = re.compile(r"^[\w.\-]+$")
_BODY_CSS = (".TRS_Editor", ".TRS_UEDITOR", "#zoom", "#Zoom", "#UCAP-CONTENT", ".article-content", ".view")


@dataclass(frozen=True)
class PagerCall:
    """The arguments of a ``createPageHTML`` call: page count, 0-based current page, file prefix and suffix."""

    count: int
    current: int
    prefix: str = "index"
    suffix: str = "html"

    def next_name(self) -> str | None:
        """The file name of the following page (``index_3.html``), or None on the last page."""
        following = self.current + 1
        if following >= self.count:
            return None
        return f"{self.prefix}_{following}.{self.suffix}"


@dataclass(frozen=True)
class TrsPreset:
    """TRS WCM (government sites)."""

    family: str = "trs"

    def score(self, page: Page) -> int:
        """Sum of the weights of the TRS fingerprints in the page source and its URL."""
        html = page.html
        found = sum(weight for marker, weight in _FINGERPRINTS if marker in html)
        if _ARTICLE_LINK.search(html):
            found += 2
        if _ARTICLE_URL.search(url_path(page.url)):
            found += 2
        return found + (1 if len(set(_GOV_META.findall(html))) >= 2 else 0)

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """Rows linking ``t2023..._N.html`` articles, and the next page from the ``createPageHTML`` call."""
        tree = parse_html(page.html)
        root = tree.body
        if root is None:
            return None
        base = base_url(tree, page.url)
        rows = list(root.css(selectors.entry)) if selectors.entry else article_rows(root, base, _is_article)
        entries = entries_from_rows(rows, base, RowHints(selectors.link, selectors.date))
        if not entries:
            return None
        call = pager_call(page.html)
        if selectors.next:
            following = next_from_nodes(root.css(selectors.next), base)
        elif call is not None:
            name = call.next_name()
            url = _join(base, name) if name is not None else None
            following = (Request(url),) if url is not None else ()
        else:
            following = next_by_text(root, base)
        current, total = (call.current + 1, call.count) if call is not None else (None, None)
        return ListPage(entries, following, self.family, current, total)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Meta-tag title/date/source, the ``TRS_Editor`` body, its files and the next part's URL."""
        fields = read_gov_article(page, selectors, family=self.family, body_css=_BODY_CSS)
        return replace(fields, next_part=next_part(page))


def _is_article(url: str) -> bool:
    return _ARTICLE_URL.search(url_path(url)) is not None


# --- shared with the other government presets -------------------------------------------


def article_rows(root: LexborNode, base: str, accept: Callable[[str], bool]) -> list[LexborNode]:
    """The list rows: the group whose links ``accept`` likes, widened to all its siblings of the same tag.

    Widening keeps rows that point off-site (mp.weixin.qq.com, a PDF) in the middle of the list.
    Without any accepted link, the largest linked row group of the page.
    """
    rows = largest_link_group(root, base, accept=accept)
    if not rows:
        return largest_link_group(root, base)
    parent = rows[0].parent
    if parent is None:
        return rows
    return [child for child in children(parent) if child.tag == rows[0].tag]


def pager_call(html: str) -> PagerCall | None:
    """The first ``createPageHTML(...)`` call in ``html`` whose numbers can be read, or None.

    Accepts ``(N, current, "index", "html")``, ``('page_div', N, current, 'index', 'html', total)``
    and variables in place of numbers (``createPageHTML(countPage, currentPage, ...)`` with
    ``var countPage = 5``); the function's own definition is skipped.
    """
    for match in _PAGER_CALL.finditer(html):
        if html[max(0, match.start() - 12) : match.start()].rstrip().endswith("function"):
            continue
        call = _read_call(_arguments(match.group(1), html))
        if call is not None:
            return call
    return None


def _arguments(text: str, html: str) -> list[int | str | None]:
    """Each argument as an int, a string, or None when it cannot be read."""
    values: list[int | str | None] = []
    for raw in _ARG.findall(text):
        token = raw.strip()
        if token[:1] in "\"'" and len(token) >= 2 and token[-1] == token[0]:
            values.append(token[1:-1].strip())
        elif token.isascii() and token.isdigit() and len(token) < 10:
            values.append(int(token))
        else:
            values.append(_variable(token, html))
    return values


def _variable(name: str, html: str) -> int | str | None:
    """The literal a script assigns to ``name`` (``var countPage = 5``), or None."""
    if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
        return None
    found = re.search(rf"(?<![\w$.]){re.escape(name)}\s*=\s*(?:([0-9]{{1,9}})(?![0-9])|\"([^\"]*)\"|'([^']*)')", html)
    if found is None:
        return None
    number, double, single = found.groups()
    if number is not None:
        return int(number)
    return double if double is not None else single


def _read_call(values: Sequence[int | str | None]) -> PagerCall | None:
    numbers = [(index, value) for index, value in enumerate(values) if isinstance(value, int)]
    if len(numbers) < 2:
        return None
    (first, count), (_, current) = numbers[0], numbers[1]
    if count < 1 or current < 0 or count > 100_000:
        return None
    names = [value for value in values[first:] if isinstance(value, str) and _FILE_NAME.match(value)]
    prefix = names[0] if names else "index"
    suffix = names[1] if len(names) > 1 else "html"
    return PagerCall(count, current, prefix, suffix)


def _join(base: str, name: str) -> str | None:
    """``name`` resolved against ``base``, read as a directory when its last segment has no file extension."""
    last = url_path(base).rsplit("/", 1)[-1]
    if last and "." not in last:
        base = base.split("#", 1)[0].split("?", 1)[0] + "/"
    return resolve(base, name)


def url_path(url: str) -> str:
    """The path of ``url`` (no query, no fragment), read without validating the URL."""
    rest = url.split("#", 1)[0].split("?", 1)[0]
    if "://" in rest:
        rest = rest.split("://", 1)[1]
        slash = rest.find("/")
        return rest[slash:] if slash >= 0 else "/"
    return rest


def next_part(page: Page) -> str | None:
    """The URL of the next part of a split article (``t..._1.html``), when the page links or scripts it."""
    call = pager_call(page.html)
    if call is not None:
        name = call.next_name()
        return _join(page.url, name) if name is not None else None
    match = _PART_URL.search(url_path(page.url))
    if match is None:
        return None
    stem, number, suffix = match.groups()
    wanted = _join(page.url, f"{stem}_{int(number or 0) + 1}.{suffix}")
    if wanted is None:
        return None
    tree = parse_html(page.html)
    base = base_url(tree, page.url)
    for link in tree.css("a[href]"):
        if resolve(base, link.attributes.get("href")) == wanted:
            return wanted
    return None


def read_gov_article(
    page: Page,
    selectors: Selectors,
    *,
    family: str,
    body_css: Sequence[str],
    body_node: LexborNode | None = None,
) -> ArticleFields:
    """A government detail page: meta tags first (ArticleTitle, PubDate, ContentSource), then the page.

    The body is ``body_node`` if given, else the first of ``body_css``, else the densest text block.
    The date falls back to a 发布时间 line, then to the URL.
    """
    tree, root = page_tree(page)
    base = base_url(tree, page.url)
    if body_node is None:
        body_node = first_css(root, body_css)
    known_body = body_node is not None
    body_node = body_node or densest_block(root)
    line = meta_line(root)
    author, origin = author_origin(line)
    fields = ArticleFields(
        title=text_or_none(gov_title(tree, root)),
        date=meta_date(tree) or (find_date(line) if line else None) or date_from_url(page.url),
        body=block_text(body_node),
        attachments=attachments(_scopes(body_node), base),
        author=author or text_or_none(meta_content(tree, "Author")),
        origin=text_or_none(meta_content(tree, "ContentSource")) or origin,
        family=family,
    )
    fields, chosen = apply_selectors(tree, fields, selectors)
    has_body = chosen is not None or known_body or (body_node is not None and not looks_missing(tree, fields.body))
    return check_article(tree, fields, url=page.url, has_body=has_body)


def gov_title(tree: LexborHTMLParser, root: LexborNode) -> str:
    """meta ArticleTitle, else an h1 that is not the site name, else ``<title>`` without the site suffix."""
    return article_title(tree) or heading_title(root, ("h2",))


def _scopes(body: LexborNode | None) -> tuple[LexborNode | None, ...]:
    if body is None:
        return ()
    parent = body.parent
    return (body, parent) if parent is not None and parent.tag not in ("body", "html") else (body,)


PRESET = TrsPreset()
