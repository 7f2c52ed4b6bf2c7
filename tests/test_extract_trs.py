"""TRS WCM lists (createPageHTML pagers), detail pages and split articles, from GBK fixture pages."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.decode import decode_body
from harvester.errors import ExtractionError
from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import Attachment, DateValue, ListEntry, Page, Request
from harvester.extract.presets.trs import PagerCall, pager_call

PAGES = Path(__file__).parent / "pages" / "trs"
SITE = "https://www.sdtzb.example.gov.cn"
LIST_URL = f"{SITE}/xwzx/gxtz/index.html"
DETAIL_URL = f"{SITE}/xwzx/gxtz/202305/t20230512_123456.html"


def read(name: str) -> str:
    """The fixture decoded as the fetcher would: GBK declared only in <meta>, not in the header."""
    text, codec = decode_body((PAGES / name).read_bytes(), "text/html")
    assert codec == "gb18030"
    return text


def page(name: str, url: str) -> Page:
    return Page(url, read(name))


def test_gbk_pages_decode_from_the_meta_declaration() -> None:
    raw = (PAGES / "list.html").read_bytes()
    assert "高校统战".encode("gbk") in raw
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "山东理工大学召开2023年统一战线工作会议" in read("list.html")


def test_list_entries_resolve_relative_links_and_keep_pinned_and_offsite_rows() -> None:
    result = parse_list(page("list.html", LIST_URL))
    assert result.family == "trs"
    assert result.entries == (
        ListEntry(
            f"{SITE}/xwzx/gxtz/202209/t20220901_100001.html",
            "关于高校统战工作信息报送的通知（长期有效）",
            DateValue(2022, 9, 1),
            pinned=True,
        ),
        ListEntry(
            f"{SITE}/xwzx/gxtz/202305/t20230512_123456.html",
            "山东理工大学召开2023年统一战线工作会议",
            DateValue(2023, 5, 12),
        ),
        ListEntry(
            f"{SITE}/tzyw/202305/t20230510_123400.html", "全省高校统战部长培训班在济南举办", DateValue(2023, 5, 10)
        ),
        ListEntry("https://mp.weixin.qq.com/s/TzB2023abc", "图解：高校党外代表人士队伍建设", DateValue(2023, 5, 9)),
        ListEntry(
            f"{SITE}/xwzx/gxtz/202305/t20230505_123300.html",
            "山东大学开展党外知识分子国情考察活动，走进乡村振兴一线",
            DateValue(2023, 5, 5),
        ),
    )


def test_next_page_comes_from_the_create_page_html_script() -> None:
    result = parse_list(page("list.html", LIST_URL))
    assert result.next == (Request(f"{SITE}/xwzx/gxtz/index_1.html"),)
    assert (result.current_page, result.total_pages) == (1, 5)


def test_middle_and_last_pages_of_a_script_pager() -> None:
    html = read("list.html")
    middle = html.replace("var currentPage = 0;", "var currentPage = 2;")
    result = parse_list(Page(f"{SITE}/xwzx/gxtz/index_2.html", middle))
    assert result.next == (Request(f"{SITE}/xwzx/gxtz/index_3.html"),)
    assert (result.current_page, result.total_pages) == (3, 5)
    last = html.replace("var currentPage = 0;", "var currentPage = 4;")
    result = parse_list(Page(f"{SITE}/xwzx/gxtz/index_4.html", last))
    assert result.next == ()
    assert (result.current_page, result.total_pages) == (5, 5)


def test_div_variant_with_list_prefix_and_table_rows() -> None:
    result = parse_list(page("list_div.html", "https://tzb.example.gov.cn/gzdt/list_2.html"))
    assert result.family == "trs"
    assert [(entry.url, entry.date) for entry in result.entries] == [
        ("https://tzb.example.gov.cn/gzdt/202304/t20230420_98765.html", DateValue(2023, 4, 20)),
        ("https://tzb.example.gov.cn/gzdt/202304/t20230418_98760.html", DateValue(2023, 4, 18)),
        ("https://tzb.example.gov.cn/gzdt/202304/P020230415512345678901.pdf", DateValue(2023, 4, 15)),
    ]
    assert result.next == (Request("https://tzb.example.gov.cn/gzdt/list_3.html"),)
    assert (result.current_page, result.total_pages) == (3, 7)


def test_pager_call_parsing_variants() -> None:
    assert pager_call('createPageHTML(10, 0, "index", "html");') == PagerCall(10, 0, "index", "html")
    assert pager_call("createPageHTML('page_div', 7, 2, 'list', 'shtml', 130);") == PagerCall(7, 2, "list", "shtml")
    assert pager_call("createPageHTML(5, 1)") == PagerCall(5, 1, "index", "html")
    assert pager_call("var n=4; var c = 3; createPageHTML(n, c, 'index', 'htm')") == PagerCall(4, 3, "index", "htm")
    defined = "function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt){}"
    assert pager_call(defined) is None
    assert pager_call(defined + " createPageHTML(2, 0, 'index', 'html');") == PagerCall(2, 0)
    assert PagerCall(2, 1).next_name() is None
    assert pager_call("createPageHTML(a.b, x)") is None


def test_directory_url_gets_index_pages_inside_it() -> None:
    result = parse_list(page("list.html", f"{SITE}/xwzx/gxtz"))
    assert result.next == (Request(f"{SITE}/xwzx/gxtz/index_1.html"),)


def test_detail_meta_tags_body_attachment_and_next_part() -> None:
    fields = parse_article(page("detail.html", DETAIL_URL))
    assert fields.family == "trs"
    assert fields.title == "山东理工大学召开2023年统一战线工作会议"
    assert fields.date == DateValue(2023, 5, 12, 10, 20)
    assert fields.origin == "山东理工大学党委统战部"
    assert fields.body == (
        "5月12日，山东理工大学召开2023年统一战线工作会议。\n"
        "会议总结了2022年学校统一战线工作，部署了2023年重点任务。\n"
        "附件：2023年统战工作要点.pdf"
    )
    assert fields.attachments == (
        Attachment("2023年统战工作要点.pdf", f"{SITE}/xwzx/gxtz/202305/P020230512398765432100.pdf"),
    )
    assert fields.next_part == f"{SITE}/xwzx/gxtz/202305/t20230512_123456_1.html"


def test_last_part_has_no_next_part() -> None:
    html = read("detail.html").replace("var currentPage = 0;", "var currentPage = 2;")
    fields = parse_article(Page(f"{SITE}/xwzx/gxtz/202305/t20230512_123456_2.html", html))
    assert fields.next_part is None


def test_static_part_links_and_zoom_body() -> None:
    fields = parse_article(page("detail_part.html", "https://tzb.example.gov.cn/tzgg/202303/t20230301_555001_1.html"))
    assert fields.family == "trs"
    assert fields.date == DateValue(2023, 3, 1, 9, 0)
    assert fields.body.split("\n")[0] == "（二）一般课题"
    assert fields.next_part == "https://tzb.example.gov.cn/tzgg/202303/t20230301_555001_2.html"
    last = read("detail_part.html").replace("_2.html", "_1.html")
    fields = parse_article(Page("https://tzb.example.gov.cn/tzgg/202303/t20230301_555001_2.html", last))
    assert fields.next_part is None


def test_date_falls_back_to_the_url_without_meta_tags() -> None:
    html = "<html><body><div class='TRS_Editor'><p>正文第一段。</p></div></body></html>"
    fields = parse_article(Page(f"{SITE}/a/202305/t20230512_9.html", html), preset="trs")
    assert (fields.date, fields.body, fields.next_part) == (DateValue(2023, 5, 12), "正文第一段。", None)


def test_detection() -> None:
    assert detect_family(page("list.html", LIST_URL)) == "trs"
    assert detect_family(page("list_div.html", "https://tzb.example.gov.cn/gzdt/list_2.html")) == "trs"
    assert detect_family(page("detail.html", DETAIL_URL)) == "trs"
    assert (
        detect_family(page("detail_part.html", "https://tzb.example.gov.cn/tzgg/202303/t20230301_555001_1.html"))
        == "trs"
    )


FIXTURES = tuple(sorted(PAGES.glob("*.html")))
TEXTS = tuple(decode_body(path.read_bytes(), None)[0] for path in FIXTURES)


@settings(max_examples=80, deadline=None)
@given(
    index=st.integers(0, len(TEXTS) - 1),
    cut=st.floats(0.0, 1.0),
    preset=st.sampled_from((None, "trs")),
)
def test_truncated_pages_raise_only_extraction_errors(index: int, cut: float, preset: str | None) -> None:
    text = TEXTS[index]
    doc = Page(DETAIL_URL, text[: int(len(text) * cut)])
    detect_family(doc)
    with contextlib.suppress(ExtractionError):
        parse_list(doc, preset=preset)
    with contextlib.suppress(ExtractionError):
        parse_article(doc, preset=preset)
