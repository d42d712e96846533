"""Text and Markdown renderings of ``uncc convention compare`` (the JSON is the document)."""

from __future__ import annotations

from typing import Any

from uncc.convention.model import Relation
from uncc.convention.treaties import RELATION_WORDS


def _words(relation: str) -> str:
    return RELATION_WORDS[Relation(relation)]


def _summary(document: dict[str, Any]) -> str:
    counts = document["summary"]
    total = sum(counts.values())
    parts = [f"{counts[r.value]} {RELATION_WORDS[r]}" for r in Relation if counts[r.value]]
    return f"{total} article{'s' if total != 1 else ''}: " + ", ".join(parts)


def _counterparts(entry: dict[str, Any]) -> str:
    return "; ".join(f"Art. {c['number']} {c['title']}" for c in entry["counterparts"]) or "—"


def comparison_text(document: dict[str, Any]) -> str:
    """The comparison as plain text: one block per article, the note indented below."""
    treaty = document["treaty"]
    lines = [
        f"The proposal against {treaty['short']}: {treaty['name']} (adopted {treaty['adopted']})",
        _summary(document),
        "",
    ]
    for entry in document["articles"]:
        lines.append(
            f"Art. {entry['article']:>2} {entry['heading']}\n"
            f"        {_words(entry['relation'])} — {treaty['short']}: {_counterparts(entry)}"
        )
        if entry["note"]:
            lines.append(f"        {entry['note']}")
    if document.get("unmatched"):
        lines += ["", f"{treaty['short']} articles with no counterpart among the proposal's:"]
        lines += [f"  Art. {a['number']} {a['title']}" for a in document["unmatched"]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def comparison_markdown(document: dict[str, Any]) -> str:
    """The comparison as a Markdown table, the treaty's unmatched articles after it."""
    treaty = document["treaty"]
    lines = [
        f"# The proposal against {treaty['short']}",
        "",
        f"{treaty['name']}, adopted {treaty['adopted']}. {_summary(document)}.",
        "",
        f"| Art. | Proposal | Relation | {treaty['short']} | Difference |",
        "|---:|---|---|---|---|",
    ]
    for entry in document["articles"]:
        lines.append(
            f"| {entry['article']} | {_cell(entry['heading'])} | {_words(entry['relation'])} "
            f"| {_cell(_counterparts(entry))} | {_cell(entry['note'])} |"
        )
    if document.get("unmatched"):
        lines += ["", f"## {treaty['short']} articles with no counterpart in the proposal", ""]
        lines += [f"- Art. {a['number']} {a['title']}" for a in document["unmatched"]]
    return "\n".join(lines) + "\n"
