"""Hanweb (大汉 jpage): datastore records, dataproxy.jsp POST paging and detail pages."""

from __future__ import annotations

import contextlib
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from harvester.decode import decode_body
from harvester.errors import ExtractionError
from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import Attachment, DateValue, ListEntry, Page, Request
from harvester.extract.presets.hanweb import form_fields, records_of

PAGES = Path(__file__).parent / "pages" / "hanweb"
SITE = "https://edu.shandong.example.gov.cn"
COLUMN_URL = f"{SITE}/col/col11969/index.html"
PROXY = f"{SITE}/module/web/jpage/dataproxy.jsp"
FIELDS = (
    ("col", "1"),
    ("appid", "1"),
    ("webid", "107"),
    ("path", "/"),
    ("columnid", "11969"),
    ("sourceContentType", "1"),
    ("unitid", "371795"),
    ("webname", "山东省教育厅"),
    ("permissiontype", "0"),
)
FIELD_QUERY = (
    "col=1&appid=1&webid=107&path=%2F&columnid=11969&sourceContentType=1&unitid=371795"
    "&webname=%E5%B1%B1%E4%B8%9C%E7%9C%81%E6%95%99%E8%82%B2%E5%8E%85&permissiontype=0"
)


def read(name: str) -> str:
    text, _ = decode_body((PAGES / name).read_bytes(), "text/html; charset=utf-8")
    return text


def page(name: str, url: str) -> Page:
    return Page(url, read(name))


def proxy_url(start: int, end: int) -> str:
    return f"{PROXY}?startrecord={start}&endrecord={end}&perpage=15&{FIELD_QUERY}"


def test_column_records_come_from_the_xml_datastore() -> None:
    result = parse_list(page("col.html", COLUMN_URL))
    assert result.family == "hanweb"
    assert result.entries == (
        ListEntry(
            f"{SITE}/art/2023/1/3/art_11969_10290001.html",
            "山东省教育厅2023年政府信息公开工作年度报告",
            DateValue(2023, 1, 3),
            pinned=True,
        ),
        ListEntry(
            f"{SITE}/art/2023/5/12/art_11969_10312345.html",
            "全省高校统一战线工作推进会在济南召开",
            DateValue(2023, 5, 12),
        ),
        ListEntry(
            f"{SITE}/art/2023/5/11/art_11969_10312300.html",
            "省教育厅召开2023年全省教育系统安全工作会议，部署下一阶段重点工作",
            DateValue(2023, 5, 11),
        ),
        ListEntry(
            "https://mp.weixin.qq.com/s/EduSd20230509", "图解｜2023年山东省普通高考报名工作", DateValue(2023, 5, 9)
        ),
        ListEntry(
            f"{SITE}/art/2023/5/8/art_11969_10312200.html",
            "山东省教育厅关于公布第二批省级一流本科课程的通知",
            DateValue(2023, 5, 8),
        ),
        ListEntry(
            f"{SITE}/art/2023/4/28/art_11969_10312100.html", "全省职业教育活动周启动仪式举行", DateValue(2023, 4, 28)
        ),
    )


def test_column_page_asks_the_dataproxy_for_the_older_records() -> None:
    result = parse_list(page("col.html", COLUMN_URL))
    assert result.next == (Request(proxy_url(7, 12), method="POST", data=FIELDS),)
    assert (result.current_page, result.total_pages) == (1, 4)


def test_dataproxy_answer_gives_the_following_request_from_its_url_alone() -> None:
    result = parse_list(page("dataproxy.xml", proxy_url(7, 12)))
    assert result.family == "hanweb"
    assert len(result.entries) == 6
    assert result.entries[0] == ListEntry(
        f"{SITE}/art/2023/4/27/art_11969_10312050.html",
        "省教育厅党组理论学习中心组开展专题学习",
        DateValue(2023, 4, 27),
    )
    assert result.entries[2].url == "http://www.moe.example.gov.cn/jyb_xwfb/202304/t20230421_1056789.html"
    assert result.next == (Request(proxy_url(13, 18), method="POST", data=FIELDS),)
    assert (result.current_page, result.total_pages) == (2, 4)


def test_last_dataproxy_batch_has_no_next() -> None:
    result = parse_list(page("dataproxy.xml", proxy_url(19, 24)))
    assert result.next == ()
    assert (result.current_page, result.total_pages) == (4, 4)


def test_without_a_total_a_short_batch_is_the_last() -> None:
    xml = read("dataproxy.xml").replace("<totalrecord>20</totalrecord>", "")
    assert parse_list(Page(proxy_url(13, 18), xml)).next == (Request(proxy_url(19, 24), method="POST", data=FIELDS),)
    assert parse_list(Page(proxy_url(13, 20), xml)).next == ()


def test_column_with_every_record_in_the_datastore_has_no_next() -> None:
    html = read("col.html").replace("<totalrecord>20</totalrecord>", "<totalrecord>6</totalrecord>")
    html = html.replace("totalRecord: 20", "totalRecord: 6")
    assert parse_list(Page(COLUMN_URL, html)).next == ()


def test_form_fields_from_the_nextgroup_link_when_no_script_object() -> None:
    html = read("col.html")
    script = html[html.index("$(document).ready") : html.index("</script></div>")]
    fields = form_fields(html.replace(script, ""))
    assert fields == (
        ("appid", "1"),
        ("webid", "107"),
        ("path", "/"),
        ("columnid", "11969"),
        ("unitid", "371795"),
        ("webname", "山东省教育厅"),
        ("permissiontype", "0"),
    )
    result = parse_list(Page(COLUMN_URL, html.replace(script, "")))
    (request,) = result.next
    assert request.method == "POST"
    assert request.data == fields
    query = dict(parse_qsl(urlsplit(request.url).query))
    assert (query["startrecord"], query["endrecord"], query["columnid"]) == ("7", "12", "11969")


def test_form_fields_from_a_json_style_object() -> None:
    script = 'var param = {"webid": "107", "columnid": "11969", "perpage": "15", "unitid": "1", "path": "/"};'
    assert form_fields(script) == (("webid", "107"), ("columnid", "11969"), ("unitid", "1"), ("path", "/"))


def test_escaped_records_are_read_too() -> None:
    escaped = "<record>&lt;li&gt;&lt;a href='/art/2023/5/2/art_1_9.html'&gt;标题文字&lt;/a&gt;&lt;/li&gt;</record>"
    assert records_of(escaped) == ["<li><a href='/art/2023/5/2/art_1_9.html'>标题文字</a></li>"]


def test_detail_between_content_markers() -> None:
    fields = parse_article(page("detail.html", f"{SITE}/art/2023/5/12/art_11969_10312345.html"))
    assert fields.family == "hanweb"
    assert fields.title == "全省高校统一战线工作推进会在济南召开"
    assert fields.date == DateValue(2023, 5, 12, 16, 35)
    assert (fields.origin, fields.author) == ("山东省教育厅", "宣传处")
    assert fields.body == (
        "5月12日，全省高校统一战线工作推进会在济南召开。\n"
        "会议强调，要坚持大统战工作格局，推动高校统战工作高质量发展。\n"
        "附件：推进会材料汇编.docx"
    )
    assert fields.attachments == (
        Attachment("推进会材料汇编.docx", f"{SITE}/module/download/downfile.jsp?classid=0&filename=2305121635000.docx"),
    )
    assert fields.next_part is None


def test_detail_zoom_body_and_url_date_without_markers_or_meta() -> None:
    html = read("detail.html")
    for marker in (
        '<meta name="ContentStart">',
        '<meta name="ContentEnd">',
        '<meta name="PubDate" content="2023-05-12 16:35">',
    ):
        html = html.replace(marker, "")
    html = html.replace("发布日期：2023-05-12 16:35", "")
    fields = parse_article(Page(f"{SITE}/art/2023/5/12/art_11969_10312345.html", html))
    assert fields.date == DateValue(2023, 5, 12)
    assert fields.body.endswith("附件：推进会材料汇编.docx\n分享到：微信")


def test_detection() -> None:
    assert detect_family(page("col.html", COLUMN_URL)) == "hanweb"
    assert detect_family(page("dataproxy.xml", proxy_url(7, 12))) == "hanweb"
    assert detect_family(page("detail.html", f"{SITE}/art/2023/5/12/art_11969_10312345.html")) == "hanweb"


FIXTURES = tuple(sorted(PAGES.glob("*.*")))
TEXTS = tuple(path.read_text(encoding="utf-8") for path in FIXTURES)


@settings(max_examples=80, deadline=None)
@given(
    index=st.integers(0, len(TEXTS) - 1),
    cut=st.floats(0.0, 1.0),
    url=st.sampled_from(
        (COLUMN_URL, proxy_url(7, 12), f"{PROXY}?startrecord=x&endrecord=", f"{PROXY}?startrecord=9&endrecord=2")
    ),
    preset=st.sampled_from((None, "hanweb")),
)
def test_truncated_pages_raise_only_extraction_errors(index: int, cut: float, url: str, preset: str | None) -> None:
    text = TEXTS[index]
    doc = Page(url, text[: int(len(text) * cut)])
    detect_family(doc)
    with contextlib.suppress(ExtractionError):
        parse_list(doc, preset=preset)
    with contextlib.suppress(ExtractionError):
        parse_article(doc, preset=preset)
