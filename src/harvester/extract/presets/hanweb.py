"""Hanweb (大汉 jpage) government sites.

Columns ``/col/col{id}/index.html`` keep their list out of the DOM: the newest records sit in a
``<script type="text/xml">`` datastore as ``<record><![CDATA[<li>...</li>]]></record>`` with a
``<totalrecord>``. Older records come from ``/module/web/jpage/dataproxy.jsp``, POSTed with
``startrecord``/``endrecord``/``perpage`` in the query and the column's form fields (``col``,
``appid``, ``webid``, ``path``, ``columnid``, ``unitid`` ...) read from the page's script; it
answers the same XML. The next request carries the form fields in its query string too, so a
dataproxy answer (``Page.url`` = that URL) yields the request after it from its URL alone.

Articles ``/art/{yyyy}/{m}/{d}/art_{col}_{id}.html``; detail pages carry the government meta
tags and the body in ``#zoom`` or between ``<meta name="ContentStart">`` and ``ContentEnd``.
"""

from __future__ import annotations

import html as html_lib
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from selectolax.lexbor import LexborNode

from harvester.config import Selectors
from harvester.extract.lists import RowHints, entry_from_row
from harvester.extract.model import ArticleFields, ListEntry, ListPage, Page, Request
from harvester.extract.presets.trs import read_gov_article, url_path
from harvester.extract.text import parse_html, resolve

_FINGERPRINTS = (
    ("jpage", 3),
    ("dataproxy.jsp", 3),
    ("<recordset>", 3),
    ("/col/col", 2),
    ("/module/web/", 1),
)
_ART_LINK = re.compile(r"/art/\d{4}/\d{1,2}/\d{1,2}/art_\d+_\d+\.html")
_MARKERS = re.compile(r"""<meta\s+name=["']?Content(?:Start|End)\b""", re.IGNORECASE)
_URL_MARK = re.compile(r"/col/col\d+/|/art/\d{4}/\d{1,2}/\d{1,2}/art_|/dataproxy\.jsp$")
_RECORD = re.compile(r"<record\b[^>]*>(.*?)</record\s*>", re.IGNORECASE | re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TOTAL = re.compile(r"""<totalrecord>\s*(\d+)\s*</totalrecord>|totalrecord["']?\s*[:=]\s*["']?(\d+)""", re.IGNORECASE)
_PERPAGE = re.compile(r"""perpage["']?\s*[:=]\s*["']?(\d+)""", re.IGNORECASE)
_PROXY = re.compile(r"""proxyurl["']?\s*[:=]\s*["']([^"']+)["']""", re.IGNORECASE)
_PROXY_LINK = re.compile(r"""[^\s"'<>]*dataproxy\.jsp(?:\?[^\s"'<>]*)?""", re.IGNORECASE)
_OBJECT = re.compile(r"""\{([^{}]*\bcolumnid\b["']?\s*:[^{}]*)\}""", re.IGNORECASE)
_PAIR = re.compile(r"""["']?(\w+)["']?\s*:\s*(?:"([^"]*)"|'([^']*)'|([^,\s}]+))""")
_BODY_CSS = ("#zoom", "#Zoom", ".bt_content", ".main-txt", ".article-content", "#content")
_DEFAULT_PROXY = "/module/web/jpage/dataproxy.jsp"
_DEFAULT_PERPAGE = 15
_PAGING = ("startrecord", "endrecord", "perpage")
FORM_FIELDS = (
    "col",
    "appid",
    "webid",
    "path",
    "columnid",
    "sourceContentType",
    "unitid",
    "webname",
    "permissiontype",
)
_FORM_KEYS = {name.lower(): name for name in FORM_FIELDS}


@dataclass(frozen=True)
class HanwebPreset:
    """Hanweb 大汉 (jpage lists, dataproxy.jsp paging)."""

    family: str = "hanweb"

    def score(self, page: Page) -> int:
        """Sum of the weights of the Hanweb fingerprints in the page source and its URL."""
        html = page.html
        found = sum(weight for marker, weight in _FINGERPRINTS if marker in html)
        found += 2 if _ART_LINK.search(html) else 0
        found += 3 if _MARKERS.search(html) else 0
        return found + (2 if _URL_MARK.search(url_path(page.url)) else 0)

    def parse_list(self, page: Page, selectors: Selectors) -> ListPage | None:
        """The datastore's records (column page or dataproxy answer) and the dataproxy POST for the older ones."""
        records = records_of(page.html)
        entries = _entries(records, page.url, RowHints(selectors.link, selectors.date))
        if not entries:
            return None
        paging = _paging(page, len(records))
        if paging is None:
            return ListPage(entries, (), self.family)
        return ListPage(entries, paging.following(), self.family, paging.current_page, paging.total_pages)

    def parse_article(self, page: Page, selectors: Selectors) -> ArticleFields:
        """Meta-tag title/date/source and the body between the ContentStart/ContentEnd markers or in ``#zoom``."""
        return read_gov_article(
            page, selectors, family=self.family, body_css=_BODY_CSS, body_node=_marked_body(page.html)
        )


def records_of(html: str) -> list[str]:
    """The HTML fragments of the ``<record>`` elements (CDATA, or escaped markup), in order."""
    fragments: list[str] = []
    for match in _RECORD.finditer(html):
        inner = match.group(1)
        cdata = _CDATA.findall(inner)
        fragment = "".join(cdata) if cdata else html_lib.unescape(inner)
        if fragment.strip():
            fragments.append(fragment)
    return fragments


def _entries(records: list[str], base: str, hints: RowHints) -> tuple[ListEntry, ...]:
    seen: set[str] = set()
    entries: list[ListEntry] = []
    for fragment in records:
        root = parse_html(fragment).body
        if root is None:
            continue
        entry = entry_from_row(root, base, hints)
        if entry is not None and entry.url not in seen:
            seen.add(entry.url)
            entries.append(entry)
    return tuple(entries)


@dataclass(frozen=True)
class _Paging:
    """Where the records of one response sit, and how to ask for the ones after them."""

    proxy: str  # the dataproxy.jsp URL without a query
    fields: tuple[tuple[str, str], ...]
    start: int  # 1-based number of this response's first record
    end: int  # the last record asked for
    count: int  # records received
    perpage: int
    total: int | None

    @property
    def batch(self) -> int:
        return self.end - self.start + 1

    @property
    def current_page(self) -> int:
        return (self.start - 1) // self.batch + 1

    @property
    def total_pages(self) -> int | None:
        return None if self.total is None else max(1, -(-self.total // self.batch))

    def following(self) -> tuple[Request, ...]:
        """The POST for the next batch; () when the total (or a short batch) says this was the last."""
        if self.count == 0 or (self.total is not None and self.end >= self.total):
            return ()
        if self.total is None and self.count < self.batch:
            return ()
        paging = (("startrecord", self.end + 1), ("endrecord", self.end + self.batch), ("perpage", self.perpage))
        query = urlencode([(key, str(value)) for key, value in paging] + list(self.fields))
        parts = urlsplit(self.proxy)
        url = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
        return (Request(url, method="POST", data=self.fields),)


def _paging(page: Page, count: int) -> _Paging | None:
    """The paging state of a column page (from its script) or of a dataproxy answer (from its URL)."""
    try:
        parts = urlsplit(page.url)
    except ValueError:  # an invalid IPv6 host: no paging to read from this URL
        return None
    total = _total(page.html)
    if parts.path.lower().endswith("dataproxy.jsp"):
        query = parse_qsl(parts.query, keep_blank_values=True)
        numbers = {key.lower(): _int(value) for key, value in query if key.lower() in _PAGING}
        start, end = numbers.get("startrecord"), numbers.get("endrecord")
        if start is None or end is None or end < start or start < 1:
            return None
        fields = tuple((key, value) for key, value in query if key.lower() not in _PAGING)
        proxy = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        perpage = numbers.get("perpage") or _DEFAULT_PERPAGE
        return _Paging(proxy, fields, start, end, count, perpage, total)
    fields = form_fields(page.html)
    if not fields or count == 0:
        return None
    perpage = _int(_first(_PERPAGE, page.html)) or _DEFAULT_PERPAGE
    proxy = resolve(page.url, _proxy_path(page.html)) or page.url
    return _Paging(proxy, fields, 1, count, count, perpage, total)


def form_fields(html: str) -> tuple[tuple[str, str], ...]:
    """The dataproxy form fields of a column page, in the order its script writes them.

    From a JS object that has a ``columnid`` key (the jpage parameters), else from the query of a
    ``dataproxy.jsp?...`` link (the datastore's ``<nextgroup>``). Only the known field names.
    """
    for match in _OBJECT.finditer(html):
        pairs = [(key, next((v for v in values if v), "")) for key, *values in _PAIR.findall(match.group(1))]
        fields = _known(pairs)
        if any(key == "columnid" for key, _ in fields):
            return fields
    for link in _PROXY_LINK.findall(html):
        query = html_lib.unescape(link).partition("?")[2]
        fields = _known(parse_qsl(query, keep_blank_values=True))
        if any(key == "columnid" for key, _ in fields):
            return fields
    return ()


def _known(pairs: list[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    seen: set[str] = set()
    fields: list[tuple[str, str]] = []
    for key, value in pairs:
        name = _FORM_KEYS.get(key.lower())
        if name is not None and name not in seen:
            seen.add(name)
            fields.append((name, value.strip()))
    return tuple(fields)


def _proxy_path(html: str) -> str:
    configured = _first(_PROXY, html)
    if configured:
        return configured
    link = _PROXY_LINK.search(html)
    return html_lib.unescape(link.group(0)).partition("?")[0] if link is not None else _DEFAULT_PROXY


def _total(html: str) -> int | None:
    match = _TOTAL.search(html)
    if match is None:
        return None
    return _int(match.group(1) or match.group(2))


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(1) if match is not None else None


def _int(text: str | None) -> int | None:
    return int(text) if text is not None and text.isascii() and text.isdigit() and len(text) < 10 else None


def _marked_body(html: str) -> LexborNode | None:
    """The markup between ``<meta name="ContentStart">`` and ``<meta name="ContentEnd">``, parsed; None without both."""
    start = re.search(r"""<meta\s+name=["']?ContentStart\b[^>]*>""", html, re.IGNORECASE)
    if start is None:
        return None
    end = re.search(r"""<meta\s+name=["']?ContentEnd\b""", html[start.end() :], re.IGNORECASE)
    if end is None:
        return None
    return parse_html(html[start.end() : start.end() + end.start()]).body


PRESET = HanwebPreset()
