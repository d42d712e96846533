"""The Markdown report a prosecutor can read: summary first, then each finding."""

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
)
from uncc.analysis.render.limits import (
    PROVISION,
    limitation_entries,
    states_without_period,
    summary_line,
)


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: dict[str, Any], *, show_all: bool = False) -> str:
    """The report as Markdown."""
    out: list[str] = []
    title = report.get("title") or report["incident"]
    out.append(f"# Analysis: {title}")
    out.append("")
    meta = f"Incident `{report['incident']}`"
    if report.get("fictional"):
        meta += " (fictional example)"
    profiles = ", ".join(f"{s} ({p['name']})" for s, p in report["profiles"].items())
    out.append(f"{meta}. States: {profiles or 'none named'}.")
    if report.get("at"):
        out.append(f"Limitation checked at {report['at']}.")
    c = counts(report)
    out += ["", "## Summary", ""]
    out.append(
        f"- **Offences** (Convention baseline): {c['established']} established, {c['undetermined']} undetermined, {c['not_established']} considered and not established."
    )
    for j in report["jurisdiction"]:
        grounds = [
            ground_label(g) for g in j["grounds"] if g["status"] == "established" and g["adopted"]
        ]
        consult = (
            f"; must consult {', '.join(j['consult'])} (`art_40__para_5`)" if j["consult"] else ""
        )
        if j.get("consult_if_investigating"):
            consult += f"; consult {', '.join(j['consult_if_investigating'])} if they investigate"
        out.append(
            f"- **Jurisdiction {j['state']}**: {WORD[j['status']]}"
            + (f" on {', '.join(grounds)}" if grounds else "")
            + consult
            + "."
        )
    out.append(f"- **Questions to answer**: {len(report['missing'])}{aside_words(report)}.")
    limits = limitation_entries(report, show_all=show_all)
    if limits:
        out.append(f"- **Limitation** (Art. 38): {summary_line(limits)}.")
    out += _offences_section(report, show_all)
    out += _jurisdiction_section(report, show_all)
    out += _measures_section(report, show_all)
    out += _limitation_section(limits, report.get("at"), states_without_period(report))
    out += _missing_section(report, show_all)
    return "\n".join(out) + "\n"


def _offences_section(report: dict[str, Any], show_all: bool) -> list[str]:
    out: list[str] = []
    out += ["", "## Offences", ""]
    shown = [o for o in report["offences"] if show_all or o["status"] != "not_established"]
    if not shown:
        out.append("No offence is established or undetermined on these facts.")
    for o in shown:
        out.append(
            f"### {MARK[o['status']]} Art. {o['article']} — {o['name']}: {WORD[o['status']]}"
        )
        out.append("")
        out.append(f"Act {who(o)}; provision `{o['provision']}`.")
        out.append("")
        out.append("| | Element | Provision | Facts |")
        out.append("|---|---|---|---|")
        for e in o["elements"]:
            facts = "; ".join(f"`{k}` = {v}" for k, v in e["facts"].items())
            if e.get("inferred_from"):
                facts += f" (inferred from {', '.join(e['inferred_from'])}, `art_37__para_1`)"
            out.append(
                f"| {MARK[e['status']]} | {_cell(e['role'])}: {_cell(e['gist'])} | `{e['provision']}` | {_cell(facts)} |"
            )
        for x in o["exclusions"]:
            out.append(f"| {MARK[x['status']]} | {_cell(x['gist'])} | `{x['provision']}` | |")
        out.append("")
        for a in o["aggravations"]:
            if a["status"] == "established":
                out.append(
                    f"- Aggravating circumstance, where the State provides it: {a['gist']} (`{a['provision']}`)."
                )
        if o["human_rights_review"]:
            out.append("- Restricts expression: review under Art. 5 before use (`art_5`).")
        if o["missing"]:
            out.append(f"- Missing: {', '.join(f'`{m}`' for m in o['missing'])}.")
        differs = state_line(o)
        if differs:
            out.append(f"- By State: {differs}.")
            for s in o["states"]:
                for note in s["notes"]:
                    out.append(f"  - {s['state']}: {note}")
        out.append("")
    return out


def _jurisdiction_section(report: dict[str, Any], show_all: bool) -> list[str]:
    out: list[str] = []
    out += ["## Jurisdiction (Art. 40)", ""]
    out.append("| State | Ground | Provision | Kind | Status | Acts |")
    out.append("|---|---|---|---|---|---|")
    for j in report["jurisdiction"]:
        for g in j["grounds"]:
            kind = (
                "mandatory"
                if g["mandatory"]
                else ("optional, established" if g["adopted"] else "optional, not established")
            )
            out.append(
                f"| {j['state']} | {ground_label(g)} | `{g['id']}` | {kind} | {WORD[g['status']]} | {', '.join(g['acts'])} |"
            )
    return out


def _measures_section(report: dict[str, Any], show_all: bool) -> list[str]:
    out: list[str] = []
    out += ["", "## Measures (Arts. 41–50)", ""]
    if measures_shown(report):
        out.append("| State | Art. | Power | Available | Route | Targets | Authorisation |")
        out.append("|---|---|---|---|---|---|---|")
        for m in measures_shown(report):
            judge = "judge before use" if m["judicial_authorisation"] else "per State law"
            targets = ", ".join(t["id"] for t in m["targets"]) or "none named"
            out.append(
                f"| {m['state']} | {m['article']} | {_cell(m['name'])} | {availability(m['available'])} | {route_words(m['route'])} | {targets} | {judge} |"
            )
        out.append("")
        out.append(
            "Every measure is subject to the conditions and safeguards of Art. 42 (`art_42`): proportionality, necessity, legality, privacy, supervision, stated grounds, limits of scope and duration, and regard for third parties."
        )
    else:
        out.append("No State has jurisdiction on these facts, so no measure is listed.")
    return out


def _limitation_section(
    entries: list[dict[str, Any]], at: str | None, silent: list[str]
) -> list[str]:
    if not entries and not silent:
        return []
    checked = f" Checked at {at}." if at else ""
    out = ["", "## Limitation (Art. 38)", "", f"Provision `{PROVISION}`.{checked}", ""]
    if silent:
        out += [
            f"{', '.join(silent)}: the State's profile sets no limitation period, "
            "so no deadline is known.",
            "",
        ]
    if not entries:
        return out
    out.append("| State | Offence | Act | Deadline |")
    out.append("|---|---|---|---|")
    for e in entries:
        words = e["words"].replace("TIME-BARRED", "**time-barred**")
        out.append(
            f"| {e['state']} | Art. {e['article']} {_cell(e['name'])} | {e['act']} | {_cell(words)} |"
        )
    return out


def _missing_section(report: dict[str, Any], show_all: bool) -> list[str]:
    out: list[str] = []
    if report["missing"]:
        out += ["", "## Questions", "", "Answer them to settle the undetermined results."]
        for act, items in grouped(report["missing"]):
            out += ["", f"**About act `{act}`**" if act else "**About the case as a whole**", ""]
            out += [f"- {_cell(m['question'])} (`{m['path']}`)" for m in items]
    aside = report.get("set_aside", [])
    if aside:
        out += [
            "",
            f"{len(aside)} question{'s' if len(aside) != 1 else ''} set aside: the answer could "
            "not change any result (`set_aside` in the JSON report).",
        ]
    return out
