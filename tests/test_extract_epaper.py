"""Founder-style e-papers: 版面 pages as lists (date only in the URL), article pages."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.decode import decode_body
from harvester.errors import ExtractionError
from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import DateValue, ListEntry, Page, Request

PAGES = Path(__file__).parent / "pages" / "epaper"
ISSUE = "https://epaper.example.edu.cn/html/2023-05/12"
NODE_URL = f"{ISSUE}/node_2.htm"
CONTENT_URL = f"{ISSUE}/content_11.htm"


def read(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), "text/html")
    return text


def page(name: str, url: str) -> Page:
    return Page(url, read(name))


def test_page_entries_are_its_articles_dated_by_the_issue_url() -> None:
    result = parse_list(page("node_2.htm", NODE_URL))
    assert result.family == "epaper"
    day = DateValue(2023, 5, 12)
    assert result.entries == (
        ListEntry(f"{ISSUE}/content_11.htm", "学校召开2023年统一战线工作会议", day),
        ListEntry(f"{ISSUE}/content_12.htm", "民主党派成员走进实验室", day),
        ListEntry(f"{ISSUE}/content_13.htm", "读书会（第3期）举行", day),
        ListEntry(f"{ISSUE}/content_14.htm", "图片新闻", day),
    )


def test_next_is_the_other_pages_of_the_issue_then_the_previous_issue() -> None:
    result = parse_list(page("node_2.htm", NODE_URL))
    assert result.next == (
        Request(f"{ISSUE}/node_1.htm"),
        Request(f"{ISSUE}/node_3.htm"),
        Request(f"{ISSUE}/node_4.htm"),
        Request("https://epaper.example.edu.cn/html/2023-05/05/node_1.htm"),
    )


def test_the_date_on_the_page_is_ignored_only_the_url_counts() -> None:
    result = parse_list(page("node_2.htm", "https://epaper.example.edu.cn/html/2023-06/01/node_2.htm"))
    assert {entry.date for entry in result.entries} == {DateValue(2023, 6, 1)}
    assert result.next[-1] == Request("https://epaper.example.edu.cn/html/2023-05/05/node_1.htm")


def test_without_a_previous_issue_link_only_the_same_issue_is_next() -> None:
    html = read("node_2.htm").replace(">上一期<", ">首页<").replace(">往期回顾<", ">报社简介<")
    result = parse_list(Page(NODE_URL, html))
    assert [request.url for request in result.next] == [f"{ISSUE}/node_{n}.htm" for n in (1, 3, 4)]


def test_a_page_without_articles_still_leads_to_the_other_pages() -> None:
    html = (
        "<html><body><div class='bmdh'>版面导航 <a href='node_1.htm'>第01版：要闻</a> "
        "<a href='node_4.htm'>第04版：广告</a></div><img src='ad.jpg'></body></html>"
    )
    result = parse_list(Page(f"{ISSUE}/node_4.htm", html), preset="epaper")
    assert result.entries == ()
    assert result.next == (Request(f"{ISSUE}/node_1.htm"),)


def test_article_main_title_body_and_url_date() -> None:
    fields = parse_article(page("content_11.htm", CONTENT_URL))
    assert fields.family == "epaper"
    assert fields.title == "学校召开2023年统一战线工作会议"
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.body == (
        "本报讯 5月12日，学校召开2023年统一战线工作会议。\n"
        "会议总结了学校统一战线工作，部署了下一阶段任务。\n"
        "（记者 张三）"
    )


def test_founder_title_tag_wins_over_pretitle() -> None:
    html = (
        "<html><body><founder-pretitle>引题文字</founder-pretitle><h1 class='pretitle'>引题</h1>"
        "<founder-title>主标题文字</founder-title><founder-subtitle>副题</founder-subtitle>"
        "<founder-content><p>正文。</p></founder-content></body></html>"
    )
    fields = parse_article(Page(f"{ISSUE}/content_20.htm", html))
    assert (fields.title, fields.body, fields.date) == ("主标题文字", "正文。", DateValue(2023, 5, 12))


def test_detection() -> None:
    assert detect_family(page("node_2.htm", NODE_URL)) == "epaper"
    assert detect_family(page("content_11.htm", CONTENT_URL)) == "epaper"


FIXTURES = tuple(sorted(PAGES.glob("*.htm")))
TEXTS = tuple(path.read_text(encoding="utf-8") for path in FIXTURES)


@settings(max_examples=80, deadline=None)
@given(index=st.integers(0, len(TEXTS) - 1), cut=st.floats(0.0, 1.0), preset=st.sampled_from((None, "epaper")))
def test_truncated_pages_raise_only_extraction_errors(index: int, cut: float, preset: str | None) -> None:
    text = TEXTS[index]
    doc = Page(NODE_URL, text[: int(len(text) * cut)])
    detect_family(doc)
    with contextlib.suppress(ExtractionError):
        parse_list(doc, preset=preset)
    with contextlib.suppress(ExtractionError):
        parse_article(doc, preset=preset)
