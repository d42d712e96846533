"""``uncc parties …``: State Party profiles, and what a State has not implemented yet."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from uncc.entrypoints.cli.inputs import read_profile
from uncc.entrypoints.cli.output import Format, FormatOpt, epilog

if TYPE_CHECKING:
    from uncc.convention.model import Article, Option
    from uncc.parties.profile import Profile

app = typer.Typer(
    help="State Party profiles: show one, and list its implementation gaps.", no_args_is_help=True
)
console = Console(soft_wrap=True)

ProfileArg = Annotated[str, typer.Argument(help="A profile file, or 'baseline' or 'strict'.")]


@app.command(
    "show",
    epilog=epilog(
        limits="no node and no role: it reads the profile given.",
        example="uncc parties show examples/profiles/xa-northland.yaml --format json",
    ),
)
def show(
    profile: ProfileArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.", hidden=True)
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Show a profile: its State, options and reservations, grounds and parameters."""
    loaded = read_profile(profile)
    if as_json or output_format is Format.JSON:
        typer.echo(json.dumps(loaded.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415 (not for --help)

    convention = load_convention()
    options: dict[str, tuple[Article, Option]] = {o.id: (a, o) for a, o in convention.options()}
    console.print(
        f"[bold]{loaded.name}[/bold] — State {loaded.state or '(any)'}"
        + (" — FICTIONAL" if loaded.fictional else ""),
        highlight=False,
    )
    if loaded.description:
        console.print(loaded.description, highlight=False)
    table = Table("Option", "Kind", "Provision", "What it does")
    for option_id in loaded.options:
        _, option = options[option_id]
        table.add_row(option_id, option.kind.value, option.at, option.gist)
    console.print(table)
    console.print(
        f"Optional grounds established: {', '.join(loaded.grounds) or 'none'}", highlight=False
    )
    console.print(
        f"Minor under: {loaded.minor_age}; serious offences (Art. 48): {', '.join(loaded.serious_offences) or 'none'}",
        highlight=False,
    )
    console.print(
        f"Judicial authorisation for: {', '.join(loaded.judicial_authorisation) or 'none stated'}",
        highlight=False,
    )
    console.print(_orders_table(loaded))
    ext = {None: "not stated", True: "yes", False: "no"}[loaded.extradites_nationals]
    console.print(
        f"Extradites its nationals: {ext}; limitation: {loaded.limitation.default or 'not stated'} years by default",
        highlight=False,
    )
    evasion = loaded.limitation.evasion
    effect = {
        None: "not stated",
        "suspends": "suspends the period",
        "extends": f"extends the period to {loaded.limitation.evasion_years} years",
        "none": "no effect on the period",
    }[evasion.value if evasion else None]
    console.print(f"Evasion of justice (Art. 38): {effect}", highlight=False)


def _orders_table(profile: Profile) -> Table:
    """What the node enforces on each power's orders under this profile.

    The provisions each limit comes from are in the table's caption.
    """
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415
    from uncc.domain.order_rules import law_of  # noqa: PLC0415
    from uncc.parties.catalogue import builtin_profile  # noqa: PLC0415

    law = law_of(load_convention(), profile, builtin_profile("baseline"))
    table = Table("Power", "Days", "Renewals", "Only for", "Own territory", "Judge", title="Orders")
    cited: dict[str, set[str]] = {}
    for power, rules in law.powers.items():
        days = "-" if rules.max_days is None else f"≤ {rules.max_days}"
        if rules.duration_required:
            days += " (required)"
        if not rules.renewable:
            renewals = "none"
        else:
            renewals = "any" if rules.max_renewals is None else f"≤ {rules.max_renewals}"
        for kind, at in (
            ("period", rules.duration_at),
            ("renewal", rules.renewal_at if rules.renewable else None),
            *(("offence list", x.at) for x in rules.offence_lists),
            ("territory", rules.territory_at if rules.territorial else None),
            ("judge", rules.judge_at if rules.judge else None),
        ):
            if at:
                cited.setdefault(kind, set()).add(at)
        table.add_row(
            power,
            days,
            renewals,
            ", ".join(f"{len(x.offences)} offences" for x in rules.offence_lists) or "-",
            "yes" if rules.territorial else "-",
            "yes" if rules.judge else "-",
        )
    table.caption = "; ".join(f"{k}: {', '.join(sorted(v))}" for k, v in cited.items())
    return table


@app.command(
    "gaps",
    epilog=epilog(
        limits="no node and no role: it reads the profile given.",
        example="uncc parties gaps examples/profiles/xb-southland.yaml",
    ),
)
def gaps_command(
    profile: ProfileArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.", hidden=True)
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """List the articles a State must implement that its profile does not show as implemented.

    Exit code 1 when there are gaps, 0 when there are none.
    """
    from uncc.convention.catalogue import load_convention  # noqa: PLC0415 (not for --help)
    from uncc.parties.gaps import gaps  # noqa: PLC0415

    loaded = read_profile(profile)
    found = gaps(loaded, load_convention())
    if as_json or output_format is Format.JSON:
        rows: list[dict[str, Any]] = [g.to_dict() for g in found]
        typer.echo(
            json.dumps(
                {"profile": loaded.name, "state": loaded.state, "gaps": rows},
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        table = Table(
            "Art.",
            "Heading",
            "Status",
            "Implementing provision",
            "Note",
            title=f"Implementation gaps — {loaded.name}",
        )
        for gap in found:
            table.add_row(
                str(gap.article), gap.heading, gap.status, gap.provision or "—", gap.note or ""
            )
        console.print(table)
        console.print(f"{len(found)} article(s) not fully implemented", highlight=False)
    if found:
        raise typer.Exit(1)
