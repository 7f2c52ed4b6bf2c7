"""The generic fallback and the dispatch rules (detection, named presets, fallback)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.errors import ExtractionError, NotAnArticle
from harvester.extract import detect_family, parse_article, parse_list, preset_names
from harvester.extract.model import DateValue, ListEntry, Page, Request
from harvester.extract.presets import PRESETS, get_preset

PAGES = Path(__file__).parent / "pages"
SITE = "https://www.example-tzb.gov.cn"


def page(name: str, url: str) -> Page:
    return Page(url=url, html=(PAGES / name).read_text(encoding="utf-8"))


def test_list_is_the_main_repeated_group_not_nav_or_sidebar() -> None:
    result = parse_list(page("generic/list.html", f"{SITE}/news/"))
    assert result.family == "generic"
    assert result.entries == (
        ListEntry(f"{SITE}/news/2023/0512-88.html", "市委统战部召开民主党派工作座谈会", DateValue(2023, 5, 12)),
        ListEntry(f"{SITE}/news/2023/0508-87.html", "全市新的社会阶层人士联谊会成立", DateValue(2023, 5, 8)),
        ListEntry(f"{SITE}/news/detail.php?id=86", "统战干部业务能力提升培训班开班", DateValue(2023, 4, 28)),
    )
    assert result.next == (Request(f"{SITE}/news/index_2.html"),)
    assert (result.current_page, result.total_pages) == (1, 12)


def test_article_title_date_origin_and_densest_body() -> None:
    fields = parse_article(page("generic/detail.html", f"{SITE}/news/2023/0512-88.html"))
    assert fields.family == "generic"
    assert fields.title == "市委统战部召开民主党派工作座谈会"
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.origin == "市委统战部"
    assert fields.author == "办公室"
    assert fields.body.split("\n") == [
        "5月12日，市委统战部召开民主党派工作座谈会，听取各民主党派市委会负责同志对全市经济社会发展的意见建议。",
        "会上，各民主党派负责同志结合调研成果，围绕优化营商环境、推进乡村振兴等方面作了发言。",
        "会议强调，要进一步加强合作共事，推动多党合作事业高质量发展。",
    ]


def test_meta_tags_win_and_url_date_is_the_last_resort() -> None:
    html = (
        "<html><head><title>站点名称</title><meta name='ArticleTitle' content='关于开展调研的通知'>"
        "<meta name='PubDate' content='2023-05-12 10:20'></head>"
        "<body><div id='zoom'>各单位：<br>请于五月底前报送材料。<br>特此通知。</div></body></html>"
    )
    fields = parse_article(Page("https://gov.example.cn/art/2022/1/2/art_1_2.html", html))
    assert fields.title == "关于开展调研的通知"
    assert fields.date == DateValue(2023, 5, 12, 10, 20)
    assert fields.body == "各单位：\n请于五月底前报送材料。\n特此通知。"
    bare = "<html><head><title>通知_某某局</title></head><body><div><p>正文内容。</p></div></body></html>"
    fields = parse_article(Page("https://gov.example.cn/art/2022/1/2/art_1_2.html", bare))
    assert (fields.title, fields.date) == ("通知", DateValue(2022, 1, 2))


def test_next_page_by_rel_and_by_arrow_text() -> None:
    rows = "".join(f"<li><a href='/a/{n}.html'>第{n}条新闻的标题文字</a> 2023-05-{n:02d}</li>" for n in range(1, 4))
    with_rel = f"<html><body><ul>{rows}</ul><a rel='next' href='?page=2'>更多</a></body></html>"
    assert parse_list(Page("https://x.example.cn/list", with_rel)).next == (
        Request("https://x.example.cn/list?page=2"),
    )
    arrow = f"<html><body><ul>{rows}</ul><div><a href='p1.html'>1</a> <a href='p2.html'>&gt;</a></div></body></html>"
    assert parse_list(Page("https://x.example.cn/l/p0.html", arrow)).next == (
        Request("https://x.example.cn/l/p2.html"),
    )
    none = f"<html><body><ul>{rows}</ul><a href='javascript:void(0)'>下一页</a></body></html>"
    assert parse_list(Page("https://x.example.cn/l/", none)).next == ()


def test_detected_preset_without_entries_falls_back_to_generic() -> None:
    rows = "".join(
        f"<li><a href='/news/{n}.html'>新闻标题第{n}条内容</a><span>2023-05-0{n}</span></li>" for n in (1, 2)
    )
    html = f"<html><head><script src='/system/resource/js/a.js'></script></head><body><ul>{rows}</ul></body></html>"
    doc = Page("https://x.example.cn/list.htm", html)
    assert detect_family(doc) == "vsb"
    result = parse_list(doc)
    assert result.family == "generic"
    assert [entry.url for entry in result.entries] == [
        "https://x.example.cn/news/1.html",
        "https://x.example.cn/news/2.html",
    ]
    named = parse_list(doc, preset="vsb")  # a named preset is obeyed: no fallback
    assert named.family == "vsb"
    assert named.entries == ()


def test_named_preset_and_unknown_preset() -> None:
    doc = page("vsb/list_pb_sys.htm", "https://cs.example.edu.cn/xwzx/xydt.htm")
    assert parse_list(doc, preset="generic").family == "generic"
    with pytest.raises(ExtractionError, match="unknown preset"):
        parse_list(doc, preset="nope")
    with pytest.raises(KeyError):
        get_preset("nope")
    assert preset_names() == tuple(preset.family for preset in PRESETS)
    assert preset_names()[-1] == "generic"


def test_generic_soft_404_and_empty_page() -> None:
    missing = "<html><head><title>404 Not Found</title></head><body><h1>404</h1><p>页面找不到了</p></body></html>"
    with pytest.raises(NotAnArticle) as caught:
        parse_article(Page("https://x.example.cn/a.html", missing))
    assert caught.value.reason == "soft-404"
    with pytest.raises(NotAnArticle) as caught:
        parse_article(Page("https://x.example.cn/b.html", ""))
    assert caught.value.reason == "empty"


def test_empty_list_page_has_no_entries() -> None:
    result = parse_list(Page("https://x.example.cn/list.html", "<html><body><p>暂无内容</p></body></html>"))
    assert result.entries == ()
    assert result.next == ()


def test_old_table_layout_with_text_pager() -> None:
    rows = "".join(
        f'<tr><td><a class="lk" href="show.asp?id={n}">学院新闻标题第{n}条</a></td><td>[2023/5/{n}]</td></tr>'
        for n in range(1, 4)
    )
    html = (
        '<html><body><table class="menu"><tr><td><a href="/">首页</a></td><td><a href="/a">概况</a></td></tr></table>'
        f"<table>{rows}</table>"
        '<div>共56条记录 第1/4页 首页 上一页 <a href="list.asp?page=2">下一页</a>'
        ' <a href="list.asp?page=4">末页</a></div>'
        "</body></html>"
    )
    result = parse_list(Page("http://old.example.cn/news/list.asp", html))
    assert [(entry.url, entry.title, entry.date) for entry in result.entries] == [
        (f"http://old.example.cn/news/show.asp?id={n}", f"学院新闻标题第{n}条", DateValue(2023, 5, n))
        for n in range(1, 4)
    ]
    assert result.next == (Request("http://old.example.cn/news/list.asp?page=2"),)
    assert (result.current_page, result.total_pages) == (1, 4)


def test_site_name_h1_is_not_the_title_and_table_cells_stay_apart() -> None:
    html = (
        "<html><head><title>关于表彰先进集体的决定_通知公告_某某学院</title></head><body>"
        "<div class='logo'><h1>某某学院</h1></div>"
        "<div class='content'><p>经研究，决定表彰以下先进集体：</p>"
        "<table><tr><th>序号</th><th>单位</th></tr><tr><td>1</td><td>办公室</td></tr></table>"
        "<p>希望受表彰的集体珍惜荣誉，再接再厉。联系电话：0533-2786404</p></div></body></html>"
    )
    fields = parse_article(Page("https://x.example.cn/info/1/2.htm", html))
    assert fields.title == "关于表彰先进集体的决定"
    assert fields.body == (
        "经研究，决定表彰以下先进集体：\n序号 单位\n1 办公室\n"
        "希望受表彰的集体珍惜荣誉，再接再厉。联系电话：0533-2786404"
    )


def test_block_text_cleans_whitespace_scripts_and_word_tags() -> None:
    from harvester.extract.text import block_text, parse_html

    tree = parse_html(
        "<div>&nbsp;\u3000 第一段\t\n 文字 <script>var a = 1;</script><style>p{}</style></div>"
        "<p><o:p>&nbsp;</o:p></p><p>第二段<br>第三段<v:shape>VML</v:shape><!-- note --></p>"
    )
    assert block_text(tree.body) == "第一段 文字\n第二段\n第三段"
