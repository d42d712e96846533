"""Limitation (Art. 38) in words: each deadline, and which prosecutions are time-barred."""

from __future__ import annotations

from typing import Any

PROVISION = "art_38__para_1"


def limitation_entries(report: dict[str, Any], *, show_all: bool = False) -> list[dict[str, Any]]:
    """One entry per offence shown and State with jurisdiction, by State, in report order.

    Each entry has ``state``, ``article``, ``name``, ``act``, ``limitation`` (the JSON
    object) and ``words`` (the deadline in a sentence).
    """
    entries: list[dict[str, Any]] = []
    without = {j["state"] for j in report["jurisdiction"] if j["status"] == "not_established"}
    for offence in report["offences"]:
        if not show_all and offence["status"] == "not_established":
            continue
        for state in offence["states"]:
            limit = state.get("limitation")
            if limit is None or state["status"] == "not_established" or state["state"] in without:
                continue
            if limit["years"] is None:
                continue  # the State's profile sets no period: one line per State instead
            entries.append(
                {
                    "state": state["state"],
                    "article": offence["article"],
                    "name": offence["name"],
                    "act": offence["act"],
                    "limitation": limit,
                    "words": limitation_words(limit),
                }
            )
    return sorted(entries, key=lambda e: e["state"])


def states_without_period(report: dict[str, Any]) -> list[str]:
    """The States (with jurisdiction) whose profile sets no period for an offence shown."""
    without = {j["state"] for j in report["jurisdiction"] if j["status"] == "not_established"}
    found = {
        s["state"]
        for o in report["offences"]
        for s in o["states"]
        if s.get("limitation") and s["limitation"]["years"] is None and s["state"] not in without
    }
    return sorted(found)


def limitation_words(limit: dict[str, Any]) -> str:
    """'proceedings must begin by 2031-03-02 (5 years)', 'TIME-BARRED …' or what is missing."""
    years, deadline, expired = limit["years"], limit["deadline"], limit["expired"]
    if deadline is None:
        if limit.get("note"):
            return f"not time-barred, no deadline while it lasts: {limit['note']}"
        if years is None:
            return "deadline unknown: the State's profile sets no limitation period"
        return (
            f"deadline unknown ({years} years from the act): supply {', '.join(limit['missing'])}"
        )
    period = f"{years} years" if years is not None else "period per the State's law"
    extra = f"; {limit['note']}" if limit.get("note") else ""
    if expired is True:
        return f"TIME-BARRED: proceedings had to begin by {deadline} ({period}){extra}"
    if expired is False:
        return f"proceedings must begin by {deadline} ({period}){extra}"
    why = f": supply {', '.join(limit['missing'])}" if limit.get("missing") else ""
    return f"proceedings must begin by {deadline} ({period}){extra}; time bar undetermined{why}"


def time_barred(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The entries whose prosecution is time-barred."""
    return [e for e in entries if e["limitation"]["expired"] is True]


def summary_line(entries: list[dict[str, Any]]) -> str:
    """'2 deadlines; time-barred: XA Art. 6 (login)' for the summaries."""
    barred = time_barred(entries)
    known = sum(1 for e in entries if e["limitation"]["deadline"] is not None)
    text = f"{known} of {len(entries)} deadlines known"
    if barred:
        text += "; time-barred: " + ", ".join(
            f"{e['state']} Art. {e['article']} ({e['act']})" for e in barred
        )
    else:
        text += "; none time-barred"
    return text
