"""The report as a Word document (python-docx), with the chart embedded."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from harvester.report.content import Block, Bullets, Figure, Heading, Paragraph, Table

__all__ = ["CHINESE_FONT", "write_docx"]

CHINESE_FONT = "宋体"  # the East Asian font of every style (Word falls back if it is missing)


def write_docx(blocks: Sequence[Block], path: Path) -> Path:
    """Write the blocks to the .docx file ``path`` and return it."""
    document = Document()
    _set_fonts(document)
    for block in blocks:
        _add(document, block)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def _set_fonts(document: DocumentObject) -> None:
    """Give the body and heading styles a Chinese East Asian font."""
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "List Bullet"):
        style = document.styles[name]
        rpr = style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), CHINESE_FONT)
    document.styles["Normal"].font.size = Pt(11)


def _add(document: DocumentObject, block: Block) -> None:
    if isinstance(block, Heading):
        document.add_heading(block.text, level=0 if block.level == 1 else block.level - 1)
    elif isinstance(block, Paragraph):
        document.add_paragraph(block.text)
    elif isinstance(block, Bullets):
        for item in block.items:
            document.add_paragraph(item, style="List Bullet")
    elif isinstance(block, Table):
        _table(document, block)
    else:
        _figure(document, block)


def _table(document: DocumentObject, table: Table) -> None:
    grid = document.add_table(rows=1 + len(table.rows), cols=len(table.header))
    grid.style = "Table Grid"
    for row_index, row in enumerate((table.header, *table.rows)):
        for column, text in enumerate(row):
            cell = grid.cell(row_index, column)
            cell.text = text
            if row_index == 0:
                for run in cell.paragraphs[0].runs:
                    run.bold = True


def _figure(document: DocumentObject, figure: Figure) -> None:
    document.add_picture(str(figure.path), width=Cm(16))
    document.paragraphs[-1].alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(figure.caption).alignment = WD_ALIGN_PARAGRAPH.CENTER
