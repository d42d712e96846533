"""``/api/v1/me/preferences``: one's own language, time zone and e-mail for notifications."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import Field

from uncc.entrypoints.api.auth import User
from uncc.entrypoints.api.deps import Ctx
from uncc.entrypoints.api.models import In, Out
from uncc.entrypoints.api.problem_types import problems
from uncc.services import preferences

router = APIRouter(prefix="/api/v1", tags=["accounts"], responses=problems())


class PreferencesOut(Out):
    """One's settings: the pages' language (``null``: the browser's), time zone, mail address."""

    language: str | None
    time_zone: str
    email: str | None

    @classmethod
    def of(cls, mine: preferences.Preferences) -> PreferencesOut:
        """From the service's record."""
        return cls(language=mine.language, time_zone=mine.time_zone, email=mine.email)


class PreferencesIn(In):
    """What to change; a field left out stays as it is, an empty string clears it."""

    language: str | None = Field(default=None, max_length=16)
    """``en`` or ``fr``; empty: follow the browser's ``Accept-Language``."""
    time_zone: str | None = Field(default=None, max_length=64)
    """An IANA name such as ``Europe/Paris``; empty: the node's."""
    email: str | None = Field(default=None, max_length=254)
    """Where notifications are mailed; empty: no mail."""


@router.get("/me/preferences")
def mine(ctx: Ctx, user: User) -> PreferencesOut:
    """One's own settings."""
    return PreferencesOut.of(preferences.of(ctx, user.user))


@router.patch("/me/preferences", responses=problems("bad-request"))
def change(ctx: Ctx, body: PreferencesIn, user: User) -> PreferencesOut:
    """Change one's own settings (audited); an unknown language or zone is refused, naming it."""
    unset = preferences.UNSET

    def given(value: str | None) -> str:
        return unset if value is None else value

    return PreferencesOut.of(
        preferences.change(
            ctx,
            user,
            time_zone=given(body.time_zone),
            email=given(body.email),
            language=given(body.language),
        )
    )
