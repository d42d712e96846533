"""Accounts, grants and one's own settings, as ``Client`` methods (administrators and users)."""

from __future__ import annotations

from uncc.client import models as m
from uncc.client.base import ClientBase, parse_list


class Accounts(ClientBase):
    """Users, the grants of judge and admin roles, passwords, sessions and second factors."""

    def users(self) -> list[m.Account]:
        """Every user (administrators)."""
        return parse_list(m.Account, self._items("/users"))

    def add_user(self, user: str, roles: list[str], password: str) -> list[m.Grant]:
        """Add a user; judge and admin roles come back as grants awaiting a second admin."""
        body = {"user": user, "roles": roles, "password": password}
        return parse_list(m.Grant, self.connection.post("/users", body)["grants"])

    def decide_grant(self, grant_id: str, *, approve: bool) -> m.Grant:
        """Approve (or refuse) a grant another administrator asked for."""
        path = f"/grants/{grant_id}/{'approve' if approve else 'refuse'}"
        return m.Grant.model_validate(self.connection.post(path))

    def grants(self, *, every: bool = False) -> list[m.Grant]:
        """Grants of the judge and admin roles: pending ones, or all."""
        return parse_list(m.Grant, self._items("/grants", all=every))

    def set_active(self, user: str, *, active: bool) -> None:
        """Disable a user (their sessions end at once) or enable them again."""
        self.connection.post(f"/users/{user}/{'enable' if active else 'disable'}")

    def set_roles(self, user: str, roles: list[str]) -> list[m.Grant]:
        """Give a user exactly these roles; judge and admin come back as grants to approve."""
        data = self.connection.request("PUT", f"/users/{user}/roles", json={"roles": roles})
        return parse_list(m.Grant, self.connection.json(data)["grants"])

    def change_password(self, user: str, new: str, current: str | None = None) -> list[m.Grant]:
        """Change one's password (with the current one) or, as an admin, anyone's."""
        body = {"password": new, "current": current}
        return parse_list(m.Grant, self.connection.post(f"/users/{user}/password", body)["grants"])

    def revoke_tokens(self, user: str) -> int:
        """End every session of a user; how many ended."""
        return int(self.connection.post(f"/users/{user}/revoke-tokens")["ended"])

    def totp_enrol(self) -> str:
        """Start one's TOTP second factor: the otpauth URI for an authenticator app."""
        return str(self.connection.post("/me/totp")["uri"])

    def totp_confirm(self, code: str) -> None:
        """Finish enrolment with the app's current code."""
        self.connection.post("/me/totp/confirm", {"code": code})

    def preferences(self, **changes: str | None) -> m.Preferences:
        """One's language, time zone and e-mail; changed first for those given (``None``: kept)."""
        wanted = {k: v for k, v in changes.items() if v is not None}
        if not wanted:
            return m.Preferences.model_validate(self.connection.get("/me/preferences"))
        answer = self.connection.request("PATCH", "/me/preferences", json=wanted)
        return m.Preferences.model_validate(self.connection.json(answer))

    def totp_reset(self, user: str) -> None:
        """Remove a user's second factor (administrators, not their own)."""
        self.connection.request("DELETE", f"/users/{user}/totp")
