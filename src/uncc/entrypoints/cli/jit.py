"""``uncc jit …``: joint investigation teams (CETS 224 Art. 12) and their signed team log."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table

app = typer.Typer(
    help="Joint investigation teams (CETS 224 Art. 12): propose, accept, the signed team log.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

TeamArg = Annotated[str, typer.Argument(help="The team's id, e.g. XC-JIT-2026-0001.")]
CaseOpt = Annotated[
    str | None, typer.Option("--case", help="This State's own case for the team (kept here).")
]


def say(text: str) -> None:
    """Print plain text (no markup: names and texts come from users and other States)."""
    console.print(text, highlight=False, markup=False)


@app.command(
    "propose",
    epilog=epilog(
        Action.NETWORK_ANSWER,
        limits="the team is agreed once every member has signed; uses of items stay within the agreed ones.",
        example="uncc jit propose --name Harbour --purpose 'the ransomware group' --member XB --use prosecution --until 2027-06-30",
    ),
)
def propose_command(
    name: Annotated[str, typer.Option("--name", help="The team's name.")],
    purpose: Annotated[str, typer.Option("--purpose", help="What the team investigates.")],
    members: Annotated[
        list[str], typer.Option("--member", help="Another State of the team (repeatable).")
    ],
    uses: Annotated[
        list[str],
        typer.Option(
            "--use", help="An agreed use of exchanged items, e.g. prosecution (repeatable)."
        ),
    ],
    until: Annotated[str, typer.Option("--until", help="The last day of the team (YYYY-MM-DD).")],
    onward: Annotated[
        bool, typer.Option("--onward/--no-onward", help="May items go to States outside the team.")
    ] = False,
    case: CaseOpt = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Propose a team to other States: the agreement, signed by this State, goes to each."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.errors import UserInputError  # noqa: PLC0415
    from uncc.services import jit  # noqa: PLC0415

    try:
        ends = dt.date.fromisoformat(until)
    except ValueError:
        raise UserInputError(f"--until: {until[:40]!r} is not a date (YYYY-MM-DD)") from None
    team = jit.propose(
        context(),
        principal(),
        name=name,
        purpose=purpose,
        members=members,
        uses=uses,
        ends=ends,
        onward_transfer=onward,
        case_id=case,
    )
    if emit(team, output_format):
        return
    say(
        f"{team.id}: proposed to {', '.join(s for s in team.agreement.members if s != team.agreement.proposer)}"
    )


@app.command(
    "accept",
    epilog=epilog(
        Action.NETWORK_ANSWER, example="uncc jit accept XC-JIT-2026-0001 --case XA-C-2026-0001"
    ),
)
def accept_command(
    team_id: TeamArg,
    case: CaseOpt = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Sign a proposed team's agreement; every member is told."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import jit  # noqa: PLC0415

    team = jit.accept(context(), principal(), team_id, case)
    if emit(team, output_format):
        return
    say(f"{team.id}: {team.status} (signed by {', '.join(team.signed_by)})")


@app.command("list", epilog=epilog(Action.NETWORK_READ, example="uncc jit list --format json"))
def list_command(output_format: FormatOpt = Format.TEXT) -> None:
    """The teams this State proposed or was invited to."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import jit  # noqa: PLC0415

    teams = jit.list_teams(context(), principal())
    if emit(teams, output_format):
        return
    table = listing(
        "Name", "Members", "Signed", "Status", "Until", "Our case", "Team", ids=("Team",)
    )
    for team in teams:
        a = team.agreement
        table.add_row(
            a.name,
            ", ".join(a.members),
            ", ".join(team.signed_by),
            team.status,
            a.ends.isoformat(),
            team.case_id or "-",
            team.id,
        )
    print_table(table)


@app.command(
    "log", epilog=epilog(Action.NETWORK_READ, example="uncc jit log XC-JIT-2026-0001 --format json")
)
def log_command(
    team_id: TeamArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="The same as --format json.", hidden=True)
    ] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """The team's agreement and its log: who wrote what, when, with the uses allowed."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import jit  # noqa: PLC0415

    team, log = jit.team_log(context(), principal(), team_id)
    if as_json or output_format is Format.JSON:
        typer.echo(
            json.dumps(
                {
                    "agreement": team.agreement.model_dump(mode="json"),
                    "status": team.status,
                    "signed_by": list(team.signed_by),
                    "entries": [
                        {
                            "digest": e.digest,
                            "entry": e.entry.model_dump(mode="json"),
                            "signature": e.signature.model_dump(),
                        }
                        for e in log
                    ],
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    a = team.agreement
    say(f"{team.id} — {a.name} — {team.status} — {a.legal_basis}")
    say(f"  purpose: {a.purpose}")
    say(f"  members: {', '.join(a.members)}; signed by {', '.join(team.signed_by)}")
    say(
        f"  {a.starts} to {a.ends}; uses: {', '.join(a.uses)}; onward transfer: {'yes' if a.onward_transfer else 'no'}"
    )
    for e in log:
        x = e.entry
        extra = ""
        if x.item is not None:
            extra = f" [item {x.item.reference}, for {', '.join(x.item.uses)}]"
        if x.refers_to is not None:
            to = f", passed to {x.to_state}" if x.to_state else ""
            extra = f" [use of {x.refers_to[:12]} for {x.use}{to}]"
        say(
            f"  {x.at:%Y-%m-%d %H:%M} {x.author} #{x.seq} {x.kind}: {x.text}{extra}  ({e.digest[:12]})"
        )


@app.command(
    "add",
    epilog=epilog(
        Action.NETWORK_SEND,
        limits="an item's uses within the agreed ones; a use refers to an item's entry.",
        example="uncc jit add XC-JIT-2026-0001 --kind decision --text 'search on 3 May'",
    ),
)
def add_command(
    team_id: TeamArg,
    kind: Annotated[str, typer.Option("--kind", help="decision, item or use.")],
    text: Annotated[str, typer.Option("--text", help="What was decided, given or done.")],
    reference: Annotated[
        str | None, typer.Option("--item-ref", help="item: this State's reference for it.")
    ] = None,
    sha256: Annotated[str | None, typer.Option("--sha256", help="item: its SHA-256.")] = None,
    item_uses: Annotated[
        list[str] | None,
        typer.Option(
            "--item-use", help="item: a use allowed, within the agreed ones (repeatable)."
        ),
    ] = None,
    refers_to: Annotated[
        str | None, typer.Option("--refers-to", help="use: the digest of the item's entry.")
    ] = None,
    use: Annotated[
        str | None, typer.Option("--use", help="use: what the item is used for.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Write a signed entry to the team log; every member gets it."""
    from uncc.domain.jit import SharedItem  # noqa: PLC0415
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.errors import UserInputError  # noqa: PLC0415
    from uncc.services import jit  # noqa: PLC0415

    item = None
    if kind == "item":
        if not reference or not item_uses:
            raise UserInputError("--item-ref and at least one --item-use are needed for an item")
        try:
            item = SharedItem(reference=reference, sha256=sha256, uses=item_uses)
        except ValueError as exc:
            raise UserInputError(f"item: {str(exc).splitlines()[-1][:200]}") from None
    entry = jit.add_entry(
        context(),
        principal(),
        team_id,
        kind=kind,
        text=text,
        item=item,
        refers_to=refers_to,
        use=use,
    )
    if emit(entry, output_format):
        return
    say(f"{team_id}: entry #{entry.entry.seq} of {entry.entry.author} logged ({entry.digest})")


@app.command(
    "verify", epilog=epilog(Action.NETWORK_READ, example="uncc jit verify XC-JIT-2026-0001")
)
def verify_command(
    team_id: TeamArg,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Re-check the team as held: every signature, each author's chain, the use limits.

    Exit code 1 when something does not hold.
    """
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services.jit_verify import verify  # noqa: PLC0415

    result = verify(context(), principal(), team_id)
    if emit(result, output_format):
        if not result.ok:
            raise typer.Exit(1)
        return
    say(
        f"{team_id}: {'agreed' if result.agreed else 'NOT agreed by every member'}; "
        f"{result.signatures} signatures, {result.entries} entries"
        + (f"; {result.waiting} messages waiting for what they need" if result.waiting else "")
    )
    for problem in result.problems:
        say(f"  ✗ {problem}")
    if not result.ok:
        raise typer.Exit(1)
    say("  every signature and every author's chain hold; every use is within the agreed limits")
