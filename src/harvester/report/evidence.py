"""The evidence export: one row per counted item, as CSV or Excel (.xlsx).

The rows are exactly the items behind the counts: a channel's rows are as many as its count.
Columns: ``channel``, ``channel_label``, ``source`` (source ids, ``ledger`` for ledger
entries), ``date``, ``title``, ``url``, ``categories`` (labels, "；"-separated), ``story``
(the duplicate cluster the item stands for), ``other_urls`` (the other URLs of the same
article), ``note`` and ``reference`` (ledger entries).
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from harvester.count import CountResult
from harvester.errors import HarvesterError

__all__ = ["EVIDENCE_COLUMNS", "EVIDENCE_FORMATS", "evidence_rows", "write_evidence"]

EVIDENCE_COLUMNS = (
    "channel",
    "channel_label",
    "source",
    "date",
    "title",
    "url",
    "categories",
    "story",
    "other_urls",
    "note",
    "reference",
)
EVIDENCE_FORMATS = (".csv", ".xlsx")


def evidence_rows(result: CountResult, category_labels: dict[str, str] | None = None) -> list[tuple[str, ...]]:
    """One row per counted item, in :data:`EVIDENCE_COLUMNS` order."""
    labels = {c.id: c.label for c in result.categories} | (category_labels or {})
    channels = {c.id: c.label for c in result.channels}
    return [
        (
            item.channel,
            channels.get(item.channel, item.channel),
            " ".join(item.sources),
            item.day.isoformat(),
            item.title,
            item.url or "",
            "；".join(labels.get(c, c) for c in item.categories),
            item.story,
            " ".join(item.other_urls),
            item.note or "",
            item.reference or "",
        )
        for item in result.items
    ]


def write_evidence(result: CountResult, path: Path) -> Path:
    """Write the evidence to ``path``: .csv (UTF-8 with BOM, so Excel reads the Chinese) or .xlsx."""
    suffix = path.suffix.lower()
    if suffix not in EVIDENCE_FORMATS:
        raise ValueError(f"evidence files are .csv or .xlsx, not {path.name!r}")
    rows = evidence_rows(result)
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".csv":
        _write_csv(rows, path)
    else:
        _write_xlsx(rows, path)
    return path


def _write_csv(rows: Sequence[tuple[str, ...]], path: Path) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(EVIDENCE_COLUMNS)
        writer.writerows(rows)


def _write_xlsx(rows: Sequence[tuple[str, ...]], path: Path) -> None:
    try:
        from openpyxl import Workbook  # the report extra
    except ImportError as exc:
        raise HarvesterError("an .xlsx export needs openpyxl: pip install 'harvester[report]', or use .csv") from exc
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "evidence"
    sheet.append(EVIDENCE_COLUMNS)
    for row in rows:
        sheet.append(row)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    workbook.save(path)
