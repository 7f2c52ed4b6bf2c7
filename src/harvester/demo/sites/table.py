"""The intellectuals' association (知联会) sub-site of the department, an old ASP table layout.

Channel ``department`` (the united-front department's own publication route; the site is
its association's, maintained by the department). List ``/news/list.asp?classid=12`` then
``list.asp?classid=12&page=N``: table rows ``<tr><td><a class="listlink">title</a></td><td>[2023/5/12]</td></tr>``
under a pager line ``共N条记录 第1/M页 首页 上一页 下一页 末页``. Details ``/news/show.asp?id=N``
carry **no date** (the list has it). Every page is GBK, declared only in ``<meta>``; one
detail page's HTTP header claims utf-8 while its bytes are GBK. A pinned (置顶) old row heads page 1.
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import random
from datetime import datetime
from html import escape
from urllib.parse import parse_qs

from harvester.demo import text
from harvester.demo.reply import Reply, not_found
from harvester.demo.world import (
    ARCHIVE,
    SITE_BUILT,
    UF_MATCH,
    Article,
    Column,
    Draft,
    Entry,
    SourceSpec,
    World,
    newest_first,
    number_drafts,
    random_moment,
)

SITE_NAME = "山东理工大学知识分子联谊会"
TREE = "news"
CLASS_ID = "12"
COLUMN_PATH = f"/{TREE}/list.asp?classid={CLASS_ID}"
TRUNCATE_AT = 22
GBK_PAGE = "text/html"  # no charset in the header: only the <meta> says gb2312
_HEAD = """<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>{title}</title>
<link href="../css/style.css" rel="stylesheet" type="text/css">
</head>
<body leftmargin="0" topmargin="0">
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td><img src="../images/banner.jpg" width="980" height="120"></td></tr>
</table>
<table width="980" border="0" align="center" cellpadding="0" cellspacing="0" class="menu">
  <tr>
    <td><a href="../index.asp">首页</a></td>
    <td><a href="list.asp?classid=11">知联会简介</a></td>
    <td><a href="list.asp?classid=12">会务动态</a></td>
    <td><a href="list.asp?classid=13">会员风采</a></td>
    <td><a href="../admin/login.asp">管理登录</a></td>
  </tr>
</table>
"""
_FOOT = """<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">
  <tr><td align="center" class="copyright">版权所有：山东理工大学知识分子联谊会　主管：党委统战部　技术支持：网络中心</td></tr>
</table>
</body>
</html>
"""


def build(world: World, rng: random.Random) -> tuple[SourceSpec, ...]:
    """Add the association's articles and its 会务动态 column to ``world``; its sources."""
    drafts = []
    for index in range(40 * world.scale):
        when = random_moment(rng)
        topic = "uf" if rng.random() < 0.7 else "other"
        title = text.make_title(rng, topic, when.year) if topic == "other" or rng.random() < 0.7 else None
        drafts.append(
            Draft(f"archive-{index}", "hwdt", title or text.make_notice(rng, when.year), when, False, topic=topic)
        )
    pinned = Draft(
        "archive-pinned",
        "hwdt",
        "山东理工大学知识分子联谊会章程",
        datetime(2022, 3, 4, 10, 0),
        False,
        "page",
        "special",
        "pinned",
    )
    drafts[len(drafts) // 3].variant = "utf8-header"
    number_drafts(world, ARCHIVE, [*drafts, pinned], rng, 1000)
    entries = (Entry(pinned.key, pinned=True), *newest_first(world, [d.key for d in drafts]))
    world.columns[ARCHIVE, "hwdt"] = Column(ARCHIVE, "hwdt", "会务动态", TREE, COLUMN_PATH, 15, "table", entries)
    return (SourceSpec("archive-hwdt", "知联会·会务动态", "department", ARCHIVE, "hwdt", UF_MATCH),)


class TableSite:
    """Renders the association's ASP site of ``world`` on request."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        params = parse_qs(query)
        if path == f"/{TREE}/list.asp" and params.get("classid") == [CLASS_ID]:
            page = params.get("page", ["1"])[0]
            return self._list(int(page)) if page.isdigit() else not_found()
        if path == f"/{TREE}/show.asp" and params.get("id", [""])[0].isdigit():
            article = self.world.find(ARCHIVE, int(params["id"][0]))
            if article is None:
                return not_found()
            charset = "text/html; charset=utf-8" if article.variant == "utf8-header" else GBK_PAGE
            return Reply(200, self._detail(article).encode("gbk"), charset, modified=article.modified)
        if path in ("/", "/index.asp"):
            page = _HEAD.format(title=SITE_NAME) + _FOOT
            return Reply(200, page.encode("gbk"), GBK_PAGE, modified=SITE_BUILT)
        return not_found()

    def _list(self, page: int) -> Reply:
        column = self.world.columns[ARCHIVE, "hwdt"]
        if not 1 <= page <= column.pages:
            return not_found()
        rows = "\n".join(self._row(entry) for entry in column.page_entries(page))
        listing = (
            '<table width="96%" border="0" align="center" cellpadding="0" cellspacing="0">\n'
            f'{rows}\n        <tr>\n          <td colspan="2" align="center" height="30">{_pager(column, page)}</td>\n        </tr>\n      </table>'
        )
        body = (
            '<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\n  <tr>\n'
            '    <td width="200" valign="top">\n      <table width="100%" border="0" cellspacing="0" cellpadding="0">\n'
            '        <tr><td class="lefttitle">栏目导航</td></tr>\n'
            '        <tr><td><a href="list.asp?classid=11">知联会简介</a></td></tr>\n'
            '        <tr><td><a href="list.asp?classid=12">会务动态</a></td></tr>\n'
            '        <tr><td><a href="list.asp?classid=13">会员风采</a></td></tr>\n      </table>\n    </td>\n'
            '    <td valign="top">\n      <table width="100%" border="0" cellspacing="0" cellpadding="0">\n'
            f'        <tr><td class="weizhi">您现在的位置：<a href="../index.asp">首页</a> &gt;&gt; {column.name}</td></tr>\n      </table>\n'
            f"      {listing}\n    </td>\n  </tr>\n</table>\n"
        )
        page_html = _HEAD.format(title=f"{column.name}--{SITE_NAME}") + body + _FOOT
        return Reply(200, page_html.encode("gbk"), GBK_PAGE, modified=self.world.page_modified(column, page))

    def _row(self, entry: Entry) -> str:
        article = self.world.articles[entry.key]
        shown = article.title if len(article.title) <= TRUNCATE_AT else article.title[: TRUNCATE_AT - 2] + "..."
        icon = '<img src="../images/top.gif" alt="置顶">' if entry.pinned else '<img src="../images/dot.gif">'
        link = f'<a class="listlink" href="show.asp?id={article.num}" target="_blank">{escape(shown)}</a>'
        day = f"[{article.when.year}/{article.when.month}/{article.when.day}]"
        return f'        <tr>\n          <td height="26">{icon} {link}</td>\n          <td width="90" align="right">{day}</td>\n        </tr>'

    def _detail(self, article: Article) -> str:
        column = self.world.columns[ARCHIVE, article.column]
        paragraphs = "<br>\n".join("&nbsp;&nbsp;&nbsp;&nbsp;" + escape(p) for p in self.world.body(article))
        body = (
            '<table width="980" border="0" align="center" cellpadding="0" cellspacing="0">\n'
            f'  <tr><td class="weizhi">您现在的位置：<a href="../index.asp">首页</a> &gt;&gt; <a href="list.asp?classid={CLASS_ID}">{column.name}</a></td></tr>\n'
            f'  <tr><td align="center" class="biaoti"><b>{escape(article.title)}</b></td></tr>\n'
            f'  <tr><td align="center">作者：知联会秘书处　点击数：<script src="count.asp?id={article.num}"></script></td></tr>\n'
            f'  <tr>\n    <td class="content">\n{paragraphs}\n    </td>\n  </tr>\n</table>\n'
        )
        return _HEAD.format(title=f"{escape(article.title)}--{SITE_NAME}") + body + _FOOT


def _pager(column: Column, page: int) -> str:
    total = column.pages

    def link(label: str, target: int, enabled: bool) -> str:
        return f'<a href="list.asp?classid={CLASS_ID}&amp;page={target}">{label}</a>' if enabled else label

    return f"共{len(column.entries)}条记录 第{page}/{total}页 " + " ".join(
        (
            link("首页", 1, page > 1),
            link("上一页", page - 1, page > 1),
            link("下一页", page + 1, page < total),
            link("末页", total, page < total),
        )
    )
