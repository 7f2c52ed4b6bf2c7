"""The disclosure report: Markdown and .docx text, the monthly chart, the evidence export.

:func:`write_report` is what ``harvester report`` runs: it builds the report's blocks from a
:class:`~harvester.count.CountResult` (see :mod:`harvester.report.content`), draws the chart
beside the output file, and writes Markdown or .docx. The chart and .docx need the ``report``
extra (matplotlib, python-docx); they are imported only when used, so Markdown to standard
output and the CSV evidence export work without them.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

from harvester.count import CountResult
from harvester.errors import HarvesterError
from harvester.report.content import build_blocks, quantity_paragraph
from harvester.report.markdown import render_markdown

__all__ = ["REPORT_FORMATS", "chart_path", "markdown_report", "quantity_paragraph", "write_report"]

REPORT_FORMATS = ("markdown", "docx")


def chart_path(output: Path) -> Path:
    """Where the chart of ``output`` goes: beside it, ``report.md`` -> ``report-chart.png``."""
    return output.with_name(f"{output.stem}-chart.png")


def markdown_report(result: CountResult, *, title: str | None = None) -> str:
    """The Markdown report without a chart (for standard output)."""
    return render_markdown(build_blocks(result, title=title))


def write_report(result: CountResult, output: Path, fmt: str, *, title: str | None = None) -> list[Path]:
    """Write the report (``markdown`` or ``docx``) and its chart beside it; return the files written."""
    if fmt not in REPORT_FORMATS:
        raise ValueError(f"unknown report format {fmt!r} (known: {', '.join(REPORT_FORMATS)})")
    chart = _optional("harvester.report.chart").draw_chart(result, chart_path(output))
    blocks = build_blocks(result, chart=chart, title=title)
    if fmt == "docx":
        _optional("harvester.report.docx").write_docx(blocks, output)
    else:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(render_markdown(blocks, base=output.parent), encoding="utf-8")
    return [output, chart]


def _optional(module: str) -> ModuleType:
    """A module that needs the ``report`` extra; a clear error when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise HarvesterError(f"this needs {exc.name}, from the report extra: pip install 'harvester[report]'") from exc
