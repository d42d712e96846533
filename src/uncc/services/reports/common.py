"""What the Markdown and HTML renderings of an admissibility report share: the verdicts."""

from __future__ import annotations

from typing import Any


def custody_proven(report: dict[str, Any]) -> bool:
    """True when the checkpoint's signature holds and every event is proven included in it."""
    checkpoint = report["checkpoint"]
    return (checkpoint is None or bool(checkpoint["signature_valid"])) and all(
        e["included"] for e in report["custody"]
    )


def sender_proven(received: dict[str, Any]) -> bool:
    """True when the sender's chain is complete, recorded in our log and in its checkpoint."""
    return (
        received["complete"]
        and received["checkpoint"]["signature_valid"] is True
        and all(e["recorded"] and e["included"] for e in received["custody"])
    )


def order_words(order: dict[str, Any]) -> str:
    """An order in one phrase: id, power and offences (or that it is withheld)."""
    if order.get("withheld"):
        return "an order withheld from this reader (confidential: no need to know)"
    return f"order {order['id']} ({order['power']}), offences {', '.join(order['offences'])}"


def basis_words(report: dict[str, Any]) -> str:
    """The legal basis of the acquisition, here or at the State that sent the item."""
    received = report.get("received")
    if report["order"]:
        return order_words(report["order"])
    if received:
        where = f"received from {received['from']} (their item {received['sender_item']})"
        if received["order"]:
            return f"{where}, acquired there under {order_words(received['order'])}"
        return f"{where}; the sender stated no order"
    return "no order recorded"


def signature_words(valid: bool | None) -> str:
    """A signature check's outcome in words."""
    return {True: "valid", False: "INVALID", None: "not checked (key not in the directory)"}[valid]


def head_rows(head: Any) -> list[tuple[str, str]]:
    """The signed tree head's fields as (field, value) rows (its signed note is shown whole)."""
    if isinstance(head, dict):
        return [(str(k), str(v)) for k, v in head.items() if k != "note"]
    return []
