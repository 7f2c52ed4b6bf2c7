"""The provincial united-front site, rendered as a TRS WCM government site.

List ``/xwzx/gxtz/index.html`` then ``index_1.html`` ... ``index_{N-1}.html``, with the pager
written by a ``createPageHTML`` script; details at ``./{yyyymm}/t{yyyymmdd}_{id}.html`` with
government meta tags. Pages are GBK, declared only in ``<meta>`` (the header has no charset).
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import re
from datetime import datetime
from html import escape

from harvester.demo.reply import Reply, not_found
from harvester.demo.world import PROV, Article, Column, World

SITE_NAME = "山东统一战线"
_LIST_PAGE = re.compile(r"^/xwzx/gxtz/index(?:_(\d+))?\.html$")
_DETAIL = re.compile(r"^/xwzx/gxtz/(\d{6})/t(\d{8})_(\d+)\.html$")
_HEAD = """<!DOCTYPE html>
<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312" />
<title>{title}</title>
{meta}
<link href="/images/sdtzb.css" rel="stylesheet" type="text/css" />
</head><body>
<div class="top"><a href="/">首页</a> | <a href="/xwzx/">新闻中心</a> | <a href="/xwzx/gxtz/index.html">高校统战</a></div>
"""
_FOOT = """<div class="foot">主办：中共山东省委统战部　鲁ICP备00000000号</div>
</body></html>
"""


class TrsSite:
    """Renders the provincial site of ``world`` on request."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        if match := _LIST_PAGE.match(path):
            return self._list(self.world.columns[PROV, "gxtz"], int(match.group(1) or 0))
        if match := _DETAIL.match(path):
            article = self.world.find(PROV, int(match.group(3)))
            if article is None or self.world.path(article) != path:
                return not_found()
            return _gbk(self._detail(article), article.modified)
        return not_found()

    def _list(self, column: Column, index: int) -> Reply:
        if not 0 <= index < column.pages:
            return not_found()
        rows = []
        for entry in column.page_entries(index + 1):
            article = self.world.articles[entry.key]
            href = "./" + self.world.path(article).rsplit("/", 2)[1] + "/" + self.world.path(article).rsplit("/", 1)[1]
            title = escape(article.title)
            rows.append(
                f'<li><a href="{href}" target="_blank" title="{title}">{title}</a><span>{article.when:%Y-%m-%d}</span></li>'
            )
        script = (
            '<div class="page"><script type="text/javascript">\n'
            f"var currentPage = {index};//所在页从0开始\nvar countPage = {column.pages}//共多少页\n"
            'createPageHTML(countPage, currentPage, "index", "html");\n</script></div>'
        )
        head = _HEAD.format(title=f"{column.name}_{SITE_NAME}", meta='<meta name="ColumnName" content="高校统战" />')
        listing = '<div class="list"><ul>\n' + "\n".join(rows) + "\n</ul>\n" + script + "</div>\n"
        return _gbk(head + listing + _FOOT, self.world.page_modified(column, index + 1))

    def _detail(self, article: Article) -> str:
        stamp = f"{article.when:%Y-%m-%d %H:%M}"
        meta = "\n".join(
            f'<meta name="{name}" content="{escape(value)}" />'
            for name, value in (
                ("SiteName", SITE_NAME),
                ("ColumnName", "高校统战"),
                ("ArticleTitle", article.title),
                ("PubDate", stamp),
                ("ContentSource", "山东省委统战部"),
                ("Keywords", "高校统战"),
            )
        )
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in self.world.body(article))
        return (
            _HEAD.format(title=f"{escape(article.title)}_{SITE_NAME}", meta=meta)
            + f'<div class="detail"><h2 class="title">{escape(article.title)}</h2>\n'
            + f'<div class="info">发布时间：{stamp}　来源：山东省委统战部</div>\n'
            + f'<div class="TRS_Editor">\n{paragraphs}\n</div></div>\n'
            + _FOOT
        )


def _gbk(page: str, modified: datetime) -> Reply:
    return Reply(200, page.encode("gbk"), "text/html", modified=modified)
