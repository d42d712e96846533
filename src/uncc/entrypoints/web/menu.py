"""The main menu: each entry with the actions of the role policy that open its page.

A user sees an entry when one of their roles may take one of its actions (an entry
with none is for everyone); the page itself refuses the others with the same rule
(:func:`require_entry`), so the menu never offers a page that answers "not allowed".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from uncc.domain.policy import Action, Role, allowed
from uncc.entrypoints.web.i18n import N_
from uncc.errors import PermissionDeniedError


@dataclass(frozen=True)
class Entry:
    """One entry of the main menu."""

    path: str
    label: str
    """In English; translated where it is shown."""
    needs: tuple[Action, ...] = ()
    """Any one of these opens the page (none: every user)."""

    def open_to(self, roles: Iterable[Role]) -> bool:
        """True when one of the roles may open the page."""
        held = frozenset(roles)
        return not self.needs or any(allowed(r, a) for r in held for a in self.needs)


A = Action
MENU = (
    Entry("/dashboard", N_("Dashboard")),
    Entry("/notifications", N_("Notifications")),
    Entry("/analyse", N_("Analyse"), (A.CASE_READ,)),
    Entry("/cases", N_("Cases"), (A.CASE_READ,)),
    Entry("/orders", N_("Orders"), (A.ORDER_READ,)),
    Entry("/network", N_("Network"), (A.NETWORK_READ,)),
    Entry("/experts", N_("Experts"), (A.EXPERT_FIND, A.EXPERT_MANAGE)),
    Entry("/jit", N_("Teams"), (A.NETWORK_READ,)),
    Entry("/audit", N_("Audit"), (A.AUDIT_READ,)),
    Entry("/users", N_("Users"), (A.USER_MANAGE,)),
    Entry("/account", N_("Account")),
)
"""The entries, in the order shown."""


def menu_for(roles: Iterable[Role]) -> list[Entry]:
    """The entries the roles may open."""
    held = frozenset(roles)
    return [e for e in MENU if e.open_to(held)]


def require_entry(roles: Iterable[Role], path: str) -> None:
    """Refuse a page of the menu to a user whose roles may not open it.

    Raises:
        PermissionDeniedError: none of the roles may take the entry's actions.
    """
    entry = next(e for e in MENU if e.path == path)
    held = frozenset(roles)
    if not entry.open_to(held):
        who = ", ".join(sorted(r.value for r in held)) or "no role"
        needs = " or ".join(a.value for a in entry.needs)
        raise PermissionDeniedError(f"{who} may not {needs}")
