"""``uncc order`` and ``uncc notices``: orders under the Convention's powers (Arts. 43-50)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from uncc.domain.orders import Command
from uncc.entrypoints.cli.desk import Draft, desk
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from uncc.client import models as m

order_app = typer.Typer(
    help="Orders under the Convention's powers (Arts. 43-50).", no_args_is_help=True
)
console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def _target(spec: str) -> m.Target:
    from uncc.client.models import Target  # noqa: PLC0415 - pydantic loads only when needed

    parts = spec.split(":")
    if len(parts) != 3 or not all(parts[:2]):
        raise UserInputError(f"--target '{spec}': expected ID:KIND:STATE, e.g. logs:data:XA")
    return Target(id=parts[0], kind=parts[1], location=parts[2] or None)


@order_app.command("draft")
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
        typer.Option(
            "--target", help="ID:KIND:STATE of what the order is directed at; repeatable."
        ),
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
) -> None:
    """Draft an order; the Convention's conditions are checked now, citing the provision."""
    draft = Draft(
        power,
        list(offence),
        [_target(t) for t in target],
        grounds,
        scope,
        necessity,
        proportionality,
        days,
    )
    show(desk().draft_order(case_id, draft))


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


def _command(command: Command) -> Callable[[str, str], None]:
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
    ) -> None:
        from uncc.domain.order_moves import REASON_REQUIRED  # noqa: PLC0415

        if command in REASON_REQUIRED and not note.strip():
            raise UserInputError(
                f"--reason: say why you {command.value} the order, e.g. "
                f"uncc order {command.value} {order_id} --reason '…'"
            )
        show(desk().move_order(order_id, command.value, note))

    run.__doc__ = f"{command.value.capitalize()} an order."
    return run


for _cmd in (
    Command.SUBMIT,
    Command.AUTHORISE,
    Command.REFUSE,
    Command.ISSUE,
    Command.RENEW,
    Command.EXECUTE,
    Command.REVOKE,
):
    order_app.command(_cmd.value)(_command(_cmd))


@order_app.command("list")
def order_list(
    case_id: Annotated[str | None, typer.Option("--case", help="Only this case.")] = None,
) -> None:
    """List the orders you may see."""
    table = Table("Order", "Case", "Power", "State", "Expires")
    for order in desk().orders(case_id):
        table.add_row(
            order.id,
            order.case,
            order.power,
            order.state,
            f"{order.expires_at:%Y-%m-%d}" if order.expires_at else "",
        )
    console.print(table)


@order_app.command("show")
def order_show(order_id: str) -> None:
    """Show an order and its history."""
    order = desk().order(order_id)
    show(order)
    targets = ", ".join(f"{t.id} ({t.kind}, {t.location})" for t in order.targets)
    _say(f"  basis: {', '.join(order.offences)}; targets: {targets}")
    for event in order.history:
        _say(
            f"  {event.at:%Y-%m-%d %H:%M} {event.actor}: {event.command} → {event.to} {event.note}"
        )


def notices_command() -> None:
    """Show the notices addressed to you (e.g. orders that expired)."""
    for notice in desk().notices():
        _say(f"{notice.at:%Y-%m-%d %H:%M}  {notice.text}")
