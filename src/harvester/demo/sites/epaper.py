"""The campus newspaper (山东理工大学报), rendered as a Founder (方正) e-paper.

``/`` answers a meta refresh to ``/paperindex.htm``, whose script (``window.location.href``)
leads to the newest issue's first 版面 ``/html/YYYY-MM/DD/node_2.htm``. Each weekly issue has
four 版面 ``node_2.htm`` … ``node_5.htm`` (in some issues the last is a full-page advertisement
without articles); a 版面 links its articles ``content_N.htm`` (title list and image map), every
版面 of the issue, the previous issue (上一期) and the 往期回顾 calendar ``/period.htm``. The issue
date exists **only in the URL**. At scale 1 the issues are 15 weeks apart; at scale 10 weekly.
One article is a light-edit repost of a campus news (WebPlus) article: 本报讯 prefix, editor line,
title tweak — the same story in the same channel (:meth:`~harvester.demo.world.World.story`).
"""

# ruff: noqa: E501  (long lines are HTML templates, kept whole to stay readable as markup)

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape

from harvester.demo import text
from harvester.demo.reply import Reply, html, not_found
from harvester.demo.world import (
    EPAPER,
    NEWS,
    SITE_BUILT,
    UF_MATCH,
    Article,
    Column,
    Draft,
    SourceSpec,
    World,
    newest_first,
    number_drafts,
)

SITE_NAME = "山东理工大学报"
NEWEST_ISSUE = date(2023, 11, 24)  # a Friday
FIRST_NUMBER = 600  # 第600期 is the oldest issue served
PAGE_NAMES = ("要闻", "综合新闻", "校园文化", "副刊")
AD_NAME = "广告"
_NODE = re.compile(r"^/html/(\d{4})-(\d{2})/(\d{2})/node_(\d+)\.htm$")
_CONTENT = re.compile(r"^/html/(\d{4})-(\d{2})/(\d{2})/content_(\d+)\.htm$")
_HEAD = """<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{title}</title>
<link rel="stylesheet" href="{root}style/paper.css">
<script type="text/javascript" src="{root}script/founder-paper.js"></script>
</head>
<body>
<div class="header">
<div class="paper-name"><img src="{root}images/masthead.png" alt="{site}"> <span>第{number}期</span></div>
<div class="issue-nav">{nav}</div>
</div>
"""
_FOOT = """<div class="footer">山东理工大学党委宣传部主办　校报编辑部出版　国内统一连续出版物号 CN37-0000/(G)</div>
</body>
</html>
"""


@dataclass(frozen=True)
class Issue:
    """One issue: its date, its number and its 版面 (each a name and its articles, oldest number first)."""

    day: date
    number: int
    pages: tuple[tuple[str, tuple[Article, ...]], ...]

    @property
    def folder(self) -> str:
        """The issue's directory, e.g. ``/html/2023-05/12/``."""
        return f"/html/{self.day:%Y-%m/%d}/"


def build(world: World, rng: random.Random) -> tuple[SourceSpec, ...]:
    """Add the newspaper's issues (and the repost of a campus news article) to ``world``; its sources."""
    count = 6 * world.scale
    gap = max(1, 91 // count)
    days = [NEWEST_ISSUE - timedelta(weeks=gap * index) for index in range(count)]
    drafts = [draft for day in days for draft in _issue_drafts(rng, day)]
    repost = _repost(world, days)
    number_drafts(world, EPAPER, [*drafts, *([repost] if repost else [])], rng, 18_000)
    keys = [draft.key for draft in drafts] + ([repost.key] if repost else [])
    column_entries = tuple(newest_first(world, keys))
    world.columns[EPAPER, "paper"] = Column(EPAPER, "paper", "电子版", "paper", "/", 12, "epaper", column_entries)
    return (SourceSpec("paper", "山东理工大学报", "campus", EPAPER, "paper", UF_MATCH),)


def _issue_drafts(rng: random.Random, day: date) -> Iterator[Draft]:
    for index in range(rng.randint(7, 11)):
        roll = rng.random()
        topic = "uf" if roll < 0.3 else "mixed" if roll < 0.35 else "other"
        title = text.make_title(rng, "uf" if topic == "uf" else "other", day.year)
        when = datetime(day.year, day.month, day.day, 6, index)
        yield Draft(f"epaper-{day:%Y%m%d}-{index}", "paper", title, when, False, topic=topic)


def _repost(world: World, days: list[date]) -> Draft | None:
    """The light-edit repost of the campus news article closest before an issue well inside 2022-10..2023-07."""
    candidates = [
        a
        for a in world.articles.values()
        if a.site == NEWS and a.topic == "uf" and a.kind == "page" and re.fullmatch(r"news-(lgyw|zhxw)-\d+", a.key)
    ]
    pairs = [
        ((day - a.when.date()).days, day, a.key, a)
        for day in days
        if date(2022, 10, 1) <= day <= date(2023, 7, 31)
        for a in candidates
        if 1 <= (day - a.when.date()).days <= 60
    ]
    if not pairs:
        return None
    _, day, _, origin = min(pairs)
    title = origin.title.replace("学校", "我校", 1) if "学校" in origin.title else origin.title + "（图）"
    when = datetime(day.year, day.month, day.day, 6, 30)
    return Draft("epaper-repost", "paper", title, when, False, topic="uf", variant="repost", origin=origin.key)


def issues(world: World) -> list[Issue]:
    """The served issues, newest first, laid out from the column's articles (publishing adds issues)."""
    by_day: dict[date, list[Article]] = {}
    for entry in world.columns[EPAPER, "paper"].entries:
        article = world.articles[entry.key]
        by_day.setdefault(article.when.date(), []).append(article)
    days = sorted(by_day, reverse=True)
    return [
        Issue(day, FIRST_NUMBER + len(days) - 1 - index, _layout(world.seed, day, by_day[day]))
        for index, day in enumerate(days)
    ]


def _layout(seed: int, day: date, articles: list[Article]) -> tuple[tuple[str, tuple[Article, ...]], ...]:
    """Split an issue's articles over its 版面 in number order; some issues end with an advertisement."""
    ordered = sorted(articles, key=lambda a: a.num)
    advert = random.Random(f"{seed}:epaper-layout:{day}").random() < 0.4
    names = PAGE_NAMES[:3] if advert else PAGE_NAMES
    size, extra = divmod(len(ordered), len(names))
    pages, start = [], 0
    for index, name in enumerate(names):
        end = start + size + (1 if index < extra else 0)
        pages.append((name, tuple(ordered[start:end])))
        start = end
    if advert:
        pages.append((AD_NAME, ()))
    return tuple(pages)


class EpaperSite:
    """Renders the campus newspaper of ``world`` on request."""

    def __init__(self, world: World, origins: dict[str, str]) -> None:
        self.world = world
        self.origins = origins

    def render(self, path: str, query: str) -> Reply:
        """Answer one GET."""
        served = issues(self.world)
        if path in ("/", "/index.htm"):
            page = '<html><head><meta http-equiv="refresh" content="0; url=paperindex.htm"></head><body></body></html>'
            return html(page, modified=_modified(served[0]))
        if path == "/paperindex.htm":
            target = f"html/{served[0].day:%Y-%m/%d}/node_2.htm"
            page = f'<html><head><script type="text/javascript">window.location.href="{target}";</script></head><body></body></html>'
            return html(page, modified=_modified(served[0]))
        if path == "/period.htm":
            return html(self._period(served), modified=_modified(served[0]))
        if match := _NODE.match(path):
            return self._node(served, _day(match), int(match.group(4)))
        if match := _CONTENT.match(path):
            article = self.world.find(EPAPER, int(match.group(4)))
            if article is None or self.world.path(article) != path:
                return not_found()
            return html(self._content(served, article), modified=article.modified)
        return not_found()

    def _node(self, served: list[Issue], day: date, node: int) -> Reply:
        position = next((index for index, issue in enumerate(served) if issue.day == day), None)
        if position is None or not 2 <= node < 2 + len(served[position].pages):
            return not_found()
        issue = served[position]
        older = served[position + 1] if position + 1 < len(served) else None
        newer = served[position - 1] if position > 0 else None
        name, articles = issue.pages[node - 2]
        label = f"第{node - 1:02d}版：{name}"
        nav = _issue_nav(older, newer)
        image = f"../../../page/1/{day:%Y-%m/%d}/{node - 1:02d}/{day:%Y%m%d}{node - 1:02d}_pdf.jpg"
        areas = "\n".join(
            f'<area shape="rect" coords="10,{10 + 200 * i},600,{200 + 200 * i}" href="content_{a.num}.htm">'
            for i, a in enumerate(articles)
        )
        navigation = "\n".join(
            f'<tr><td><a id="pageLink" href="node_{n + 2}.htm">第{n + 1:02d}版：{page_name}</a></td></tr>'
            for n, (page_name, _) in enumerate(issue.pages)
        )
        if articles:
            items = "\n".join(
                f'<li><a href="content_{a.num}.htm"><div style="display:inline" id="mp{a.num}">{escape(a.title)}</div></a></li>'
                for a in articles
            )
        else:
            items = '<li class="advert">本版为广告版</li>'
        turn = (f'<a href="node_{node - 1}.htm">上一版</a> ' if node > 2 else "") + (
            f'<a href="node_{node + 1}.htm">下一版</a>' if node < 1 + len(issue.pages) else ""
        )
        pdf = f"../../../page/1/{day:%Y-%m/%d}/{node - 1:02d}/{day:%Y%m%d}{node - 1:02d}_pdf.pdf"
        body = (
            f'<div class="main">\n<div class="page-image">\n<img src="{image}" usemap="#PagePicMap" alt="{label}">\n'
            f'<map name="PagePicMap">\n{areas}\n</map>\n<a href="{pdf}">PDF下载</a>\n</div>\n'
            f'<div class="page-side">\n<div class="bmdh">\n<div class="side-title">版面导航</div>\n<table class="bmdh-list">\n{navigation}\n</table>\n</div>\n'
            f'<div class="title-list">\n<div class="side-title">{label}</div>\n<ul>\n{items}\n</ul>\n</div>\n'
            f'<div class="page-turn">{turn}</div>\n</div>\n</div>\n'
        )
        head = _HEAD.format(title=SITE_NAME, root="../../../", site=SITE_NAME, number=issue.number, nav=nav)
        return html(head + body + _FOOT, modified=_modified(issue))

    def _content(self, served: list[Issue], article: Article) -> str:
        issue = next(issue for issue in served if issue.day == article.when.date())
        node = next(n for n, (_, on_page) in enumerate(issue.pages) if article in on_page)
        label = f"第{node + 1:02d}版：{issue.pages[node][0]}"
        nav = f'<a href="node_{node + 2}.htm">返回版面</a> <a href="../../../period.htm">往期回顾</a>'
        pretitle = '<h3 class="pretitle">凝心聚力　共谋发展</h3>\n' if article.num % 4 == 0 else ""
        subtitle = f'<h2 class="subtitle">——{label[6:]}专版报道</h2>\n' if article.num % 5 == 0 else ""
        paragraphs = "\n".join(f"<p>{escape(p)}</p>" for p in self.world.body(article))
        body = (
            f'<div class="article">\n{pretitle}<h1>{escape(article.title)}</h1>\n{subtitle}'
            f'<div class="info">{label}</div>\n<div id="ozoom">\n<founder-content>\n{paragraphs}\n</founder-content>\n</div>\n</div>\n'
        )
        head = _HEAD.format(title=SITE_NAME, root="../../../", site=SITE_NAME, number=issue.number, nav=nav)
        return head + body + _FOOT

    def _period(self, served: list[Issue]) -> str:
        links = "\n".join(
            f'<li><a href="html/{issue.day:%Y-%m/%d}/node_2.htm">第{issue.number}期</a></li>' for issue in served
        )
        head = _HEAD.format(title=f"往期回顾-{SITE_NAME}", root="", site=SITE_NAME, number=served[0].number, nav="")
        return (
            head + f'<div class="period"><div class="side-title">往期回顾</div>\n<ul>\n{links}\n</ul>\n</div>\n' + _FOOT
        )


def _issue_nav(older: Issue | None, newer: Issue | None) -> str:
    parts = []
    if older is not None:
        parts.append(f'<a href="../../{older.day:%Y-%m/%d}/node_2.htm">上一期</a>')
    if newer is not None:
        parts.append(f'<a href="../../{newer.day:%Y-%m/%d}/node_2.htm">下一期</a>')
    parts.append('<a href="../../../period.htm">往期回顾</a>')
    return " ".join(parts)


def _modified(issue: Issue) -> datetime:
    return max((a.modified for _, on_page in issue.pages for a in on_page), default=SITE_BUILT)


def _day(match: re.Match[str]) -> date:
    return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
