"""``uncc analyze`` and ``uncc explain``: from incident facts to a cited legal analysis."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from uncc.entrypoints.cli.inputs import parse_date, read_incident, read_profile
from uncc.entrypoints.cli.output import Format, FormatOpt, epilog
from uncc.entrypoints.cli.store import write_text_atomically
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.analysis.engine import Analysis
    from uncc.analysis.findings import OffenceFinding
    from uncc.parties.profile import Profile


class ReportFormat(StrEnum):
    """Output formats of ``uncc analyze``."""

    TEXT = "text"
    JSON = "json"
    MD = "md"
    HTML = "html"


_STATE = re.compile(r"^[A-Z]{2}$")

FactsArg = Annotated[Path, typer.Argument(help="Incident facts, YAML or JSON (uncc: incident/1).")]
PartyOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--party",
        "-p",
        help="Report on this State (ISO code); repeat for more. Default: every State the facts name.",
    ),
]
ProfileOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--profile",
        help="A profile file (applies to its State), or 'baseline'/'strict' for every State without one. Repeatable.",
    ),
]
AtOpt = Annotated[
    str | None,
    typer.Option(
        "--at", help="Check limitation deadlines at this date (YYYY-MM-DD). Default: today."
    ),
]


ANALYZE_HELP_END = epilog(
    limits="no node and no role: it reads the files given; an unknown fact is reported as "
    "unknown, never as false.",
    example="uncc analyze examples/incidents/ransomware-hospital.yaml "
    "--profile examples/profiles/xa-northland.yaml --format md -o report.md",
)
EXPLAIN_HELP_END = epilog(
    limits="no node and no role: it reads the files given.",
    example="uncc explain examples/incidents/ransomware-hospital.yaml 7 --party XA",
)


def _profiles(specs: list[str] | None) -> tuple[dict[str, Profile], Profile | None]:
    by_state: dict[str, Profile] = {}
    default: Profile | None = None
    for spec in specs or []:
        profile = read_profile(spec)
        if profile.state is None:
            default = profile
        elif profile.state in by_state:
            raise UserInputError(f"--profile {spec}: a second profile for {profile.state}")
        else:
            by_state[profile.state] = profile
    return by_state, default


def _parties(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    for value in values:
        if not _STATE.match(value):
            raise UserInputError(
                f"--party: '{value}' is not a State code (two capital letters, e.g. DE)"
            )
    return list(dict.fromkeys(values))


def run_analysis(
    facts: Path, party: list[str] | None, profile: list[str] | None, at: str | None
) -> Analysis:
    """Read the inputs and analyse; shared by ``analyze`` and ``explain``."""
    from uncc.analysis.engine import analyze  # noqa: PLC0415 - loaded only for analysis commands
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415
    from uncc.parties.catalogue import builtin_profile  # noqa: PLC0415

    incident = read_incident(facts)
    by_state, default = _profiles(profile)
    return analyze(
        incident,
        load_convention(),
        builtin_profile("baseline"),
        profiles=by_state,
        default=default,
        parties=_parties(party),
        at=parse_date(at),
    )


def analyze_command(
    facts: FactsArg,
    party: PartyOpt = None,
    profile: ProfileOpt = None,
    output_format: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.TEXT,
    at: AtOpt = None,
    show_all: Annotated[
        bool, typer.Option("--all", help="Also list offences considered and not established.")
    ] = False,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write the report to this file instead of the terminal."
        ),
    ] = None,
) -> None:
    """Analyse an incident: offences element by element, jurisdiction, measures, missing facts."""
    from uncc.analysis.report import to_dict  # noqa: PLC0415
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415

    result = run_analysis(facts, party, profile, at)
    report = to_dict(result, load_convention())
    if output_format is ReportFormat.JSON:
        text = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    elif output_format is ReportFormat.MD:
        from uncc.analysis.render.markdown import render_markdown  # noqa: PLC0415

        text = render_markdown(report, show_all=show_all)
    elif output_format is ReportFormat.HTML:
        from uncc.analysis.render.html import render_html  # noqa: PLC0415 - Jinja only for HTML

        text = render_html(report, show_all=show_all)
    else:
        from uncc.analysis.render.text import render_text  # noqa: PLC0415

        text = render_text(report, show_all=show_all)
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_text_atomically(output, text)
        typer.echo(f"wrote {output}", err=True)


def explain_command(
    facts: FactsArg,
    article: Annotated[
        str,
        typer.Argument(
            help="The offence's article (e.g. 6, art_33) or offence id (e.g. computer_fraud)."
        ),
    ],
    party: PartyOpt = None,
    profile: ProfileOpt = None,
    act: Annotated[str | None, typer.Option("--act", help="Only this act.")] = None,
    at: AtOpt = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.", hidden=True)
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Explain one offence: the whole trace for each act, under the baseline and each State."""
    from uncc.analysis.render.text import render_trace  # noqa: PLC0415
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415

    convention = load_convention()
    offence_ids = {o.id for _, o in convention.offences()}
    if article in offence_ids:
        wanted = {article}
    else:
        number = convention.resolve(article).number
        wanted = {o.id for o in convention.article(number).offences}
        if not wanted:
            raise UserInputError(
                f"Article {number} defines no offence (offences are in Arts. 6-34)"
            )
    result = run_analysis(facts, party, profile, at)
    incident_acts = {a.id for a in result.incident.acts}
    if act is not None and act not in incident_acts:
        raise UserInputError(
            f"--act: '{act}' is not an act of the incident (acts: {', '.join(sorted(incident_acts))})"
        )

    def pick(findings: tuple[OffenceFinding, ...]) -> list[OffenceFinding]:
        return [f for f in findings if f.offence in wanted and (act is None or f.act == act)]

    sections: list[tuple[str, list[OffenceFinding]]] = [
        ("Convention baseline", pick(result.baseline))
    ]
    sections += [(f"{s.state} ({s.profile.name})", pick(s.findings)) for s in result.states]
    if as_json or output_format is Format.JSON:
        document = {
            title: [
                {"act": f.act, "actor": f.actor, "basis": f.basis.value, "trace": f.trace.to_dict()}
                for f in found
            ]
            for title, found in sections
        }
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    if not any(found for _, found in sections):
        typer.echo(
            "No act of the incident has a conduct this offence covers (use --all with analyze to see every offence)."
        )
        return
    for title, found in sections:
        typer.echo(f"== {title} ==")
        for finding in found:
            typer.echo(
                f"-- act {finding.act}, actor {finding.actor or 'unknown'}, {finding.basis.value}: {finding.status.value}"
            )
            typer.echo(render_trace(finding.trace))
        typer.echo("")
