"""The account commands of ``uncc user`` on the node or through ``--node``.

Grants, disabling and enabling, roles, passwords, sessions and the second factor:
:class:`LocalAccounts` calls the services, :class:`RemoteAccounts` the node's API
(:mod:`uncc.client`); both answer with the client's records, so ``uncc user …``
prints the same in both places. (Adding users and listing them are on the work desk,
:mod:`uncc.entrypoints.cli.desk`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from uncc.entrypoints.cli import remote, session

if TYPE_CHECKING:
    from uncc.client import Client
    from uncc.client import models as m
    from uncc.services.context import NodeContext, Principal


def context() -> NodeContext:
    """The local node (:func:`uncc.entrypoints.cli.session.context`, looked up at each call)."""
    return session.context()


def principal() -> Principal:
    """The logged-in user (:func:`uncc.entrypoints.cli.session.principal`, at each call)."""
    return session.principal()


class Accounts(Protocol):
    """What ``uncc user`` does beyond adding and listing users."""

    def me(self) -> str:
        """The logged-in user's name."""

    def grants(self, *, every: bool) -> list[m.Grant]:
        """Pending grants, or all."""

    def set_active(self, user: str, *, active: bool) -> None:
        """Disable or enable a user."""

    def set_roles(self, user: str, roles: list[str]) -> list[m.Grant]:
        """Give a user exactly these roles."""

    def change_password(self, user: str, new: str, current: str | None) -> list[m.Grant]:
        """Set a password."""

    def revoke_tokens(self, user: str) -> int:
        """End every session of a user."""

    def totp_enrol(self) -> str:
        """Start one's second factor: the otpauth URI."""

    def totp_confirm(self, code: str) -> None:
        """Finish enrolment."""

    def totp_reset(self, user: str) -> None:
        """Remove a user's second factor."""

    def preferences(self, **changes: str | None) -> m.Preferences:
        """One's settings, changed first for those given."""


class LocalAccounts:
    """:class:`Accounts` on the node's own database."""

    def me(self) -> str:
        """The logged-in user."""
        return principal().user

    def grants(self, *, every: bool) -> list[m.Grant]:
        """Grants."""
        from uncc.client.models import Grant  # noqa: PLC0415
        from uncc.services import accounts  # noqa: PLC0415

        found = accounts.list_grants(context(), principal(), pending_only=not every)
        return [Grant.model_validate(g.__dict__) for g in found]

    def set_active(self, user: str, *, active: bool) -> None:
        """Disable or enable."""
        from uncc.services import accounts  # noqa: PLC0415

        accounts.set_active(context(), principal(), user, active=active)

    def set_roles(self, user: str, roles: list[str]) -> list[m.Grant]:
        """Set roles."""
        from uncc.client.models import Grant  # noqa: PLC0415
        from uncc.domain.policy import Role  # noqa: PLC0415
        from uncc.services import accounts  # noqa: PLC0415

        found = accounts.set_roles(context(), principal(), user, {Role(r) for r in roles})
        return [Grant.model_validate(g.__dict__) for g in found]

    def change_password(self, user: str, new: str, current: str | None) -> list[m.Grant]:
        """Set a password."""
        from uncc.client.models import Grant  # noqa: PLC0415
        from uncc.services import accounts  # noqa: PLC0415

        found = accounts.change_password(context(), principal(), user, new, current)
        return [Grant.model_validate(g.__dict__) for g in found]

    def revoke_tokens(self, user: str) -> int:
        """End sessions."""
        from uncc.services import accounts  # noqa: PLC0415

        return accounts.revoke_tokens(context(), principal(), user)

    def totp_enrol(self) -> str:
        """Start the second factor."""
        from uncc.services import identity, second_factor  # noqa: PLC0415

        ctx = context()
        with ctx.engine.connect() as conn:
            node = identity.node_info(conn)
        return second_factor.enrol(ctx, principal(), f"uncc {node.state} {node.name}")

    def totp_confirm(self, code: str) -> None:
        """Finish enrolment."""
        from uncc.services import second_factor  # noqa: PLC0415

        second_factor.confirm(context(), principal(), code)

    def totp_reset(self, user: str) -> None:
        """Remove a second factor."""
        from uncc.services import second_factor  # noqa: PLC0415

        second_factor.reset(context(), principal(), user)

    def preferences(self, **changes: str | None) -> m.Preferences:
        """One's settings, changed first for those given."""
        from uncc.client.models import Preferences  # noqa: PLC0415
        from uncc.services import preferences  # noqa: PLC0415

        if any(v is not None for v in changes.values()):
            mine = preferences.change(
                context(),
                principal(),
                **{k: preferences.UNSET if v is None else v for k, v in changes.items()},
            )
        else:
            mine = preferences.of(context(), principal().user)
        return Preferences.model_validate(vars(mine))


class RemoteAccounts:
    """:class:`Accounts` through the node's API."""

    def __init__(self, client: Client) -> None:
        self.client = client

    def me(self) -> str:
        """The token's user."""
        return str(self.client.me()["user"])

    def grants(self, *, every: bool) -> list[m.Grant]:
        """Grants."""
        return self.client.grants(every=every)

    def set_active(self, user: str, *, active: bool) -> None:
        """Disable or enable."""
        self.client.set_active(user, active=active)

    def set_roles(self, user: str, roles: list[str]) -> list[m.Grant]:
        """Set roles."""
        return self.client.set_roles(user, roles)

    def change_password(self, user: str, new: str, current: str | None) -> list[m.Grant]:
        """Set a password."""
        return self.client.change_password(user, new, current)

    def revoke_tokens(self, user: str) -> int:
        """End sessions."""
        return self.client.revoke_tokens(user)

    def totp_enrol(self) -> str:
        """Start the second factor."""
        return self.client.totp_enrol()

    def totp_confirm(self, code: str) -> None:
        """Finish enrolment."""
        self.client.totp_confirm(code)

    def totp_reset(self, user: str) -> None:
        """Remove a second factor."""
        self.client.totp_reset(user)

    def preferences(self, **changes: str | None) -> m.Preferences:
        """One's settings, changed first for those given."""
        return self.client.preferences(**changes)


def accounts() -> Accounts:
    """The account desk of this command: the remote node of ``--node``, else the local one."""
    node = remote.chosen()
    if node is not None:
        return RemoteAccounts(remote.client(node))
    return LocalAccounts()
