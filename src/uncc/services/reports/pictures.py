"""Timelines as pictures: server-side SVG, no scripts, each with its title and description.

A timeline is a list of :class:`Moment` (a time, what kind of thing happened, a label
and, when there is one, the page it links to). :func:`timeline_svg` draws it top to
bottom — the time on the left, a dot coloured by kind on one line, the label on the
right — so that it reads on a phone as a list would; the same moments are given to
screen readers as a table beside the picture (the web's ``picture`` macro).

The SVG is built with :mod:`xml.etree.ElementTree`, which escapes every text and
attribute: labels come from users and from other States.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
ROW = 24
TOP = 58
WIDTH = 640
LABEL_CHARS = 64
MAX_DRAWN = 200
"""Moments drawn at most (the newest); the table beside the picture lists every one."""

COLOURS = {
    "act": "#b3261e",
    "case": "#3a3a3a",
    "order": "#1a5fb4",
    "evidence": "#26734d",
    "message": "#8a4b00",
    "custody": "#26734d",
    "seal": "#6b2fa3",
    "tag": "#8a4b00",
    "note": "#555555",
}
"""A colour per kind of moment (and a shape in the legend, so colour is not the only cue)."""

KIND_NAMES = {
    "act": "act (the facts)",
    "case": "the case",
    "order": "order",
    "evidence": "evidence taken in",
    "message": "message",
    "custody": "custody",
    "seal": "seal or release",
    "tag": "tag",
    "note": "annotation",
}


@dataclass(frozen=True)
class Moment:
    """Something that happened, for a timeline."""

    at: dt.datetime | None
    """When; None when the facts do not say (listed last, as 'date unknown')."""
    kind: str
    """A key of :data:`COLOURS`."""
    label: str
    href: str | None = None


def _aware(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def in_order(moments: Iterable[Moment]) -> list[Moment]:
    """The moments by time (stable), those without a date last."""
    listed = list(moments)
    dated = sorted((m for m in listed if m.at is not None), key=lambda m: _aware(m.at))  # type: ignore[arg-type]
    return dated + [m for m in listed if m.at is None]


def utc(moment: dt.datetime) -> str:
    """A time as ``2026-03-02 01:14 UTC`` (the default way a picture writes times)."""
    return _aware(moment).astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def svg_root(width: int, height: int, ident: str, title: str, desc: str) -> ET.Element:
    """An ``<svg>`` element with its ``<title>`` and ``<desc>``, labelled by both."""
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "width": str(width),
            "height": str(height),
            "viewBox": f"0 0 {width} {height}",
            "role": "img",
            "aria-labelledby": f"{ident}-title {ident}-desc",
            "font-family": "sans-serif",
            "font-size": "12",
            "id": ident,
        },
    )
    ET.SubElement(root, "title", {"id": f"{ident}-title"}).text = title
    ET.SubElement(root, "desc", {"id": f"{ident}-desc"}).text = desc
    return root


def text(parent: ET.Element, x: float, y: float, value: str, **attrs: str) -> ET.Element:
    """A ``<text>`` element at (x, y)."""
    node = ET.SubElement(parent, "text", {"x": f"{x:g}", "y": f"{y:g}", **attrs})
    node.text = value
    return node


def serialise(root: ET.Element) -> str:
    """The SVG as text, to inline in a page or to serve as ``image/svg+xml``."""
    return ET.tostring(root, encoding="unicode")


def describe(moments: Sequence[Moment], when: Callable[[dt.datetime], str]) -> str:
    """A one-paragraph description of a timeline: how many of each kind, from when to when."""
    if not moments:
        return "Nothing has happened yet."
    counts = Counter(m.kind for m in moments)
    parts = ", ".join(f"{n} {KIND_NAMES.get(k, k)}" for k, n in counts.items())
    dated = [m.at for m in moments if m.at is not None]
    span = f" from {when(dated[0])} to {when(dated[-1])}" if dated else ""
    unknown = sum(1 for m in moments if m.at is None)
    tail = f"; {unknown} without a date" if unknown else ""
    return f"{len(moments)} events{span}: {parts}{tail}."


def timeline_svg(
    moments: Sequence[Moment],
    *,
    ident: str,
    title: str,
    when: Callable[[dt.datetime], str] = utc,
) -> str:
    """The moments (already in order, see :func:`in_order`) as a vertical timeline in SVG.

    Past :data:`MAX_DRAWN` moments, the newest are drawn and the description says how
    many earlier ones are only in the table.
    """
    earlier = max(0, len(moments) - MAX_DRAWN)
    description = describe(moments, when) + (
        f" The {earlier} earliest are not drawn (see the table)." if earlier else ""
    )
    moments = moments[earlier:]
    kinds = list(dict.fromkeys(m.kind for m in moments))
    height = TOP + max(1, len(moments)) * ROW + 16
    root = svg_root(WIDTH, height, ident, title, description)
    if any(moment.href for moment in moments):  # links inside: a group, not one image (axe)
        root.set("role", "group")
    for number, kind in enumerate(kinds):  # the legend, one swatch per kind shown
        x = 10 + number * 124
        ET.SubElement(
            root,
            "rect",
            {"x": str(x), "y": "14", "width": "10", "height": "10", "fill": COLOURS[kind]},
        )
        text(root, x + 14, 23, KIND_NAMES.get(kind, kind), **{"font-size": "11"})
    line_x = 196
    if moments:
        ET.SubElement(
            root,
            "line",
            {
                "x1": str(line_x),
                "y1": str(TOP - 14),
                "x2": str(line_x),
                "y2": str(TOP + (len(moments) - 1) * ROW + 6),
                "stroke": "#999",
                "stroke-width": "2",
            },
        )
    else:
        text(root, 10, TOP, "Nothing has happened yet.")
    for number, moment in enumerate(moments):
        y = TOP + number * ROW
        group = ET.SubElement(root, "g", {"class": f"moment kind-{moment.kind}"})
        ET.SubElement(group, "title").text = moment.label
        text(group, 10, y + 4, when(moment.at) if moment.at else "date unknown", fill="#333")
        ET.SubElement(
            group,
            "circle",
            {"cx": str(line_x), "cy": str(y), "r": "6", "fill": COLOURS[moment.kind]},
        )
        target: ET.Element = group
        if moment.href:
            target = ET.SubElement(group, "a", {"href": moment.href})
        text(target, line_x + 14, y + 4, _short(moment.label))
    return serialise(root)
