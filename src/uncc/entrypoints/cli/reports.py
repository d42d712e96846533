"""The admissibility report of an evidence item (Art. 49), as Markdown or printable HTML."""

from __future__ import annotations

import html
from typing import Any


def admissibility_markdown(report: dict[str, Any]) -> str:
    """The report as Markdown."""
    item, acq, order, cp = (
        report["item"],
        report["acquisition"],
        report["order"],
        report["checkpoint"],
    )
    ok = (
        item["intact"]
        and (cp is None or cp["signature_valid"])
        and all(e["included"] for e in report["custody"])
    )
    out = [
        f"# Admissibility report — {item['id']} ({item['filename']})",
        "",
        f"Prepared by the node of {report['node']['state']} ({report['node']['name']}) under Art. 49 (`{report['provision']}`).",
        "",
        "## Summary",
        "",
        f"- Integrity: {'the file matches its SHA-256 at acquisition' if item['intact'] else 'THE FILE NO LONGER MATCHES ITS HASH'}.",
        f"- Chain of custody: {len(report['custody'])} events, {'each proven included in' if ok else 'NOT all proven in'} the node's signed log.",
        f"- Legal basis: {'order ' + order['id'] + ' (' + order['power'] + '), offences ' + ', '.join(order['offences']) if order else 'no order recorded'}.",
        f"- Case: {report['case']['id']} — {report['case']['title']}."
        if report["case"]
        else "- Case: none.",
        "",
        "## Item",
        "",
        "| Field | Value |",
        "|---|---|",
        f"| File | {item['filename']} |",
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
        out += [
            "## Legal basis and authorisations",
            "",
            f"Order {order['id']}: {order['power']}, state {order['state']}, offences {', '.join(order['offences'])}.",
        ]
        out += [
            f"- {e['at']} {e['actor']}: {e['command']}" + (f" — {e['note']}" if e["note"] else "")
            for e in order["history"]
        ]
        out.append("")
    out += [
        "## Chain of custody",
        "",
        "| # | When | What | Who | Leaf hash | Included |",
        "|---|---|---|---|---|---|",
    ]
    out += [
        f"| {e['seq']} | {e['at']} | {e['kind']} | {e['actor']} | `{e['leaf_hash'][:16]}…` | {'yes' if e['included'] else 'NO'} |"
        for e in report["custody"]
    ]
    if cp:
        out += [
            "",
            f"Signed checkpoint: {cp['size']} entries, root `{cp['root']}`, at {cp['at']}, key {cp['key_id']} (public key `{report['node']['public_key']}`): signature {'valid' if cp['signature_valid'] else 'INVALID'}.",
            "Each event's inclusion proof (RFC 9162 audit path) can be checked against that root with any RFC 9162 implementation.",
        ]
    return "\n".join(out) + "\n"


def admissibility_html(report: dict[str, Any]) -> str:
    """The report as a printable HTML page (the Markdown, escaped, in a styled page)."""
    body = html.escape(admissibility_markdown(report))
    title = html.escape(f"Admissibility report — {report['item']['id']}")
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>' + title + "</title>"
        "<style>body{font:14px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto}"
        "pre{white-space:pre-wrap}@media print{body{margin:0}}</style></head>"
        "<body><main><pre>" + body + "</pre></main></body></html>\n"
    )
