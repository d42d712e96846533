"""Each user's own settings: the time zone dates are shown in, the address mail goes to."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass

from sqlalchemy import select, update

from uncc.adapters.db import schema
from uncc.errors import UserInputError
from uncc.services.context import NodeContext, Principal, audit

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True)
class Preferences:
    """A user's settings (UTC and no mail until they choose)."""

    time_zone: str = "UTC"
    email: str | None = None

    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone as an object."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, when: dt.datetime) -> dt.datetime:
        """A time in the user's zone (a naive time is taken as UTC)."""
        aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.zone())


def of(ctx: NodeContext, user: str) -> Preferences:
    """The user's settings."""
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(schema.users.c.time_zone, schema.users.c.email).where(schema.users.c.id == user)
        ).first()
    if row is None:
        return Preferences()
    return Preferences(row.time_zone or "UTC", row.email)


def change(ctx: NodeContext, who: Principal, *, time_zone: str, email: str) -> Preferences:
    """Set one's own time zone (an IANA name such as ``Europe/Paris``) and e-mail (audited).

    Raises:
        UserInputError: the time zone is not known, or the address is not one (field named).
    """
    zone = time_zone.strip() or "UTC"
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserInputError(
            f"time_zone: {zone!r} is not a time zone; use a name such as Europe/Paris or UTC"
        ) from None
    address = email.strip() or None
    if address is not None and (len(address) > 254 or not EMAIL.match(address)):
        raise UserInputError(f"email: {address!r} is not an e-mail address")
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.users)
            .where(schema.users.c.id == who.user)
            .values(time_zone=zone, email=address)
        )
        audit(
            conn,
            ctx.clock(),
            who.user,
            "user.preferences",
            obj=who.user,
            outcome="ok",
            time_zone=zone,
            email=bool(address),
        )
    return Preferences(zone, address)
