"""The department site, rendered as a VSB (博达) site.

Lists ``/gzdt.htm`` (pb_sys_common pager) and ``/tzgg.htm`` (old fanye pager), later pages
numbered downwards (``/gzdt/{total-1}.htm`` ... ``/gzdt/1.htm``); details at
``/info/{tree}/{id}.htm`` and ``/content.jsp?urltype=news.NewsContentUrl&wbtreeid=..&wbnewsid=..``.
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import re
from html import escape
from urllib.parse import parse_qs

from harvester.demo.reply import Reply, html, not_found
from harvester.demo.world import DEPT, SITE_BUILT, Article, Column, Entry, World

TRUNCATE_AT = 20
SITE_NAME = "山东理工大学党委统战部"
_LIST_PAGE = re.compile(r"^/(gzdt|tzgg)(?:\.htm|/(\d+)\.htm)$")
_INFO = re.compile(r"^/info/(\d+)/(\d+)\.htm$")
_HEAD = """<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>{title}</title>
<meta name="keywords" content="{site}" />
<link type="text/css" href="/style/style.css" rel="stylesheet" />
<script type="text/javascript" src="/system/resource/js/jquery/jquery-latest.min.js"></script>
<script type="text/javascript" src="/system/resource/js/counter.js"></script>
<script type="text/javascript">_jsq_(1001,'/{page}',-1,1571346052)</script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/logo.png" alt="{site}" /></div>
<ul class="nav"><li><a href="/index.htm">首页</a></li><li><a href="/bmgk.htm">部门概况</a></li>
<li><a href="/gzdt.htm">工作动态</a></li><li><a href="/tzgg.htm">通知公告</a></li>
<li><a href="/xxyd.htm">学习园地</a></li></ul></div>
"""
_FOOT = """<div class="footer"><p>版权所有 &copy; {site} 地址：山东省淄博市张店区新村西路266号</p>
<p><script type="text/javascript" src="/system/resource/js/ajax.js"></script>技术支持：博达软件</p></div>
</body></html>
"""
_LOGIN_WALL = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>系统提示</title><link rel="stylesheet" href="/system/resource/css/tip.css" /></head>
<body><table class="tip" align="center"><tr><td class="tipTitle">系统提示</td></tr>
<tr><td>对不起，您无权访问当前页面（本页面仅限校内IP访问），请登录后重试。</td></tr>
<tr><td><a href="javascript:history.back();">返回</a></td></tr></table></body></html>
"""
_SOFT_404 = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
<title>页面不存在</title></head><body><div class="error">
<p>抱歉，您访问的页面不存在或已被删除！</p><p><a href="/index.htm">返回首页</a></p></div></body></html>
"""


class VsbSite:
    """Renders the department site of ``world`` on request."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        if path in ("/", "/index.htm"):
            return html(self._home(), modified=SITE_BUILT)
        if match := _LIST_PAGE.match(path):
            return self._list(match.group(1), match.group(2))
        if match := _INFO.match(path):
            return self._detail(int(match.group(2)), match.group(1))
        if path == "/content.jsp":
            params = parse_qs(query)
            news, tree = params.get("wbnewsid", [""])[0], params.get("wbtreeid", [""])[0]
            return self._detail(int(news), tree) if news.isdigit() else not_found()
        if path == "/system/_content/download.jsp":
            return Reply(200, b"%PDF-1.4\n% demo attachment\n%%EOF\n", "application/pdf")
        return not_found()

    def _home(self) -> str:
        head = _HEAD.format(title=SITE_NAME, site=SITE_NAME, page="index.htm")
        return head + '<div class="main"><p>欢迎访问党委统战部网站</p></div>' + _FOOT.format(site=SITE_NAME)

    def _list(self, key: str, number: str | None) -> Reply:
        column = self.world.columns[DEPT, key]
        total = column.pages
        page = 1 if number is None else total - int(number) + 1
        if number is not None and not 1 <= int(number) < total:
            return not_found()
        prefix = "" if page == 1 else "../"
        rows = [self._row(column, entry, index, prefix) for index, entry in enumerate(column.page_entries(page))]
        pager = _p_pages(column, page) if column.style == "p_pages" else _fanye(column, page)
        head = _HEAD.format(title=f"{column.name}-{SITE_NAME}", site=SITE_NAME, page=f"{key}.htm")
        wrap = "ul" if column.style == "p_pages" else "table"
        listing = f'<div class="list"><div class="lm_name">{column.name}</div>\n<{wrap} class="winstyle110144">\n'
        body = listing + "\n".join(rows) + f"\n</{wrap}>\n{pager}\n</div>\n"
        return html(head + body + _FOOT.format(site=SITE_NAME), modified=self.world.page_modified(column, page))

    def _row(self, column: Column, entry: Entry, index: int, prefix: str) -> str:
        article = self.world.articles[entry.key]
        href = escape(self._href(article, entry, prefix))
        shown = article.title if len(article.title) <= TRUNCATE_AT else article.title[: TRUNCATE_AT - 2] + "..."
        pin = (
            '<img src="/system/resource/images/ding.gif" title="置顶" /><span class="zd">[置顶]</span>'
            if entry.pinned
            else ""
        )
        link = f'<a href="{href}" target="_blank" title="{escape(article.title)}" class="c110144">{escape(shown)}</a>'
        if column.style == "p_pages":
            day = article.when.strftime(" %Y-%m-%d")
            return f'<li id="line_u7_{index}">{pin}{link}<span class="timestyle110144">{day}</span></li>'
        day = article.when.strftime("[%m-%d]")
        return f'<tr id="line_u9_{index}"><td>{pin}{link}</td><td><span class="timestyle128591">{day}</span></td></tr>'

    def _href(self, article: Article, entry: Entry, prefix: str) -> str:
        if article.kind == "attachment" or article.variant in ("weixin", "campus"):
            return self.world.url(article, self.origins)
        if entry.form == "content":
            tree = self.world.columns[DEPT, article.column].tree
            return f"{prefix}content.jsp?urltype=news.NewsContentUrl&wbtreeid={tree}&wbnewsid={article.num}"
        return prefix + self.world.path(article).lstrip("/")

    def _detail(self, num: int, tree: str) -> Reply:
        article = self.world.find(DEPT, num)
        if article is None or article.kind not in ("page", "restricted"):
            return not_found()
        if article.variant in ("login", "robots"):
            return html(_LOGIN_WALL, modified=article.modified)
        if article.variant == "soft404":
            return html(_SOFT_404, modified=article.modified)
        column = self.world.columns[DEPT, article.column]
        if tree != column.tree:
            return not_found()
        return html(self._detail_page(article, column), modified=article.modified)

    def _detail_page(self, article: Article, column: Column) -> str:
        head = _HEAD.format(title=f"{escape(article.title)}-{SITE_NAME}", site=SITE_NAME, page="info")
        where = f'<div class="location">当前位置：<a href="/index.htm">首页</a> &gt; <a href="{column.path}">{column.name}</a> &gt; 正文</div>'
        clicks = f'<script>_showDynClicks("wbnews", 1571346052, {article.num})</script>'
        if column.style == "p_pages":
            meta = f"发布时间：{article.when:%Y-%m-%d}&nbsp;&nbsp;作者：{SITE_NAME[6:]}&nbsp;&nbsp;来源：{SITE_NAME}&nbsp;&nbsp;点击：{clicks}"
        else:
            meta = f"发布日期：{article.when:%Y年%m月%d日 %H:%M}&nbsp;&nbsp;来源：党委统战部&nbsp;&nbsp;点击：{clicks}"
        paragraphs = "\n".join(f'<p style="text-indent:2em;">{escape(p)}</p>' for p in self.world.body(article))
        attachments = ""
        if article.variant == "attachment-only":
            link = f"/system/_content/download.jsp?urltype=news.DownloadAttachUrl&amp;owner=1{article.num}&amp;wbfileid=9{article.num}"
            attachments = f'<ul style="list-style-type:none;"><li>附件【<a href="{link}" target="_blank">立项名单.pdf</a>】已下载<span id="nattach{article.num}"></span>次</li></ul>'
        return (
            head
            + where
            + f'\n<form name="_newscontent_fromname"><div class="content">\n<h1 class="content_t">{escape(article.title)}</h1>\n'
            + f'<div class="content_time">{meta}</div>\n<div id="vsb_content_2"><div class="v_news_content">\n{paragraphs}\n</div></div>\n'
            + f'{attachments}<div id="div_vote_id"></div>\n</div></form>\n'
            + _FOOT.format(site=SITE_NAME)
        )


def _file(column: Column, page: int, here: int) -> str:
    """Relative link from list page ``here`` to list page ``page`` (both counted from 1)."""
    if page == 1:
        return f"../{column.key}.htm" if here > 1 else f"{column.key}.htm"
    name = f"{column.pages - page + 1}.htm"
    return name if here > 1 else f"{column.key}/{name}"


def _p_pages(column: Column, page: int) -> str:
    total = column.pages

    def fun(cls: str, label: str, target: int, enabled: bool) -> str:
        if not enabled:
            return f'<span class="p_{cls}_d p_fun_d">{label}</span>'
        return f'<span class="p_{cls} p_fun"><a href="{_file(column, target, page)}">{label}</a></span>'

    numbers = [
        f'<span class="p_no_d">{n}</span>'
        if n == page
        else f'<span class="p_no"><a href="{_file(column, n, page)}">{n}</a></span>'
        for n in range(max(1, page - 2), min(total, page + 2) + 1)
    ]
    parts = [
        f'<span class="p_t">共{len(column.entries)}条</span>',
        f'<span class="p_t">{page}/{total}</span>',
        '<span class="p_pages">',
        fun("first", "首页", 1, page > 1),
        fun("prev", "上页", page - 1, page > 1),
        *numbers,
        fun("next", "下页", page + 1, page < total),
        fun("last", "尾页", total, page < total),
        "</span>",
    ]
    return (
        '<div class="pb_sys_common pb_sys_normal pb_sys_style1" style="margin-top:10px;text-align:center;">'
        + "".join(parts)
        + "</div>"
    )


def _fanye(column: Column, page: int) -> str:
    total = column.pages

    def link(label: str, target: int, enabled: bool, cls: str) -> str:
        if not enabled:
            return f'<span class="{cls}Disabled">{label}</span>&nbsp;'
        return f'<a href="{_file(column, target, page)}" class="{cls}">{label}</a>&nbsp;'

    cells = (
        link("首页", 1, page > 1, "Prev")
        + link("上页", page - 1, page > 1, "Prev")
        + link("下页", page + 1, page < total, "Next")
        + link("尾页", total, page < total, "Next")
    )
    return (
        '<table width="100%"><tr><td id="fanye128591" nowrap="nowrap" align="left" width="1%">'
        f"共{len(column.entries)}条&nbsp;&nbsp;{page}/{total}&nbsp;</td>"
        f'<td nowrap="nowrap" align="left"><div>{cells}'
        '<input type="text" size="2" name="gotoPage" />页<input type="button" value="跳转" /></div></td></tr></table>'
    )
