"""WebPlus (Sudy) lists, portals, pagers and Word-laden detail pages, from fixture pages."""

from __future__ import annotations

from pathlib import Path

from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import Attachment, DateValue, ListEntry, Page, Request

PAGES = Path(__file__).parent / "pages" / "webplus"
SITE = "https://news.example.edu.cn"


def page(name: str, url: str) -> Page:
    return Page(url=url, html=(PAGES / name).read_text(encoding="utf-8"))


def test_first_list_page_ignores_the_hot_news_box() -> None:
    result = parse_list(page("list.htm", f"{SITE}/1058/list.htm"))
    assert result.family == "webplus"
    assert result.entries == (
        ListEntry(
            f"{SITE}/2023/0512/c1058a123456/page.htm",
            "学校召开2023年统一战线工作会议暨党外代表人士座谈会",
            DateValue(2023, 5, 12),
        ),
        ListEntry(
            f"{SITE}/2023/0510/c1058a123400/page.htm", "我校在山东省高校思政课教学比赛中获奖", DateValue(2023, 5, 10)
        ),
        ListEntry("https://mp.weixin.qq.com/s/XyZ987", "图说理工｜五月的校园", DateValue(2023, 5, 9)),
        ListEntry(f"{SITE}/2023/0505/c1058a123300/page.htm", "校领导走访慰问民主党派老同志", DateValue(2023, 5, 5)),
    )
    assert result.next == (Request(f"{SITE}/1058/list2.htm"),)
    assert (result.current_page, result.total_pages) == (1, 91)


def test_last_page_has_no_next() -> None:
    result = parse_list(page("list91.htm", f"{SITE}/1058/list91.htm"))
    assert result.entries == (
        ListEntry(f"{SITE}/28/e4/c1058a534756/page.htm", "学校举行2016年新年茶话会", DateValue(2016, 1, 2)),
    )
    assert result.next == ()
    assert (result.current_page, result.total_pages) == (91, 91)


def test_portal_rows_with_thumbnails_split_dates_and_a_pinned_item() -> None:
    result = parse_list(page("portal.htm", f"{SITE}/zhxw/list.htm"))
    assert result.entries == (
        ListEntry(
            f"{SITE}/2023/0515/c2401a200001/page.htm", "民盟市委会到我校调研基层组织建设", DateValue(2023, 5, 15)
        ),
        ListEntry(
            f"{SITE}/2023/0511/c2401a199990/page.htm", "我校举办2023年党外知识分子培训班", DateValue(2023, 5, 11)
        ),
        ListEntry(
            f"{SITE}/2022/0901/c2401a180000/page.htm", "新闻线索征集与投稿须知", DateValue(2022, 9, 1), pinned=True
        ),
    )
    assert result.next == (Request(f"{SITE}/zhxw/list2.htm"),)
    assert (result.current_page, result.total_pages) == (1, 40)


def test_article_list_variant() -> None:
    html = (
        '<html><head><script src="/_js/_portletPlugs/x.js"></script></head><body>'
        '<div frag="窗口3"><div class="wp_article_list"><ul>'
        '<li class="list_item i1"><span class="Article_Title">'
        '<a href="/2023/0301/c10a1/page.htm" title="甲通知全文">甲通知...</a></span>'
        '<span class="Article_PublishDate">2023-03-01</span></li>'
        '<li class="list_item i2"><span class="Article_Title"><a href="/2023/0228/c10a2/page.htm">乙公告</a></span>'
        '<span class="Article_PublishDate">2023-02-28</span></li>'
        "</ul></div></div></body></html>"
    )
    result = parse_list(Page(f"{SITE}/10/list.htm", html))
    assert result.family == "webplus"
    assert result.entries == (
        ListEntry(f"{SITE}/2023/0301/c10a1/page.htm", "甲通知全文", DateValue(2023, 3, 1)),
        ListEntry(f"{SITE}/2023/0228/c10a2/page.htm", "乙公告", DateValue(2023, 2, 28)),
    )
    assert result.next == ()


def test_detail_page_without_word_junk() -> None:
    fields = parse_article(page("detail.htm", f"{SITE}/2023/0512/c1058a123456/page.htm"))
    assert fields.family == "webplus"
    assert fields.title == "学校召开2023年统一战线工作会议暨党外代表人士座谈会"
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.body == (
        "本报讯 5月12日，学校召开2023年统一战线工作会议。\n"
        "1.会议传达学习了上级有关文件精神。\n"
        "党外代表人士围绕学校发展建言献策。\n"
        "会议材料.pdf\n"
        "（文/张三 审核/李四）"
    )
    for junk in ("mso", "WordDocument", "Normal", "clip_image", "margin"):
        assert junk not in fields.body
    assert fields.attachments == (
        Attachment(
            "会议材料.pdf", f"{SITE}/_upload/article/files/ab/cd/1234abcd-0000-4000-8000-000000000001/5678efgh.pdf"
        ),
    )


def test_detection() -> None:
    for name in ("list.htm", "list91.htm", "portal.htm", "detail.htm"):
        assert detect_family(page(name, f"{SITE}/x.htm")) == "webplus", name


def test_date_from_url_when_the_detail_shows_none() -> None:
    html = (
        '<html><head><script src="/_js/x.js" sudy-wp-context=""></script></head><body>'
        '<h1 class="arti_title">无日期的文章</h1><div class="wp_articlecontent"><p>正文。</p></div></body></html>'
    )
    fields = parse_article(Page(f"{SITE}/2023/0512/c1058a9/page.htm", html))
    assert (fields.title, fields.date, fields.body) == ("无日期的文章", DateValue(2023, 5, 12), "正文。")
