"""sources.yaml and the ledger as YAML nodes that remember where they stand.

PyYAML's node tree is walked by hand so that every value keeps its file and line, and every
mistake becomes one :class:`~harvester.errors.ConfigError` naming file, line and key.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

import yaml

from harvester.errors import ConfigError

_TAG = "tag:yaml.org,2002:"
_KINDS = MappingProxyType(
    {
        "bool": "true/false (YAML reads yes/no/on/off/true/false as booleans; quote it if you mean text)",
        "null": "nothing (an empty value)",
        "timestamp": "a date",
        "merge": "a merge key (<<)",
    }
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_T = TypeVar("_T")


@dataclass(frozen=True)
class Node:
    """A YAML node with its file and its key path (``sources[2].match.any``), for messages."""

    file: Path
    node: yaml.Node
    key: str

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    def error(self, message: str) -> ConfigError:
        return ConfigError(message, path=self.file, line=self.line, key=self.key or None)

    def tag(self) -> str:
        tag = str(self.node.tag)
        return tag[len(_TAG) :] if tag.startswith(_TAG) else tag

    def is_null(self) -> bool:
        return isinstance(self.node, yaml.ScalarNode) and self.tag() == "null"

    def kind(self) -> str:
        if isinstance(self.node, yaml.MappingNode):
            return "a mapping (key: value lines)"
        if isinstance(self.node, yaml.SequenceNode):
            return "a list"
        if self.tag() == "str":
            return f"the text {self.node.value!r}"
        if self.tag() in ("int", "float"):
            return f"the number {self.node.value} (quote it if you mean text)"
        return _KINDS.get(self.tag(), f"a value tagged {self.node.tag}")

    def value(self) -> Any:
        try:
            return yaml.constructor.SafeConstructor().construct_object(self.node, deep=True)
        except ValueError as exc:  # e.g. 2023-02-30 is resolved as a date and fails to build
            what = "date" if self.tag() == "timestamp" else self.tag()
            raise self.error(f"not a valid {what}: {self.node.value!r} ({exc})") from exc

    def expect(self, tags: Sequence[str], wanted: str) -> Any:
        if not isinstance(self.node, yaml.ScalarNode) or self.tag() not in tags:
            hint = "; write it as a list (one '- item' per line)" if "list" in wanted else ""
            raise self.error(f"expected {wanted}, got {self.kind()}{hint}")
        return self.value()

    def child(self, name: str | int) -> str:
        if isinstance(name, int):
            return f"{self.key}[{name}]"
        return f"{self.key}.{name}" if self.key else name

    def mapping(self, allowed: Sequence[str], required: Sequence[str] = ()) -> dict[str, Node]:
        """The non-empty values by key; rejects unknown, duplicate and missing keys."""
        if not isinstance(self.node, yaml.MappingNode):
            raise self.error(f"expected a mapping with keys such as {', '.join(allowed)}; got {self.kind()}")
        found: dict[str, Node] = {}
        lines: dict[str, int] = {}
        for key_node, value_node in self.node.value:
            at = Node(self.file, key_node, self.key)
            name = key_name(at, allowed)
            at = Node(self.file, key_node, self.child(name))
            if name in lines:
                raise at.error(f"duplicate key {name!r} (first given on line {lines[name]}); keep only one")
            lines[name] = at.line
            value = Node(self.file, value_node, self.child(name))
            if value.is_null() and name in required:
                raise value.error(f"{name!r} is empty; give a value")
            if not value.is_null():
                found[name] = value
        missing = [name for name in required if name not in lines]
        if missing:
            at = Node(self.file, self.node, self.child(missing[0]))
            raise at.error(f"missing required key {missing[0]!r}; add it (see docs/configuration.md)")
        return found

    def items(self) -> list[Node]:
        """The entries of a list."""
        if not isinstance(self.node, yaml.SequenceNode):
            self.expect((), "a list")
        return [Node(self.file, item, self.child(i)) for i, item in enumerate(self.node.value)]

    def text(self) -> str:
        """A non-empty string."""
        value = str(self.expect(("str",), "text")).strip()
        if not value:
            raise self.error("is empty; give a value or leave the key out")
        return value

    def texts(self) -> tuple[str, ...]:
        """A list of non-empty strings."""
        return tuple(item.text() for item in self.items())

    def integer(self, minimum: int) -> int:
        """A whole number >= minimum (``true`` is not a number)."""
        value = self.expect(("int",), "a whole number")
        if value < minimum:
            raise self.error(f"must be at least {minimum}, got {value}")
        return int(value)

    def number(self, minimum: float, *, above: bool = False) -> float:
        """A number >= minimum (> minimum when ``above``)."""
        value = float(self.expect(("int", "float"), "a number"))
        if value < minimum or (above and value == minimum) or value != value:
            bound = "greater than" if above else "at least"
            raise self.error(f"must be {bound} {minimum:g}, got {self.node.value}")
        return value

    def boolean(self) -> bool:
        """true or false."""
        return bool(self.expect(("bool",), "true or false"))

    def day(self) -> date:
        """A date written YYYY-MM-DD (quoted or not)."""
        value = self.expect(("timestamp", "str"), "a date (YYYY-MM-DD)")
        if isinstance(value, datetime):
            raise self.error(f"expected a date (YYYY-MM-DD) without a time, got {self.node.value!r}")
        if isinstance(value, date):
            return value
        if not _ISO_DATE.fullmatch(value.strip()):
            raise self.error(f"expected a date written YYYY-MM-DD, e.g. 2022-09-01; got {value!r}")
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise self.error(f"not a valid date: {value!r} ({exc})") from exc


def key_name(at: Node, allowed: Sequence[str]) -> str:
    """The name of a mapping key, which must be known."""
    if at.tag() == "merge":
        raise at.error("YAML merge keys (<<) are not supported here; write the keys out in full")
    if not isinstance(at.node, yaml.ScalarNode) or at.tag() != "str":
        raise at.error(f"keys must be plain names, got {at.kind()}")
    name = str(at.node.value)
    if name not in allowed:
        at = Node(at.file, at.node, at.child(name))
        raise at.error(unknown_message("key", name, allowed, "remove it or fix its spelling"))
    return name


def unknown_message(what: str, name: str, known: Sequence[str], advice: str) -> str:
    """``unknown key 'chanel'; did you mean 'channel'? (known: ...)`` with advice when no match is close."""
    close = difflib.get_close_matches(name, known, n=1)
    listed = ", ".join(known)
    if close:
        return f"unknown {what} {name!r}; did you mean {close[0]!r}? (known: {listed})"
    return f"unknown {what} {name!r} (known: {listed}); {advice}"


def optional(found: dict[str, Node], name: str, parse: Callable[[Node], _T], default: _T) -> _T:
    return parse(found[name]) if name in found else default


def field_default(cls: type, name: str) -> Any:
    """The default of a dataclass field, so defaults live only in the dataclasses above."""
    return next(f.default for f in fields(cls) if f.name == name)


def read_text(file: Path) -> str:
    """The file's text; a missing, unreadable or non-UTF-8 file is an error."""
    try:
        return file.read_bytes().decode("utf-8-sig")
    except FileNotFoundError as exc:
        message = "no such file; create it (see docs/configuration.md) or pass --config"
        raise ConfigError(message, path=file) from exc
    except UnicodeDecodeError as exc:
        line = exc.object.count(b"\n", 0, exc.start) + 1
        message = f"not UTF-8 text (byte {exc.object[exc.start]:#04x}); save the file as UTF-8"
        raise ConfigError(message, path=file, line=line) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read the file: {exc.strerror}", path=file) from exc


def compose(file: Path) -> Node:
    """The document node of the file; empty and malformed files are errors."""
    node = compose_text(file, read_text(file))
    if node is None:
        message = "the file is empty; write at least channels and sources (see docs/configuration.md)"
        raise ConfigError(message, path=file, line=1)
    return node


def compose_text(file: Path, text: str) -> Node | None:
    """The document node of ``text`` (read from ``file``); None when it holds no value; syntax errors raise."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = f"{exc.problem} ({exc.context})" if exc.context else str(exc.problem)
        problem = " ".join(problem.split())
        message = f"YAML syntax error: {problem}; check the indentation, colons and quotes"
        raise ConfigError(message, path=file, line=line) from exc
    except yaml.YAMLError as exc:  # a ReaderError: a control character in the text
        position = getattr(exc, "position", 0)
        character = getattr(exc, "character", "?")
        code = f"#x{character:04x}" if isinstance(character, int) else repr(character)
        message = f"not a readable YAML file: character {code} is not allowed; remove it"
        raise ConfigError(message, path=file, line=text.count("\n", 0, position) + 1) from exc
    if node is None or (isinstance(node, yaml.ScalarNode) and node.tag == _TAG + "null"):
        return None
    return Node(file, node, "")
