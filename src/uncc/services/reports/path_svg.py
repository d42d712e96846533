"""The path of an Art. 44 trace as a picture: a server-side SVG, no scripts.

From our State on the left, each station is one hop the traffic data disclosed (its
provider, State, address and time), or a request still awaiting its disclosure; the
arrows point back towards the source. Under each hop: who disclosed it, on which request.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace

from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.services.path_trace import CasePath

_ENV = Environment(
    loader=PackageLoader("uncc.services.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
WIDTH = 210
GAP = 50
HEIGHT = 104


@dataclass(frozen=True)
class Station:
    """One box of the picture."""

    state: str
    title: str
    lines: tuple[str, ...]
    note: str
    kind: str
    """'origin' (our case), 'hop' (disclosed), 'asked' (a hop a request follows),
    'pending' (asked, nothing disclosed yet) or 'next' (a hop not yet asked about)."""
    colour: str


def colour(state: str) -> str:
    """A stable, light colour per State, so its hops are recognisable along the path."""
    hue = int(hashlib.sha256(state.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue}, 60%, 88%)"


def stations(path: CasePath) -> list[Station]:
    """The boxes, left to right: our case, then each hop back towards the source."""
    out = [
        Station(
            path.state,
            "our case",
            (f"case {path.case_id}",),
            "",
            "origin",
            colour(path.state),
        )
    ]
    last: tuple[str, str | None, str | None] | None = None
    for leg in path.legs:
        if not leg.hops:
            shown = out[-1].kind == "hop" and leg.follows is not None
            if shown:  # the hop is on the picture already: the request asks about it
                out[-1] = replace(out[-1], note=f"asked {leg.state}: {leg.status}", kind="asked")
            out.append(
                Station(
                    leg.state if not shown else "?",
                    "earlier hop" if shown else leg.custodian[:32] or leg.state,
                    (f"asked {leg.sent_at:%Y-%m-%d %H:%M}Z", f"request {leg.reference[:28]}"),
                    f"awaiting {leg.state}'s disclosure",
                    "pending",
                    colour(leg.state) if not shown else "#ffffff",
                )
            )
            last = None
            continue
        for hop in leg.hops:
            key = (hop.provider, hop.state, hop.address)
            if key == last:
                continue
            last = key
            lines = [hop.address or "address not disclosed"]
            lines.append(f"{hop.at:%Y-%m-%d %H:%M:%S}Z" if hop.at else "time not disclosed")
            out.append(
                Station(
                    hop.state or "?",
                    hop.provider[:32],
                    tuple(line[:34] for line in lines),
                    f"disclosed by {leg.state} ({leg.status})",
                    "hop",
                    colour(hop.state or "?"),
                )
            )
    if path.next_hop is not None and out[-1].kind == "hop":
        out[-1] = replace(out[-1], note=out[-1].note + "; not yet asked", kind="next")
    return out


def path_svg(path: CasePath) -> str:
    """The path as a self-contained SVG document."""
    boxes = stations(path)
    pending = [f"{leg.state}: {leg.reference} ({leg.status})" for leg in path.pending]
    return _ENV.get_template("path.svg.j2").render(
        path=path,
        boxes=boxes,
        pending=pending,
        width=WIDTH,
        gap=GAP,
        height=HEIGHT,
        total=len(boxes) * (WIDTH + GAP) + 20,
    )
