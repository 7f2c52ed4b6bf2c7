"""The ground-truth model of the demo world and its deterministic generation.

A :class:`World` holds sites, their list columns and the articles, with paths but no
origins: the origins exist only once :func:`~harvester.demo.server.serve_world` binds the
ports. Bodies are generated on demand from ``(seed, article key)`` so a large world is
built in a moment.

The world can change while it is served: :meth:`World.publish` adds new articles at the top of
a column (dated after everything that exists) and :meth:`World.edit` appends a dated note to an
article's body. Both are deterministic in the seed and the order of the calls.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from itertools import takewhile

from harvester.demo import text

DEPT, NEWS, PROV, HOSTILE = "dept", "news", "prov", "hostile"
EDU, ARCHIVE, EPAPER = "edu", "archive", "epaper"
CORE_SITES = (DEPT, NEWS, PROV)
EXTRA_SITES = (EDU, ARCHIVE, EPAPER)  # Hanweb, old table layout, Founder e-paper: opt-in (``build_world(extra=...)``)
FIRST_DAY = date(2022, 3, 1)
LAST_DAY = date(2023, 11, 30)
SITE_BUILT = datetime(2023, 11, 30, 20, 0)  # Last-Modified of static pages (after every generated article)
EDIT_NOTES = (
    "补充了活动现场图片。",
    "更正了文中个别文字表述。",
    "补充了参会人员名单。",
    "增加了相关材料的下载说明。",
)
UF_MATCH: dict[str, tuple[str, ...]] = {"any": text.UF_TERMS}
PROV_MATCH: dict[str, tuple[str, ...]] = {"all": ("山东理工大学",), "any": text.UF_TERMS}
HOSTILE_MATCH: dict[str, tuple[str, ...]] = {"all": ("此词从不出现于任何页面",)}
DISALLOWED = {
    DEPT: ("/info/1999/",),
    NEWS: ("/_visitcount", "/_web/"),
    PROV: ("/module/",),
    HOSTILE: ("/private/",),
    EDU: ("/jrobot/", "/module/search/"),
    ARCHIVE: ("/admin/",),
    EPAPER: ("/page/",),
}
CHANNELS = (
    ("department", "本部门网站"),
    ("campus", "学校新闻网、校报"),
    ("provincial", "省委统战部、省委教育工委等上级部门"),
)


@dataclass(frozen=True)
class Article:
    """One article of the world, with everything needed to render it and to state its truth."""

    key: str  # unique in the world, independent of the URL
    site: str
    num: int  # newsId / articleId / document number
    column: str  # home column key (decides the URL and the detail layout)
    title: str
    when: datetime  # local time, naive (Asia/Shanghai)
    with_time: bool  # harvester can learn the time of day (from the detail page)
    kind: str  # page | attachment | offsite | restricted
    topic: str  # uf | other | mixed (other title, united-front body) | notice | special
    variant: str = ""  # special behaviour, see the site renderers
    origin: str = ""  # key of the article this one reposts or links to
    revisions: tuple[datetime, ...] = ()  # times of later edits, each appending a note to the body

    @property
    def modified(self) -> datetime:
        """When the article's detail page last changed (its publication, or its latest edit)."""
        return self.revisions[-1] if self.revisions else self.when

    @property
    def published(self) -> str:
        """The value harvester must store as ``published_at``."""
        if self.with_time:
            return self.when.strftime("%Y-%m-%dT%H:%M:00+08:00")
        return self.when.strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Entry:
    """One row of a list column: which article, how it is linked, whether it is pinned."""

    key: str
    form: str = "info"  # VSB: info | content (content.jsp?...)
    pinned: bool = False


@dataclass(frozen=True)
class Column:
    """One list column: its first page, its layout and its rows in display order."""

    site: str
    key: str
    name: str
    tree: str  # the id used in article URLs (wbtreeid, WebPlus column id, TRS path)
    path: str  # first list page
    page_size: int
    style: str  # p_pages | fanye | news_list | portal | trs | hostile
    entries: tuple[Entry, ...]
    changed: datetime | None = None  # time of the latest publication into the column while served

    @property
    def pages(self) -> int:
        """Number of list pages (at least one)."""
        return max(1, math.ceil(len(self.entries) / self.page_size))

    def page_entries(self, number: int) -> tuple[Entry, ...]:
        """Rows of list page ``number`` (1 = first page, as a reader counts)."""
        start = (number - 1) * self.page_size
        return self.entries[start : start + self.page_size]


@dataclass(frozen=True)
class SourceSpec:
    """One source of the generated sources.yaml: a column of a site in a channel."""

    id: str
    name: str
    channel: str
    site: str
    column: str
    match: dict[str, tuple[str, ...]] | None = None

    def accepts(self, content: str) -> bool:
        """The source's match filter, applied as harvester applies it (title + body)."""
        if self.match is None:
            return True
        return (
            all(term in content for term in self.match.get("all", ()))
            and (not self.match.get("any") or any(term in content for term in self.match["any"]))
            and not any(term in content for term in self.match.get("none", ()))
        )


@dataclass
class World:
    """Sites, columns, articles and sources of one generated world (no origins yet)."""

    seed: int
    scale: int
    articles: dict[str, Article] = field(default_factory=dict)
    columns: dict[tuple[str, str], Column] = field(default_factory=dict)
    sources: tuple[SourceSpec, ...] = ()
    clock: datetime = SITE_BUILT  # the newest time of the world (article date or edit time)
    published: int = 0  # articles published since generation (seeds the next one)
    extra: tuple[str, ...] = ()  # the opt-in sites of :data:`EXTRA_SITES` this world has
    _by_num: dict[tuple[str, int], Article] = field(default_factory=dict, repr=False, compare=False)

    @property
    def sites(self) -> tuple[str, ...]:
        """Site ids in serving order (the hostile site is served only on demand)."""
        return (*CORE_SITES, *self.extra)

    def site_columns(self, site: str) -> tuple[Column, ...]:
        """The columns of one site."""
        return tuple(column for (owner, _), column in self.columns.items() if owner == site)

    def find(self, site: str, num: int) -> Article | None:
        """The article of ``site`` with number ``num``, if any."""
        return self._index().get((site, num))

    def add(self, article: Article) -> None:
        """Add ``article`` to the world, or replace the article of the same key."""
        self.articles[article.key] = article
        self._index()[article.site, article.num] = article

    def page_modified(self, column: Column, number: int) -> datetime:
        """Last-Modified of list page ``number``: its newest article, or the column's latest change."""
        dates = [self.articles[entry.key].when for entry in column.page_entries(number)]
        if column.changed is not None:
            dates.append(column.changed)
        return max(dates, default=SITE_BUILT)

    def publish(self, site: str, column: str, count: int) -> list[Article]:
        """Add ``count`` new page articles at the top of a column (below pinned rows), newest first.

        Each is dated after every existing article and numbered after every article of its site;
        title, topic and times are drawn from ``(seed, publication counter)``.
        """
        if count < 0:
            raise ValueError(f"count must not be negative, not {count}")
        current = self.columns[site, column]
        num = max((a.num for a in self.articles.values() if a.site == site), default=0)
        fresh: list[Article] = []
        for _ in range(count):
            rng = random.Random(f"{self.seed}:publish:{self.published}")
            when = self.clock + timedelta(minutes=10 * rng.randint(3, 72))
            title, topic, with_time = _FRESH.get(site, _fresh_default)(rng, column, when.year)
            num += rng.randint(1, 9)
            key = f"{site}-{column}-new-{self.published}"
            fresh.append(Article(key, site, num, column, title, when, with_time, "page", topic))
            self.add(fresh[-1])
            self.clock, self.published = when, self.published + 1
        if fresh:
            pinned = tuple(takewhile(lambda entry: entry.pinned, current.entries))
            rows = (*pinned, *(Entry(a.key) for a in reversed(fresh)), *current.entries[len(pinned) :])
            self.columns[site, column] = replace(current, entries=rows, changed=self.clock)
        return fresh[::-1]

    def edit(self, site: str, column: str, index: int = 0) -> Article:
        """Append a dated note to the body of the ``index``-th newest page article of a column."""
        pages = [self.articles[e.key] for e in self.columns[site, column].entries]
        pages = sorted((a for a in pages if a.kind == "page"), key=lambda a: (a.when, a.num), reverse=True)
        if not 0 <= index < len(pages):
            raise IndexError(f"column {site}/{column} has {len(pages)} page articles, no index {index}")
        article = pages[index]
        rng = random.Random(f"{self.seed}:edit:{article.key}:{len(article.revisions)}")
        self.clock += timedelta(minutes=10 * rng.randint(1, 36))
        edited = replace(article, revisions=(*article.revisions, self.clock))
        self.add(edited)
        return edited

    def body(self, article: Article) -> list[str]:
        """The article's paragraphs (deterministic by seed and key), with a note per edit."""
        notes = [_edit_note(self.seed, article.key, number, at) for number, at in enumerate(article.revisions)]
        return self._base_body(article) + notes

    def _base_body(self, article: Article) -> list[str]:
        """The paragraphs as first published."""
        rng = random.Random(f"{self.seed}:body:{article.key}")
        if article.variant == "attachment-only":
            return ["详见附件。"]
        if article.variant == "repost":
            source = self.articles[article.origin]
            reporter = text.person(rng)
            editor = text.person(rng)
            first, *rest = self._base_body(source)
            return [f"本报讯（通讯员 {reporter}）{first}", *rest, f"（编辑：{editor}）"]
        topic = "uf" if article.topic in ("uf", "mixed", "notice", "special") else "other"
        return text.make_body(rng, topic, f"{article.when.month}月{article.when.day}日")

    def snippet(self, article: Article) -> str:
        """A phrase that occurs in the extracted body of a ``page`` article."""
        if article.kind != "page":
            return ""
        paragraphs = self.body(article)
        if article.variant == "attachment-only":
            return "详见附件"
        return paragraphs[1 if article.variant == "repost" else 0][:18]

    def story(self, article: Article) -> str:
        """The key of the story ``article`` tells: a light-edit repost tells its origin's story."""
        return article.origin if article.variant == "repost" else article.key

    def relevant(self, source: SourceSpec, article: Article) -> bool:
        """Whether ``article`` passes ``source``'s match filter over title + body."""
        body = "\n".join(self.body(article)) if article.kind == "page" else ""
        return source.accepts(article.title + "\n" + body)

    def path(self, article: Article) -> str:
        """The canonical path of an on-site article (for off-site entries: see :meth:`url`)."""
        tree = self.columns[article.site, article.column].tree
        if article.site == NEWS:
            return f"/{article.when:%Y/%m%d}/c{tree}a{article.num}/page.htm"
        if article.site == PROV:
            return f"/xwzx/gxtz/{article.when:%Y%m}/t{article.when:%Y%m%d}_{article.num}.html"
        if article.site == EDU:
            return f"/art/{article.when.year}/{article.when.month}/{article.when.day}/art_{tree}_{article.num}.html"
        if article.site == ARCHIVE:
            return f"/{tree}/show.asp?id={article.num}"
        if article.site == EPAPER:
            return f"/html/{article.when:%Y-%m/%d}/content_{article.num}.htm"
        if article.kind == "attachment":
            query = f"urltype=news.DownloadAttachUrl&owner=1{article.num}&wbfileid={article.num}"
            return f"/system/_content/download.jsp?{query}"
        if article.variant == "robots":
            return f"/info/1999/{article.num}.htm"
        return f"/info/{tree}/{article.num}.htm"

    def url(self, article: Article, origins: dict[str, str]) -> str:
        """The absolute URL of ``article`` as its list links it (canonical form)."""
        if article.variant == "weixin":
            return f"https://mp.weixin.qq.com/s/{_token(self.seed, article.key)}"
        if article.variant == "campus":
            return self.url(self.articles[article.origin], origins)
        return origins[article.site] + self.path(article)

    def _index(self) -> dict[tuple[str, int], Article]:
        if not self._by_num:
            self._by_num.update({(a.site, a.num): a for a in self.articles.values()})
        return self._by_num


def _edit_note(seed: int, key: str, number: int, at: datetime) -> str:
    """The sentence an edit appends (never a match term, so relevance and snippets stay)."""
    rng = random.Random(f"{seed}:note:{key}:{number}")
    return f"（本文于{at:%Y年%m月%d日 %H:%M}更新，{rng.choice(EDIT_NOTES)}）"


def _fresh_default(rng: random.Random, column: str, year: int) -> tuple[str, str, bool]:
    """Title, topic and with_time of an article published later into a column of any site."""
    return text.make_title(rng, "uf", year), "uf", False


def _fresh_dept(rng: random.Random, column: str, year: int) -> tuple[str, str, bool]:
    if column == "tzgg":
        return text.make_notice(rng, year), "notice", True
    return _fresh_default(rng, column, year)


def _fresh_news(rng: random.Random, column: str, year: int) -> tuple[str, str, bool]:
    topic = _news_topic(rng)
    return text.make_title(rng, "uf" if topic == "uf" else "other", year), topic, False


def _fresh_prov(rng: random.Random, column: str, year: int) -> tuple[str, str, bool]:
    return _prov_title(rng, year, rng.random() < 0.35), "uf", True


def _token(seed: int, key: str) -> str:
    rng = random.Random(f"{seed}:token:{key}")
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(rng.choice(alphabet) for _ in range(22))


def build_world(scale: int = 1, seed: int = 0, *, extra: Iterable[str] = ()) -> World:
    """Generate the demo world: deterministic in ``(scale, seed)``; article counts grow with ``scale``.

    ``extra`` adds opt-in sites of :data:`EXTRA_SITES` (``edu`` Hanweb, ``archive`` old table layout,
    ``epaper`` Founder e-paper) with their sources; the core sites and their truth stay as they are.
    """
    if scale < 1:
        raise ValueError(f"scale must be at least 1, not {scale}")
    wanted = set(extra)
    if unknown := wanted - set(EXTRA_SITES):
        raise ValueError(f"unknown extra demo sites {sorted(unknown)} (known: {', '.join(EXTRA_SITES)})")
    world = World(seed=seed, scale=scale, extra=tuple(site for site in EXTRA_SITES if site in wanted))
    _build_dept(world, random.Random(f"{seed}:dept"))
    _build_news(world, random.Random(f"{seed}:news"))
    _build_prov(world, random.Random(f"{seed}:prov"))
    world.sources = _sources()
    for site in world.extra:
        world.sources += _build_extra(world, site)
    world.clock = max(article.when for article in world.articles.values())
    return world


def _build_extra(world: World, site: str) -> tuple[SourceSpec, ...]:
    """Build one opt-in site; its module owns its articles, columns and sources."""
    # imported here: the site modules build on this module's types (a top-level import would be a cycle)
    from harvester.demo.sites import epaper, hanweb, table

    builders = {EDU: hanweb.build, ARCHIVE: table.build, EPAPER: epaper.build}
    return builders[site](world, random.Random(f"{world.seed}:{site}"))


def _sources() -> tuple[SourceSpec, ...]:
    return (
        SourceSpec("dept-gzdt", "统战部·工作动态", "department", DEPT, "gzdt"),
        SourceSpec("dept-tzgg", "统战部·通知公告", "department", DEPT, "tzgg"),
        SourceSpec("news-lgyw", "学校新闻网·理工要闻", "campus", NEWS, "lgyw", UF_MATCH),
        SourceSpec("news-zhxw", "学校新闻网·综合新闻", "campus", NEWS, "zhxw", UF_MATCH),
        SourceSpec("prov-gxtz", "省委统战部·高校统战", "provincial", PROV, "gxtz", PROV_MATCH),
    )


def _random_moment(rng: random.Random) -> datetime:
    days = (LAST_DAY - FIRST_DAY).days
    day = FIRST_DAY + timedelta(days=rng.randint(0, days))
    return datetime(day.year, day.month, day.day, rng.randint(8, 18), rng.choice((0, 10, 20, 30, 40, 50)))


def _moment(rng: random.Random, day: str) -> datetime:
    parsed = date.fromisoformat(day)
    return datetime(parsed.year, parsed.month, parsed.day, rng.randint(8, 17), rng.choice((0, 15, 30, 45)))


@dataclass
class _Draft:
    """An article before its number is known (numbers follow publication order)."""

    key: str
    column: str
    title: str
    when: datetime
    with_time: bool
    kind: str = "page"
    topic: str = "uf"
    variant: str = ""
    origin: str = ""


def _number(world: World, site: str, drafts: list[_Draft], rng: random.Random, first: int) -> None:
    """Give the drafts increasing numbers in publication order and add them to the world."""
    num = first
    for draft in sorted(drafts, key=lambda d: (d.when, d.key)):
        num += rng.randint(1, 9)
        world.articles[draft.key] = Article(
            draft.key,
            site,
            num,
            draft.column,
            draft.title,
            draft.when,
            draft.with_time,
            draft.kind,
            draft.topic,
            draft.variant,
            draft.origin,
        )


def _newest_first(world: World, keys: list[str]) -> list[Entry]:
    ordered = sorted(keys, key=lambda k: (world.articles[k].when, world.articles[k].num), reverse=True)
    return [Entry(key) for key in ordered]


def _regular(
    rng: random.Random, prefix: str, column: str, count: int, titler: Callable[[random.Random, int], str]
) -> list[_Draft]:
    drafts = []
    for index in range(count):
        when = _random_moment(rng)
        drafts.append(_Draft(f"{prefix}-{index}", column, titler(rng, when.year), when, False))
    return drafts


def _build_dept(world: World, rng: random.Random) -> None:
    gzdt = _regular(rng, "dept-gzdt", "gzdt", 40 * world.scale, lambda r, y: text.make_title(r, "uf", y))
    tzgg = _regular(rng, "dept-tzgg", "tzgg", 30 * world.scale, text.make_notice)
    for draft in tzgg:
        draft.with_time, draft.topic = True, "notice"
    specials = [
        _Draft("dept-pinned-1", "gzdt", "统战部工作职责", _moment(rng, "2022-03-08"), False, variant="pinned"),
        _Draft(
            "dept-pinned-2", "gzdt", "学校民主党派基层组织简介", _moment(rng, "2022-03-15"), False, variant="pinned"
        ),
        _Draft(
            "dept-pinned-3",
            "tzgg",
            "关于规范统战信息报送工作的通知",
            _moment(rng, "2022-04-02"),
            True,
            variant="pinned",
        ),
        _Draft(
            "dept-both", "gzdt", "统战部召开2023年统战工作会议暨党外代表人士座谈会", _moment(rng, "2023-02-21"), False
        ),
        _Draft("dept-content", "gzdt", "学校召开民主党派负责人迎新春座谈会", _moment(rng, "2023-01-12"), False),
        _Draft(
            "dept-attach",
            "gzdt",
            "关于公布2023年度统一战线理论研究课题立项名单的通知",
            _moment(rng, "2023-06-05"),
            False,
            variant="attachment-only",
        ),
        _Draft("dept-download", "gzdt", "2023年统战工作要点", _moment(rng, "2023-03-02"), False, kind="attachment"),
        _Draft(
            "dept-weixin",
            "gzdt",
            "【微信】民主党派成员学习二十大精神",
            _moment(rng, "2022-11-18"),
            False,
            kind="offsite",
            variant="weixin",
        ),
        _Draft(
            "dept-campus",
            "gzdt",
            "欧美同学会举办留学归国人员座谈会",
            _moment(rng, "2023-04-20"),
            False,
            kind="offsite",
            variant="campus",
            origin="news-linked",
        ),
        _Draft(
            "dept-login",
            "gzdt",
            "统战干部内部学习材料",
            _moment(rng, "2023-05-09"),
            False,
            kind="restricted",
            variant="login",
        ),
        _Draft(
            "dept-gone",
            "gzdt",
            "知联会理事名单公示",
            _moment(rng, "2022-12-01"),
            False,
            kind="restricted",
            variant="soft404",
        ),
        _Draft(
            "dept-robots",
            "gzdt",
            "党外人士信息统计表",
            _moment(rng, "2023-07-03"),
            False,
            kind="restricted",
            variant="robots",
        ),
        _Draft("dept-dushu-1", "gzdt", "党外代表人士读书会（第3期）", _moment(rng, "2022-10-27"), False),
        _Draft("dept-dushu-2", "gzdt", "党外代表人士读书会（第3期）", _moment(rng, "2023-04-13"), False),
        _Draft("dept-reposted", "gzdt", "统战部召开2023年民主党派工作座谈会", _moment(rng, "2023-03-28"), False),
    ]
    for draft in specials:
        draft.topic = "special"
    _number(world, DEPT, gzdt + tzgg + specials, rng, 10000)
    pinned = ["dept-pinned-1", "dept-pinned-2"]
    gz_keys = [d.key for d in gzdt + specials if d.column == "gzdt" and d.key not in pinned]
    tz_keys = [d.key for d in tzgg] + ["dept-both", "dept-content"]
    gz_entries = [Entry(k, pinned=True) for k in pinned] + _newest_first(world, gz_keys)
    tz_entries = [Entry("dept-pinned-3", pinned=True)] + [
        Entry(e.key, form="content" if e.key == "dept-content" else "info") for e in _newest_first(world, tz_keys)
    ]
    world.columns[DEPT, "gzdt"] = Column(
        DEPT, "gzdt", "工作动态", "1001", "/gzdt.htm", 12, "p_pages", tuple(gz_entries)
    )
    world.columns[DEPT, "tzgg"] = Column(DEPT, "tzgg", "通知公告", "1002", "/tzgg.htm", 15, "fanye", tuple(tz_entries))


def _news_topic(rng: random.Random) -> str:
    roll = rng.random()
    return "uf" if roll < 0.22 else "mixed" if roll < 0.27 else "other"


def _build_news(world: World, rng: random.Random) -> None:
    drafts: list[_Draft] = []
    for column, count in (("lgyw", 40), ("zhxw", 50)):
        for index in range(count * world.scale):
            topic = _news_topic(rng)
            when = _random_moment(rng)
            title = text.make_title(rng, "uf" if topic == "uf" else "other", when.year)
            drafts.append(_Draft(f"news-{column}-{index}", column, title, when, False, topic=topic))
    reposted = world.articles["dept-reposted"]
    drafts += [
        _Draft(
            "news-repost",
            "lgyw",
            "学校召开2023年民主党派工作座谈会",
            reposted.when + timedelta(days=1),
            False,
            topic="uf",
            variant="repost",
            origin="dept-reposted",
        ),
        _Draft(
            "news-linked",
            "lgyw",
            world.articles["dept-campus"].title,
            world.articles["dept-campus"].when,
            False,
            topic="uf",
        ),
        _Draft(
            "news-both", "lgyw", "学校召开党外知识分子建言献策座谈会", _moment(rng, "2022-12-15"), False, topic="uf"
        ),
        _Draft(
            "news-gbk-header",
            "zhxw",
            "我校学子在全国大学生电子设计竞赛中获佳绩",
            _moment(rng, "2023-05-30"),
            False,
            topic="other",
            variant="gbk-header",
        ),
        _Draft(
            "news-no-charset",
            "zhxw",
            "统战部开展党的二十大精神宣讲活动",
            _moment(rng, "2023-06-14"),
            False,
            topic="uf",
            variant="no-charset",
        ),
        _Draft(
            "news-files",
            "lgyw",
            "学校公布2023年欧美同学会理事会名单",
            _moment(rng, "2023-07-19"),
            False,
            topic="uf",
            variant="files",
        ),
    ]
    _number(world, NEWS, drafts, rng, 480000)
    for column, tree, name, style, size in (
        ("lgyw", "1058", "理工要闻", "news_list", 10),
        ("zhxw", "1059", "综合新闻", "portal", 8),
    ):
        keys = [d.key for d in drafts if d.column == column]
        if column == "zhxw":
            keys.append("news-both")
        entries = tuple(_newest_first(world, keys))
        path = f"/{tree if column == 'lgyw' else column}/list.htm"
        world.columns[NEWS, column] = Column(NEWS, column, name, tree, path, size, style, entries)


def _prov_title(rng: random.Random, year: int, ours: bool) -> str:
    universities = ("山东大学", "中国海洋大学", "青岛大学", "济南大学", "山东师范大学", "曲阜师范大学")
    university = "山东理工大学" if ours else rng.choice(universities)
    title = text.make_title(rng, "uf", year).replace("山东理工大学", "").replace("学校", "")
    return university + title


def _build_prov(world: World, rng: random.Random) -> None:
    drafts = []
    for index in range(30 * world.scale):
        when = _random_moment(rng)
        ours = rng.random() < 0.35
        title = _prov_title(rng, when.year, ours)
        drafts.append(_Draft(f"prov-{index}", "gxtz", title, when, True))
    _number(world, PROV, drafts, rng, 5_210_000)
    entries = tuple(_newest_first(world, [d.key for d in drafts]))
    world.columns[PROV, "gxtz"] = Column(PROV, "gxtz", "高校统战", "gxtz", "/xwzx/gxtz/index.html", 15, "trs", entries)


def _fresh_edu(rng: random.Random, column: str, year: int) -> tuple[str, str, bool]:
    return _prov_title(rng, year, rng.random() < 0.35), "uf", True


_FRESH: dict[str, Callable[[random.Random, str, int], tuple[str, str, bool]]] = {
    DEPT: _fresh_dept,
    NEWS: _fresh_news,
    PROV: _fresh_prov,
    EDU: _fresh_edu,
    EPAPER: _fresh_news,
}
"""How each site titles the articles published while it is served (other sites: :func:`_fresh_default`)."""


# --- building blocks for the opt-in site modules (harvester.demo.sites.hanweb, table, epaper) ---------------

Draft = _Draft
"""An article before its number is known (numbers follow publication order)."""


def random_moment(rng: random.Random) -> datetime:
    """A working-hours moment between :data:`FIRST_DAY` and :data:`LAST_DAY`."""
    return _random_moment(rng)


def number_drafts(world: World, site: str, drafts: list[_Draft], rng: random.Random, first: int) -> None:
    """Number ``drafts`` in publication order (from above ``first``) and add them to ``world`` as articles."""
    _number(world, site, drafts, rng, first)


def newest_first(world: World, keys: list[str]) -> list[Entry]:
    """List rows for ``keys``, newest article first (ties: higher number first)."""
    return _newest_first(world, keys)


def university_title(rng: random.Random, year: int, ours: bool) -> str:
    """A united-front title naming a university (``ours``: 山东理工大学), as provincial sites write them."""
    return _prov_title(rng, year, ours)
