"""Each user's own settings: language and time zone of the pages, the address mail goes to."""

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
LANGUAGES = ("en", "fr")
"""The languages the web pages are written in (``uncc.entrypoints.web.i18n``'s catalogs)."""
UNSET = "-"
"""Passed as a setting to :func:`change`: leave it as it is."""


@dataclass(frozen=True)
class Preferences:
    """A user's settings (the node's zone, the browser's language and no mail until they choose)."""

    time_zone: str = "UTC"
    email: str | None = None
    language: str | None = None
    """``en``, ``fr``…; ``None``: the browser's (``Accept-Language``), else the node's."""

    def zone(self) -> zoneinfo.ZoneInfo:
        """The time zone as an object."""
        return zoneinfo.ZoneInfo(self.time_zone)

    def local(self, when: dt.datetime) -> dt.datetime:
        """A time in the user's zone (a naive time is taken as UTC)."""
        aware = when if when.tzinfo else when.replace(tzinfo=dt.UTC)
        return aware.astimezone(self.zone())


def of(ctx: NodeContext, user: str) -> Preferences:
    """The user's settings (the node's time zone when they chose none)."""
    users = schema.users.c
    with ctx.engine.connect() as conn:
        row = conn.execute(
            select(users.time_zone, users.email, users.language).where(users.id == user)
        ).first()
    if row is None:
        return Preferences(ctx.time_zone)
    return Preferences(row.time_zone or ctx.time_zone, row.email, row.language)


def change(
    ctx: NodeContext, who: Principal, *, time_zone: str, email: str, language: str = UNSET
) -> Preferences:
    """Set one's own time zone (an IANA name such as ``Europe/Paris``), e-mail and language.

    Audited. Each of them given as :data:`UNSET` is left as it is; an empty language
    follows the browser's.

    Raises:
        UserInputError: the time zone or the language is not known, or the address is
            not one (field named).
    """
    before = of(ctx, who.user)
    zone = before.time_zone if time_zone == UNSET else time_zone.strip() or ctx.time_zone
    try:
        zoneinfo.ZoneInfo(zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserInputError(
            f"time_zone: {zone!r} is not a time zone; use a name such as Europe/Paris or UTC"
        ) from None
    address = before.email if email == UNSET else email.strip() or None
    tongue = before.language if language == UNSET else language.strip().lower() or None
    if tongue is not None and tongue not in LANGUAGES:
        raise UserInputError(
            f"language: {tongue!r} is not one the pages are written in; use {', '.join(LANGUAGES)}"
        )
    if address is not None and (len(address) > 254 or not EMAIL.match(address)):
        raise UserInputError(f"email: {address!r} is not an e-mail address")
    with ctx.engine.begin() as conn:
        conn.execute(
            update(schema.users)
            .where(schema.users.c.id == who.user)
            .values(time_zone=zone, email=address, language=tongue)
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
            language=tongue,
        )
    return Preferences(zone, address, tongue)
