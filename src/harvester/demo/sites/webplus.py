"""The campus news site, rendered as a WebPlus Pro (Sudy) site.

Lists ``/1058/list.htm`` (news_list rows) and ``/zhxw/list.htm`` (portal rows with
thumbnails, summaries and split dates), later pages ``list2.htm`` ... ``listN.htm``;
details at ``/{yyyy}/{mmdd}/c{column}a{id}/page.htm``.
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import re
from html import escape

from harvester.demo.reply import Reply, html, not_found
from harvester.demo.world import NEWS, SITE_BUILT, Article, Column, World

SITE_NAME = "山东理工大学新闻网"
_LIST_PAGE = re.compile(r"^/(1058|zhxw)/list(\d*)\.htm$")
_DETAIL = re.compile(r"^/(\d{4})/(\d{4})/c(\d+)a(\d+)/page\.htm$")
_HEAD = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8" />
<meta http-equiv="X-UA-Compatible" content="IE=edge" />
<title>{title}</title>
<meta name="description" content="{site}" />
<link type="text/css" href="/_css/_system/system.css" rel="stylesheet" />
<link type="text/css" href="/_js/_portletPlugs/sudyNavi/css/sudyNav.css" rel="stylesheet" />
<link type="text/css" href="/_js/_portletPlugs/datepicker/css/datepicker.css" rel="stylesheet" />
<script type="text/javascript" src="/_js/jquery.min.js" sudy-wp-context="" sudy-wp-siteId="12"></script>
<script type="text/javascript" src="/_js/jquery.sudy.wp.visitcount.js"></script>
<script type="text/javascript" src="/_js/_portletPlugs/sudyNavi/jquery.sudyNav.js"></script>
</head>
<body class="{kind}">
<div class="wrapper header"><div class="inner"><div class="sitelogo"><img src="/_upload/tpl/00/0c/12/template12/images/logo.png" alt="{site}" /></div>
<div class="nav" frag="窗口1"><ul class="wp-menu"><li class="menu-item"><a href="/main.htm">首页</a></li>
<li class="menu-item"><a href="/1058/list.htm">理工要闻</a></li><li class="menu-item"><a href="/zhxw/list.htm">综合新闻</a></li>
<li class="menu-item"><a href="/1073/list.htm">院部传真</a></li><li class="menu-item"><a href="/1074/list.htm">媒体理工</a></li></ul></div></div></div>
"""
_FOOT = """<div class="wrapper footer"><div class="inner"><p>山东理工大学党委宣传部 主办　地址：山东省淄博市张店区新村西路266号</p>
<p>访问量：<span id="visit"></span><script type="text/javascript" src="/_visitcount?siteId=12&amp;type=1&amp;columnId={column}"></script></p></div></div>
</body></html>
"""
_WORD_JUNK = """<!--[if gte mso 9]><xml><w:WordDocument><w:View>Normal</w:View><w:Zoom>0</w:Zoom>
<w:TrackMoves/><w:PunctuationKerning/><w:DrawingGridVerticalSpacing>7.8 磅</w:DrawingGridVerticalSpacing>
<w:Compatibility><w:SpaceForUL/><w:BalanceSingleByteDoubleByteWidth/></w:Compatibility></w:WordDocument></xml><![endif]-->
<!--[if gte mso 10]><style>table.MsoNormalTable {mso-style-name:普通表格; mso-tstyle-rowband-size:0;}</style><![endif]-->
"""


class WebPlusSite:
    """Renders the campus news site of ``world`` on request."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        if match := _LIST_PAGE.match(path):
            key = "lgyw" if match.group(1) == "1058" else "zhxw"
            return self._list(self.world.columns[NEWS, key], int(match.group(2) or 1))
        if match := _DETAIL.match(path):
            return self._detail(path, int(match.group(4)))
        if path.startswith("/_upload/article/files/"):
            return Reply(200, b"%PDF-1.4\n% demo attachment\n%%EOF\n", "application/pdf")
        if path == "/_visitcount":
            return Reply(200, b"document.write('1024');", "application/javascript")
        if path in ("/", "/main.htm"):
            home = _HEAD.format(title=SITE_NAME, site=SITE_NAME, kind="index") + _FOOT.format(column=0)
            return html(home, modified=SITE_BUILT)
        return not_found()

    def _list(self, column: Column, page: int) -> Reply:
        if not 1 <= page <= column.pages:
            return not_found()
        entries = column.page_entries(page)
        if column.style == "portal":
            rows = "\n".join(self._portal_row(self.world.articles[e.key]) for e in entries)
            listing = f'<div class="news_list_portal">\n{rows}\n</div>'
        else:
            rows = "\n".join(self._row(self.world.articles[e.key], i) for i, e in enumerate(entries))
            listing = f'<ul class="news_list list2">\n{rows}\n</ul>'
        head = _HEAD.format(title=f"{column.name}-{SITE_NAME}", site=SITE_NAME, kind="list")
        crumbs = f'<div class="col_title"><h2>{column.name}</h2></div>'
        portlet = f'<div id="wp_news_w6" frag="窗口6" portletmode="simpleList">\n{listing}\n</div>'
        paging = f'<div id="wp_paging_w6">{_paging(column, page)}</div>'
        return html(
            head
            + f'<div class="wrapper main">{crumbs}\n{portlet}\n{paging}</div>\n'
            + _FOOT.format(column=column.tree),
            modified=self.world.page_modified(column, page),
        )

    def _row(self, article: Article, index: int) -> str:
        href = self.world.path(article)
        title = escape(article.title)
        link = f"<a href='{href}' target='_blank' title='{title}'>{title}</a>"
        meta = f'<span class="news_meta">{article.when:%Y-%m-%d}</span>'
        return f'<li class="news n{index + 1} clearfix"><span class="news_title">{link}</span>{meta}</li>'

    def _portal_row(self, article: Article) -> str:
        href = self.world.url(article, self.origins)
        title = escape(article.title)
        summary = escape(self.world.body(article)[0][:40]) + "..."
        image = f"/_upload/article/images/{article.num % 97:02x}/{article.num % 89:02x}/c{article.num}.jpg"
        return (
            f'<div class="item clearfix"><div class="news_imgs"><a href="{href}" target="_blank"><img src="{image}" /></a></div>'
            f'<div class="news_con"><div class="news_title"><a href="{href}" target="_blank" title="{title}">{title}</a></div>'
            f'<div class="news_text">{summary}</div>'
            f'<div class="news_date"><span class="news_day">{article.when:%d}</span><span class="news_year">{article.when:%Y-%m}</span></div></div></div>'
        )

    def _detail(self, path: str, num: int) -> Reply:
        article = self.world.find(NEWS, num)
        if article is None or self.world.path(article) != path:
            return not_found()
        column = self.world.columns[NEWS, article.column]
        page = self._detail_page(article, column).encode("utf-8")
        if article.variant == "gbk-header":
            return Reply(200, page, "text/html; charset=gbk", modified=article.modified)
        if article.variant == "no-charset":
            return Reply(200, page, "text/html", modified=article.modified)
        return Reply(200, page, modified=article.modified)

    def _detail_page(self, article: Article, column: Column) -> str:
        head = _HEAD.format(title=f"{escape(article.title)}-{SITE_NAME}", site=SITE_NAME, kind="info")
        views = f'<span class="WP_VisitCount" url="/_visitcount?siteId=12&amp;type=3&amp;articleId={article.num}">{article.num % 900 + 57}</span>'
        metas = (
            '<p class="arti_metas"><span class="arti_publisher">发布者：新闻中心</span>'
            f'<span class="arti_update">发布时间：{article.when:%Y-%m-%d}</span><span class="arti_views">浏览次数：{views}</span></p>'
        )
        paragraphs = "\n".join(_word_paragraph(p) for p in self.world.body(article))
        if article.variant == "files":
            link = f"/_upload/article/files/{article.num % 251:02x}/{article.num % 241:02x}/c{article.num}/名单.pdf"
            paragraphs += f"\n<p><a href=\"{link}\" sudyfile-attr=\"{{'title':'名单.pdf'}}\">名单.pdf</a></p>"
        content = f'<div class="wp_articlecontent">\n{_WORD_JUNK}{paragraphs}\n</div>'
        article_html = (
            f'<div class="article" frag="窗口3"><h1 class="arti_title">{escape(article.title)}</h1>\n{metas}\n'
            f'<div class="entry"><div class="read">{content}</div></div></div>'
        )
        crumbs = f'<div class="col_path">当前位置：<a href="/main.htm">首页</a>&gt;<a href="{column.path}">{column.name}</a></div>'
        return head + f'<div class="wrapper main">{crumbs}\n{article_html}</div>\n' + _FOOT.format(column=column.tree)


def _word_paragraph(paragraph: str) -> str:
    font = "font-family:仿宋_GB2312;mso-ascii-font-family:&quot;Times New Roman&quot;;mso-hansi-font-family:&quot;Times New Roman&quot;"
    return (
        '<p class="MsoNormal" style="text-indent:28.0pt;mso-char-indent-count:2.0;line-height:150%">'
        f'<span style="font-size:14.0pt;line-height:150%;{font}">{escape(paragraph)}</span>'
        '<span lang="EN-US" style="font-size:14.0pt"><o:p></o:p></span></p>'
    )


def _paging(column: Column, page: int) -> str:
    total = column.pages
    base = column.path.rsplit("/", 1)[0]

    def href(target: int) -> str:
        return f"{base}/list.htm" if target == 1 else f"{base}/list{target}.htm"

    def nav(cls: str, label: str, target: int, enabled: bool) -> str:
        link = href(target) if enabled else "javascript:void(0);"
        return f'<a class="{cls}" href="{link}" target="_self"><span>{label}</span></a>'

    return (
        '<ul class="wp_paging clearfix">'
        f'<li class="pages_count"><span class="per_page">每页&nbsp;<em class="per_count">{column.page_size}</em>&nbsp;记录&nbsp;</span>'
        f'<span class="all_count">总共&nbsp;<em class="all_count">{len(column.entries)}</em>&nbsp;记录&nbsp;</span></li>'
        '<li class="page_nav">'
        + nav("first", "第一页", 1, page > 1)
        + nav("prev", "&lt;&lt;上一页", page - 1, page > 1)
        + nav("next", "下一页&gt;&gt;", page + 1, page < total)
        + nav("last", "尾页", total, page < total)
        + "</li>"
        f'<li class="page_jump"><span class="pages">页码&nbsp;<em class="curr_page">{page}</em>/<em class="all_pages">{total}</em></span>'
        '<span><input class="pageNum" type="text" /><input type="hidden" class="currPageURL" value="" /></span>'
        '<span><a class="pagingJump" href="javascript:void(0);" target="_self">跳转到</a></span></li></ul>'
    )
