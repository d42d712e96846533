"""What the network commands share: the transport to other nodes, the contact point, output."""

from __future__ import annotations

from typing import Any

from rich.console import Console

from uncc.errors import UserInputError

console = Console(soft_wrap=True)


def transport() -> Any:
    """HTTPS to the other nodes, with the node's CA and the directory's TLS pins."""
    from uncc.bootstrap import network_transport  # noqa: PLC0415
    from uncc.entrypoints.cli.session import context, settings  # noqa: PLC0415

    return network_transport(settings(), context())


def contact(name: str, phone: str | None, email: str | None, hours: str, zone: str) -> Any:
    """The 24/7 contact point from its options; a clear error naming what is missing."""
    from pydantic import ValidationError  # noqa: PLC0415

    from uncc.domain.messages import Contact  # noqa: PLC0415

    try:
        return Contact(name=name, phone=phone, email=email, office_hours=hours, time_zone=zone)
    except ValidationError as exc:
        raise UserInputError(f"contact point: {exc.errors()[0]['msg']}") from None
