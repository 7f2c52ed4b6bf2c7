"""Property tests: extraction never raises anything but ExtractionError, on any text or truncated page."""

from __future__ import annotations

import contextlib
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harvester.config import Selectors
from harvester.errors import ExtractionError
from harvester.extract import detect_family, parse_article, parse_list
from harvester.extract.model import Page
from harvester.extract.presets import preset_names

PAGES = Path(__file__).parent / "pages"
FIXTURES = tuple(sorted(path for family in ("vsb", "webplus", "generic") for path in (PAGES / family).glob("*.htm*")))
TEXTS = tuple(path.read_text(encoding="utf-8") for path in FIXTURES)
URL = "https://site.example.edu.cn/xwzx/xydt.htm"
MARKUP = st.sampled_from(
    [
        "<div>", "</div>", "<ul>", "<li>", "<a href='../info/1/2.htm' title='标题'>", "</a>", "<span>",
        " 2023-05-12", "[05-12]", "下一页", "置顶", "<table><tr><td>", "<p>", "<br>", "<script>", "<!--",
        "<o:p>", "<v:shape>", "<h1>", "发布时间：", "系统提示", "页面不存在", "&nbsp;", "\u3000",
        "<a href='javascript:void(0)'>", "<a href='http://[::1'>", "<base href='::'>",
        "<meta name=PubDate content='x'>",
    ]
)  # fmt: skip
HTMLISH = st.lists(st.one_of(MARKUP, st.text(max_size=20)), max_size=60).map("".join)


def _run_all(page: Page, preset: str | None = None) -> None:
    detect_family(page)
    with contextlib.suppress(ExtractionError):
        parse_list(page, preset=preset)
    with contextlib.suppress(ExtractionError):
        parse_article(page, preset=preset)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(st.text(max_size=300), HTMLISH), preset=st.sampled_from((None, *preset_names())))
def test_arbitrary_text_never_raises_unexpectedly(text: str, preset: str | None) -> None:
    _run_all(Page(URL, text), preset)


@settings(max_examples=150, deadline=None)
@given(index=st.integers(min_value=0, max_value=len(TEXTS) - 1), cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_fixture_pages_never_raise_unexpectedly(index: int, cut: float) -> None:
    text = TEXTS[index]
    _run_all(Page(URL, text[: int(len(text) * cut)]))


@settings(max_examples=60, deadline=None)
@given(css=st.sampled_from(["a[[", "li:nth-child(", "", "##", "*", "span"]), index=st.integers(0, len(TEXTS) - 1))
def test_bad_selectors_raise_only_extraction_errors(css: str, index: int) -> None:
    page = Page(URL, TEXTS[index])
    selectors = Selectors(entry=css or None, link=css or None, date=css, title=css, body=css, next=css)
    with contextlib.suppress(ExtractionError):
        parse_list(page, selectors=selectors)
    with contextlib.suppress(ExtractionError):
        parse_article(page, selectors=selectors)


def test_fixture_pages_are_present() -> None:
    assert len(FIXTURES) >= 12


def test_deeply_nested_page_is_handled() -> None:
    html = (
        "<div>" * 3000
        + "<ul>"
        + "".join(f"<li><a href='/{n}.htm'>很长的新闻标题文字</a> 2023-05-12</li>" for n in range(3))
        + "</ul>"
    )
    result = parse_list(Page(URL, html))
    assert len(result.entries) == 3
    fields = parse_article(Page(URL, "<div>" * 3000 + "<p>正文内容足够长。</p>"))
    assert fields.body == "正文内容足够长。"
