"""Text and DOM helpers shared by the list and article extractors.

Everything here walks the tree iteratively (never recursively): pages from the wild can nest
thousands of levels deep, and the walks stay linear in the number of nodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urljoin, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

_SPACE = re.compile(r"\s+")
_EDGE = " \t\r\n\f\v\xa0\u3000\u200b\ufeff"

# Tags whose text is never page text.
SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "textarea", "select", "option", "xml", "head", "iframe", "svg"}
)
# Tags that start a new line in extracted text.
BLOCK_TAGS = frozenset(
    {
        "p", "div", "br", "li", "tr", "table", "tbody", "thead", "ul", "ol", "dl", "dd", "dt",
        "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main", "blockquote", "pre",
        "center", "form", "hr", "header", "footer", "nav", "aside", "figure", "figcaption", "body",
        "fieldset", "address", "caption",
    }
)  # fmt: skip
# Table cells: separated by a space on one line.
_CELL_TAGS = frozenset({"td", "th"})
# Landmarks that never hold the main list or body.
_NOISE_TAGS = frozenset({"nav", "header", "footer", "aside"})
_NOISE_INSIDE = ("nav", "menu", "footer", "header", "sidebar", "crumb", "copyright", "friendlink", "yqlj")
_NOISE_PREFIX = ("side", "hot", "rank", "link", "foot", "banner", "share", "position")
_TOKEN = re.compile(r"[\s_\-]+")
_SKIP_URL = re.compile(r"^\s*(?:javascript:|mailto:|tel:|#|$)", re.IGNORECASE)


def parse_html(html: str) -> LexborHTMLParser:
    """Parse decoded HTML text into a lexbor tree."""
    return LexborHTMLParser(html)


def clean_text(text: str) -> str:
    """Collapse runs of whitespace (incl. &nbsp; and full-width spaces) to one space and trim."""
    return _SPACE.sub(" ", text).strip(_EDGE)


def node_text(node: LexborNode | None) -> str:
    """The visible text of ``node`` on one line (script and style text excluded)."""
    if node is None:
        return ""
    return clean_text(" ".join(_text_chunks(node)))


def block_text(node: LexborNode | None) -> str:
    """Plain text of ``node``: one line per block element, whitespace collapsed, empty lines dropped."""
    if node is None:
        return ""
    lines: list[str] = []
    buffer: list[str] = []
    for kind, value in _walk_text(node):
        if kind == "text":
            buffer.append(value)
            continue
        line = clean_text("".join(buffer))
        if line:
            lines.append(line)
        buffer.clear()
    line = clean_text("".join(buffer))
    if line:
        lines.append(line)
    return "\n".join(lines)


def _text_chunks(node: LexborNode) -> Iterator[str]:
    for kind, value in _walk_text(node):
        yield value if kind == "text" else " "


def _walk_text(root: LexborNode) -> Iterator[tuple[str, str]]:
    """Yield ("text", s) for visible text and ("break", "") at block boundaries, in document order."""
    stack: list[tuple[LexborNode, bool]] = [(root, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag or ""
        if leaving:
            yield ("text", " ") if tag in _CELL_TAGS else ("break", "")
            continue
        if tag == "-text":
            yield "text", node.text_content or ""
            continue
        if (tag.startswith("-") and tag != "-document") or is_skipped(tag):
            continue
        if tag in BLOCK_TAGS:
            yield "break", ""
            stack.append((node, True))
        elif tag in _CELL_TAGS:
            stack.append((node, True))
        stack.extend((child, False) for child in reversed(list(children(node))))


def is_skipped(tag: str) -> bool:
    """True for tags whose content is never text: scripts, styles, Word/VML namespaced junk."""
    return tag in SKIP_TAGS or (":" in tag and tag != "o:p")


def children(node: LexborNode) -> Iterator[LexborNode]:
    """All child nodes (elements, text, comments) of ``node``."""
    child = node.child
    while child is not None:
        yield child
        child = child.next


def ancestors(node: LexborNode) -> Iterator[LexborNode]:
    """The element ancestors of ``node``, nearest first (the document node excluded)."""
    parent = node.parent
    while parent is not None and parent.tag not in (None, "-document"):
        yield parent
        parent = parent.parent


def is_noise(node: LexborNode) -> bool:
    """True for landmarks and boxes that hold navigation, not content (nav, footer, sidebar, hot list...)."""
    tag = node.tag or ""
    if tag in _NOISE_TAGS:
        return True
    if tag in ("html", "body"):
        return False
    attrs = node.attributes
    marker = f"{attrs.get('class') or ''} {attrs.get('id') or ''}".lower()
    if not marker.strip():
        return False
    if any(word in marker for word in _NOISE_INSIDE):
        return True
    return any(token.startswith(_NOISE_PREFIX) for token in _TOKEN.split(marker))


def in_noise(node: LexborNode) -> bool:
    """True when ``node`` or one of its ancestors is navigation noise (see :func:`is_noise`)."""
    return is_noise(node) or any(is_noise(parent) for parent in ancestors(node))


def base_url(tree: LexborHTMLParser, page_url: str) -> str:
    """The URL relative links resolve against: ``<base href>`` if present, else the page URL."""
    base = tree.css_first("base[href]")
    href = (base.attributes.get("href") or "").strip() if base is not None else ""
    if not href:
        return page_url
    try:
        return urljoin(page_url, href)
    except ValueError:  # a broken host such as "http://[::1": keep the page's own URL
        return page_url


def resolve(base: str, href: str | None) -> str | None:
    """``href`` made absolute against ``base``; None for empty, javascript:, mailto: and fragment links."""
    if href is None or _SKIP_URL.match(href):
        return None
    try:
        url = urljoin(base, href.strip())
        scheme = urlsplit(url).scheme
    except ValueError:  # e.g. an invalid IPv6 host in a broken href
        return None
    return url if scheme in ("http", "https") else None


def attr(node: LexborNode, name: str) -> str:
    """An attribute's value, cleaned, or "" when missing."""
    return clean_text(node.attributes.get(name) or "")
