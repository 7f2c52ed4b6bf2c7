"""Content categories of section 二(一)2 (主动公开信息内容): keyword rules over title + body.

A category is a :class:`Category` rule: every ``all`` term, at least one ``any`` term (when
``any`` is given) and no ``none`` term must occur in the text (plain, case-sensitive
substrings). An article may fall in several categories, or in none: the uncategorized ones
are listed by ``harvester count --uncategorized`` and in the report's appendix so that the
rules can be improved.

sources.yaml may give its own ``categories:``; without the key, :data:`DEFAULT_CATEGORIES`
apply: the six categories of a university united-front department's report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["DEFAULT_CATEGORIES", "Category", "categorize"]


@dataclass(frozen=True)
class Category:
    """One content category and its keyword rule."""

    id: str
    label: str
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def matches(self, text: str) -> bool:
        """Whether ``text`` (title + body) falls in this category."""
        return (
            all(term in text for term in self.all)
            and (not self.any or any(term in text for term in self.any))
            and not any(term in text for term in self.none)
        )


def categorize(text: str, categories: Sequence[Category]) -> tuple[str, ...]:
    """The ids of the categories ``text`` falls in, in configured order (may be empty)."""
    return tuple(category.id for category in categories if category.matches(text))


_PARTIES = ("民主党派", "民革", "民盟", "民建", "民进", "农工党", "致公党", "九三学社", "台盟")

DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category(
        id="basic",
        label="基本情况",
        any=(
            "部门介绍",
            "部门简介",
            "机构设置",
            "工作职责",
            "主要职责",
            "职能",
            "规章制度",
            "管理办法",
            "实施办法",
            "实施细则",
            "工作要点",
            "工作计划",
            "年度计划",
            "工作总结",
        ),
    ),
    Category(
        id="groups",
        label="民主党派、统战团体",
        any=(
            "统战团体",
            "知联会",
            "党外知识分子联谊会",
            "欧美同学会",
            "留学人员联谊会",
            "侨联",
            "归国华侨联合会",
            "章程",
            "理事会",
            "成员名单",
            "会员代表大会",
            "成立大会",
        ),
    ),
    Category(
        id="representatives",
        label="党外代表人士",
        any=(
            "党外代表人士",
            "无党派人士",
            "人大代表",
            "政协委员",
            "党外干部",
            "党外人士",
            "建言献策",
            "提案",
            "典型事迹",
        ),
    ),
    Category(
        id="party-activities",
        label="民主党派活动",
        any=(*_PARTIES, "基层组织", "换届"),
    ),
    Category(
        id="regulations",
        label="学习宣传贯彻《统一战线工作条例》",
        any=(
            "统一战线工作条例",
            "统战工作条例",
            "统战工作会议",
            "统一战线工作会议",
            "中心组",
            "主题教育",
            "读书会",
            "学习贯彻",
            "理论学习",
            "凝心铸魂",
            "参政议政",
            "民主监督",
        ),
    ),
    Category(
        id="cross-strait",
        label="对台港澳交流合作",
        any=("台港澳", "港澳台", "对台", "台湾", "台胞", "香港", "澳门", "港澳", "两岸", "海峡"),
    ),
)
