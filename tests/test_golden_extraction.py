"""Extraction-quality gate: every detail page in tests/golden/extraction.json is re-extracted and must
give exactly the recorded title, date, author, origin, body (SHA-1, length, head), attachments,
family and next part. Regenerate with ``scripts/update_golden.py`` (prints the diff; ``--write``).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "update_golden.py"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("update_golden", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("update_golden", module)
    spec.loader.exec_module(module)
    return module


golden_tool = _load_script()
GOLDEN: dict[str, dict[str, Any]] = golden_tool.load_golden()
FAMILIES = ("vsb", "webplus", "generic", "trs", "hanweb", "epaper", "demo/vsb", "demo/webplus", "demo/trs")


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_page_extracts_as_recorded(name: str) -> None:
    entry = GOLDEN[name]
    actual = golden_tool.extract(golden_tool.PAGES / name, entry["url"], entry["content_type"])
    if actual != entry["expect"]:
        lines = golden_tool.diff_record(entry["expect"], actual)
        pytest.fail(
            f"{name} (read at {entry['url']}) no longer extracts as recorded:\n"
            + "\n".join(lines)
            + "\nIf the new values are right (check the page), run scripts/update_golden.py --write.",
            pytrace=False,
        )


def test_golden_file_lists_exactly_the_golden_pages() -> None:
    assert sorted(GOLDEN) == sorted(golden_tool.page_inputs())
    for name, entry in GOLDEN.items():
        assert (golden_tool.PAGES / name).is_file(), name
        assert set(entry) == {"url", "content_type", "expect"}, name


def test_every_fixture_page_is_golden_excluded_or_a_list() -> None:
    assert golden_tool.unclassified_pages() == [], (
        "new fixture pages: add detail pages to FIXTURE_URLS (then update_golden.py --write), lists to LIST_PAGES"
    )
    for name, reason in golden_tool.EXCLUDED.items():
        assert name not in GOLDEN and reason, name


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_has_articles_in_the_golden_file(family: str) -> None:
    articles = [
        name
        for name, entry in GOLDEN.items()
        if name.startswith(f"{family}/") and name.count("/") == family.count("/") + 1 and "title" in entry["expect"]
    ]
    assert articles, f"no golden article page for {family}"


def test_golden_pages_cover_dates_with_times_gbk_and_non_articles() -> None:
    expects = [entry["expect"] for entry in GOLDEN.values()]
    assert any("T" in (expect.get("date") or "") for expect in expects)
    assert any(expect.get("attachments") for expect in expects)
    assert {expect.get("not_an_article") for expect in expects} >= {"login-wall", "soft-404"}
    gbk = [name for name in GOLDEN if not _is_utf8((golden_tool.PAGES / name).read_bytes())]
    assert gbk, "no GBK page in the golden file"


def test_golden_file_is_written_in_its_stable_form() -> None:
    text = golden_tool.GOLDEN.read_text(encoding="utf-8")
    assert text == golden_tool.dump(json.loads(text))


def test_diff_names_each_changed_field_with_both_values() -> None:
    lines = golden_tool.diff_record(
        {"title": "学校召开会议", "date": "2023-05-12", "body_length": 10},
        {"title": "学校召开会议_新闻网", "date": "2023-05-12", "body_length": 12},
    )
    text = "\n".join(lines)
    assert "title:" in text and "body_length:" in text and "date:" not in text
    assert '"学校召开会议"' in text and '"学校召开会议_新闻网"' in text


def test_iso_date_forms() -> None:
    from harvester.extract.model import DateValue

    assert golden_tool.iso_date(DateValue(2023, 5, 12)) == "2023-05-12"
    assert golden_tool.iso_date(DateValue(2023, 5, 12, 10, 20)) == "2023-05-12T10:20"
    assert golden_tool.iso_date(DateValue(2023, 5, 12, 10, 20, 30)) == "2023-05-12T10:20:30"
    assert golden_tool.iso_date(DateValue(None, 5, 12)) == "XXXX-05-12"
    assert golden_tool.iso_date(None) is None


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
