"""The report as Markdown (the default output of ``harvester report``)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from harvester.report.content import Block, Bullets, Figure, Heading, Paragraph, Table

__all__ = ["render_markdown"]

_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def render_markdown(blocks: Sequence[Block], *, base: Path | None = None) -> str:
    """The blocks as Markdown; image paths are written relative to ``base`` (the output's folder)."""
    parts = [_block(block, base) for block in blocks]
    return "\n\n".join(parts) + "\n"


def _block(block: Block, base: Path | None) -> str:
    if isinstance(block, Heading):
        return "#" * block.level + " " + _escape(block.text)
    if isinstance(block, Paragraph):
        return _escape(block.text)
    if isinstance(block, Bullets):
        return "\n".join(f"- {_escape(item)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    return _figure(block, base)


def _table(table: Table) -> str:
    lines = [_row(table.header), "|" + "|".join("---" for _ in table.header) + "|"]
    lines += [_row(row) for row in table.rows]
    return "\n".join(lines)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(_escape(cell) for cell in cells) + " |"


def _figure(figure: Figure, base: Path | None) -> str:
    target = os.path.relpath(figure.path, base) if base is not None else str(figure.path)
    return f"![{_escape(figure.caption)}]({Path(target).as_posix()})\n\n{_escape(figure.caption)}"


def _escape(text: str) -> str:
    """Backslash-escape the characters Markdown would read as markup."""
    return _SPECIAL.sub(r"\\\1", text)
