"""``uncc protect``: protected witnesses, victims and cooperating offenders (Arts. 52-55)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.client.models import ProtectedPerson

console = Console(soft_wrap=True)

KINDS = ("witness", "victim", "cooperating_offender")
app = typer.Typer(
    help="Protected witnesses, victims and cooperating offenders (Arts. 52-55).",
    no_args_is_help=True,
)


@app.command(
    "add",
    epilog=epilog(
        Action.PROTECTED_ADD,
        limits="the name and whereabouts are encrypted at rest; others see a pseudonym.",
        example="uncc protect add XA-C-2026-0001 --kind witness --name 'A. Person' --measures 'address withheld'",
    ),
)
def protect_add(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    kind: Annotated[str, typer.Option("--kind", help="witness, victim or cooperating_offender.")],
    name: Annotated[str, typer.Option("--name", help="The person's name (encrypted at rest).")],
    whereabouts: Annotated[
        str, typer.Option("--whereabouts", help="Address or location (encrypted).")
    ] = "",
    views: Annotated[
        str, typer.Option("--views", help="The victim's views and concerns (Art. 53).")
    ] = "",
    claim: Annotated[
        list[str] | None,
        typer.Option("--claim", help="A claim for compensation, e.g. '18400 EUR loss' (Art. 54)."),
    ] = None,
    measures: Annotated[
        str,
        typer.Option(
            "--measures",
            help="Protection measures, or the mitigation or immunity decided (Art. 55).",
        ),
    ] = "",
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Record a protected person; others will see only a pseudonym."""
    from uncc.entrypoints.cli.desk import Person, desk  # noqa: PLC0415

    if kind not in KINDS:
        raise UserInputError(f"--kind: '{kind}' is not witness, victim or cooperating_offender")
    person = desk().add_protected(
        case_id, Person(kind, name, whereabouts, views, list(claim or []), measures)
    )
    if emit(person, output_format):
        return
    console.print(
        f"{person.id}: {person.pseudonym} ({person.kind}, {person.provision})",
        highlight=False,
        markup=False,
    )


def said(person: ProtectedPerson, indent: str) -> None:
    """The views (Art. 53), claims (Art. 54) and measures (Arts. 52, 55) recorded with a person."""
    lines = [f"views: {person.views}"] if person.views else []
    lines += [f"claim: {c.get('claim', '')}" for c in person.claims]
    lines += [f"measures: {person.measures}"] if person.measures else []
    for line in lines:
        console.print(indent + line, highlight=False, markup=False)


@app.command(
    "list",
    epilog=epilog(Action.PROTECTED_READ, example="uncc protect list XA-C-2026-0001 --format json"),
)
def protect_list(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """The protected persons of a case, by pseudonym, with their views, claims and measures."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    found = desk().protected(case_id)
    if emit(found, output_format):
        return
    for person in found:
        console.print(
            f"{person.id}  {person.pseudonym}  {person.kind} ({person.provision})",
            highlight=False,
            markup=False,
        )
        said(person, "  ")


@app.command(
    "disclose",
    epilog=epilog(
        Action.PROTECTED_DISCLOSE,
        limits="audited with the reason given.",
        example="uncc protect disclose XA-P-2026-0001 --reason 'trial: defence request'",
    ),
)
def protect_disclose(
    person_id: Annotated[str, typer.Argument(help="The protected person's id.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the identity is needed (audited).")
    ] = "",
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Disclose a protected identity (prosecutors and judges; audited with the reason)."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    if not reason.strip():
        raise UserInputError(
            f"--reason: say why the identity is needed, e.g. uncc protect disclose {person_id} --reason '…'"
        )
    identity = desk().disclose(person_id, reason)
    if emit(identity, output_format):
        return
    for key, value in identity.items():
        console.print(f"{key}: {value}", highlight=False, markup=False)
