"""Words and symbols the renderers share."""

from __future__ import annotations

from typing import Any

MARK = {"established": "✓", "not_established": "✗", "undetermined": "?"}
WORD = {
    "established": "established",
    "not_established": "not established",
    "undetermined": "undetermined",
}


def availability(value: bool | None) -> str:
    """``yes``, ``no`` or ``undetermined``."""
    return "undetermined" if value is None else ("yes" if value else "no")


def route_words(route: str | None) -> str:
    """A measure's route in words."""
    if route is None:
        return "place unknown"
    if route == "domestic":
        return "domestic"
    return f"request to {route.split(':', 1)[1]} (Art. 4(3))"


def measures_shown(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Measures of the States whose jurisdiction is established or undetermined."""
    without = {j["state"] for j in report["jurisdiction"] if j["status"] == "not_established"}
    return [m for m in report["measures"] if m["state"] not in without]


def without_jurisdiction(report: dict[str, Any]) -> list[str]:
    """The States with no jurisdiction on these facts (their powers are not available)."""
    return [j["state"] for j in report["jurisdiction"] if j["status"] == "not_established"]


def counts(report: dict[str, Any]) -> dict[str, int]:
    """How many offence findings have each status."""
    out = {"established": 0, "undetermined": 0, "not_established": 0}
    for offence in report["offences"]:
        out[offence["status"]] += 1
    return out


def who(offence: dict[str, Any]) -> str:
    """'a1 by p1 (perpetration)'."""
    basis = offence["basis"].replace("_", " ")
    role = (
        f", {offence['role']}"
        if offence.get("role") and offence["basis"] == "participation"
        else ""
    )
    return f"{offence['act']} by {offence['actor'] or 'unknown'} ({basis}{role})"


def state_line(offence: dict[str, Any]) -> str:
    """Per-State statuses where they differ from the baseline: 'DE undetermined; FR …'."""
    parts = [
        f"{s['state']} {WORD[s['status']]}"
        for s in offence["states"]
        if s["status"] != offence["status"] or s["notes"]
    ]
    return "; ".join(parts)


def aside_words(report: dict[str, Any]) -> str:
    """' (2 set aside)' when questions were set aside, else ''."""
    aside = len(report.get("set_aside", []))
    return f" ({aside} set aside)" if aside else ""


def ground_label(ground: dict[str, Any]) -> str:
    """A ground's label (reports stored before labels existed show the id in words)."""
    return str(ground.get("label") or ground["ground"].replace("_", " "))
