"""The demo's users at work: typed clients of the nodes' APIs, and the printed timeline."""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from uncc.entrypoints.cli.demo_nodes import PASSWORD, DemoError, Node, console
from uncc.errors import UnccError

if TYPE_CHECKING:
    from uncc.client import Client


class Api:
    """The users of the demo, calling the nodes' HTTP APIs through :mod:`uncc.client`."""

    def __init__(self, nodes: dict[str, Node]) -> None:
        self.nodes = nodes
        self.http = next(iter(nodes.values())).client(timeout=30)  # for the node-to-node paths
        self._clients: dict[tuple[str, str], Client] = {}

    def client(self, state: str, user: str) -> Client:
        """The typed client of ``user`` at ``state``, logged in (once)."""
        from uncc.client import Client  # noqa: PLC0415 - httpx loads for the demo only

        if (state, user) not in self._clients:
            node = self.nodes[state]
            client = Client(node.url, ca_file=node.ca)
            try:
                client.login(user, PASSWORD)
            except UnccError as exc:
                raise DemoError(f"{user}@{state} login: {exc}") from exc
            self._clients[state, user] = client
        return self._clients[state, user]

    def _token(self, state: str, user: str) -> str:
        return self.client(state, user).token or ""

    def call(
        self, state: str, user: str, method: str, path: str, body: Any = None, **kw: Any
    ) -> Any:
        """One request as ``user`` at ``state`` (a path under ``/api/v1``); the JSON answer."""
        try:
            answer = self.client(state, user).connection.request(
                method,
                path.removeprefix("/api/v1"),
                json=body,
                params=kw.get("params"),
                content=kw.get("content"),
            )
        except UnccError as exc:
            status = getattr(getattr(exc, "problem", None), "status", "?")
            raise DemoError(f"{user}@{state} {method} {path}: HTTP {status}: {exc}") from exc
        return answer.json()

    def close(self) -> None:
        """Close every connection."""
        self.http.close()
        for client in self._clients.values():
            client.close()

    def until(self, what: str, probe: Any, timeout: float = 30.0) -> Any:
        """Poll ``probe`` until it returns something truthy."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = probe()
            if found:
                return found
            time.sleep(0.1)
        raise DemoError(f"timed out waiting for {what}")


class Timeline:
    """Prints each step with the time since the start."""

    def __init__(self) -> None:
        self.start = time.monotonic()
        self.steps: list[tuple[float, str]] = []

    def say(self, who: str, text: str) -> None:
        """One line of the story."""
        elapsed = time.monotonic() - self.start
        self.steps.append((elapsed, text))
        console.print(f"[dim]{elapsed:7.2f} s[/dim]  [bold]{who:<3}[/bold] {text}")


@dataclass
class Story:
    """What the acts of the scenario hand on to each other."""

    facts: dict[str, Any]
    case: dict[str, Any] = field(default_factory=dict)
    sent: dict[str, Any] = field(default_factory=dict)
    theirs: dict[str, Any] = field(default_factory=dict)


def preservation_body() -> dict[str, Any]:
    """Eastland's request to Northland, with every field a practitioner expects."""
    return {
        "requesting_authority": "Eastland National Cyber Unit",
        "reference": "NCU-2026-0311/P1",
        "offences": ["illegal_access", "data_interference", "system_interference"],
        "summary_of_facts": (
            "On 2 March 2026 the patient records of St. Anne Regional Hospital were copied to a "
            "leak-site server and then encrypted for ransom; the hospital was down for 51 hours."
        ),
        "data": [
            {
                "description": "the leak-site server's copy of the patient records",
                "link_to_offence": "the records taken in the attack, staged for extortion",
            },
            {
                "description": "access logs of the leak-site server and the renter's account data",
                "link_to_offence": "they identify who uploaded the records and from where",
            },
        ],
        "custodian": "Northhost Ltd, a hosting provider incorporated in Northland (server in its data centre)",
        "necessity": "the provider keeps access logs for 14 days only; the renter can delete the copy at any time",
        "formal_request_to_follow": True,
        "preserve_days": 90,
        "urgency": "preservation",
        "contact": {
            "name": "Insp. M. Ortega, Eastland 24/7 desk",
            "phone": "+00 555 0103",
            "email": "desk@ncu.eastland.example",
            "office_hours": "24/7",
            "time_zone": "UTC",
        },
        "preferred_channel": "i24-7",
    }


def when(moment: str) -> str:
    """A deadline from the API (ISO 8601) as people read it: date, time and zone."""
    at = dt.datetime.fromisoformat(moment)
    if at.tzinfo is None:
        at = at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC).strftime("%a %d %b %Y %H:%M UTC")
