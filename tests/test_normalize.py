"""Canonical URLs, text normalization and boilerplate removal."""

from __future__ import annotations

import itertools
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from harvester.normalize import canonical_url, normalize_text, strip_boilerplate

URL_CASES = [
    # scheme, host, port, fragment
    ("HTTP://WWW.SDUT.EDU.CN/info/1012/3456.htm", "http://www.sdut.edu.cn/info/1012/3456.htm"),
    ("http://www.sdut.edu.cn:80/info/1012/3456.htm", "http://www.sdut.edu.cn/info/1012/3456.htm"),
    ("https://www.sdut.edu.cn:443/a.htm", "https://www.sdut.edu.cn/a.htm"),
    ("http://www.sdut.edu.cn:8080/a.htm", "http://www.sdut.edu.cn:8080/a.htm"),
    ("https://www.sdut.edu.cn:80/a.htm", "https://www.sdut.edu.cn:80/a.htm"),
    ("http://www.sdut.edu.cn./a.htm", "http://www.sdut.edu.cn/a.htm"),
    ("http://x.edu.cn/a.htm#top", "http://x.edu.cn/a.htm"),
    ("  http://x.edu.cn/a.htm \n", "http://x.edu.cn/a.htm"),
    # paths
    ("http://x.edu.cn/a//b///c.htm", "http://x.edu.cn/a/b/c.htm"),
    ("http://x.edu.cn/a/./b/../c.htm", "http://x.edu.cn/a/c.htm"),
    ("http://x.edu.cn/a/b/..", "http://x.edu.cn/a/"),
    ("http://x.edu.cn/../../c.htm", "http://x.edu.cn/c.htm"),
    ("http://x.edu.cn/info/../info/1012/3456.htm", "http://x.edu.cn/info/1012/3456.htm"),
    ("http://x.edu.cn", "http://x.edu.cn/"),
    ("http://x.edu.cn/index.html", "http://x.edu.cn/"),
    ("http://x.edu.cn/tzgg/", "http://x.edu.cn/tzgg/"),
    ("http://x.edu.cn/tzgg", "http://x.edu.cn/tzgg"),
    ("http://x.edu.cn/tzgg/index.htm", "http://x.edu.cn/tzgg/"),
    ("http://x.edu.cn/col/col11969/index.html?uid=1&pageNum=2", "http://x.edu.cn/col/col11969/?pageNum=2&uid=1"),
    ("http://x.edu.cn/tzgg/index_1.html", "http://x.edu.cn/tzgg/index_1.html"),
    ("http://x.edu.cn/%7Euser/%e4%b8%ad.htm", "http://x.edu.cn/~user/%E4%B8%AD.htm"),
    ("http://x.edu.cn/新闻/中心.htm", "http://x.edu.cn/%E6%96%B0%E9%97%BB/%E4%B8%AD%E5%BF%83.htm"),
    ("http://x.edu.cn/a.jsp;jsessionid=0A1B2C?id=3", "http://x.edu.cn/a.jsp?id=3"),
    # query
    ("http://x.edu.cn/a.jsp?b=2&a=1", "http://x.edu.cn/a.jsp?a=1&b=2"),
    (
        "http://x.edu.cn/a.htm?utm_source=wx&utm_medium=share&spm=a.b.c&from=timeline&isappinstalled=0",
        "http://x.edu.cn/a.htm",
    ),
    ("http://x.edu.cn/list.jsp?page=2&_=1683880000000", "http://x.edu.cn/list.jsp?page=2"),
    ("http://x.edu.cn/s.jsp?q=a+b&x=%E4%B8%AD", "http://x.edu.cn/s.jsp?q=a%20b&x=%E4%B8%AD"),
    ("http://x.edu.cn/a.jsp?flag", "http://x.edu.cn/a.jsp?flag="),
    ("http://x.edu.cn/a.jsp?rate=100%25AB&k=%zz", "http://x.edu.cn/a.jsp?k=%25zz&rate=100%25AB"),
    # VSB alternative form
    (
        "http://www.sdut.edu.cn/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1012&wbnewsid=3456",
        "http://www.sdut.edu.cn/info/1012/3456.htm",
    ),
    (
        "http://www.sdut.edu.cn/content.jsp?wbnewsid=3456&wbtreeid=1012&urltype=news.NewsContentUrl",
        "http://www.sdut.edu.cn/info/1012/3456.htm",
    ),
    (
        "http://tzb.sdut.edu.cn/xb/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1001&wbnewsid=77",
        "http://tzb.sdut.edu.cn/xb/info/1001/77.htm",
    ),
    (
        "http://www.sdut.edu.cn/content.jsp?urltype=tree.TreeTempUrl&wbtreeid=1012",
        "http://www.sdut.edu.cn/content.jsp?urltype=tree.TreeTempUrl&wbtreeid=1012",
    ),
    # WebPlus dynamic form
    (
        "https://lgwindow.sdut.edu.cn/_s123/2023/0512/c1058a123/page.psp",
        "https://lgwindow.sdut.edu.cn/2023/0512/c1058a123/page.htm",
    ),
    ("https://lgwindow.sdut.edu.cn/_s123/1058/list.psp", "https://lgwindow.sdut.edu.cn/1058/list.htm"),
    # mp.weixin.qq.com
    (
        "https://mp.weixin.qq.com/s?__biz=MzA3NjA0MjYxMw==&mid=2650&idx=1&sn=abc123"
        "&chksm=84d1&scene=21&sessionid=9#wechat_redirect",
        "https://mp.weixin.qq.com/s?__biz=MzA3NjA0MjYxMw==&idx=1&mid=2650&sn=abc123",
    ),
    (
        "https://mp.weixin.qq.com/s?__biz=MzA3NjA0MjYxMw%3D%3D&mid=2650&idx=1&sn=abc123",
        "https://mp.weixin.qq.com/s?__biz=MzA3NjA0MjYxMw==&idx=1&mid=2650&sn=abc123",
    ),
    ("https://mp.weixin.qq.com/s/AbC-dEf_123?scene=1", "https://mp.weixin.qq.com/s/AbC-dEf_123"),
    # not absolute http(s): left alone
    ("mailto:office@sdut.edu.cn", "mailto:office@sdut.edu.cn"),
    ("../info/1012/3456.htm", "../info/1012/3456.htm"),
    ("javascript:void(0);", "javascript:void(0);"),
]


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_canonical_url(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


@pytest.mark.parametrize(("url", "expected"), URL_CASES)
def test_canonical_url_is_idempotent_on_the_table(url: str, expected: str) -> None:
    assert canonical_url(canonical_url(url)) == canonical_url(url)


def test_the_two_vsb_forms_of_one_article_are_one_url() -> None:
    static = "http://www.sdut.edu.cn/info/1012/3456.htm"
    dynamic = "http://WWW.sdut.edu.cn:80/content.jsp?urltype=news.NewsContentUrl&wbtreeid=1012&wbnewsid=3456"
    assert canonical_url(static) == canonical_url(dynamic)


_SEGMENT = st.text(alphabet="ab.%2F中 /-_~Ａ", max_size=8)
_URLS = st.builds(
    lambda scheme, host, port, segments, query, fragment: (
        f"{scheme}://{host}{port}/{'/'.join(segments)}{query}{fragment}"
    ),
    st.sampled_from(["http", "HTTPS", "Http"]),
    st.sampled_from(["www.sdut.edu.cn", "MP.WEIXIN.QQ.COM", "x.cn."]),
    st.sampled_from(["", ":80", ":443", ":8080"]),
    st.lists(_SEGMENT, max_size=5),
    st.sampled_from(["", "?b=2&a=1", "?utm_source=x", "?q=a+b%20c", "?__biz=Mz%3D%3D&sn=1&scene=2", "?k=%zz"]),
    st.sampled_from(["", "#frag", "#"]),
)


@given(_URLS)
def test_canonical_url_is_idempotent(url: str) -> None:
    once = canonical_url(url)
    assert canonical_url(once) == once


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ１２３，。", "ABC123,。"),
        ("2023年　5月12日", "2023年5月12日"),
        ("学校\n\n  召开\t大会", "学校召开大会"),
        ("hello   world\n again", "hello world again"),
        ("零\u200b宽\u200d字\ufeff符", "零宽字符"),
        ("  ", ""),
        ("", ""),
        ("（记者 王明）", "(记者王明)"),
        ("ｈｔｔｐ：／／ｘ．ｃｎ", "http://x.cn"),
    ],
)
def test_normalize_text(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


_TEXT = st.text(
    alphabet=st.sampled_from(
        [*list("学校召开会议 \n\t\u3000\u200b\ufeffａＢ１，。！abc12,."), "́", "\xa0", "\u2003", "Å", "ﬁ"]
    ),
    max_size=40,
)


def _reference_normalize(text: str) -> str:
    """The slow definition: drop zero-width characters, then NFKC and the whitespace rule to a fixed point."""
    for char in "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff":
        text = text.replace(char, "")
    while True:
        words = unicodedata.normalize("NFKC", text).split()
        out = words[:1]
        for previous, word in itertools.pairwise(words):
            out.append(" " if previous[-1].isascii() and word[0].isascii() else "")
            out.append(word)
        if "".join(out) == text:
            return text
        text = "".join(out)


@given(_TEXT)
def test_normalize_text_matches_plain_nfkc_and_is_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert once == _reference_normalize(text)
    assert normalize_text(once) == once


def test_normalize_text_fast_path_on_long_text_equals_nfkc() -> None:
    text = "学校召开２０２３年度工作会议，全体师生参加。" * 20 + "ＡＢＣ\u3000ｄｅｆ"
    assert normalize_text(text) == _reference_normalize(text)
    assert "２" not in normalize_text(text)


BODY = "5月12日，学校召开2023年度科研工作会议，总结过去一年的科研成果。"


@pytest.mark.parametrize(
    "body",
    [
        f"本报讯（记者 王明）{BODY}",
        f"本报讯（记者 王明 通讯员 李华）{BODY}",
        f"本网讯 (通讯员 张伟) {BODY}",
        f"【山东理工大学新闻网讯】{BODY}",
        f"（通讯员 李华）{BODY}",
        f"通讯员 张伟 李华 报道：{BODY}",
        f"{BODY}（完）",
        f"{BODY}\n（完）",
        f"{BODY}\n编辑：张三\n审核：李四",
        f"{BODY}\n\n责任编辑：张三　　审核：李四\n初审：王五\n复审：赵六\n终审：钱七",
        f"{BODY}\n来源：宣传部\n作者：王明\n供稿：机械学院\n摄影：刘洋\n撰稿：陈静",
        f"{BODY}（编辑：张三）",
        f"{BODY}\n文/图：王明",
        f"本报讯（记者 王明）{BODY}（完）\n编辑：张三",
        f"发布时间：2023-05-12  点击：120\n{BODY}",
        f"\n\n  {BODY}  \n\n",
    ],
)
def test_strip_boilerplate_removes_repost_markers(body: str) -> None:
    assert strip_boilerplate(body) == BODY


@pytest.mark.parametrize(
    "body",
    [
        "本次会议由记者站站长主持。会议认为，今年成绩显著。",
        "学校编辑出版中心发布新书目录。",
        "他说：“来源：群众的智慧是无穷的。”今天完成了任务。",
        "第一段。\n\n第二段，内容完整。",
    ],
)
def test_strip_boilerplate_keeps_content(body: str) -> None:
    assert strip_boilerplate(body) == body


def test_strip_boilerplate_keeps_long_lines_that_start_like_labels() -> None:
    long_line = "来源：" + "本次调研覆盖全省十六个地市的三百余所中小学校，" * 8
    assert strip_boilerplate(f"{BODY}\n{long_line}") == f"{BODY}\n{long_line}"


def test_strip_boilerplate_of_only_boilerplate_is_empty() -> None:
    assert strip_boilerplate("编辑：张三\n审核：李四") == ""
    assert strip_boilerplate("") == ""


@pytest.mark.parametrize(
    "body",
    [
        "文化艺术节报道引发师生热议，大家纷纷表示收获很大。",
        "【文化】学校举办传统文化讲座。",
        "记者站今年共发稿一百余篇。",
    ],
)
def test_strip_boilerplate_does_not_eat_leading_words_that_look_like_labels(body: str) -> None:
    assert strip_boilerplate(body) == body
