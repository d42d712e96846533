"""The trace node of an element decided by one fact read."""

from __future__ import annotations

from uncc.analysis.trace import Trace, leaf
from uncc.analysis.world import Read
from uncc.convention.model import Element


def element_node(element: Element, read: Read, label: str = "") -> Trace:
    """The element's leaf, decided by ``read``."""
    return leaf(
        "element",
        label or element.gist,
        element.at,
        read.truth,
        inputs=[(read.path, read.shown)],
        missing=read.missing,
        inferred=read.inferred,
        key=element.id,
    )
