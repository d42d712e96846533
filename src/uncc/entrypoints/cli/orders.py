"""``uncc order`` and ``uncc notices``: orders under the Convention's powers (Arts. 43-50)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from uncc.domain.orders import Command
from uncc.domain.policy import Action
from uncc.entrypoints.cli.desk import Draft, desk
from uncc.entrypoints.cli.documents import print_command
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.client import models as m

order_app = typer.Typer(
    help="Orders under the Convention's powers (Arts. 43-50).", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


TARGET_FIELDS = {"id": "id", "kind": "kind", "state": "location"}
"""The fields of ``--target`` (``id=…,kind=…,state=…``) and the target's attributes."""
TARGET_HELP = (
    "What the order is directed at, as id=ID,kind=KIND[,state=STATE] (e.g. "
    "id=logs,kind=data,state=XA; a frozen asset: id=XA-PR-2026-0001,kind=property); "
    "repeatable, one target each. Deprecated: the older ID:KIND:STATE (logs:data:XA) "
    "still works."
)


def parse_target(spec: str) -> m.Target:
    """One ``--target``: ``id=…,kind=…[,state=…]`` in any order, or the older ``ID:KIND:STATE``.

    Raises:
        UserInputError: a field that is not id, kind or state, one given twice, or no id
            or no kind; the message names the field and shows the form.
    """
    from uncc.client.models import Target  # noqa: PLC0415 - pydantic loads only when needed

    if "=" not in spec:
        parts = spec.split(":")
        if len(parts) != 3 or not all(parts[:2]):
            raise UserInputError(
                f"--target '{spec}': expected id=ID,kind=KIND[,state=STATE], "
                "e.g. id=logs,kind=data,state=XA"
            )
        return Target(id=parts[0], kind=parts[1], location=parts[2] or None)
    fields: dict[str, str] = {}
    for part in spec.split(","):
        name, equals, value = (piece.strip() for piece in part.partition("="))
        if not equals or name not in TARGET_FIELDS:
            raise UserInputError(
                f"--target '{spec}': '{part.strip()}' is not id=…, kind=… or state=…"
            )
        if TARGET_FIELDS[name] in fields:
            raise UserInputError(f"--target '{spec}': {name} is given twice")
        fields[TARGET_FIELDS[name]] = value
    missing = [name for name in ("id", "kind") if not fields.get(name)]
    if missing:
        raise UserInputError(
            f"--target '{spec}': no {' and no '.join(missing)} (e.g. id=logs,kind=data,state=XA)"
        )
    return Target(id=fields["id"], kind=fields["kind"], location=fields.get("location") or None)


_RULES = (
    "Each power's duration and renewals are the node's profile's order rules "
    "(uncc parties show STATE lists them), within the Convention's order terms."
)


@order_app.command(
    "draft",
    epilog=epilog(
        Action.ORDER_DRAFT,
        limits=_RULES,
        example="uncc order draft XA-C-2026-0001 --power preservation --offence illegal_access "
        "--target id=logs,kind=data,state=XA --grounds ... --scope ... --necessity ... --proportionality ... "
        "--days 90",
    ),
)
def order_draft(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    power: Annotated[
        str,
        typer.Option("--power", help="preservation, production_of_data, search, interception …"),
    ],
    offence: Annotated[
        list[str],
        typer.Option(
            "--offence", help="An offence of the case's analysis (legal basis); repeatable."
        ),
    ],
    target: Annotated[
        list[str],
        typer.Option("--target", help=TARGET_HELP),
    ],
    grounds: Annotated[str, typer.Option("--grounds", help="Why (Art. 42(2)).")],
    scope: Annotated[str, typer.Option("--scope", help="What exactly (Art. 42(2)).")],
    necessity: Annotated[str, typer.Option("--necessity", help="Why necessary (Art. 42(1)).")],
    proportionality: Annotated[
        str, typer.Option("--proportionality", help="Why proportionate (Art. 42(1)).")
    ],
    days: Annotated[
        int | None,
        typer.Option("--days", help="Duration in days (preservation: at most 90, Art. 43(2))."),
    ] = None,
    request: Annotated[
        str | None,
        typer.Option(
            "--request",
            help="The request received from another State that the order answers (its full "
            "id, uncc request list --direction in).",
        ),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Draft an order; the Convention's conditions are checked now, citing the provision."""
    draft = Draft(
        power,
        list(offence),
        [parse_target(t) for t in target],
        grounds,
        scope,
        necessity,
        proportionality,
        days,
        request,
    )
    order = desk().draft_order(case_id, draft)
    if not emit(order, output_format):
        show(order)


def show(order: m.Order) -> None:
    """An order in a few lines: state, authorisation, confidentiality, expiry."""
    judge = (
        "judge's authorisation required"
        if order.requires_authorisation
        else "no prior authorisation required"
    )
    _say(f"{order.id} {order.power} — {order.state} ({judge})")
    if order.confidential:
        _say(f"  confidential [{order.confidential}]")
    if order.expires_at:
        _say(f"  expires {order.expires_at:%Y-%m-%d %H:%M} UTC; renewals {order.renewals}")
    if order.request:
        _say(f"  in answer to request {order.request}")


def _command(command: Command) -> Callable[[str, str, Format], None]:
    def run(
        order_id: Annotated[str, typer.Argument(help="The order id.")],
        note: Annotated[
            str,
            typer.Option(
                "--reason",
                "--note",
                help="Reasons or remarks, kept in the order's history (required to refuse or revoke).",
            ),
        ] = "",
        output_format: FormatOpt = Format.TEXT,
    ) -> None:
        from uncc.domain.order_moves import REASON_REQUIRED  # noqa: PLC0415

        if command in REASON_REQUIRED and not note.strip():
            raise UserInputError(
                f"--reason: say why you {command.value} the order, e.g. "
                f"uncc order {command.value} {order_id} --reason '…'"
            )
        order = desk().move_order(order_id, command.value, note)
        if not emit(order, output_format):
            show(order)

    run.__doc__ = f"{command.value.capitalize()} an order."
    return run


_MOVE_LIMITS = {
    Command.ISSUE: "An order a judge must authorise is issued only once authorised.",
    Command.RENEW: "Only where the power's order terms allow a renewal; " + _RULES,
}


def _from_states(command: Command) -> str:
    """The states an order may be in for ``command``, read from the transition tables."""
    from uncc.domain.orders import TRANSITIONS  # noqa: PLC0415 - built from the Convention model

    states = {s.value for table in TRANSITIONS.values() for (s, c) in table if c is command}
    return f"An order in state {' or '.join(sorted(states))}."


def _register_moves() -> None:
    from uncc.domain.order_moves import COMMAND_ACTION, REASON_REQUIRED  # noqa: PLC0415

    for command in (
        Command.SUBMIT,
        Command.AUTHORISE,
        Command.REFUSE,
        Command.ISSUE,
        Command.RENEW,
        Command.EXECUTE,
        Command.REVOKE,
    ):
        help_end = epilog(
            COMMAND_ACTION[command],
            limits=" ".join(
                (
                    _from_states(command),
                    "It needs a reason (--reason)." if command in REASON_REQUIRED else "",
                    _MOVE_LIMITS.get(command, ""),
                )
            ).strip(),
            example=f"uncc order {command.value} XA-O-2026-0001 --reason 'why'",
        )
        order_app.command(command.value, epilog=help_end)(_command(command))


_register_moves()


@order_app.command(
    "list", epilog=epilog(Action.ORDER_READ, example="uncc order list --case XA-C-2026-0001")
)
def order_list(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
    request_id: Annotated[
        str | None,
        typer.Option("--request", help="Only the orders drafted for this received request."),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """List the orders you may see."""
    orders = desk().orders(case_id, request_id)
    if emit(orders, output_format):
        return
    table = listing("Order", "Case", "Power", "State", "Expires", ids=("Order", "Case"))
    for order in orders:
        table.add_row(
            order.id,
            order.case,
            order.power,
            order.state,
            f"{order.expires_at:%Y-%m-%d}" if order.expires_at else "",
        )
    print_table(table)


@order_app.command(
    "show", epilog=epilog(Action.ORDER_READ, example="uncc order show XA-O-2026-0001")
)
def order_show(
    order_id: Annotated[str, typer.Argument(help="The order id.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Show an order and its history."""
    order = desk().order(order_id)
    if emit(order, output_format):
        return
    show(order)
    targets = ", ".join(f"{t.id} ({t.kind}, {t.location})" for t in order.targets)
    _say(f"  basis: {', '.join(order.offences)}; targets: {targets}")
    for event in order.history:
        _say(
            f"  {event.at:%Y-%m-%d %H:%M} {event.actor}: {event.command} → {event.to} {event.note}"
        )


NOTICES_HELP_END = epilog(
    limits="anyone logged in: the notices addressed to them.", example="uncc notices --format json"
)


def notices_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Show the notices addressed to you (e.g. orders that expired)."""
    notices = desk().notices()
    if emit(notices, output_format):
        return
    for notice in notices:
        _say(f"{notice.at:%Y-%m-%d %H:%M}  {notice.text}")


print_command(
    order_app,
    "order",
    record="The order.",
    summary="The order to print and sign: legal basis, authorisation, deadlines, verification code.",
    action=Action.ORDER_READ,
    limits="a confidential order only with need to know; every print is recorded and audited.",
    example="uncc order print XA-O-2026-0001 -o order.pdf",
)
