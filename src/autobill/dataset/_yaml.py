"""A strict, fast safe YAML loader: libyaml's parser with a lean constructor that rejects repeats.

It is PyYAML's ``CSafeLoader`` (``SafeLoader`` without libyaml) changed in four ways:

- a repeated mapping key is recorded (with both lines) instead of silently keeping the last value;
- an impossible date (``2026-02-30``) is kept as its text, so the field holding it is reported
  rather than the whole file;
- an integer that YAML 1.1 reads surprisingly (``01234`` is octal, ``1_000`` is 1000) is marked as
  a :class:`LooseInt` so it is never mistaken for the text it was written as;
- plain maps, lists and scalars are built directly from the parsed nodes, and implicit tags are
  cached by text, which is what makes large datasets load quickly. Other tags (``!!set``, merge
  keys, ``!!binary``, unknown tags) go through PyYAML's own safe constructors.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from yaml.constructor import ConstructorError, SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from autobill.dataset.values import LooseInt

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader  # type: ignore[assignment]

if TYPE_CHECKING:
    from collections.abc import Callable, Hashable

    from yaml.nodes import Node

_PREFIX: Final = "tag:yaml.org,2002:"
_STR: Final = _PREFIX + "str"
_MAP: Final = _PREFIX + "map"
_SEQ: Final = _PREFIX + "seq"
_MERGE: Final = _PREFIX + "merge"
_DATE_LENGTH: Final = 10


class StrictLoader(_BaseLoader):
    """A safe YAML loader; ``repeats`` lists each repeated key as (line, key, first line)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.repeats: list[tuple[int, object, int]] = []
        self._tags: dict[str, str] = {}
        self._built: dict[int, object] = {}

    def resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        """Return a node's implicit tag, remembering it for each plain scalar's text."""
        if kind is ScalarNode and value is not None:
            if not implicit[0]:
                return _STR
            tag = self._tags.get(value)
            if tag is None:
                tag = self._tags[value] = self._resolve(kind, value, implicit)
            return tag
        return self._resolve(kind, value, implicit)

    def _resolve(self, kind: type[Node], value: str | None, implicit: tuple[bool, bool]) -> str:
        return str(super().resolve(kind, value, implicit))  # type: ignore[no-untyped-call]

    def construct_document(self, node: Node) -> object:
        """Build the document's data from its root node."""
        try:
            return self._build(node)
        finally:
            self._built = {}
            self.constructed_objects = {}
            self.recursive_objects = {}

    def construct_mapping(self, node: Node, deep: bool = False) -> dict[Hashable, object]:  # noqa: FBT001, FBT002, ARG002 - PyYAML's signature; always deep
        """Build a mapping with merge keys, recording keys the mapping itself repeats."""
        if not isinstance(node, MappingNode):
            raise ConstructorError(None, None, "expected a mapping", node.start_mark)
        own = [pair for pair in node.value if pair[0].tag != _MERGE]
        self.flatten_mapping(node)
        merged = node.value[: len(node.value) - len(own)]
        written: dict[Hashable, object] = {}
        self._fill(own, written, lambda item: self.construct_object(item, deep=True))
        mapping: dict[Hashable, object] = {}
        for key_node, value_node in merged:
            mapping[self._key(key_node)] = self.construct_object(value_node, deep=True)
        mapping.update(written)
        return mapping

    def _build(self, node: Node) -> object:
        tag = node.tag
        if isinstance(node, ScalarNode):
            if tag == _STR:
                return node.value
            scalar = _SCALARS.get(tag)
            if scalar is not None:
                return scalar(self, node)
        elif isinstance(node, MappingNode) and tag == _MAP:
            return self._mapping(node)
        elif isinstance(node, SequenceNode) and tag == _SEQ:
            return self._sequence(node)
        return self.construct_object(node, deep=True)

    def _mapping(self, node: MappingNode) -> object:
        built = self._built.get(id(node))
        if built is not None:
            return built
        if any(key_node.tag == _MERGE for key_node, _ in node.value):
            return self.construct_object(node, deep=True)
        mapping: dict[Hashable, object] = {}
        self._built[id(node)] = mapping
        self._fill(node.value, mapping, self._build)
        return mapping

    def _fill(
        self,
        pairs: list[tuple[Node, Node]],
        mapping: dict[Hashable, object],
        build: Callable[[Node], object],
    ) -> None:
        for key_node, value_node in pairs:
            key = self._key(key_node)
            if key in mapping:
                self._repeated(pairs, key_node, key)
            mapping[key] = build(value_node)

    def _key(self, node: Node) -> Hashable:
        key = self._build(node)
        try:
            hash(key)
        except TypeError:
            raise ConstructorError(None, None, "found an unhashable key", node.start_mark) from None
        return key

    def _repeated(self, pairs: list[tuple[Node, Node]], key_node: Node, key: Hashable) -> None:
        first = next(k for k, _ in pairs if k is not key_node and self._build(k) == key)
        self.repeats.append((key_node.start_mark.line + 1, key, first.start_mark.line + 1))

    def _sequence(self, node: SequenceNode) -> object:
        built = self._built.get(id(node))
        if built is not None:
            return built
        items: list[object] = []
        self._built[id(node)] = items
        items.extend(self._build(item) for item in node.value)
        return items


def _int(loader: StrictLoader, node: ScalarNode) -> int:
    text = str(node.value)
    if text.isdigit() and (text[0] != "0" or len(text) == 1):
        return int(text)
    value = SafeConstructor.construct_yaml_int(loader, node)
    return value if str(value) == text else LooseInt(value, text)


def _timestamp(loader: StrictLoader, node: ScalarNode) -> object:
    text = str(node.value)
    try:
        if len(text) == _DATE_LENGTH:
            return date.fromisoformat(text)
        return SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return text


def _bool(loader: StrictLoader, node: ScalarNode) -> object:
    return loader.bool_values[str(node.value).lower()]


def _null(_loader: StrictLoader, _node: ScalarNode) -> object:
    return None


def _float(loader: StrictLoader, node: ScalarNode) -> object:
    return SafeConstructor.construct_yaml_float(loader, node)


_SCALARS: Final[dict[str, Callable[[StrictLoader, ScalarNode], object]]] = {
    _PREFIX + "int": _int,
    _PREFIX + "timestamp": _timestamp,
    _PREFIX + "bool": _bool,
    _PREFIX + "null": _null,
    _PREFIX + "float": _float,
}
StrictLoader.add_constructor(_PREFIX + "int", _int)
StrictLoader.add_constructor(_PREFIX + "timestamp", _timestamp)
