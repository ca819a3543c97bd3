"""Read a YAML file into plain data while remembering the source line of every node.

PyYAML's own loader silently keeps the last of two duplicate keys and forgets line numbers, and
its YAML 1.1 rules turn `no` into False and `2021-11-05` into a date. Instrument files need
neither surprise, so this composes the node tree and builds the data itself:

* booleans are only true/false (YAML 1.2), timestamps stay strings;
* duplicate mapping keys are reported, not overwritten;
* aliases are expanded, but recursive, very deep or exploding documents are refused.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from app.questionnaire.errors import LoadError

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40
MAX_EXPANDED_NODES = 200_000

Path_ = tuple[Any, ...]


class _Loader(yaml.SafeLoader):
    pass


_DROPPED_TAGS = {"tag:yaml.org,2002:bool", "tag:yaml.org,2002:timestamp"}
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED_TAGS]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_STR_TAG = "tag:yaml.org,2002:str"
_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"


@dataclass
class SourceMap:
    """Line numbers (1-based) of the values and keys found at each data path."""

    value_lines: dict[Path_, int] = field(default_factory=dict)
    key_lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, path: Path_) -> int:
        """The line of the key naming `path` if there is one, else of its value, else of the nearest parent."""
        path = tuple(path)
        while True:
            if path in self.key_lines:
                return self.key_lines[path]
            if path in self.value_lines:
                return self.value_lines[path]
            if not path:
                return 1
            path = path[:-1]

    def value_line(self, path: Path_) -> int:
        path = tuple(path)
        if path in self.value_lines:
            return self.value_lines[path]
        return self.line(path)


@dataclass
class ParsedSource:
    data: Any
    lines: SourceMap
    errors: list[LoadError]


class _Builder:
    def __init__(self, filename: str, loader: _Loader):
        self.filename = filename
        self.loader = loader
        self.lines = SourceMap()
        self.errors: list[LoadError] = []
        self.expanded = 0
        self.active: set[int] = set()

    def error(self, node: Node, message: str) -> None:
        self.errors.append(LoadError(self.filename, node.start_mark.line + 1, message))

    def build(self, node: Node, path: Path_, depth: int = 0) -> Any:
        self.expanded += 1
        if self.expanded > MAX_EXPANDED_NODES:
            raise _TooBig(node)
        if depth > MAX_DEPTH:
            raise _TooDeep(node)
        self.lines.value_lines.setdefault(path, node.start_mark.line + 1)
        if id(node) in self.active:
            self.error(node, "an alias refers to a node that contains it (recursive YAML alias)")
            return None
        self.active.add(id(node))
        try:
            if isinstance(node, ScalarNode):
                return self._scalar(node)
            if isinstance(node, SequenceNode):
                if node.tag != _SEQ_TAG:
                    self.error(node, f"unsupported YAML tag {node.tag}")
                return [self.build(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
            if isinstance(node, MappingNode):
                if node.tag != _MAP_TAG:
                    self.error(node, f"unsupported YAML tag {node.tag}")
                return self._mapping(node, path, depth)
            self.error(node, "unsupported YAML node")
            return None
        finally:
            self.active.discard(id(node))

    def _scalar(self, node: ScalarNode) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
            problem = exc.problem if isinstance(exc, yaml.MarkedYAMLError) and exc.problem else _one_line(exc)
            self.error(node, f"cannot read this value: {problem}")
            return None
        if value is None or isinstance(value, (str, bool, int)):
            return value
        if isinstance(value, float):
            if not math.isfinite(value):
                self.error(node, "numbers must be finite (no .inf or .nan)")
                return None
            return value
        self.error(node, f"unsupported YAML value of type {type(value).__name__}; use plain text or numbers")
        return None

    def _key(self, key_node: Node) -> Any:
        if not isinstance(key_node, ScalarNode):
            self.error(key_node, "mapping keys must be plain text")
            return None
        key = self._scalar(key_node)
        if key is None:
            # An empty or `null` key usually means a stray colon; report it plainly.
            self.error(key_node, "empty mapping key")
            return None
        if not isinstance(key, str):
            key = str(key).lower() if isinstance(key, bool) else str(key)
        return key

    def _mapping(self, node: MappingNode, path: Path_, depth: int) -> dict:
        result: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        merges: list[tuple[Node, Node]] = []
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE_TAG:
                merges.append((key_node, value_node))
                continue
            key = self._key(key_node)
            if key is None:
                continue
            line = key_node.start_mark.line + 1
            if key in first_seen:
                self.errors.append(
                    LoadError(self.filename, line, f"duplicate key '{key}' (first given on line {first_seen[key]})")
                )
                continue
            first_seen[key] = line
            self.lines.key_lines[path + (key,)] = line
            result[key] = self.build(value_node, path + (key,), depth + 1)
        for key_node, value_node in merges:
            sources = value_node.value if isinstance(value_node, SequenceNode) else [value_node]
            for source in sources:
                if not isinstance(source, MappingNode):
                    self.error(key_node, "a merge key (<<) must refer to a mapping")
                    continue
                merged = self.build(source, path + ("<<",), depth + 1)
                for key, value in (merged or {}).items():
                    if key not in result:
                        result[key] = value
                        self.lines.key_lines.setdefault(path + (key,), key_node.start_mark.line + 1)
        return result


class _TooBig(Exception):
    def __init__(self, node: Node):
        self.node = node


class _TooDeep(Exception):
    def __init__(self, node: Node):
        self.node = node


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def _mark_line(mark) -> int:
    return (mark.line + 1) if mark is not None else 1


def read_text(path: str | Path, display_name: str | None = None) -> tuple[str | None, list[LoadError]]:
    """Return the file's text, or the reasons it cannot be read as a UTF-8 text file."""
    name = display_name or str(path)
    p = Path(path)
    try:
        if p.is_dir():
            return None, [LoadError(name, 1, "is a directory, not an instrument file")]
        if not p.exists():
            return None, [LoadError(name, 1, "file not found")]
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [LoadError(name, 1, f"file is too large ({size} bytes; the limit is {MAX_FILE_BYTES})")]
        raw = p.read_bytes()
    except OSError as exc:
        return None, [LoadError(name, 1, f"cannot read file: {exc.strerror or _one_line(exc)}")]
    return decode(raw, name)


def decode(raw: bytes, name: str) -> tuple[str | None, list[LoadError]]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [LoadError(name, line, "file is not valid UTF-8 text; save it with UTF-8 encoding")]
    return text, []


def parse(text: str, filename: str) -> ParsedSource:
    """Parse YAML text into data plus a SourceMap. Never raises for bad input: problems come back as errors."""
    if not text.strip():
        return ParsedSource(None, SourceMap(), [LoadError(filename, 1, "file is empty")])
    loader = None
    try:
        try:
            loader = _Loader(text)
            root = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            problem = exc.problem or "invalid YAML"
            if exc.context:
                problem = f"{exc.context}, {problem}"
            return ParsedSource(
                None, SourceMap(), [LoadError(filename, _mark_line(mark), f"YAML syntax error: {problem}")]
            )
        except yaml.reader.ReaderError as exc:
            line = text[: max(exc.position, 0)].count("\n") + 1
            return ParsedSource(
                None,
                SourceMap(),
                [
                    LoadError(
                        filename, line, "file contains a character that is not allowed in YAML (control character)"
                    )
                ],
            )
        except yaml.YAMLError as exc:
            return ParsedSource(None, SourceMap(), [LoadError(filename, 1, f"YAML error: {_one_line(exc)}")])
        except RecursionError:
            return ParsedSource(None, SourceMap(), [LoadError(filename, 1, "YAML is nested too deeply")])
        if root is None:
            return ParsedSource(None, SourceMap(), [LoadError(filename, 1, "file is empty")])
        builder = _Builder(filename, loader)
        try:
            data = builder.build(root, ())
        except _TooBig as exc:
            return ParsedSource(
                None,
                SourceMap(),
                [
                    LoadError(
                        filename,
                        _mark_line(exc.node.start_mark),
                        "file expands to too many values (check YAML aliases)",
                    )
                ],
            )
        except _TooDeep as exc:
            return ParsedSource(
                None,
                SourceMap(),
                [
                    LoadError(
                        filename, _mark_line(exc.node.start_mark), f"YAML is nested more than {MAX_DEPTH} levels deep"
                    )
                ],
            )
        return ParsedSource(data, builder.lines, builder.errors)
    finally:
        if loader is not None:
            loader.dispose()
