"""A hostile site: answers a crawler must survive without running out of memory or time.

``/list.htm`` links a 50 MB page (streamed), a gzip bomb (~1 GB decoded), a redirect loop,
binary data served as HTML, a page whose declared charset is wrong and a truncated page;
``/cycle/list1.htm`` has a 下一页 chain that cycles (3 → 1); ``/endless/list1.htm`` never ends.
Nothing here counts: the hostile source's match filter accepts no page.
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import random
import re
import struct
import zlib
from collections.abc import Iterator
from html import escape

from harvester.demo.reply import Reply, html, not_found, redirect

LIST_PATHS = ("/list.htm", "/cycle/list1.htm", "/endless/list1.htm")
BIG_BYTES = 50 * 1024 * 1024
BOMB_BYTES = 1024 * 1024 * 1024
CYCLE_LENGTH = 3
_CHUNK = 1 << 20
_CYCLE = re.compile(r"^/cycle/list(\d+)\.htm$")
_ENDLESS = re.compile(r"^/endless/list(\d+)\.htm$")
_PAGE = re.compile(r"^/page/(\d+)\.htm$")
_TRAPS = (
    ("/big.htm", "超大页面"),
    ("/bomb.htm", "压缩炸弹"),
    ("/loop/a.htm", "重定向循环"),
    ("/binary.htm", "二进制数据"),
    ("/wrong-charset.htm", "错误字符集"),
    ("/truncated.htm", "截断页面"),
)


class HostileSite:
    """Renders the hostile site on request."""

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        fixed = {
            "/list.htm": lambda: _list("陷阱列表", _TRAPS, None),
            "/big.htm": _big,
            "/bomb.htm": _bomb,
            "/loop/a.htm": lambda: redirect("/loop/b.htm"),
            "/loop/b.htm": lambda: redirect("/loop/a.htm"),
            "/binary.htm": _binary,
            "/wrong-charset.htm": _wrong_charset,
            "/truncated.htm": _truncated,
        }
        if path in fixed:
            return fixed[path]()
        if match := _CYCLE.match(path):
            number = int(match.group(1))
            if not 1 <= number <= CYCLE_LENGTH:
                return not_found()
            following = number % CYCLE_LENGTH + 1
            return _list(
                f"循环列表{number}", ((f"/page/{number}.htm", f"循环条目{number}"),), f"/cycle/list{following}.htm"
            )
        if match := _ENDLESS.match(path):
            number = int(match.group(1))
            item = ((f"/page/{1000 + number}.htm", f"无尽条目{number}"),)
            return _list(f"无尽列表{number}", item, f"/endless/list{number + 1}.htm")
        if match := _PAGE.match(path):
            return _page(int(match.group(1)))
        return not_found()


def _list(name: str, items: tuple[tuple[str, str], ...], following: str | None) -> Reply:
    rows = "\n".join(
        f"<li class=\"news\"><span class=\"news_title\"><a href='{href}' title='{title}'>{title}</a></span>"
        f'<span class="news_meta">2023-05-12</span></li>'
        for href, title in items
    )
    pager = (
        f'<a class="next" href="{following}">下一页</a>'
        if following
        else '<a class="next" href="javascript:void(0);">下一页</a>'
    )
    return html(
        f'<html><head><meta charset="utf-8" /><title>{escape(name)}</title></head><body>'
        f'<ul class="news_list">\n{rows}\n</ul><ul class="wp_paging"><li class="page_nav">{pager}</li></ul></body></html>'
    )


def _page(number: int) -> Reply:
    return html(
        f'<html><head><meta charset="utf-8" /><title>测试页面{number}</title></head><body>'
        f'<h1 class="arti_title">测试页面{number}</h1><p class="arti_metas"><span class="arti_update">发布时间：2023-05-12</span></p>'
        f'<div class="wp_articlecontent"><p>这是一个用于测试抓取程序健壮性的页面，编号{number}。</p></div></body></html>'
    )


def _big() -> Reply:
    def chunks() -> Iterator[bytes]:
        yield b'<html><head><meta charset="utf-8" /><title>\xe8\xb6\x85\xe5\xa4\xa7</title></head><body>'
        filler = ("<p>" + "填充" * 500 + "</p>\n").encode("utf-8")
        block = filler * (65536 // len(filler))
        sent = 0
        while sent < BIG_BYTES:
            yield block
            sent += len(block)

    return Reply(200, content_type="text/html; charset=utf-8", stream=chunks)


def _bomb() -> Reply:
    def chunks() -> Iterator[bytes]:
        blank = b" " * _CHUNK
        deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
        unit = deflate.compress(blank) + deflate.flush(zlib.Z_FULL_FLUSH)
        yield b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03" + unit
        crc = zlib.crc32(blank)
        for _ in range(BOMB_BYTES // _CHUNK - 1):
            yield unit
            crc = zlib.crc32(blank, crc)
        yield deflate.flush(zlib.Z_FINISH) + struct.pack("<II", crc, BOMB_BYTES & 0xFFFFFFFF)

    return Reply(200, content_type="text/html; charset=utf-8", headers=(("Content-Encoding", "gzip"),), stream=chunks)


def _binary() -> Reply:
    return Reply(200, random.Random("hostile-binary").randbytes(256 * 1024), "text/html")


def _wrong_charset() -> Reply:
    page = '<html><head><meta charset="utf-8" /><title>字符集错误</title></head><body><p>本页声明为UTF-8，实为GBK编码。</p></body></html>'
    return Reply(200, page.encode("gbk"), "text/html; charset=utf-8")


def _truncated() -> Reply:
    page = '<html><head><title>截断</title></head><body><div class="wp_articlecontent"><p>' + "内容" * 2000
    body = page.encode("utf-8")
    return Reply(200, body, declared_length=len(body) * 4)
