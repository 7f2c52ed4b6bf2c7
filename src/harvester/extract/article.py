"""Detail pages: title, date, meta line, body, attachments, and the "this is no article" verdicts.

Presets find the containers of their family; the helpers here read them. :func:`check_article`
raises :class:`~harvester.errors.NotAnArticle` for login walls (系统提示), soft 404s and empty shells.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from harvester.config import Selectors
from harvester.errors import NotAnArticle
from harvester.extract.dates import find_date, parse_date
from harvester.extract.model import ArticleFields, Attachment, DateValue, Page
from harvester.extract.text import (
    BLOCK_TAGS,
    ancestors,
    attr,
    block_text,
    children,
    clean_text,
    in_noise,
    is_skipped,
    node_text,
    parse_html,
    resolve,
)

_DATE_LABEL = re.compile(r"发布时间|发布日期|发布于|发表时间|发文日期|成文日期|更新时间|日期[:：]|时间[:：]")
_FIELD_LABEL = re.compile(
    r"(作者|撰稿|撰稿人|文字|来源|信息来源|文章来源|发布时间|发布日期|发布者|发布人|发布部门|更新时间|时间|日期"
    r"|点击|点击数|浏览|浏览次数|阅读|阅读量|访问量|编辑|责任编辑|审核|审稿|摄影|供稿)\s*[:：]"
)
_AUTHOR_LABELS = frozenset({"作者", "撰稿", "撰稿人", "文字"})
_ORIGIN_LABELS = frozenset({"来源", "信息来源", "文章来源", "供稿"})
_FILE_URL = re.compile(
    r"download\.jsp|/_upload/article/files/|\.(?:pdf|docx?|xlsx?|pptx?|zip|rar|7z|wps|et|txt|ceb)(?:[?#]|$)",
    re.IGNORECASE,
)
_SOFT_404 = re.compile(r"页面不存在|(?<!\d)404(?!\d)|找不到|已删除|不存在|已被删除|not found", re.IGNORECASE)
_LOGIN_WALL = "系统提示"
_SITE_SEPARATORS = re.compile(r"\s*(?:_|\||｜|--|—+|\s-\s|\s–\s)\s*")
_META_DATE_NAMES = (
    "pubdate",
    "publishdate",
    "publishdatetime",
    "article:published_time",
    "dc.date",
    "firstpublishedtime",
)
_MAX_META_LINE = 300


def meta_content(tree: LexborHTMLParser, *names: str) -> str:
    """The content of the first ``<meta name|property=...>`` among ``names`` (case-insensitive), or ""."""
    wanted = [name.lower() for name in names]
    found: dict[str, str] = {}
    for meta in tree.css("meta[content]"):
        key = (meta.attributes.get("name") or meta.attributes.get("property") or "").strip().lower()
        if key in wanted and key not in found:
            found[key] = attr(meta, "content")
    return next((found[name] for name in wanted if found.get(name)), "")


def meta_date(tree: LexborHTMLParser) -> DateValue | None:
    """The publication date from government/OpenGraph meta tags (PubDate, publishdate, ...)."""
    text = meta_content(tree, *_META_DATE_NAMES)
    return (parse_date(text) or find_date(text)) if text else None


def document_title(tree: LexborHTMLParser) -> str:
    """The ``<title>`` text, whole."""
    return node_text(tree.css_first("title"))


def split_title(title: str) -> list[str]:
    """``文章标题_学院名_大学名`` → ["文章标题", "学院名", "大学名"] (split on _ | - — ; empty parts dropped)."""
    return [clean_text(part) for part in _SITE_SEPARATORS.split(title) if clean_text(part)]


def strip_site_suffix(title: str) -> str:
    """``文章标题_学院名_大学名`` → ``文章标题`` (the first part of :func:`split_title`)."""
    parts = split_title(title)
    return parts[0] if parts else clean_text(title)


def heading_title(root: LexborNode, tags: Iterable[str] = ("h1", "h2")) -> str:
    """The text of the first non-empty heading outside navigation, trying ``tags`` in order."""
    for tag in tags:
        for node in root.css(tag):
            text = node_text(node)
            if text and not in_noise(node):
                return text
    return ""


def page_tree(page: Page) -> tuple[LexborHTMLParser, LexborNode]:
    """The parsed page and its ``<body>``; a page without one is :class:`NotAnArticle` ("empty")."""
    tree = parse_html(page.html)
    if tree.body is None:
        raise NotAnArticle("the page has no body element", reason="empty", url=page.url)
    return tree, tree.body


def first_css(root: LexborNode, selectors: Iterable[str]) -> LexborNode | None:
    """The first node matched by the first selector that matches anything, or None."""
    return next((node for css in selectors if (node := root.css_first(css)) is not None), None)


def meta_line(root: LexborNode) -> str:
    """The short line that carries 发布时间/发布日期 (with 作者, 来源 ...), or ""."""
    for text_node in _text_nodes(root):
        text = text_node.text_content or ""
        if not _DATE_LABEL.search(text):
            continue
        line = _enclosing_line(text_node)
        if find_date(line) is not None:
            return line
    return ""


_BYLINE = re.compile(r"(作者|撰稿|撰稿人|来源|信息来源|文章来源|供稿)\s*[:：]")


def byline(root: LexborNode) -> str:
    """The short line with 作者/来源 when no dated meta line carries them (old pages show no date), or ""."""
    for text_node in _text_nodes(root):
        if _BYLINE.search(text_node.text_content or ""):
            line = _enclosing_line(text_node)
            if len(line) <= _MAX_META_LINE:
                return line
    return ""


def _text_nodes(root: LexborNode) -> Iterator[LexborNode]:
    stack = [root]
    while stack:
        node = stack.pop()
        tag = node.tag or ""
        if tag == "-text":
            yield node
        elif not tag.startswith("-") and not is_skipped(tag):
            stack.extend(reversed(list(children(node))))


def _enclosing_line(text_node: LexborNode) -> str:
    """The text of the nearest block around a text node, if short; else the text node alone."""
    own = clean_text(text_node.text_content or "")
    for parent in ancestors(text_node):
        if parent.tag in BLOCK_TAGS or parent.tag == "td":
            line = node_text(parent)
            return line if len(line) <= _MAX_META_LINE else own
    return own


def labelled_fields(line: str) -> dict[str, str]:
    """``作者：张三 来源：宣传部`` → {"作者": "张三", "来源": "宣传部"} (values end at the next label)."""
    found = list(_FIELD_LABEL.finditer(line))
    fields: dict[str, str] = {}
    for index, match in enumerate(found):
        end = found[index + 1].start() if index + 1 < len(found) else len(line)
        value = clean_text(line[match.end() : end]).strip("|｜/ ")
        if len(value) > 30 and " " in value:
            value = value.split(" ", 1)[0]
        if value:
            fields.setdefault(match.group(1), value)
    return fields


def author_origin(line: str) -> tuple[str | None, str | None]:
    """The 作者 and 来源 values of a meta line (None when absent)."""
    fields = labelled_fields(line)
    author = next((value for label, value in fields.items() if label in _AUTHOR_LABELS), None)
    origin = next((value for label, value in fields.items() if label in _ORIGIN_LABELS), None)
    return author, origin


def attachments(scopes: Iterable[LexborNode | None], base: str) -> tuple[Attachment, ...]:
    """Links to files (download.jsp, /_upload/article/files/, .pdf .doc(x) .xls(x) .zip .rar ...)."""
    seen: set[str] = set()
    found: list[Attachment] = []
    for scope in scopes:
        if scope is None:
            continue
        for link in scope.css("a[href]"):
            url = resolve(base, link.attributes.get("href"))
            if url is None or url in seen or not _FILE_URL.search(url):
                continue
            seen.add(url)
            found.append(Attachment(name=_attachment_name(link, url), url=url))
    return tuple(found)


def _attachment_name(link: LexborNode, url: str) -> str:
    name = node_text(link) or attr(link, "title")
    if name:
        return name
    path = urlsplit(url).path
    return unquote(path.rsplit("/", 1)[-1]) or url


def check_article(tree: LexborHTMLParser, fields: ArticleFields, *, url: str, has_body: bool) -> ArticleFields:
    """``fields`` unchanged, or NotAnArticle for a login wall, a soft 404 or an empty shell."""
    title = document_title(tree)
    if _LOGIN_WALL in title or (not has_body and _LOGIN_WALL in (fields.title or "")):
        raise NotAnArticle(
            "the page is a login wall (系统提示); the item is intranet-only", reason="login-wall", url=url
        )
    if has_body and (fields.body or fields.attachments):
        return fields
    page_text = node_text(tree.body)[:2000] if tree.body is not None else ""
    if _SOFT_404.search(title) or (len(fields.body) < 200 and _SOFT_404.search(fields.body or page_text)):
        raise NotAnArticle("the page says it does not exist (soft 404)", reason="soft-404", url=url)
    if not has_body and not fields.attachments:
        raise NotAnArticle("no article body found on the page", reason="empty", url=url)
    return fields


def apply_selectors(
    tree: LexborHTMLParser, fields: ArticleFields, selectors: Selectors | None
) -> tuple[ArticleFields, LexborNode | None]:
    """Override title/date/body from per-source CSS selectors; also returns the body node they chose."""
    if selectors is None:
        return fields, None
    body_node = tree.css_first(selectors.body) if selectors.body else None
    title = node_text(tree.css_first(selectors.title)) if selectors.title else ""
    date_text = node_text(tree.css_first(selectors.date)) if selectors.date else ""
    date = (parse_date(date_text) or find_date(date_text)) if date_text else None
    fields = dataclasses.replace(
        fields,
        body=block_text(body_node) if body_node is not None else fields.body,
        title=title or fields.title,
        date=date or fields.date,
    )
    return fields, body_node


def looks_missing(tree: LexborHTMLParser, body: str) -> bool:
    """True when a short body or the page title says the page does not exist (页面不存在, 404 ...)."""
    return len(body) < 200 and bool(_SOFT_404.search(body) or _SOFT_404.search(document_title(tree)))


def text_or_none(text: str) -> str | None:
    """``text`` or None when it is empty."""
    return text or None
