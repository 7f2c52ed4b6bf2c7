"""The provincial education department, rendered as a Hanweb (大汉 jpage) government site.

Column ``/col/col11969/index.html`` keeps its list out of the DOM: the newest ``3 × perPage``
records sit in a ``<script type="text/xml">`` datastore as CDATA ``<li>`` blocks with a
``<totalrecord>``; older ones answer ``POST /module/web/jpage/dataproxy.jsp?startrecord=..&endrecord=..&perpage=..``
with the form fields of the page's ``jpage`` script (a GET there answers 405). Articles at
``/art/{yyyy}/{m}/{d}/art_11969_{id}.html`` carry the government meta tags; the body sits in
``#zoom`` or, on every third page, between ``<meta name="ContentStart">`` and ``ContentEnd``.
A pinned (置顶) old record heads the list; one record points to mp.weixin.qq.com.
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import random
import re
from datetime import datetime
from html import escape
from urllib.parse import parse_qs

from harvester.demo import text
from harvester.demo.reply import Reply, html, not_found
from harvester.demo.world import (
    EDU,
    SITE_BUILT,
    Article,
    Column,
    Draft,
    Entry,
    SourceSpec,
    World,
    newest_first,
    number_drafts,
    random_moment,
    university_title,
)

SITE_NAME = "山东省教育厅"
COLUMN_ID = "11969"
COLUMN_PATH = f"/col/col{COLUMN_ID}/index.html"
PROXY_PATH = "/module/web/jpage/dataproxy.jsp"
GROUP_SIZE = 3  # jpage pages held in the datastore of the column page
EDU_MATCH: dict[str, tuple[str, ...]] = {"all": ("山东理工大学",), "any": ("统战", "统一战线", "民主党派", "党外")}
FORM = (
    ("col", "1"),
    ("appid", "1"),
    ("webid", "3"),
    ("path", "/"),
    ("columnid", COLUMN_ID),
    ("sourceContentType", "1"),
    ("unitid", "63447"),
    ("webname", SITE_NAME),
    ("permissiontype", "0"),
)
TRUNCATE_AT = 26
_DETAIL = re.compile(r"^/art/(\d{4})/(\d{1,2})/(\d{1,2})/art_(\d+)_(\d+)\.html$")
_EDU_TITLES = (
    "全省{year}年教育系统{event}在济南召开",
    "省教育厅召开{topic}工作视频会议",
    "山东省教育厅关于公布{year}年度{topic}项目名单的通知",
    "全省高校{topic}工作推进会召开",
    "{year}年全省中小学{topic}培训班开班",
    "省教育厅赴{place}调研{topic}工作",
)
_HEAD = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<title>{title}</title>
<meta name="SiteName" content="{site}">
<meta name="SiteDomain" content="edu.shandong.gov.cn">
<meta name="SiteIDCode" content="3700000047">
{meta}
<link rel="stylesheet" href="/images/edu_style.css">
<script type="text/javascript" src="/module/jslib/jquery/jquery.js"></script>
<script type="text/javascript" src="/module/web/jpage/jpage.js"></script>
</head>
<body>
<div class="header"><div class="logo"><img src="/images/edu_logo.png" alt="{site}"></div>
<ul class="nav"><li><a href="/">首页</a></li><li><a href="/col/col11969/index.html">工作动态</a></li>
<li><a href="/col/col11972/index.html">战线联播</a></li><li><a href="/col/col11975/index.html">媒体聚焦</a></li>
<li><form action="/jrobot/search.do" method="get"><input name="q" type="text"><input type="submit" value="搜索"></form></li></ul></div>
"""
_FOOT = """<div class="footer"><p>主办单位：山东省教育厅　地址：济南市历下区解放路9号　鲁ICP备05001939号</p>
<p>网站标识码：3700000047　<a href="/module/search/index.jsp">站内检索</a></p></div>
</body></html>
"""


def build(world: World, rng: random.Random) -> tuple[SourceSpec, ...]:
    """Add the education department's articles and its 工作动态 column to ``world``; its sources."""
    drafts = [_regular(rng, index) for index in range(40 * world.scale)]
    pinned = Draft(
        "edu-pinned",
        "gzdt",
        "山东省教育厅关于印发《全省教育系统统一战线工作要点》的通知",
        datetime(2022, 3, 10, 16, 30),
        True,
        topic="special",
        variant="pinned",
    )
    weixin = Draft(
        "edu-weixin",
        "gzdt",
        "【微信】山东理工大学统一战线助力乡村振兴纪实",
        datetime(2023, 4, 26, 9, 0),
        False,
        kind="offsite",
        topic="special",
        variant="weixin",
    )
    number_drafts(world, EDU, [*drafts, pinned, weixin], rng, 10_290_000)
    entries = [Entry(pinned.key, pinned=True), *newest_first(world, [d.key for d in [*drafts, weixin]])]
    per_page = 5 if world.scale == 1 else 15
    world.columns[EDU, "gzdt"] = Column(
        EDU, "gzdt", "工作动态", COLUMN_ID, COLUMN_PATH, per_page, "jpage", tuple(entries)
    )
    return (SourceSpec("edu-gzdt", "省教育厅·工作动态", "provincial", EDU, "gzdt", EDU_MATCH),)


def _regular(rng: random.Random, index: int) -> Draft:
    when = random_moment(rng)
    if rng.random() < 0.6:
        title, topic = university_title(rng, when.year, rng.random() < 0.4), "uf"
    else:
        slots = {
            "year": str(when.year),
            "event": rng.choice(("安全工作会议", "宣传思想工作会议", "招生考试工作会议", "基础教育工作会议")),
            "topic": rng.choice(text.OTHER_TOPICS),
            "place": rng.choice(text.PLACES),
        }
        title, topic = rng.choice(_EDU_TITLES).format(**slots), "other"
    return Draft(f"edu-gzdt-{index}", "gzdt", title, when, True, topic=topic)


class HanwebSite:
    """Renders the education department site of ``world`` on request (GET and the dataproxy POST)."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    @property
    def column(self) -> Column:
        """The 工作动态 column (looked up per request: publishing replaces it)."""
        return self.world.columns[EDU, "gzdt"]

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        if path == COLUMN_PATH:
            return self._column_page()
        if match := _DETAIL.match(path):
            article = self.world.find(EDU, int(match.group(5)))
            if article is None or article.kind != "page" or self.world.path(article) != path:
                return not_found()
            return html(self._detail(article), modified=article.modified)
        if path == PROXY_PATH:
            return Reply(405, b"<html><body>Method Not Allowed</body></html>", headers=(("Allow", "POST"),))
        if path in ("/", "/index.html"):
            return html(_HEAD.format(title=SITE_NAME, site=SITE_NAME, meta="") + _FOOT, modified=SITE_BUILT)
        return not_found()

    def render_post(self, path: str, query: str, form: str) -> Reply:
        """Answer one POST: the dataproxy's XML for the asked record range (query and form both count)."""
        if path != PROXY_PATH:
            return not_found()
        params = {**parse_qs(query), **parse_qs(form)}
        start, end = (params.get(name, [""])[0] for name in ("startrecord", "endrecord"))
        if params.get("columnid", [""])[0] != COLUMN_ID or not (start.isdigit() and end.isdigit()):
            return Reply(400, b"<html><body>Bad Request</body></html>")
        records = self.column.entries[int(start) - 1 : int(end)]
        body = '<?xml version="1.0" encoding="UTF-8"?>\n' + self._datastore(records)
        return Reply(200, body.encode("utf-8"), "text/xml; charset=utf-8")

    def _datastore(self, entries: tuple[Entry, ...]) -> str:
        records = "\n".join(f"<record><![CDATA[\n{self._record(entry)}\n]]></record>" for entry in entries)
        query = "&".join(f"{name}={value}" for name, value in FORM if name != "webname")
        nextgroup = f'<nextgroup><![CDATA[<a href="{PROXY_PATH}?page=1&{query}"></a>]]></nextgroup>'
        total = f"<totalrecord>{len(self.column.entries)}</totalrecord>"
        return f"<datastore>\n{nextgroup}\n<recordset>\n{records}\n</recordset>\n{total}\n</datastore>"

    def _record(self, entry: Entry) -> str:
        article = self.world.articles[entry.key]
        href = self.world.url(article, self.origins).removeprefix(self.origins[EDU])
        full = escape(article.title)
        shown = article.title if len(article.title) <= TRUNCATE_AT else article.title[: TRUNCATE_AT - 2] + "..."
        pin = '<span class="zd">[置顶]</span>' if entry.pinned else ""
        link = f'<a href="{escape(href)}" target="_blank" title="{full}">{escape(shown)}</a>'
        return f'<li>{pin}{link}<span class="date">{article.when:%Y-%m-%d}</span></li>'

    def _column_page(self) -> Reply:
        column = self.column
        held = column.entries[: GROUP_SIZE * column.page_size]
        form = ", ".join(f"{name}: '{value}'" if not value.isdigit() else f"{name}: {value}" for name, value in FORM)
        script = (
            '<script type="text/javascript">\n$(document).ready(function () {\n'
            f"    $('#63447').jpage({{ perPage: {column.page_size}, groupSize: {GROUP_SIZE}, proxyUrl: '{PROXY_PATH}',\n"
            f"        totalRecord: {len(column.entries)}, barPosition: 'bottom', dataBefore: '<ul class=\"list\">', dataAfter: '</ul>',\n"
            f"        ajaxParam: {{ {form} }} }});\n}});\n</script>"
        )
        listing = f'<div id="63447"><script type="text/xml">{self._datastore(held)}</script>\n{script}</div>'
        crumbs = (
            f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{COLUMN_PATH}">{column.name}</a></div>'
        )
        meta = f'<meta name="ColumnName" content="{column.name}">\n<meta name="ColumnType" content="{column.name}">'
        head = _HEAD.format(title=f"{column.name} {SITE_NAME}", site=SITE_NAME, meta=meta)
        dates = [self.world.articles[e.key].when for e in held] + ([column.changed] if column.changed else [])
        page = head + f'<div class="wrap">{crumbs}\n<div class="list-box">{listing}</div></div>\n' + _FOOT
        return html(page, modified=max(dates, default=SITE_BUILT))

    def _detail(self, article: Article) -> str:
        stamp = f"{article.when:%Y-%m-%d %H:%M}"
        meta = "\n".join(
            f'<meta name="{name}" content="{escape(value)}">'
            for name, value in (
                ("ColumnName", "工作动态"),
                ("ColumnType", "工作动态"),
                ("ArticleTitle", article.title),
                ("PubDate", stamp),
                ("ContentSource", SITE_NAME),
                ("Keywords", "工作动态"),
            )
        )
        paragraphs = "\n".join(f'<p style="text-indent:2em;">{escape(p)}</p>' for p in self.world.body(article))
        if article.num % 3 == 0:
            body = f'<div class="bt_content"><meta name="ContentStart">\n{paragraphs}\n<meta name="ContentEnd"></div>'
        else:
            body = f'<div id="zoom">\n{paragraphs}\n</div>'
        info = f'<div class="bt_info">发布日期：{stamp}　　信息来源：{SITE_NAME}　　【字体：<a href="javascript:doZoom(18)">大</a> <a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】</div>'
        tools = '<div class="bt_tools"><a href="javascript:window.print()">打印本页</a>　<a href="javascript:window.close()">关闭窗口</a></div>'
        head = _HEAD.format(title=f"{escape(article.title)} {SITE_NAME}", site=SITE_NAME, meta=meta)
        crumbs = f'<div class="crumb">当前位置：<a href="/">首页</a> &gt; <a href="{COLUMN_PATH}">工作动态</a></div>'
        return (
            head
            + f'<div class="wrap">{crumbs}\n<div class="bt_title">{escape(article.title)}</div>\n{info}\n{body}\n{tools}</div>\n'
            + _FOOT
        )
