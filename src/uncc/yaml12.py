"""The one loader for the YAML and JSON a user writes: YAML 1.2 booleans, and bounded.

PyYAML follows YAML 1.1, where ``NO`` (Norway), ``yes``, ``on`` and ``off`` are
booleans. In facts and profiles that silently turns a State code into ``false``; this
loader reads only ``true`` and ``false`` as booleans.

It is also the node's defence against hostile documents (see ``docs/security.md``):
aliases (``*name``) are refused, so a few hundred bytes cannot expand into gigabytes
(the "billion laughs"); nesting deeper than :data:`MAX_DEPTH` and text longer than
:data:`MAX_BYTES` are refused before anything is built. Every refusal is a
:class:`UnsafeDocumentError` (a ``yaml.YAMLError``, so the callers that report bad
YAML report it too) whose message says what was refused and where.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    MappingStartEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

_BOOL = "tag:yaml.org,2002:bool"

MAX_DEPTH = 64
"""Deepest nesting of mappings and lists accepted (facts need fewer than ten)."""
MAX_BYTES = 2 * 1024 * 1024
"""Longest document accepted, in UTF-8 bytes (the same as the API's body limit)."""


class UnsafeDocumentError(yaml.MarkedYAMLError):
    """A document refused before it is built: an alias, too deep, or too long."""

    def __init__(self, problem: str, mark: Any = None) -> None:
        super().__init__(problem=problem, problem_mark=mark)

    def __str__(self) -> str:
        mark = self.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        return f"{where}{self.problem}"


class _Loader(yaml.SafeLoader):
    """A safe loader whose only booleans are ``true`` and ``false``, without aliases."""

    max_depth = MAX_DEPTH
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        """Compose one node, refusing aliases and nesting beyond ``max_depth``."""
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            raise UnsafeDocumentError(
                f"aliases (*{event.anchor}) are not accepted; write the value out",
                event.start_mark,
            )
        nests = isinstance(event, MappingStartEvent | SequenceStartEvent)
        if nests:
            self._depth += 1
            if self._depth > self.max_depth:
                raise UnsafeDocumentError(
                    f"nested deeper than {self.max_depth} levels", event.start_mark
                )
        try:
            return super().compose_node(parent, index)
        finally:
            if nests:
                self._depth -= 1


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_CSafeLoader: type[Any] | None = getattr(yaml, "CSafeLoader", None)
if _CSafeLoader is not None:

    class _CLoader(_CSafeLoader):  # type: ignore[misc,valid-type]
        """libyaml's safe loader with the YAML 1.2 booleans of :class:`_Loader`."""

    _CLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers


def _check_events(loader: Any, max_depth: int) -> None:
    """Walk the parser's event stream, refusing aliases and nesting beyond ``max_depth``."""
    depth = 0
    while True:
        try:
            event = loader.get_event()
        except yaml.MarkedYAMLError as exc:  # libyaml's own limit (1000) may come first
            if "maximum nesting depth" not in str(exc.problem):
                raise
            raise UnsafeDocumentError(
                f"nested deeper than {max_depth} levels", exc.problem_mark
            ) from None
        if isinstance(event, StreamEndEvent) or event is None:
            return
        if isinstance(event, AliasEvent):
            raise UnsafeDocumentError(
                f"aliases (*{event.anchor}) are not accepted; write the value out",
                event.start_mark,
            )
        if isinstance(event, MappingStartEvent | SequenceStartEvent):
            depth += 1
            if depth > max_depth:
                raise UnsafeDocumentError(
                    f"nested deeper than {max_depth} levels", event.start_mark
                )
        elif isinstance(event, CollectionEndEvent):
            depth -= 1


def _load_with_libyaml(text: str) -> Any:
    """Check the events with libyaml's parser, then build the document with its composer."""
    checker = _CLoader(text)
    try:
        _check_events(checker, MAX_DEPTH)
    finally:
        checker.dispose()
    loader = _CLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_yaml(text: str, *, max_bytes: int = MAX_BYTES) -> Any:
    r"""Parse YAML (or JSON) text, refusing aliases, deep nesting and oversized text.

    >>> load_yaml("state: NO\nok: true")
    {'state': 'NO', 'ok': True}
    >>> load_yaml("a: &x [1]\nb: *x")
    Traceback (most recent call last):
    ...
    uncc.yaml12.UnsafeDocumentError: line 2, column 4: aliases (*x) are not accepted; write the value out

    Raises:
        UnsafeDocumentError: an alias, nesting deeper than :data:`MAX_DEPTH`, or more
            than ``max_bytes``.
        yaml.YAMLError: the text is not YAML.
    """
    if len(text) > max_bytes or len(text.encode("utf-8", errors="replace")) > max_bytes:
        raise UnsafeDocumentError(f"longer than the limit of {max_bytes} bytes")
    if _CSafeLoader is not None:
        return _load_with_libyaml(text)
    loader = _Loader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def nesting_problem(value: Any, limit: int = MAX_DEPTH) -> str | None:
    """Why already-parsed data (e.g. a JSON body) nests too deep, or ``None``.

    >>> nesting_problem({"a": [1, {"b": 2}]}) is None
    True
    >>> nesting_problem([[[[]]]], limit=3)
    'nested deeper than 3 levels'
    """
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return f"nested deeper than {limit} levels"
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return None
