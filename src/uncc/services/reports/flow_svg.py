"""The proceeds flow as a picture: accounts as boxes, transfers as arrows, per model.

Columns go left to right as value moved: what entered the ledger, the accounts it
reached first, those it reached next, and what left the ledger. Each box gives the
account's balance and the proceeds in it under each model (poison marked as an upper
bound); each arrow the total moved, with the proceeds each model says it carried in its
tooltip. Amounts carry their currency at the currency's precision (:func:`amount`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, Decimal

from uncc.domain.proceeds_flow import Flow
from uncc.services.reports.pictures import serialise, svg_root, text

BOX_W = 200
GAP = 110
LINE = 16
MAX_ACCOUNTS = 40
MAX_LINKS = 80
"""Arrows drawn at most (the largest between the accounts drawn); every kept link is in the table."""
ENTRY = "into the ledger"
EXIT = "out of the ledger"
MINOR_UNITS = {"JPY": 0, "KRW": 0, "ISK": 0, "CLP": 0, "BHD": 3, "KWD": 3, "JOD": 3, "TND": 3}
"""ISO 4217 currencies whose minor unit is not the cent; other ISO codes use 2 decimals."""
FIAT = {"EUR", "USD", "GBP", "CHF", "CAD", "AUD", "CNY", "INR", "BRL", "RUB", "ZAR", "SEK", "NOK"}
"""Common ISO 4217 codes shown with 2 decimals; other codes (BTC, ETH, USDT…) up to 8."""
MODEL_NAMES = {
    "fifo": "FIFO",
    "lifo": "LIFO",
    "haircut": "haircut",
    "tiho": "TIHO",
    "poison": "poison (upper bound)",
}


def amount(value: Decimal, currency: str) -> str:
    """An amount with its currency at a sensible precision: ``1,234.50 EUR``, ``0.125 BTC``.

    Cents for common currencies (their own minor unit for JPY, KWD…); up to 8 decimals,
    trailing zeros dropped, for virtual currencies and unknown codes.
    """
    places = MINOR_UNITS.get(currency, 2 if currency in FIAT else 8)
    rounded = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_EVEN)
    shown = f"{rounded:,.{places}f}"
    if currency not in FIAT and currency not in MINOR_UNITS and "." in shown:
        shown = shown.rstrip("0").rstrip(".")
    return f"{shown} {currency}".strip()


def _columns(flow: Flow, shown: set[str]) -> dict[str, int]:
    """The column of each box: how many transfers from the ledger's entry first reached it."""
    depth = {ENTRY: 0}
    for edge in flow.edges:
        source = ENTRY if edge.source is None else edge.source
        if edge.target is None or edge.target not in shown:
            continue
        if source not in depth:
            depth[source] = 1
        depth.setdefault(edge.target, depth[source] + 1)
    for name in shown:
        depth.setdefault(name, 1)
    if any(edge.target is None for edge in flow.edges):
        depth[EXIT] = max(depth.values()) + 1
    return depth


def flow_svg(
    flow: Flow,
    *,
    ident: str,
    title: str,
    money: Callable[[Decimal, str], str] | None = None,
) -> str:
    """The flow as a self-contained SVG (no scripts), with its title and description.

    ``money`` writes an amount with its currency (default :func:`amount`).
    """
    write = money or amount
    currency = flow.currency

    def amount_of(value: Decimal) -> str:
        return write(value, currency)

    through: dict[str, Decimal] = {}
    for edge in flow.edges:  # the value that went through each account
        for end in (edge.source, edge.target):
            if end is not None:
                through[end] = through.get(end, Decimal(0)) + edge.amount
    ranked = sorted(  # the accounts with the most proceeds, or the most value through them
        flow.accounts,
        key=lambda a: -(max(flow.accounts[a].values(), default=Decimal(0)) + through.get(a, 0)),
    )
    shown = set(ranked[:MAX_ACCOUNTS])
    depth = _columns(flow, shown)
    rows: dict[int, int] = {}
    place: dict[str, tuple[int, int]] = {}
    box_h = LINE * (2 + len(flow.models)) + 8
    for name in sorted(depth, key=lambda n: (depth[n], n)):
        column = depth[name]
        place[name] = (10 + column * (BOX_W + GAP), 60 + rows.get(column, 0) * (box_h + 24))
        rows[column] = rows.get(column, 0) + 1
    width = 10 + (max(depth.values()) + 1) * (BOX_W + GAP)
    height = 60 + max(rows.values()) * (box_h + 24) + 30
    left_out = len(flow.accounts) - len(shown) + flow.accounts_left_out
    drawn = [
        e
        for e in flow.edges
        if (e.source is None or e.source in shown) and (e.target is None or e.target in shown)
    ][:MAX_LINKS]
    links_out = len(flow.edges) - len(drawn) + flow.links_left_out
    desc = (
        f"{len(flow.accounts) + flow.accounts_left_out} accounts and "
        f"{len(flow.edges) + flow.links_left_out} links between them; proceeds entered: "
        + "; ".join(f"{MODEL_NAMES[m]} {amount_of(flow.seeded[m])}" for m in flow.models)
        + (f"; {left_out} accounts with the least proceeds are not drawn" if left_out else "")
        + (f"; {links_out} smaller links are not drawn" if links_out else "")
        + "."
    )
    root = svg_root(width, height, ident, title, desc)
    defs = ET.SubElement(root, "defs")
    marker = ET.SubElement(
        defs,
        "marker",
        {
            "id": f"{ident}-arrow",
            "viewBox": "0 0 10 10",
            "refX": "10",
            "refY": "5",
            "markerWidth": "8",
            "markerHeight": "8",
            "orient": "auto-start-reverse",
        },
    )
    ET.SubElement(marker, "path", {"d": "M 0 0 L 10 5 L 0 10 z", "fill": "#333"})
    text(
        root,
        10,
        20,
        "Proceeds per account under each model; arrows: value moved",
        **{"font-weight": "bold"},
    )
    text(
        root,
        10,
        38,
        "(poison counts everything a tainted account sends: an upper bound only)",
        fill="#444",
    )
    for edge in drawn:
        source = ENTRY if edge.source is None else edge.source
        target = EXIT if edge.target is None else edge.target
        if source not in place or target not in place:
            continue
        (x1, y1), (x2, y2) = place[source], place[target]
        group = ET.SubElement(root, "g", {"class": "transfer"})
        carried = ", ".join(f"{MODEL_NAMES[m]} {amount_of(v)}" for m, v in edge.carried.items())
        ET.SubElement(group, "title").text = (
            f"{source} → {target}: {edge.count} transfer(s), {amount_of(edge.amount)}; "
            f"proceeds carried: {carried}"
        )
        ET.SubElement(
            group,
            "line",
            {
                "x1": str(x1 + BOX_W),
                "y1": str(y1 + box_h // 2),
                "x2": str(x2 - 2),
                "y2": str(y2 + box_h // 2),
                "stroke": "#333",
                "stroke-width": "1.5",
                "marker-end": f"url(#{ident}-arrow)",
            },
        )
        text(
            group,
            (x1 + BOX_W + x2) / 2,
            (y1 + y2 + box_h) / 2 - 4,
            amount_of(edge.amount),
            **{"text-anchor": "middle", "font-size": "11"},
        )
    for name, (x, y) in place.items():
        group = ET.SubElement(root, "g", {"class": "account", "data-account": name})
        outside = name in (ENTRY, EXIT)
        ET.SubElement(
            group,
            "rect",
            {
                "x": str(x),
                "y": str(y),
                "width": str(BOX_W),
                "height": str(box_h),
                "rx": "6",
                "fill": "#f2f2f2" if outside else "#fff4e5",
                "stroke": "#333",
                **({"stroke-dasharray": "5 3"} if outside else {}),
            },
        )
        text(
            group,
            x + 8,
            y + LINE,
            name if len(name) <= 26 else name[:25] + "…",
            **{"font-weight": "bold"},
        )
        if outside:
            total = flow.seeded if name == ENTRY else flow.exited
            for number, model in enumerate(flow.models):
                text(
                    group,
                    x + 8,
                    y + LINE * (2 + number),
                    f"{MODEL_NAMES[model]}: {amount_of(total[model])}",
                )
            continue
        held = flow.accounts[name]
        text(group, x + 8, y + LINE * 2, f"holds {amount_of(held['balance'])}")
        for number, model in enumerate(flow.models):
            text(
                group,
                x + 8,
                y + LINE * (3 + number),
                f"{MODEL_NAMES[model]}: {amount_of(held[model])}",
            )
    return serialise(root)
