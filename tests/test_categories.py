"""Content categories: keyword rules, the shipped defaults, categories in sources.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from harvester.categories import DEFAULT_CATEGORIES, Category, categorize
from harvester.config import load_config
from harvester.errors import ConfigError

SEED_LABELS = [
    "基本情况",
    "民主党派、统战团体",
    "党外代表人士",
    "民主党派活动",
    "学习宣传贯彻《统一战线工作条例》",
    "对台港澳交流合作",
]


def test_rule_needs_all_one_of_any_and_none_of_none() -> None:
    rule = Category("x", "X", all=("山东理工大学",), any=("民盟", "民建"), none=("招聘",))
    assert rule.matches("山东理工大学民盟换届")
    assert not rule.matches("民盟换届")  # lacks an all-term
    assert not rule.matches("山东理工大学运动会")  # no any-term
    assert not rule.matches("山东理工大学民盟招聘")  # a none-term
    assert Category("y", "Y", all=("统战",)).matches("统战部")  # no any: only all counts


def test_defaults_are_the_seed_reports_six_categories() -> None:
    assert [c.label for c in DEFAULT_CATEGORIES] == SEED_LABELS
    assert all(c.any or c.all for c in DEFAULT_CATEGORIES)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("党委统战部2023年工作要点", {"basic"}),
        ("欧美同学会第二届理事会成立大会召开", {"groups"}),
        ("我校两位教授当选省政协委员", {"representatives"}),
        ("九三学社山东理工大学委员会完成换届", {"party-activities"}),
        ("校党委理论学习中心组学习中央统战工作会议精神", {"regulations"}),
        ("学校与台湾高校开展学术交流", {"cross-strait"}),
        ("民盟支部举办党外代表人士季度读书会", {"party-activities", "representatives", "regulations"}),
        ("学校举行春季运动会", set()),
    ],
)
def test_defaults_sort_typical_titles(title: str, expected: set[str]) -> None:
    assert set(categorize(title, DEFAULT_CATEGORIES)) == expected


def test_categorize_keeps_configured_order() -> None:
    rules = (Category("b", "B", any=("乙",)), Category("a", "A", any=("甲",)))
    assert categorize("甲乙", rules) == ("b", "a")


BASE = """\
channels: [{id: department, label: 本部门网站}]
sources: [{id: news, channel: department, urls: ["https://a.cn/"]}]
"""


def load(tmp_path: Path, text: str) -> tuple[Category, ...]:
    path = tmp_path / "sources.yaml"
    path.write_text(BASE + text, encoding="utf-8")
    return load_config(path).categories


def test_absent_key_gives_defaults_and_a_list_replaces_them(tmp_path: Path) -> None:
    assert load(tmp_path, "") == DEFAULT_CATEGORIES
    custom = load(tmp_path, "categories:\n  - {id: party, label: 民主党派, any: [民盟, 九三], none: [招聘]}\n")
    assert custom == (Category("party", "民主党派", any=("民盟", "九三"), none=("招聘",)),)
    assert load(tmp_path, "categories: []\n") == ()


@pytest.mark.parametrize(
    ("text", "line", "key", "phrase"),
    [
        ("categories:\n  - {id: a, label: A}\n", 4, "categories[0]", "has no terms"),
        ("categories:\n  - {id: a, label: A, anyy: [x]}\n", 4, "categories[0].anyy", "did you mean 'any'?"),
        ("categories:\n  - {id: a, label: A, any: x}\n", 4, "categories[0].any", "expected a list"),
        ("categories:\n  - {id: a, any: [x]}\n", 4, "categories[0].label", "missing required key"),
        (
            "categories:\n  - {id: a, label: A, any: [x]}\n  - {id: a, label: B, any: [y]}\n",
            5,
            "categories[1].id",
            "duplicate category id 'a'",
        ),
        ("categories:\n  - {id: 基本, label: A, any: [x]}\n", 4, "categories[0].id", "ASCII"),
        ("categories: {id: a}\n", 3, "categories", "expected a list"),
    ],
)
def test_bad_category_rules_name_file_line_and_key(tmp_path: Path, text: str, line: int, key: str, phrase: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    error = caught.value
    assert (error.line, error.key) == (line, key) and phrase in error.message, str(error)
    assert str(error).startswith(f"{tmp_path / 'sources.yaml'}:{line}: {key}: ")
