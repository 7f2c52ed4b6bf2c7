"""VSB (博达) lists, pagers and detail pages, read from hand-written fixture pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.config import Selectors
from harvester.errors import NotAnArticle
from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import Attachment, DateValue, ListEntry, Page, Request

PAGES = Path(__file__).parent / "pages" / "vsb"


def page(name: str, url: str) -> Page:
    return Page(url=url, html=(PAGES / name).read_text(encoding="utf-8"))


def test_pb_sys_list_resolves_relative_links_and_reads_the_pager() -> None:
    result = parse_list(page("list_pb_sys.htm", "https://cs.example.edu.cn/xwzx/xydt.htm"))
    assert result.family == "vsb"
    assert result.entries == (
        ListEntry(
            "https://cs.example.edu.cn/info/1012/3456.htm",
            "计算机学院召开2023年春季学期教学工作会议暨课程思政建设推进会",
            DateValue(2023, 5, 12),
        ),
        ListEntry(
            "https://cs.example.edu.cn/info/1012/3455.htm", "学院党委理论学习中心组开展专题学习", DateValue(2023, 5, 10)
        ),
        ListEntry(
            "https://cs.example.edu.cn/info/1012/3450.htm",
            "我院学子在全国大学生程序设计竞赛中获佳绩",
            DateValue(2023, 5, 8),
        ),
        ListEntry("https://mp.weixin.qq.com/s/AbCdEf123", "【党建】学院召开统战工作座谈会", DateValue(2023, 5, 6)),
    )
    assert result.next == (Request("https://cs.example.edu.cn/xwzx/xydt/14.htm"),)
    assert (result.current_page, result.total_pages) == (1, 15)


def test_fanye_pager_gives_the_next_link_and_page_numbers() -> None:
    result = parse_list(page("list_fanye.htm", "https://tzb.example.edu.cn/tzgg/13.htm"))
    assert [entry.url for entry in result.entries] == [
        "https://tzb.example.edu.cn/info/1013/2101.htm",
        "https://tzb.example.edu.cn/info/1013/2099.htm",
        "https://tzb.example.edu.cn/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1013&wbnewsid=2098",
    ]
    assert result.entries[1].title == "关于开展党外知识分子联谊会换届工作的通知"  # from title=, not the truncated text
    assert result.entries[2].date == DateValue(2023, 3, 1)
    assert result.next == (Request("https://tzb.example.edu.cn/tzgg/12.htm"),)
    assert (result.current_page, result.total_pages) == (3, 15)


def test_yearless_dates_pinned_row_attachment_entry_and_disabled_next() -> None:
    result = parse_list(page("list_pinned.htm", "https://dept.example.edu.cn/tzgg.htm"))
    assert result.entries == (
        ListEntry(
            "https://dept.example.edu.cn/info/1021/1001.htm",
            "关于学院办公地点调整的通知（长期有效）",
            DateValue(None, 9, 1),
            pinned=True,
        ),
        ListEntry(
            "https://dept.example.edu.cn/info/1021/1088.htm", "2023年研究生招生复试名单公示", DateValue(None, 5, 12)
        ),
        ListEntry(
            "https://dept.example.edu.cn/system/_content/download.jsp"
            "?urltype=news.DownloadAttachUrl&owner=1730210&wbfileid=4567",
            "2023年学院工作要点.pdf",
            DateValue(None, 5, 8),
        ),
    )
    assert result.next == ()
    assert (result.current_page, result.total_pages) == (1, 1)


def test_no_pager_means_no_guessed_next_page() -> None:
    html = (PAGES / "list_pb_sys.htm").read_text(encoding="utf-8")
    start = html.index('<div class="pb_sys_common')
    end = html.index("</div>", start) + len("</div>")
    result = parse_list(Page("https://cs.example.edu.cn/xwzx/xydt.htm", html[:start] + html[end:]))
    assert len(result.entries) == 4
    assert result.next == ()
    assert result.current_page is None


def test_detail_page_fields() -> None:
    fields = parse_article(page("detail.htm", "https://cs.example.edu.cn/info/1012/3456.htm"))
    assert fields.family == "vsb"
    assert fields.title == "计算机学院召开2023年春季学期教学工作会议暨课程思政建设推进会"
    assert fields.date == DateValue(2023, 5, 12, 10, 20)
    assert fields.author == "张三"
    assert fields.origin == "计算机学院"
    assert fields.body == (
        "5月12日下午，学院在三号楼报告厅召开2023年春季学期教学工作会议。\n"
        "会议由副院长李四主持，全体教师参加。\n"
        "会上，各系主任汇报了本学期教学运行情况。\n"
        "（审核：王五）"
    )
    download = "https://cs.example.edu.cn/system/_content/download.jsp?urltype=news.DownloadAttachUrl&owner=1749432212"
    assert fields.attachments == (
        Attachment("2023春季教学安排.pdf", f"{download}&wbfileid=9876"),
        Attachment("课程思政建设方案.docx", f"{download}&wbfileid=9877"),
    )


def test_attachment_only_body_is_kept() -> None:
    html = (
        '<html><head><script src="/system/resource/js/a.js"></script></head><body>'
        '<form name="_newscontent_fromname"><h1>关于公布2023年评审结果的通知</h1>'
        "<div>发布日期：2023年05月12日</div>"
        '<div class="v_news_content"><p>详见附件</p></div>'
        '附件【<a href="/system/_content/download.jsp?wbfileid=1">结果.xlsx</a>】</form></body></html>'
    )
    fields = parse_article(Page("https://dept.example.edu.cn/info/1021/1100.htm", html))
    assert fields.body == "详见附件"
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.attachments == (
        Attachment("结果.xlsx", "https://dept.example.edu.cn/system/_content/download.jsp?wbfileid=1"),
    )


def test_login_wall() -> None:
    with pytest.raises(NotAnArticle) as caught:
        parse_article(page("login_wall.htm", "https://cs.example.edu.cn/info/1012/3400.htm"))
    assert caught.value.reason == "login-wall"
    assert caught.value.url == "https://cs.example.edu.cn/info/1012/3400.htm"


def test_soft_404() -> None:
    with pytest.raises(NotAnArticle) as caught:
        parse_article(page("soft404.htm", "https://cs.example.edu.cn/info/1012/3401.htm"))
    assert caught.value.reason == "soft-404"


def test_detection() -> None:
    for name in ("list_pb_sys.htm", "list_fanye.htm", "list_pinned.htm", "detail.htm"):
        assert detect_family(page(name, "https://cs.example.edu.cn/x.htm")) == "vsb", name


def test_selectors_override_the_preset() -> None:
    selectors = Selectors(entry="li[id^=line_u7]", date="span", next="span.p_last a")
    result = parse_list(page("list_pb_sys.htm", "https://cs.example.edu.cn/xwzx/xydt.htm"), selectors=selectors)
    assert len(result.entries) == 4
    assert result.next == (Request("https://cs.example.edu.cn/xwzx/xydt/1.htm"),)
    fields = parse_article(
        page("detail.htm", "https://cs.example.edu.cn/info/1012/3456.htm"),
        selectors=Selectors(title=".content-info span", body=".page-turn"),
    )
    assert fields.title == "发布时间：2023-05-12 10:20"
    assert fields.body.startswith("上一条：学院举办青年教师教学能力大赛\n")


def test_sidebar_component_rows_are_not_mixed_in() -> None:
    main = "".join(
        f"<li id='line_u7_{n}'><a href='../info/1012/{n}.htm'>正文列表新闻标题{n}</a><span>2023-05-1{n}</span></li>"
        for n in range(3)
    )
    side = "".join(f"<li id='line_u9_{n}'><a href='../info/1099/{n}.htm'>热点新闻标题{n}</a></li>" for n in range(4))
    html = (
        "<html><head><script src='/system/resource/js/a.js'></script></head><body>"
        f"<div class='hot-news'><ul>{side}</ul></div><div class='list'><ul>{main}</ul></div></body></html>"
    )
    result = parse_list(Page("https://cs.example.edu.cn/xwzx/xydt.htm", html))
    assert [entry.url for entry in result.entries] == [f"https://cs.example.edu.cn/info/1012/{n}.htm" for n in range(3)]
