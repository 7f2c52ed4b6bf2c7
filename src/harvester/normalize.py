"""Canonical URLs and text normalization: what "the same address" and "the same text" mean.

Three pure functions, used before anything is stored or hashed:

* :func:`canonical_url` maps every form under which a site serves one article to one URL
  (tracking parameters, default ports, dot segments, CMS alternative addresses);
* :func:`normalize_text` makes text comparable (NFKC, whitespace, zero-width characters);
* :func:`strip_boilerplate` removes repost markers that are not content (本报讯 prefixes,
  editor and reviewer lines, （完）).
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from urllib.parse import parse_qsl, quote, urlsplit, urlunsplit

import numpy as np

__all__ = ["canonical_url", "normalize_text", "strip_boilerplate"]

_DEFAULT_PORTS = {"http": "80", "https": "443"}

#: Query parameters that only say how a visitor arrived, never which page it is.
_TRACKING_PARAMS = frozenset(
    {
        "spm",
        "from",
        "isappinstalled",
        "scene",
        "clicktime",
        "enterid",
        "share_token",
        "sharer_shareinfo",
        "sharer_shareinfo_first",
        "sharer_sharetime",
        "sharer_shareid",
        "wxfrom",
        "nsukey",
        "fbclid",
        "gclid",
        "mc_cid",
        "mc_eid",
        "vd_source",
        "adtag",
        "_",
    }
)
_TRACKING_PREFIXES = ("utm_",)

#: mp.weixin.qq.com: the parameters that identify an article; everything else is dropped.
_WEIXIN_HOST = "mp.weixin.qq.com"
_WEIXIN_KEEP = frozenset({"__biz", "mid", "idx", "sn"})

_INDEX_FILES = frozenset({"index.htm", "index.html", "index.shtml"})

_VSB_CONTENT = re.compile(r"^(?P<dir>.*/)content\.jsp$")
_WEBPLUS_DYNAMIC = re.compile(r"^/_s\d+(?P<rest>/.+)\.psp$")
_JSESSIONID = re.compile(r";jsessionid=[^/?#]*", re.IGNORECASE)

_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
_PATH_SAFE = "/!$&'()*+,;=:@-._~%"
_QUERY_SAFE = "/!$'()*,;:@-._~?"


def canonical_url(url: str) -> str:
    """Return the one URL that stands for every address of the same page.

    Rules, applied in this order (the result is idempotent: applying it twice changes nothing):

    1. Surrounding whitespace is stripped. Anything that is not an absolute ``http``/``https``
       URL (relative links, ``mailto:``, ``javascript:``) is returned unchanged otherwise.
    2. Scheme and host are lower-cased; a trailing dot on the host is dropped; the default
       port (``:80`` for http, ``:443`` for https) is dropped; user info is kept.
    3. The fragment (``#...``) is dropped.
    4. Path: ``;jsessionid=...`` is dropped; percent escapes are normalized (escapes of
       unreserved characters decoded, the rest upper-cased, non-ASCII characters escaped as
       UTF-8); runs of ``/`` collapse to one; ``.`` and ``..`` segments are resolved
       (``..`` above the root is dropped); an empty path becomes ``/``.
    5. Index pages: a last segment ``index.htm``, ``index.html`` or ``index.shtml`` is removed,
       leaving the directory form with its trailing slash: ``/a/b/index.html`` → ``/a/b/``.
       ``/a/b`` and ``/a/b/`` are left as they are (not merged): a server may answer them
       differently, and relative links resolve differently against them, while the
       harvester fetches articles at their canonical URL.
    6. CMS alternative forms:

       * VSB: ``.../content.jsp?urltype=news.NewsContentUrl&wbtreeid=X&wbnewsid=Y`` becomes
         ``.../info/X/Y.htm`` (same host and directory) and its query is dropped;
       * WebPlus: the dynamic ``/_s123/<path>.psp`` becomes the static ``/<path>.htm``
         (``/_s123/2023/0512/c1058a123/page.psp`` → ``/2023/0512/c1058a123/page.htm``);
       * mp.weixin.qq.com: ``/s?...`` keeps only ``__biz``, ``mid``, ``idx`` and ``sn``;
         ``/s/<id>`` keeps no query at all.

    7. Query: tracking parameters (``utm_*``, ``spm``, ``from``, ``isappinstalled``, ``scene``,
       ``share_token``, ``fbclid``, ``_`` and others in ``_TRACKING_PARAMS``) are dropped; the
       rest are re-encoded uniformly (spaces as ``%20``) and sorted by name, then value; an
       empty query is removed.
    """
    text = url.strip()
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.netloc:
        return text
    netloc = _canonical_netloc(scheme, parts.netloc)
    path = _canonical_path(parts.path)
    params = parse_qsl(parts.query, keep_blank_values=True)
    path, params = _cms_form(netloc, path, params)
    path = _strip_index(path)
    query = "&".join(f"{_encode(k, _QUERY_SAFE)}={_encode(v, _QUERY_SAFE + '=')}" for k, v in sorted(params))
    return urlunsplit((scheme, netloc, path, query, ""))


def _canonical_netloc(scheme: str, netloc: str) -> str:
    """Lower-case the host, drop its trailing dot and the scheme's default port."""
    userinfo, _, hostport = netloc.rpartition("@")
    host, port = hostport, ""
    if not hostport.endswith("]") and ":" in hostport:
        host, _, port = hostport.rpartition(":")
    host = host.lower().rstrip(".")
    hostport = host if port in ("", _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    return f"{userinfo}@{hostport}" if userinfo else hostport


def _canonical_path(path: str) -> str:
    """Normalize escapes, collapse ``//`` and resolve dot segments."""
    path = _JSESSIONID.sub("", path)
    path = _PERCENT.sub(_fix_escape, path)
    path = quote(path, safe=_PATH_SAFE)
    out: list[str] = []
    for segment in path.split("/"):
        if segment in ("", "."):
            continue
        if segment == "..":
            if out:
                out.pop()
            continue
        out.append(segment)
    trailing = path.endswith(("/", "/.", "/..")) and bool(out)
    return "/" + "/".join(out) + ("/" if trailing else "")


def _fix_escape(match: re.Match[str]) -> str:
    """Decode an escape of an unreserved character; upper-case any other escape."""
    char = chr(int(match.group(1), 16))
    return char if char in _UNRESERVED else "%" + match.group(1).upper()


def _strip_index(path: str) -> str:
    """Replace a last ``index.htm(l)`` segment by the directory form ``.../``."""
    head, _, last = path.rpartition("/")
    return head + "/" if last in _INDEX_FILES else path


def _cms_form(netloc: str, path: str, params: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Map CMS alternative addresses to their static form and drop tracking parameters."""
    if netloc == _WEIXIN_HOST:
        if path.startswith("/s/"):
            return path, []
        return path, [(k, v) for k, v in params if k in _WEIXIN_KEEP]
    vsb = _VSB_CONTENT.match(path)
    if vsb is not None:
        values = {k.lower(): v for k, v in params}
        tree, news = values.get("wbtreeid", ""), values.get("wbnewsid", "")
        urltype = values.get("urltype", "news.NewsContentUrl").lower()
        if tree.isdigit() and news.isdigit() and urltype == "news.newscontenturl":
            return f"{vsb.group('dir')}info/{tree}/{news}.htm", []
    webplus = _WEBPLUS_DYNAMIC.match(path)
    if webplus is not None:
        path = webplus.group("rest") + ".htm"
    return path, [(k, v) for k, v in params if not _is_tracking(k)]


def _is_tracking(name: str) -> bool:
    """True for a query parameter that only records how the visitor arrived."""
    lowered = name.lower()
    return lowered in _TRACKING_PARAMS or lowered.startswith(_TRACKING_PREFIXES)


def _encode(value: str, safe: str) -> str:
    """Percent-encode a decoded query component the one way canonical URLs use."""
    return quote(value, safe=safe)


# --- text -----------------------------------------------------------------------------------

_ZERO_WIDTH = ("\u00ad", "\u180e", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
_NUMPY_FROM = 64
_MAX_ROUNDS = 4  # NFKC and the whitespace rule can feed each other (c + space + U+0301)


def normalize_text(text: str) -> str:
    """Make text comparable before hashing or shingling.

    * Unicode NFKC: full-width letters, digits and punctuation become half-width
      (``，`` → ``,``, ``２０２３`` → ``2023``, the ideographic space → a space);
    * zero-width characters (ZWSP, ZWNJ, ZWJ, word joiner, BOM, soft hyphen, MVS) are dropped;
    * every run of whitespace (line breaks included) becomes one space when it stands between
      two ASCII characters and disappears otherwise (next to CJK text or punctuation, and at
      both ends), so re-flowed paragraphs and ``2023年 5月`` / ``2023年5月`` compare equal.

    NFKC and the whitespace rule are repeated until neither changes the text (removing a
    space can bring a letter and a combining mark together), so the result is idempotent.
    Full-width ASCII is mapped with numpy first because
    ``unicodedata.normalize`` is slow on CJK text; the result is the same as plain NFKC.
    """
    for char in _ZERO_WIDTH:
        if char in text:
            text = text.replace(char, "")
    if len(text) < _NUMPY_FROM and _FULL_WIDTH.search(text) is not None:
        text = text.translate(_HALF_WIDTH)
    elif _FULL_WIDTH.search(text) is not None:
        codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        codes = np.where((codes >= 0xFF01) & (codes <= 0xFF5E), codes - 0xFEE0, codes)
        codes[codes == 0x3000] = 0x20
        text = codes.astype(np.uint32).tobytes().decode("utf-32-le")
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _join_words(text.split())
    for _ in range(_MAX_ROUNDS):
        if unicodedata.is_normalized("NFKC", text):
            break
        text = _join_words(unicodedata.normalize("NFKC", text).split())
    return text


def _join_words(words: list[str]) -> str:
    """Join whitespace-separated pieces: one space between ASCII characters, else nothing."""
    if len(words) < 2:
        return words[0] if words else ""
    out = [words[0]]
    for previous, word in itertools.pairwise(words):
        if previous[-1].isascii() and word[0].isascii():
            out.append(" ")
        out.append(word)
    return "".join(out)


# --- boilerplate ----------------------------------------------------------------------------

_OPEN = r"[（(【\[]"
_CLOSE = r"[）)】\]]"
_REPORTER = r"(?:特约记者|见习记者|实习记者|记者|通讯员|实习生|撰稿|摄影|文字|(?:文|图)\s*[/／：:\s])"
_LEAD = re.compile(
    r"^\s*(?:"
    rf"{_OPEN}?[\u4e00-\u9fffA-Za-z]{{0,12}}(?:报|网|站|刊|台)讯{_CLOSE}?"
    rf"|{_OPEN}\s*{_REPORTER}[^）)】\]\n]{{0,60}}{_CLOSE}"
    r"|(?:特约记者|记者|通讯员)[\s：:]+[\u4e00-\u9fff]{2,4}(?:\s+[\u4e00-\u9fff]{2,4}){0,3}\s*报道"
    r")[\s：:，,、]*"
)
_LABELS = (
    r"(?:责任编辑|值班编辑|网络编辑|文字编辑|编辑|审核|审校|审稿|审签|初审|复审|终审|一审|二审|三审|"
    r"核稿|校对|来源|作者|供稿|投稿|摄影|撰稿|图片|图文|文图|文字|排版|美编|通讯员|记者|文|图|"
    r"发布时间|发布日期|浏览次数|点击数|点击)"
)
_LABEL_LINE = re.compile(rf"^\s*{_OPEN}?\s*{_LABELS}\s*[：:／/]")
_END_MARK = re.compile(rf"\s*{_OPEN}\s*完\s*{_CLOSE}\s*$|\s*-+\s*end\s*-+\s*$", re.IGNORECASE)
_TRAILING_GROUP = re.compile(rf"\s*{_OPEN}\s*{_LABELS}\s*[：:／/][^（()）【】\[\]\n]{{0,80}}{_CLOSE}\s*$")
_MAX_LABEL_LINE = 120
_TAIL_WINDOW = 160
_TAIL_ENDINGS = (")", "）", "】", "]", "-")


def strip_boilerplate(body: str) -> str:
    """Remove repost markers that are not content, keeping the article text as written.

    * a leading dateline: ``本报讯`` / ``本网讯`` / ``XX网讯`` (optionally in 【】), reporter
      brackets ``（记者 王明 通讯员 李华）`` and ``通讯员 张三 报道：``, repeated in any order;
    * leading and trailing label lines of at most 120 characters: 编辑/责任编辑/审核/初审/复审/
      终审/来源/作者/供稿/摄影/撰稿/文/图/校对/通讯员 ... followed by ``：`` (or ``/``), and
      leading 发布时间/点击 lines left over from extraction;
    * a trailing ``（编辑：…）`` group and an end mark ``（完）`` / ``-END-``.

    Whitespace inside the kept text is left alone (see :func:`normalize_text`).
    """
    text = body.strip()
    while True:
        shorter = _strip_once(text)
        if shorter == text:
            return text
        text = shorter


def _strip_once(text: str) -> str:
    """One pass of :func:`strip_boilerplate` over the first and last lines."""
    lines = text.split("\n")
    while lines and (not lines[0].strip() or _is_label_line(lines[0])):
        lines.pop(0)
    while lines and (not lines[-1].strip() or _is_label_line(lines[-1])):
        lines.pop()
    if not lines:
        return ""
    lines[0] = _strip_lead(lines[0])
    lines[-1] = _strip_tail(lines[-1])
    return "\n".join(lines).strip()


def _is_label_line(line: str) -> bool:
    """True for a short ``编辑：...`` / ``来源：...`` style line."""
    return len(line) <= _MAX_LABEL_LINE and _LABEL_LINE.match(line) is not None


def _strip_lead(line: str) -> str:
    """Drop datelines and reporter brackets at the start of the first line."""
    while True:
        match = _LEAD.match(line)
        if match is None or match.end() == 0:
            return line
        line = line[match.end() :]


def _strip_tail(line: str) -> str:
    """Drop end marks and ``（编辑：…）`` groups at the end of the last line."""
    if not line.rstrip().endswith(_TAIL_ENDINGS):
        return line
    head, tail = line[:-_TAIL_WINDOW], line[-_TAIL_WINDOW:]
    while True:
        shorter = _TRAILING_GROUP.sub("", _END_MARK.sub("", tail))
        if shorter == tail:
            return head + tail
        tail = shorter
