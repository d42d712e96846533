"""The plain-text report: summary first, then offences, jurisdiction, measures, facts."""

from __future__ import annotations

from typing import Any

from uncc.analysis.questions import grouped
from uncc.analysis.render.common import (
    MARK,
    WORD,
    aside_words,
    availability,
    counts,
    ground_label,
    measures_shown,
    route_words,
    state_line,
    who,
    without_jurisdiction,
)
from uncc.analysis.render.limits import (
    PROVISION,
    limitation_entries,
    states_without_period,
    summary_line,
)
from uncc.analysis.trace import Trace


def render_text(report: dict[str, Any], *, show_all: bool = False) -> str:
    """The report as plain text; ``show_all`` also lists offences not established."""
    lines: list[str] = []
    title = f" — {report['title']}" if report.get("title") else ""
    lines.append(f"Incident {report['incident']}{title}")
    if report.get("fictional"):
        lines.append("(fictional example)")
    profiles = ", ".join(f"{s} ({p['name']})" for s, p in report["profiles"].items())
    lines.append(f"States: {profiles or 'none named'}")
    if report.get("at"):
        lines.append(f"Limitation checked at {report['at']}")
    c = counts(report)
    lines += ["", "SUMMARY"]
    lines.append(
        f"  Offences (Convention baseline): {c['established']} established, "
        f"{c['undetermined']} undetermined, {c['not_established']} considered and not established"
    )
    for j in report["jurisdiction"]:
        grounds = [
            ground_label(g) for g in j["grounds"] if g["status"] == "established" and g["adopted"]
        ]
        consult = f"; consult {', '.join(j['consult'])} (art_40__para_5)" if j["consult"] else ""
        if j.get("consult_if_investigating"):
            consult += f"; consult {', '.join(j['consult_if_investigating'])} if they investigate"
        lines.append(
            f"  Jurisdiction {j['state']}: {WORD[j['status']]}"
            + (f" ({', '.join(grounds)})" if grounds else "")
            + consult
        )
    lines.append(f"  Questions to answer: {len(report['missing'])}{aside_words(report)}")
    limits = limitation_entries(report, show_all=show_all)
    if limits:
        lines.append(f"  Limitation (Art. 38): {summary_line(limits)}")
    lines += _offences_section(report, show_all)
    lines += _jurisdiction_section(report, show_all)
    lines += _measures_section(report, show_all)
    lines += _limitation_section(limits, report.get("at"), states_without_period(report))
    lines += _missing_section(report, show_all)
    return "\n".join(lines) + "\n"


def _offences_section(report: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    lines += ["", "OFFENCES"]
    shown = [o for o in report["offences"] if show_all or o["status"] != "not_established"]
    if not shown:
        lines.append("  none established or undetermined")
    for o in shown:
        lines.append(
            f"  {MARK[o['status']]} Art. {o['article']} {o['name']} — {who(o)} — {WORD[o['status']]}  [{o['provision']}]"
        )
        for e in o["elements"]:
            facts = "; ".join(f"{k} = {v}" for k, v in e["facts"].items())
            inferred = (
                f" (inferred from: {', '.join(e['inferred_from'])}; art_37__para_1)"
                if e.get("inferred_from")
                else ""
            )
            lines.append(
                f"      {MARK[e['status']]} {e['role']}: {e['gist']}  [{e['provision']}]  {facts}{inferred}"
            )
        for x in o["exclusions"]:
            lines.append(f"      {MARK[x['status']]} {x['gist']}  [{x['provision']}]")
        for a in o["aggravations"]:
            if a["status"] == "established":
                lines.append(
                    f"      + aggravating circumstance (if the State provides it): {a['gist']}  [{a['provision']}]"
                )
        if o["human_rights_review"]:
            lines.append("      ! restricts expression: review under Art. 5 before use  [art_5]")
        if o["missing"]:
            lines.append(f"      needs: {', '.join(o['missing'])}")
        differs = state_line(o)
        if differs:
            lines.append(f"      by State: {differs}")
            for s in o["states"]:
                for note in s["notes"]:
                    lines.append(f"        {s['state']}: {note}")
    return lines


def _jurisdiction_section(report: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    lines += ["", "JURISDICTION (Art. 40)"]
    for j in report["jurisdiction"]:
        lines.append(f"  {j['state']}: {WORD[j['status']]}")
        for g in j["grounds"]:
            kind = (
                "mandatory"
                if g["mandatory"]
                else (
                    "optional, established by the State"
                    if g["adopted"]
                    else "optional, not established by the State"
                )
            )
            acts = f" — acts {', '.join(g['acts'])}" if g["acts"] else ""
            lines.append(f"      {MARK[g['status']]} {ground_label(g)} ({kind})  [{g['id']}]{acts}")
        if j["consult"]:
            lines.append(
                f"      consult {', '.join(j['consult'])} on the same conduct  [art_40__para_5]"
            )
        if j.get("consult_if_investigating"):
            lines.append(
                f"      consult {', '.join(j['consult_if_investigating'])} if they investigate"
                "  [art_40__para_5]"
            )
    return lines


def _measures_section(report: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    lines += ["", "MEASURES (Arts. 41-50)"]
    if not measures_shown(report):
        lines.append("  none: no State with jurisdiction")
    for m in measures_shown(report):
        targets = ", ".join(t["id"] for t in m["targets"]) or "no target named"
        judge = "judge first" if m["judicial_authorisation"] else "supervision per State law"
        lines.append(
            f"  {m['state']} Art. {m['article']} {m['name']}: available {availability(m['available'])}; "
            f"{route_words(m['route'])}; {targets}; {judge}  [{m['provision']}]"
        )
    if without_jurisdiction(report):
        states = ", ".join(without_jurisdiction(report))
        lines.append(f"  {states}: no jurisdiction, so no power (art_41__para_1)")
    return lines


def _limitation_section(
    entries: list[dict[str, Any]], at: str | None, silent: list[str]
) -> list[str]:
    if not entries and not silent:
        return []
    checked = f", checked at {at}" if at else ""
    lines = ["", f"LIMITATION (Art. 38{checked})"]
    if silent:
        lines.append(
            f"  {', '.join(silent)}: the State's profile sets no limitation period, "
            f"so no deadline is known  [{PROVISION}]"
        )
    for e in entries:
        lines.append(
            f"  {e['state']} Art. {e['article']} {e['name']} — act {e['act']}: {e['words']}"
            f"  [{PROVISION}]"
        )
    return lines


def _missing_section(report: dict[str, Any], show_all: bool) -> list[str]:
    lines: list[str] = []
    if report["missing"]:
        lines += ["", "QUESTIONS (answer them to settle the undetermined results)"]
        for act, items in grouped(report["missing"]):
            lines.append(f"  About act {act}:" if act else "  About the case as a whole:")
            lines += [f"    - {m['question']}  [{m['path']}]" for m in items]
    aside = report.get("set_aside", [])
    if aside:
        lines.append(
            f"  ({len(aside)} question{'s' if len(aside) != 1 else ''} set aside: "
            "the answer could not change any result; see set_aside in the JSON report)"
        )
    return lines


def render_trace(node: Trace, depth: int = 0) -> str:
    """A trace tree as indented text, one node per line, with inputs and missing facts."""
    symbol = {"true": "✓", "false": "✗", "unknown": "?"}[node.outcome.value]
    pad = "  " * depth
    lines = [f"{pad}{symbol} {node.label}  [{node.provision}]"]
    for path, value in node.inputs:
        lines.append(f"{pad}    · {path} = {value}")
    if node.inferred:
        lines.append(f"{pad}    · inferred from: {', '.join(node.inferred)}  [art_37__para_1]")
    for note in node.notes:
        lines.append(f"{pad}    · note: {note}")
    if node.missing and not node.children:
        lines.append(f"{pad}    · missing: {', '.join(m.path for m in node.missing)}")
    text = "\n".join(lines)
    for child in node.children:
        text += "\n" + render_trace(child, depth + 1)
    return text
