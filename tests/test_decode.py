"""Charset choice, binary sniffing and soft-redirect detection (harvester.decode)."""

from __future__ import annotations

import codecs

import pytest

from harvester.decode import (
    choose_encoding,
    declared_charsets,
    decode_body,
    find_soft_redirect,
    normalize_charset,
    sniff_binary,
)

TEXT = "山东理工大学统战部召开民主党派工作会议"


def page(charset_meta: str, body: str) -> str:
    return f"<html><head>{charset_meta}<title>t</title></head><body><p>{body}</p></body></html>"


def test_utf8_with_header() -> None:
    raw = page('<meta charset="utf-8">', TEXT).encode("utf-8")
    text, codec = decode_body(raw, "text/html; charset=UTF-8")
    assert codec == "utf-8"
    assert TEXT in text


def test_gbk_declared_only_in_meta_http_equiv() -> None:
    meta = '<meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    raw = page(meta, TEXT).encode("gbk")
    text, codec = decode_body(raw, "text/html")
    assert codec == "gb18030"
    assert TEXT in text


def test_header_says_utf8_but_bytes_are_gbk() -> None:
    raw = page('<meta charset="gb2312">', TEXT).encode("gbk")
    text, codec = decode_body(raw, "text/html; charset=utf-8")
    assert codec == "gb18030"
    assert TEXT in text
    assert "\ufffd" not in text


def test_header_says_gbk_but_bytes_are_utf8() -> None:
    raw = page('<meta charset="gbk">', TEXT).encode("utf-8")
    text, codec = decode_body(raw, "text/html; charset=GBK")
    assert codec == "utf-8"
    assert TEXT in text


def test_tomcat_latin1_header_over_gbk_bytes() -> None:
    raw = page("", TEXT).encode("gbk")
    text, codec = decode_body(raw, "text/html;charset=ISO-8859-1")
    assert codec == "gb18030"
    assert TEXT in text


@pytest.mark.parametrize(
    ("bom", "codec", "expected"),
    [
        (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16"),
    ],
)
def test_bom_wins_over_declarations(bom: bytes, codec: str, expected: str) -> None:
    raw = bom + page('<meta charset="gbk">', TEXT).encode(codec)
    text, used = decode_body(raw, "text/html; charset=gbk")
    assert used == expected
    assert text.startswith("<html>")
    assert TEXT in text


def test_gb2312_declared_with_gbk_only_characters() -> None:
    names = "朱镕基 陶喆"  # 镕 and 喆 are outside GB2312
    raw = page('<meta charset="gb2312">', names).encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("gb2312")
    text, codec = decode_body(raw, "text/html; charset=gb2312")
    assert codec == "gb18030"
    assert names in text


def test_no_declaration_gbk_detected() -> None:
    raw = page("", TEXT * 3).encode("gbk")
    text, codec = decode_body(raw, None)
    assert codec == "gb18030"
    assert TEXT * 3 in text


def test_no_declaration_ascii_is_utf8() -> None:
    assert choose_encoding(b"<html><body>hello</body></html>", None) == "utf-8"


def test_garbage_never_raises() -> None:
    raw = b"<html>" + bytes([0x81, 0x20, 0xFF, 0xFE, 0x80]) + b"</html>"
    text, _ = decode_body(raw, "text/html; charset=gbk")
    assert text.startswith("<html>")
    assert text.endswith("</html>")


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("GBK", "gb18030"),
        ("gb2312", "gb18030"),
        ("GB_2312-80", "gb18030"),
        ("x-gbk", "gb18030"),
        ("cp936", "gb18030"),
        ("UTF8", "utf-8"),
        ("big5", "big5"),
        ("no-such-charset", None),
    ],
)
def test_normalize_charset(label: str, expected: str | None) -> None:
    assert normalize_charset(label) == expected


def test_declared_charsets_order_and_4kb_window() -> None:
    early = b'<meta charset="gbk">' + b" " * 5000 + b'<meta charset="big5">'
    assert declared_charsets(early, "text/html; charset=utf-8") == ["utf-8", "gb18030"]


@pytest.mark.parametrize(
    ("raw", "what"),
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG"),
        (b"%PDF-1.7\n%\xe2\xe3", "PDF"),
        (b"PK\x03\x04\x14\x00", "ZIP"),
        (b"<html>" + b"\x00\x01\x02" * 10, "NUL"),
    ],
)
def test_sniff_binary(raw: bytes, what: str) -> None:
    found = sniff_binary(raw)
    assert found is not None
    assert what in found


def test_sniff_binary_accepts_text_and_utf16() -> None:
    assert sniff_binary(page("", TEXT).encode("gbk")) is None
    assert sniff_binary(codecs.BOM_UTF16_LE + "<html>".encode("utf-16-le")) is None


@pytest.mark.parametrize(
    ("html", "target"),
    [
        ('<html><head><meta http-equiv="refresh" content="0; url=html/2023-05/12/node_2.htm"></head></html>',
         "html/2023-05/12/node_2.htm"),
        ("<meta content='0;URL=\"/a.htm\"' http-equiv='Refresh'>", "/a.htm"),
        ("<script>location.href = '../b.htm';</script>", "../b.htm"),
        ('<script>window.location="https://x.edu.cn/c.htm"</script>', "https://x.edu.cn/c.htm"),
        ('<body><script>location.replace("d.htm")</script>页面跳转中</body>', "d.htm"),
    ],
)  # fmt: skip
def test_soft_redirects_found(html: str, target: str) -> None:
    assert find_soft_redirect(html) == target


def test_soft_redirect_ignores_real_pages() -> None:
    scripted = page("", TEXT * 10) + "<script>function go(){ location.href = 'x.htm'; }</script>"
    assert find_soft_redirect(scripted) is None
    big = "<script>location.href='x.htm'</script>" + " " * 5000
    assert find_soft_redirect(big) is None
    slow = '<meta http-equiv="refresh" content="300; url=/index.htm">'
    assert find_soft_redirect(slow) is None
    assert find_soft_redirect("<script>if (location.href == 'a') {}</script>") is None
