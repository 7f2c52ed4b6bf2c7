"""The report's content as a list of blocks, shared by the Markdown and the .docx writers.

The wording follows the seed report (信息公开工作年度报告, section 二): the
主动公开信息数量 sentence is generated from the counts, channel by channel in the configured
order, ``{phrase}{count}{unit}``; crawled channels are joined with "，", ledger channels with
"；". Figures are exact: there is no 余.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from harvester.count import CountResult, Item

__all__ = [
    "Block",
    "Bullets",
    "Figure",
    "Heading",
    "Paragraph",
    "Table",
    "build_blocks",
    "content_paragraphs",
    "quantity_paragraph",
    "requests_paragraph",
    "window_sentence",
]

NO_REQUESTS = "未收到明确要求公开相关信息的申请。"
_NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Heading:
    """A heading; level 1 is the title."""

    text: str
    level: int


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of running text."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table with a header row."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """An image file and its caption."""

    path: Path
    caption: str


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, one line per item."""

    items: tuple[str, ...]


Block = Heading | Paragraph | Table | Figure | Bullets


def chinese_date(day: date) -> str:
    """``2022年9月1日``."""
    return f"{day.year}年{day.month}月{day.day}日"


def window_sentence(result: CountResult) -> str:
    """``报告统计数据的起止时间为2022年9月1日至2023年8月31日。``"""
    return f"报告统计数据的起止时间为{chinese_date(result.start)}至{chinese_date(result.end)}。"


def quantity_paragraph(result: CountResult) -> str:
    """Section 二(一)1: ``1.主动公开信息数量。通过本部门网站发布、更新信息74篇，…；通过年鉴形式信息公开6条；…。``"""
    text = ""
    previous = None
    for channel in result.channels:
        if previous is not None:
            text += "，" if previous.kind == channel.kind == "crawled" else "；"
        text += f"{channel.phrase}{channel.count}{channel.unit}"
        previous = channel
    return f"1.主动公开信息数量。{text}。"


def content_paragraphs(result: CountResult) -> list[str]:
    """Section 二(一)2: one line per content category, with its count and example titles."""
    lines = ["2.主动公开信息内容。"]
    for number, category in enumerate(result.categories, start=1):
        line = f"（{number}）{category.label}方面信息{category.count}条"
        if category.examples:
            line += "，如" + "、".join(f"《{_unquote(title)}》" for title in category.examples) + "等"
        lines.append(line + "。")
    return lines


def requests_paragraph(result: CountResult) -> str:
    """Section 二(二): the requests for disclosure received, or that there were none."""
    if not result.requests:
        return NO_REQUESTS
    return f"收到依申请公开信息的申请{len(result.requests)}件（见下列清单）。"


def build_blocks(result: CountResult, *, chart: Path | None = None, title: str | None = None) -> list[Block]:
    """The whole report as blocks; ``chart`` is the PNG of articles per month per channel, if drawn."""
    blocks: list[Block] = [
        Heading(title or "信息公开工作年度报告：统计数据", 1),
        Paragraph(window_sentence(result)),
        Heading("二、信息公开情况", 2),
        Heading("（一）主动公开信息情况", 3),
        Paragraph(quantity_paragraph(result)),
        Paragraph("表1 各渠道发布信息数量"),
        _channel_table(result),
    ]
    if chart is not None:
        blocks.append(Figure(chart, "图1 各渠道每月发布信息数量"))
    blocks += [Paragraph("表2 各渠道每月发布信息数量"), _month_table(result)]
    blocks += [Paragraph(line) for line in content_paragraphs(result)]
    blocks += [Heading("（二）依申请公开信息情况", 3), Paragraph(requests_paragraph(result))]
    if result.requests:
        blocks.append(Bullets(tuple(_request_line(e.date, e.title, e.note, e.reference) for e in result.requests)))
    blocks += _evidence_blocks(result)
    blocks += _uncategorized_blocks(result)
    return blocks


def _channel_table(result: CountResult) -> Table:
    rows = []
    for c in result.channels:
        by_source = "、".join(f"{s.name} {s.count}" for s in c.sources) if c.kind == "crawled" else "台账"
        rows.append((c.label, f"{c.count}{c.unit}", by_source))
    return Table(("渠道", "数量", "来源（按来源计的条目数）"), tuple(rows))


def _month_table(result: CountResult) -> Table:
    header = ("月份", *(c.label for c in result.channels), "合计")
    rows = []
    for index, month in enumerate(result.months()):
        figures = [c.months[index][1] if index < len(c.months) else 0 for c in result.channels]
        rows.append((month, *(str(n) for n in figures), str(sum(figures))))
    totals = [c.count for c in result.channels]
    rows.append(("合计", *(str(n) for n in totals), str(sum(totals))))
    return Table(header, tuple(rows))


def _evidence_blocks(result: CountResult) -> list[Block]:
    blocks: list[Block] = [
        Heading("附录一 计数依据", 2),
        Paragraph("以下逐条列出上文每个数字所依据的信息（每条一行），可与证据表（harvester count --evidence）对照。"),
    ]
    for number, channel in enumerate(result.channels):
        items = [item for item in result.items if item.channel == channel.id]
        heading = f"（{_numeral(number)}）{channel.label}：{channel.count}{channel.unit}"
        blocks.append(Heading(heading, 3))
        blocks.append(Bullets(tuple(_item_line(item) for item in items)) if items else Paragraph("无。"))
    return blocks


def _uncategorized_blocks(result: CountResult) -> list[Block]:
    if not result.categories:
        return []
    items = result.uncategorized()
    labels = {c.id: c.label for c in result.channels}
    blocks: list[Block] = [Heading("附录二 未归类信息", 2)]
    if not items:
        return [*blocks, Paragraph("所有信息均已归入上述内容类别。")]
    blocks.append(
        Paragraph(
            f"以下{len(items)}条信息未归入任何内容类别；可在 sources.yaml 的 categories 中补充关键词后重新生成报告。"
        )
    )
    return [*blocks, Bullets(tuple(f"【{labels.get(i.channel, i.channel)}】{_item_line(i)}" for i in items))]


def _item_line(item: Item) -> str:
    if item.url is None:
        return _request_line(item.day, item.title, item.note, item.reference)
    line = f"{item.day.isoformat()} 《{_unquote(item.title)}》（来源：{'、'.join(item.sources)}） {item.url}"
    if item.other_urls:
        line += " 另见 " + " ".join(item.other_urls)
    return line


def _request_line(day: date, title: str, note: str | None, reference: str | None) -> str:
    extra = "；".join(part for part in (note, reference) if part)
    return f"{day.isoformat()} 《{_unquote(title)}》" + (f"（{extra}）" if extra else "")


def _unquote(title: str) -> str:
    """A title without its own enclosing 《》, so that it is not wrapped twice."""
    return title[1:-1] if title.startswith("《") and title.endswith("》") and title.count("《") == 1 else title


def _numeral(index: int) -> str:
    return _NUMERALS[index] if index < len(_NUMERALS) else str(index + 1)


def plain_text(blocks: Sequence[Block]) -> str:
    """The blocks as plain text (for tests and quick looks)."""
    lines: list[str] = []
    for block in blocks:
        if isinstance(block, Heading | Paragraph):
            lines.append(block.text)
        elif isinstance(block, Bullets):
            lines.extend(block.items)
        elif isinstance(block, Table):
            lines.extend("\t".join(row) for row in (block.header, *block.rows))
        else:
            lines.append(block.caption)
    return "\n".join(lines)
