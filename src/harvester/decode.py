"""Bytes -> text for fetched pages: Content-Encoding, charset choice, binary sniffing, soft redirects.

Pure functions, no network. Chinese sites often lie about their charset (a header that
says ISO-8859-1 or UTF-8 over GBK bytes, a ``gb2312`` meta over GBK-only characters), so
the bytes have the last word::

    BOM  >  strict UTF-8 with non-ASCII bytes  >  a declared charset the bytes satisfy
         >  gb18030 (a superset of gb2312 and gbk)  >  the first declaration, errors="replace"
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

__all__ = [
    "ACCEPT_ENCODING",
    "CHUNK_BYTES",
    "HEAD_BYTES",
    "Inflater",
    "choose_encoding",
    "declared_charsets",
    "decode_body",
    "find_soft_redirect",
    "normalize_charset",
    "sniff_binary",
]

ACCEPT_ENCODING = "gzip, deflate"  # only what Inflater decodes with a bounded output
CHUNK_BYTES = 64 * 1024  # largest piece Inflater produces at once
HEAD_BYTES = 4096  # where <meta charset>, NUL bytes and magic numbers are looked for
SOFT_REDIRECT_MAX_CHARS = 4096  # only pages this small may be a meta-refresh/script redirect
SOFT_REDIRECT_MAX_TEXT = 120  # ... and show at most this much visible text
SOFT_REDIRECT_MAX_DELAY = 5.0  # seconds; a slower refresh is a page, not a redirect

_GB_FAMILY = frozenset(
    {"gbk", "gb2312", "gb_2312-80", "gb_2312", "x-gbk", "cp936", "ms936", "windows-936", "euc-cn", "csgb2312"}
)
# Declarations that servers emit by default (Tomcat's ISO-8859-1) and that say little about the bytes.
_WEAK = frozenset({"iso8859-1", "ascii", "cp1252"})
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_MAGIC = (
    (b"\x89PNG", "a PNG image"),
    (b"%PDF", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office file)"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\xd0\xcf\x11\xe0", "an old Office document"),
    (b"\x1f\x8b", "gzip data"),
    (b"Rar!", "a RAR archive"),
)
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_META_TAG = re.compile(rb"<meta\b[^>]*>", re.IGNORECASE)
_META_TAG_TEXT = re.compile(r"<meta\b[^>]*>", re.IGNORECASE)
_REFRESH = re.compile(r"""http-equiv\s*=\s*["']?\s*refresh""", re.IGNORECASE)
_CONTENT_ATTR = re.compile(r"""content\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)
_REFRESH_VALUE = re.compile(r"""^\s*(\d+(?:\.\d*)?)\s*(?:[;,]\s*(?:url\s*=\s*)?(.*?))?\s*$""", re.IGNORECASE)
_SCRIPT_REDIRECT = re.compile(
    r"""(?:\blocation(?:\.href)?\s*=(?!=)\s*|\blocation\.(?:replace|assign)\(\s*)(["'])([^"'\s]+)\1""",
    re.IGNORECASE,
)
_INVISIBLE = re.compile(r"<(script|style|noscript|title)\b.*?</\1\s*>|<!--.*?-->", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class Inflater:
    """Content-Encoding decoder that never produces more than CHUNK_BYTES per step."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib: zlib._Decompress | None = None
        if coding == "gzip":
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)

    @classmethod
    def for_header(cls, header: str | None) -> Inflater:
        """The decoder for a Content-Encoding header; ValueError for codings we do not ask for."""
        codings = [c.strip().lower() for c in (header or "").split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if not codings:
            return cls("identity")
        coding = {"x-gzip": "gzip"}.get(codings[0], codings[0])
        if len(codings) > 1 or coding not in {"gzip", "deflate"}:
            raise ValueError(f"unsupported Content-Encoding {header!r} (we ask for {ACCEPT_ENCODING})")
        return cls(coding)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data``, each at most CHUNK_BYTES long."""
        if self.coding == "identity":
            if data:
                yield data
            return
        if self._zlib is None:  # deflate: zlib-wrapped (RFC) or raw (what IIS sends)
            if not data:
                return
            wrapped = len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        yield from self._inflate(self._zlib, data)

    @property
    def complete(self) -> bool:
        """False when a compressed stream stopped before its end (a truncated body)."""
        return self._zlib is None or self._zlib.eof

    @staticmethod
    def _inflate(decompressor: zlib._Decompress, data: bytes) -> Iterator[bytes]:
        pending = data
        while True:
            out = decompressor.decompress(pending, CHUNK_BYTES)
            if out:
                yield out
            pending = decompressor.unconsumed_tail
            if decompressor.eof or (not pending and len(out) < CHUNK_BYTES):
                return


def normalize_charset(name: str) -> str | None:
    """Python's codec name for a declared charset, or None if Python does not know it.

    The GB family (gbk, gb2312, gb_2312-80, x-gbk, cp936, ...) is read as gb18030, its superset.
    """
    label = name.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        codec = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if codec in {"gbk", "gb2312"} else codec


def declared_charsets(body: bytes, content_type: str | None) -> list[str]:
    """Known charsets declared by the Content-Type header, then by ``<meta>`` in the first 4 KB, in order."""
    labels: list[bytes] = []
    if content_type:
        labels += _CHARSET_PARAM.findall(content_type.encode("latin-1", "replace"))
    for tag in _META_TAG.findall(body[:HEAD_BYTES]):
        labels += _CHARSET_PARAM.findall(tag)[:1]
    names: list[str] = []
    for label in labels:
        name = normalize_charset(label.decode("ascii", "replace"))
        if name is not None and name not in names:
            names.append(name)
    return names


def sniff_binary(body: bytes) -> str | None:
    """What the body is if it is not text ("a PNG image", "NUL bytes"), or None for text."""
    head = body[:HEAD_BYTES]
    if any(head.startswith(bom) for bom, _ in _BOMS):
        return None
    for magic, what in _MAGIC:
        if head.startswith(magic):
            return what
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    return None


def choose_encoding(body: bytes, content_type: str | None = None) -> str:
    """The codec to read ``body`` with, following the order in the module docstring."""
    for bom, codec in _BOMS:
        if body.startswith(bom):
            return codec
    declared = declared_charsets(body, content_type)
    strong = [name for name in declared if name not in _WEAK and not name.startswith("utf-")]
    if _is_utf8(body) and (not body.isascii() or not strong):
        return "utf-8"
    for name in strong:
        if _decodes(body, name):
            return name
    if _decodes(body, "gb18030"):
        return "gb18030"
    fallback = strong + [name for name in declared if name in _WEAK]
    return fallback[0] if fallback else "gb18030"


def decode_body(body: bytes, content_type: str | None = None) -> tuple[str, str]:
    """``(text, codec)`` for a response body; undecodable bytes become U+FFFD, never an error."""
    codec = choose_encoding(body, content_type)
    return body.decode(codec, errors="replace"), codec


def find_soft_redirect(html: str) -> str | None:
    """The target of a meta-refresh or script redirect on a small, nearly empty page, else None.

    The target is returned as written (possibly relative). Ordinary pages that happen to
    contain ``location.href = ...`` in a script are not redirects: they are larger than
    4 KB or show real text.
    """
    if len(html) > SOFT_REDIRECT_MAX_CHARS or len(_visible_text(html)) > SOFT_REDIRECT_MAX_TEXT:
        return None
    target = _meta_refresh_target(html)
    if target is not None:
        return target
    match = _SCRIPT_REDIRECT.search(html)
    return match.group(2) if match else None


def _meta_refresh_target(html: str) -> str | None:
    for tag in _META_TAG_TEXT.findall(html):
        if not _REFRESH.search(tag):
            continue
        content = _CONTENT_ATTR.search(tag)
        if content is None:
            continue
        value = next(group for group in content.groups() if group is not None)
        parsed = _REFRESH_VALUE.match(value)
        if parsed is None or float(parsed.group(1)) > SOFT_REDIRECT_MAX_DELAY:
            continue
        target = (parsed.group(2) or "").strip().strip("\"'")
        if target:
            return target
    return None


def _visible_text(html: str) -> str:
    return _SPACE.sub(" ", _TAG.sub(" ", _INVISIBLE.sub(" ", html))).strip()


def _is_utf8(body: bytes) -> bool:
    return _decodes(body, "utf-8")


def _decodes(body: bytes, codec: str) -> bool:
    try:
        body.decode(codec)
    except UnicodeDecodeError:
        return False
    return True
