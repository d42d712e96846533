"""One order's pages: the order with the moves possible now, and the confirmation of a move.

The buttons come from :func:`uncc.services.orders.moves_of` (the state machine, the role
policy and the law): a move that cannot be made now is listed with the reason, never
offered. A move that ends the order (refuse, revoke, execute) is confirmed on its own
page first, where refuse and revoke ask for their reason; the service refuses them
without one, whatever the page shows.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain.orders import Command
from uncc.entrypoints.web.forms import text_of as _text
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import order_links, orders
from uncc.services.context import Principal


def _command(command: str) -> Command:
    try:
        chosen = Command(command)
    except ValueError:
        raise UserInputError(f"'{command}' is not a move of an order") from None
    return chosen


def install(app: FastAPI, pages: Pages) -> None:
    """Add the order page, the confirmation pages and the moves."""
    ctx = pages.ctx

    @app.get("/orders/{order_id}", include_in_schema=False)
    @page(pages)
    def order_page(request: Request, who: Principal, order_id: str) -> Response:
        order = orders.get_order(ctx, who, order_id)
        return pages.render(
            request,
            "order.html",
            who,
            title=f"Order {order.id}",
            order=order,
            answers=order_links.answered_request(ctx, who, order),
            moves=orders.moves_of(ctx, who, order),
            rules=orders.node_law(pages.node()).of(order.power),
        )

    @app.get("/orders/{order_id}/confirm/{command}", include_in_schema=False)
    @page(pages)
    def confirm_page(request: Request, who: Principal, order_id: str, command: str) -> Response:
        chosen = _command(command)
        order = orders.get_order(ctx, who, order_id)
        found = next((m for m in orders.moves_of(ctx, who, order) if m.command is chosen), None)
        return pages.render(
            request,
            "order_confirm.html",
            who,
            title=f"{chosen.value.capitalize()} order {order.id}?",
            order=order,
            move=found,
            command=chosen,
            errors={},
            reason="",
        )

    @app.post("/orders/{order_id}/{command}", include_in_schema=False)
    @page(pages, form=True)
    def move(
        request: Request, who: Principal, data: FormData, order_id: str, command: str
    ) -> Response:
        chosen = _command(command)
        reason = _text(data, "reason") or _text(data, "note")
        try:
            order = orders.order_command(ctx, who, order_id, chosen, reason)
        except UserInputError as exc:  # a decision without its reason: asked again
            if not str(exc).startswith("reason:"):
                raise
            order = orders.get_order(ctx, who, order_id)
            found = next((m for m in orders.moves_of(ctx, who, order) if m.command is chosen), None)
            return pages.render(
                request,
                "order_confirm.html",
                who,
                422,
                title=f"{chosen.value.capitalize()} order {order.id}?",
                order=order,
                move=found,
                command=chosen,
                errors={"reason": str(exc).removeprefix("reason: ")},
                reason=reason,
            )
        return redirect(
            f"/orders/{order.id}", ok=f"{command}: the order is now {order.state.value}"
        )
