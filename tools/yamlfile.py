"""YAML with limits: a hostile or broken file is refused while it is composed, before it grows.

PyYAML's safe loader builds what a file describes. A few hundred bytes of anchors and aliases
can describe billions of values (an "alias bomb"), deep nesting exhausts Python's recursion,
and a repeated key silently overrides the first. :func:`load_bounded` composes the document
node by node and refuses:

* nesting deeper than :data:`MAX_DEPTH` levels;
* more than :data:`MAX_ALIASES` aliases, or a document whose aliases would expand it to more
  than :data:`MAX_EXPANDED_NODES` values (counted during composition, before anything expands);
* an alias that refers to the node it sits in (a cycle);
* a key used twice in one mapping (named with both lines; ``<<`` merge keys may be overridden).

Errors are :class:`yaml.MarkedYAMLError`, with the line and column of the offending node.
"""

from __future__ import annotations

import reprlib
from collections.abc import Hashable
from typing import Any

import yaml
from yaml.composer import ComposerError
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode, Node, ScalarNode

#: Deepest nesting of mappings and lists; a home file needs 6.
MAX_DEPTH = 32
#: Most aliases (``*name``) in one document.
MAX_ALIASES = 200
#: Most values (scalars, lists, mappings) the document may describe once aliases are expanded.
MAX_EXPANDED_NODES = 200_000
#: Longest integer [digits]; Python refuses to convert more than 4300.
MAX_INT_DIGITS = 100

_MERGE_TAG = "tag:yaml.org,2002:merge"
_SHORT = reprlib.Repr()
_SHORT.maxstring = 40
_SHORT.maxother = 40


class BoundedLoader(yaml.SafeLoader):
    """A safe loader that counts what it composes (see the module docstring)."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._expanded = 0
        self._weights: dict[int, int] = {}  # id(anchored node) -> values it expands to

    def _grow(self, count: int, node_mark: Any) -> None:
        self._expanded += count
        if self._expanded > MAX_EXPANDED_NODES:
            raise ComposerError(
                None, None,
                f"the aliases expand the document to more than {MAX_EXPANDED_NODES:,} values; "
                "write the values out instead",
                node_mark,
            )

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        event: Any = self.peek_event()
        mark: Any = event.start_mark
        if isinstance(event, yaml.AliasEvent):
            node = super().compose_node(parent, index)  # an undefined alias is refused there
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases (*name); write the values out",
                    mark,
                )
            weight = self._weights.get(id(node))
            if weight is None:
                raise ComposerError(
                    None, None, f"the alias *{_SHORT.repr(event.anchor)[1:-1]} refers to a value "
                    "that contains it", mark,
                )
            self._grow(weight, mark)
            return node
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise ComposerError(
                None, None, f"nested more than {MAX_DEPTH} levels deep", mark
            )
        before = self._expanded
        self._grow(1, mark)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth -= 1
        if getattr(event, "anchor", None) is not None:
            self._weights[id(node)] = self._expanded - before
        return node

    def construct_yaml_int(self, node: ScalarNode) -> int:
        text = str(node.value)
        if len(text) > MAX_INT_DIGITS:
            raise ConstructorError(
                None, None, f"a number with {len(text):,} digits; at most {MAX_INT_DIGITS} are read",
                node.start_mark,
            )
        return super().construct_yaml_int(node)

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, Any]:
        if isinstance(node, MappingNode):
            first_line: dict[Any, int] = {}
            for key_node, _ in node.value:
                if key_node.tag == _MERGE_TAG:
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    seen = key in first_line
                except TypeError:  # an unhashable key: the base class names it
                    continue
                if seen:
                    raise ConstructorError(
                        None, None,
                        f"the key {_SHORT.repr(key)} appears twice in one mapping (first on line "
                        f"{first_line[key]}); keep one",
                        key_node.start_mark,
                    )
                first_line[key] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


BoundedLoader.add_constructor("tag:yaml.org,2002:int", BoundedLoader.construct_yaml_int)


def load_bounded(text: str) -> Any:
    """Parse one YAML document with the limits of :class:`BoundedLoader`.

    Raises
    ------
    yaml.YAMLError
        Invalid YAML, or a limit exceeded (a :class:`yaml.MarkedYAMLError` with its position).
    """
    loader = BoundedLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()
