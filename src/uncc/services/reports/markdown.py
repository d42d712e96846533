"""The admissibility report of an evidence item (Art. 49) as Markdown."""

from __future__ import annotations

from typing import Any

from uncc.services.reports.common import (
    basis_words,
    custody_proven,
    head_rows,
    sender_proven,
    signature_words,
)


def _cell(value: Any) -> str:
    """A value safe inside a Markdown table cell."""
    return str(value).replace("|", "\\|").replace("\n", " ")


def _order_lines(title: str, order: dict[str, Any]) -> list[str]:
    if order.get("withheld"):
        return [
            f"## {title}",
            "",
            "An order is recorded, but it is confidential and withheld from this reader"
            " (no need to know).",
            "",
        ]
    out = [
        f"## {title}",
        "",
        f"Order {order['id']}: {order['power']}, state {order['state']}, offences {', '.join(order['offences'])}.",
    ]
    out += [
        f"- {e['at']} {e['actor']}: {e['command']}" + (f" — {e['note']}" if e.get("note") else "")
        for e in order["history"]
    ]
    return [*out, ""]


def _received_lines(received: dict[str, Any]) -> list[str]:
    cp = received["checkpoint"]
    out = [
        f"## Custody at {received['from']} before the transfer",
        "",
        f"Received from {received['from']} as their item {received['sender_item']}"
        + (
            f" (message {received['message']}, reference {received['reference']})"
            if received["message"]
            else ""
        )
        + ".",
        f"Their signed checkpoint: {cp['size']} entries, root `{cp['root']}`, at {cp['at']}, key {cp['key_id']}: signature {signature_words(cp['signature_valid'])}.",
        f"Their chain: {'each event recorded in our log and proven included in their checkpoint' if sender_proven(received) else 'NOT fully proven (see the table)'}.",
        "",
        "| # | When | What | Who | Leaf hash | Recorded here | Included |",
        "|---|---|---|---|---|---|---|",
    ]
    out += [
        f"| {e['index']} | {e['at']} | {e['kind']} | {_cell(e['actor'])} | `{e['leaf_hash'][:16]}…` | {'yes' if e['recorded'] else 'NO'} | {'yes' if e['included'] else 'NO'} |"
        for e in received["custody"]
    ]
    if not received["custody"]:
        out.append("| — | | the transfer message is not held here | | | NO | NO |")
    out.append("")
    if received["order"]:
        out += _order_lines(f"Legal basis at {received['from']}", received["order"])
    return out


def admissibility_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    item, acq, order, cp = (
        report["item"],
        report["acquisition"],
        report["order"],
        report["checkpoint"],
    )
    out = [
        f"# Admissibility report — {item['id']} ({item['filename']})",
        "",
        f"Prepared by the node of {report['node']['state']} ({report['node']['name']}) under Art. 49 (`{report['provision']}`).",
        "",
        "## Summary",
        "",
        f"- Integrity: {'the file matches its SHA-256 at acquisition' if item['intact'] else 'THE FILE NO LONGER MATCHES ITS HASH'}.",
        f"- Chain of custody: {len(report['custody'])} events, {'each proven included in' if custody_proven(report) else 'NOT all proven in'} the node's signed log.",
        f"- Legal basis: {basis_words(report)}.",
        f"- Case: {report['case']['id']} — {_cell(report['case']['title'])}."
        if report["case"]
        else "- Case: none.",
        "",
        "## Item",
        "",
        "| Field | Value |",
        "|---|---|",
        f"| File | {_cell(item['filename'])} |",
        f"| Size | {item['size']} bytes |",
        f"| SHA-256 at acquisition | `{item['sha256']}` |",
        f"| SHA-256 now | `{item['sha256_now']}` |",
        f"| Sealed (Art. 46(3)(d)) | {'yes' if item['sealed'] else 'no'} |",
        "",
        "## Acquisition",
        "",
        f"Acquired by {acq['by']} at {acq['at']}"
        + (f" in {acq['place']}" if acq["place"] else "")
        + (f" from {acq['source']}" if acq["source"] else "")
        + ".",
        f"Tool: {acq['tool'] or 'not stated'} {acq['tool_version']}".rstrip() + ".",
        "",
    ]
    if order:
        out += _order_lines("Legal basis and authorisations", order)
    if report.get("received"):
        out += _received_lines(report["received"])
    out += [
        "## Chain of custody",
        "",
        "| # | When | What | Who | Leaf hash | Included |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| {e['seq']} | {e['at']} | {e['kind']}{': ' + _cell(e['note']) if e.get('note') else ''} | {_cell(e['actor'])} | `{e['leaf_hash'][:16]}…` | {'yes' if e['included'] else 'NO'} |"
        for e in report["custody"]
    ]
    if cp:
        out += [
            "",
            f"Signed checkpoint: {cp['size']} entries, root `{cp['root']}`, at {cp['at']}, key {cp['key_id']} (public key `{report['node']['public_key']}`): signature {'valid' if cp['signature_valid'] else 'INVALID'}.",
            "Each event's inclusion proof (RFC 9162 audit path) can be checked against that root with any RFC 9162 implementation.",
        ]
    head = report.get("head")
    if head is not None:
        out += ["", "## Signed tree head this report was made against", ""]
        text = head if isinstance(head, str) else head.get("note")
        if isinstance(head, dict):
            out += [f"- {name}: `{_cell(value)}`" for name, value in head_rows(head)]
        if text:
            out += ["", "```", str(text).rstrip("\n"), "```"]
    return "\n".join(out) + "\n"
