"""The offline ledger: what no crawler can see, entered by hand and counted with the rest.

Yearbook entries (年鉴), documents (文件), notice boards (公告栏), statistical returns
(统计报表), meetings (会议、座谈) are channels of ``kind: ledger`` in sources.yaml; requests
for disclosure received (依申请公开) use the reserved channel ``requests``. The file named by
``ledger:`` in sources.yaml holds one entry per item, as YAML (a list of mappings) or CSV (a
header line, then one row per entry)::

    - date: 2023-03-01
      channel: yearbook
      title: 《山东理工大学年鉴（2022）》统战工作篇
      note: 6条
      reference: 年鉴编辑部函〔2023〕3号

The file is validated like sources.yaml (``file:line: key: problem``) and read whole or not
at all. :func:`add_entry` appends one entry as text (comments and layout are kept), checks
that the new file reads back as the old entries plus the new one, and only then replaces the
file atomically (temporary file + rename).
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import json
import os
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml

from harvester._yaml import Node, compose_text, read_text
from harvester.config import REQUESTS, Config
from harvester.errors import ConfigError

__all__ = ["LEDGER_KEYS", "LedgerEntry", "add_entry", "ledger_channel_ids", "load_ledger", "read_ledger"]

LEDGER_KEYS = ("date", "channel", "title", "note", "reference")
_REQUIRED = ("date", "channel", "title")
ErrorAt = Callable[[str], ConfigError]  # makes the error for one place in the file


@dataclass(frozen=True)
class LedgerEntry:
    """One hand-entered item of an offline channel (or one request for disclosure received)."""

    date: date
    channel: str
    title: str
    note: str | None = None
    reference: str | None = None
    line: int | None = None  # where the entry starts in the ledger file, for messages and evidence

    def same_as(self, other: LedgerEntry) -> bool:
        """Whether both say the same thing (the line does not matter)."""
        return dataclasses.replace(self, line=None) == dataclasses.replace(other, line=None)


def ledger_channel_ids(config: Config) -> tuple[str, ...]:
    """The channels a ledger entry may name: the ``kind: ledger`` channels, then ``requests``."""
    return (*(channel.id for channel in config.ledger_channels()), REQUESTS)


def load_ledger(config: Config) -> tuple[LedgerEntry, ...]:
    """The entries of the ledger that sources.yaml names; () when it names none.

    A missing or invalid file raises ConfigError (``file:line: key: problem``).
    """
    if config.ledger is None:
        return ()
    if not config.ledger.exists():
        raise ConfigError(
            f"no such ledger file; create it with `harvester ledger add` or fix `ledger:` in {config.path.name}",
            path=config.ledger,
        )
    return read_ledger(config.ledger, ledger_channel_ids(config), _crawled_ids(config))


def read_ledger(path: Path, channels: Sequence[str], crawled: Sequence[str] = ()) -> tuple[LedgerEntry, ...]:
    """Read and validate a ledger file (.yaml/.yml or .csv); ``channels`` are the ids an entry may name."""
    return _parse(path, read_text(path), channels, crawled)


def _parse(path: Path, text: str, channels: Sequence[str], crawled: Sequence[str]) -> tuple[LedgerEntry, ...]:
    entries = _parse_csv(path, text, channels, crawled) if _is_csv(path) else _parse_yaml(path, text, channels, crawled)
    _reject_duplicates(path, entries)
    return entries


def _is_csv(path: Path) -> bool:
    return path.suffix.lower() == ".csv"


def _crawled_ids(config: Config) -> tuple[str, ...]:
    return tuple(channel.id for channel in config.channels if channel.kind == "crawled")


# --- YAML --------------------------------------------------------------------------------


def _parse_yaml(path: Path, text: str, channels: Sequence[str], crawled: Sequence[str]) -> tuple[LedgerEntry, ...]:
    root = compose_text(path, text)
    if root is None:
        return ()
    return tuple(_yaml_entry(item, channels, crawled) for item in root.items())


def _yaml_entry(node: Node, channels: Sequence[str], crawled: Sequence[str]) -> LedgerEntry:
    found = node.mapping(LEDGER_KEYS, required=_REQUIRED)
    channel = found["channel"].text()
    _check_channel(channel, channels, crawled, found["channel"].error)
    return LedgerEntry(
        date=found["date"].day(),
        channel=channel,
        title=found["title"].text(),
        note=_free_text(found["note"]) if "note" in found else None,
        reference=_free_text(found["reference"]) if "reference" in found else None,
        line=node.line,
    )


def _free_text(node: Node) -> str:
    """Text, where a number (a file number such as 2023) is read as written."""
    node.expect(("str", "int", "float"), "text")
    value = str(node.node.value).strip()
    if not value:
        raise node.error("is empty; give a value or leave the key out")
    return value


# --- CSV ---------------------------------------------------------------------------------


def _csv_rows(path: Path, text: str) -> list[tuple[int, list[str]]]:
    """Every non-blank record with the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                rows.append((start, row))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ConfigError(f"not readable as CSV: {exc}; check the quotes", path=path, line=start) from exc
    return rows


def _parse_csv(path: Path, text: str, channels: Sequence[str], crawled: Sequence[str]) -> tuple[LedgerEntry, ...]:
    rows = _csv_rows(path, text)
    if not rows:
        return ()
    header = _csv_header(path, *rows[0])
    return tuple(_csv_entry(path, line, header, row, channels, crawled) for line, row in rows[1:])


def _csv_header(path: Path, line: int, row: list[str]) -> list[str]:
    header = [cell.strip() for cell in row]
    for name in header:
        if name not in LEDGER_KEYS:
            message = f"unknown column {name!r} in the header line (known: {', '.join(LEDGER_KEYS)})"
            raise ConfigError(message, path=path, line=line, key=name or None)
        if header.count(name) > 1:
            raise ConfigError(f"column {name!r} is given twice; keep one", path=path, line=line, key=name)
    for name in _REQUIRED:
        if name not in header:
            message = f"the header line lacks the column {name!r}; the header is date,channel,title[,note,reference]"
            raise ConfigError(message, path=path, line=line, key=name)
    return header


def _csv_entry(
    path: Path, line: int, header: list[str], row: list[str], channels: Sequence[str], crawled: Sequence[str]
) -> LedgerEntry:
    if len(row) != len(header):
        message = f"{len(row)} cells where the header has {len(header)}; quote cells that contain commas"
        raise ConfigError(message, path=path, line=line)
    cells = {name: cell.strip() for name, cell in zip(header, row, strict=True)}

    def error(key: str) -> ErrorAt:
        return lambda message: ConfigError(message, path=path, line=line, key=key)

    for name in _REQUIRED:
        if not cells[name]:
            raise error(name)(f"{name!r} is empty; give a value")
    _check_channel(cells["channel"], channels, crawled, error("channel"))
    return LedgerEntry(
        date=_csv_date(cells["date"], error("date")),
        channel=cells["channel"],
        title=cells["title"],
        note=cells.get("note") or None,
        reference=cells.get("reference") or None,
        line=line,
    )


def _csv_date(value: str, error: ErrorAt) -> date:
    try:
        if len(value) != 10:
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(value)
    except ValueError as exc:
        raise error(f"expected a date written YYYY-MM-DD, e.g. 2023-03-01; got {value!r}") from exc


# --- shared checks -----------------------------------------------------------------------


def _check_channel(value: str, channels: Sequence[str], crawled: Sequence[str], error: ErrorAt) -> None:
    if value in channels:
        return
    listed = ", ".join(channels)
    if value in crawled:
        raise error(
            f"channel {value!r} is harvested (kind: crawled), not kept in the ledger (ledger channels: {listed});"
            " give it kind: ledger in sources.yaml or pick a ledger channel"
        )
    raise error(
        f"unknown ledger channel {value!r} (known: {listed}); fix the id or add it under channels with kind: ledger"
    )


def _reject_duplicates(path: Path, entries: Sequence[LedgerEntry]) -> None:
    for index, entry in enumerate(entries):
        for earlier in entries[:index]:
            if entry.same_as(earlier):
                raise ConfigError(
                    f"the same entry as on line {earlier.line} ({entry.date} {entry.channel} {entry.title!r});"
                    " remove one, or tell them apart in the title or note",
                    path=path,
                    line=entry.line,
                )


# --- appending ---------------------------------------------------------------------------


def add_entry(config: Config, entry: LedgerEntry) -> LedgerEntry:
    """Append ``entry`` to the ledger file safely and return it with its line.

    The entry and the whole file are validated first; the new text is the old text plus the
    entry (comments and layout kept), it must read back as the old entries plus the new one,
    and it replaces the file by an atomic rename. On any error the file is left unchanged.
    """
    path = _ledger_path(config)
    channels, crawled = ledger_channel_ids(config), _crawled_ids(config)
    _check_channel(entry.channel, channels, crawled, lambda message: ConfigError(message, path=path, key="--channel"))
    _check_entry_text(path, entry)
    text = read_text(path) if path.exists() else ""
    bom = path.exists() and path.read_bytes().startswith(codecs.BOM_UTF8)
    old = _parse(path, text, channels, crawled)
    for earlier in old:
        if earlier.same_as(entry):
            raise ConfigError(f"this entry is already in the ledger (line {earlier.line}); nothing added", path=path)
    new_text = _appended(path, text, entry)
    new = _parse(path, new_text, channels, crawled)
    if len(new) != len(old) + 1 or not new[-1].same_as(entry):
        raise ConfigError(
            "cannot append to this file's layout; write the ledger as a block list (one '- date: ...' item per entry)",
            path=path,
        )
    _replace(path, ("\ufeff" if bom else "") + new_text)
    return new[-1]


def _ledger_path(config: Config) -> Path:
    if config.ledger is None:
        raise ConfigError(
            "no ledger file is configured; add a line such as `ledger: ledger.yaml` to it",
            path=config.path,
            key="ledger",
        )
    return config.ledger


def _check_entry_text(path: Path, entry: LedgerEntry) -> None:
    for key in ("title", "note", "reference"):
        value = getattr(entry, key)
        if value is not None and (not value.strip() or any(c in value for c in "\r\n\x00")):
            raise ConfigError(f"the {key} must be non-empty text on one line", path=path, key=key)


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _appended(path: Path, text: str, entry: LedgerEntry) -> str:
    newline = _newline(text)
    if text and not text.endswith(("\n", "\r")):
        text += newline
    if _is_csv(path):
        return text + _csv_record(text, entry, newline, path)
    return text + _yaml_record(path, text, entry, newline)


def _yaml_record(path: Path, text: str, entry: LedgerEntry, newline: str) -> str:
    root = compose_text(path, text)
    indent = 0
    if root is not None:
        if not isinstance(root.node, yaml.SequenceNode) or root.node.flow_style:
            raise ConfigError(
                "cannot append: the ledger is not a block list; write one '- date: ...' item per entry",
                path=path,
                line=root.line,
            )
        indent = int(root.node.start_mark.column)
    pad = " " * indent
    lines = [f"{pad}- date: {entry.date.isoformat()}", f"{pad}  channel: {entry.channel}"]
    for key in ("title", "note", "reference"):
        value = getattr(entry, key)
        if value is not None:
            lines.append(f"{pad}  {key}: {json.dumps(value, ensure_ascii=False)}")
    return newline.join(lines) + newline


def _csv_record(text: str, entry: LedgerEntry, newline: str, path: Path) -> str:
    rows = _csv_rows(path, text)
    header = [cell.strip() for cell in rows[0][1]] if rows else list(LEDGER_KEYS)
    values = {key: getattr(entry, key) for key in LEDGER_KEYS}
    values["date"] = entry.date.isoformat()
    for key, value in values.items():
        if value is not None and key not in header:
            message = f"the ledger has no {key!r} column; add it to the header line, or leave the {key} out"
            raise ConfigError(message, path=path, line=rows[0][0], key=key)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator=newline)
    if not rows:
        writer.writerow(header)
    writer.writerow(["" if values[key] is None else values[key] for key in header])
    return out.getvalue()


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        if path.exists():
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"cannot write the ledger: {exc.strerror}; nothing was changed", path=path) from exc
