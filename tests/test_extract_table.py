"""Old ASP/.NET table layouts: GBK pages, 共N条记录 pagers, detail pages without a date."""

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
from harvester.extract.presets.table import page_of

PAGES = Path(__file__).parent / "pages" / "table"
SITE = "http://tzb.example.edu.cn"
LIST_URL = f"{SITE}/news/list.asp?classid=3"
LAST_URL = "http://www.example.edu.cn/tzb/NewsList.aspx?ClassID=2&page=4"
DETAIL_URL = f"{SITE}/news/show.asp?id=1088"


def read(name: str, content_type: str = "text/html") -> str:
    """The fixture decoded as the fetcher would (the header names no charset, or a wrong one)."""
    text, codec = decode_body((PAGES / name).read_bytes(), content_type)
    assert codec == "gb18030"
    return text


def page(name: str, url: str) -> Page:
    return Page(url, read(name))


def test_fixtures_are_gbk_and_decode_even_under_a_wrong_header() -> None:
    raw = (PAGES / "list.htm").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "共56条记录" in read("list.htm", "text/html; charset=ISO-8859-1")
    assert "关于推荐2023年度统战理论研究课题的通知" in read("detail.htm", "text/html; charset=utf-8")


def test_rows_pinned_mark_and_relative_links() -> None:
    result = parse_list(page("list.htm", LIST_URL))
    assert result.family == "table"
    assert result.entries == (
        ListEntry(
            f"{SITE}/news/show.asp?id=1021", "关于统战工作联络员名单调整的通知", DateValue(2022, 9, 1), pinned=True
        ),
        ListEntry(f"{SITE}/news/show.asp?id=1088", "关于推荐2023年度统战理论研究课题的通知", DateValue(2023, 5, 12)),
        ListEntry(
            f"{SITE}/news/show.asp?id=1085",
            "关于组织党外代表人士参加暑期学习考察活动的报名通知",
            DateValue(2023, 5, 8),
        ),
        ListEntry(f"{SITE}/upload/2023/202304.doc", "2023年统战工作要点", DateValue(2023, 4, 20)),
    )


def test_next_is_the_xia_yi_ye_link_of_the_pager() -> None:
    result = parse_list(page("list.htm", LIST_URL))
    assert result.next == (Request(f"{SITE}/news/list.asp?classid=3&page=2"),)
    assert (result.current_page, result.total_pages) == (1, 3)


def test_last_page_has_no_next_and_no_pager_entries() -> None:
    result = parse_list(page("list_last.htm", LAST_URL))
    assert result.family == "table"
    assert result.entries == (
        ListEntry(
            "http://www.example.edu.cn/tzb/ShowNews.aspx?ID=305",
            "学院召开民主党派负责人座谈会",
            DateValue(2021, 12, 20),
        ),
        ListEntry(
            "http://www.example.edu.cn/tzb/ShowNews.aspx?ID=301",
            "统战部组织开展“同心”读书会（第3期）",
            DateValue(2021, 11, 5),
        ),
    )
    assert result.next == ()
    assert (result.current_page, result.total_pages) == (4, 4)


def test_a_last_page_linking_itself_is_still_the_last() -> None:
    html = read("list_last.htm").replace(" 下一页 ", ' <a href="NewsList.aspx?ClassID=2&amp;page=4">下一页</a> ')
    assert parse_list(Page(LAST_URL, html)).next == ()


def test_postback_next_links_are_not_followed() -> None:
    html = read("list.htm").replace(
        'href="list.asp?classid=3&amp;page=2"', "href=\"javascript:__doPostBack('Pager','2')\""
    )
    result = parse_list(Page(LIST_URL, html))
    assert result.next == ()
    assert len(result.entries) == 4


def test_page_of() -> None:
    assert page_of("共56条记录 第2/3页") == (2, 3)
    assert page_of("第 1 / 12 页") == (1, 12)
    assert page_of("第4/3页") == (None, None)
    assert page_of("2023/5/12") == (None, None)


def test_detail_without_a_date_leaves_it_to_the_list() -> None:
    fields = parse_article(page("detail.htm", DETAIL_URL))
    assert fields.family == "table"
    assert fields.title == "关于推荐2023年度统战理论研究课题的通知"
    assert fields.date is None
    assert fields.body == (
        "各党总支、直属党支部：\n"
        "根据上级部署，现开展2023年度统战理论研究课题推荐工作。\n"
        "请于6月10日前将推荐表报送统战部。\n"
        "附件：课题推荐表.doc"
    )
    assert fields.attachments == (Attachment("课题推荐表.doc", f"{SITE}/upload/2023/20230512.doc"),)


def test_detail_body_by_text_density_without_a_known_cell() -> None:
    html = read("detail.htm").replace('<td class="content">', '<td class="zw" style="line-height:180%">')
    fields = parse_article(Page(DETAIL_URL, html))
    assert fields.body.startswith("各党总支、直属党支部：\n根据上级部署")
    assert fields.title == "关于推荐2023年度统战理论研究课题的通知"


def test_detail_with_a_date_line() -> None:
    html = read("detail.htm").replace("作者：统战部", "发布时间：2023-5-12 作者：统战部")
    fields = parse_article(Page(DETAIL_URL, html))
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.author == "统战部"


def test_detection() -> None:
    assert detect_family(page("list.htm", LIST_URL)) == "table"
    assert detect_family(page("list_last.htm", LAST_URL)) == "table"
    assert detect_family(page("detail.htm", DETAIL_URL)) == "table"


FIXTURES = tuple(sorted(PAGES.glob("*.htm")))
TEXTS = tuple(decode_body(path.read_bytes(), None)[0] for path in FIXTURES)


@settings(max_examples=80, deadline=None)
@given(index=st.integers(0, len(TEXTS) - 1), cut=st.floats(0.0, 1.0), preset=st.sampled_from((None, "table")))
def test_truncated_pages_raise_only_extraction_errors(index: int, cut: float, preset: str | None) -> None:
    text = TEXTS[index]
    doc = Page(LIST_URL, text[: int(len(text) * cut)])
    detect_family(doc)
    with contextlib.suppress(ExtractionError):
        parse_list(doc, preset=preset)
    with contextlib.suppress(ExtractionError):
        parse_article(doc, preset=preset)
