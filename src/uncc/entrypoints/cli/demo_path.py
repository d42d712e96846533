"""The demo's Art. 44 act: Northland's traffic-data disclosure reveals a hop in Southland.

Eastland follows it in one step: the preservation request to Southland goes out with
the disclosed hop as its target, linked to the first request, and the case shows the
path so far.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from uncc.entrypoints.cli.demo_api import Api, Timeline

HOPS = [
    {
        "provider": "Northhost Ltd",
        "state": "XA",
        "address": "203.0.113.77:443",
        "at": "2026-03-02T01:14:05Z",
    },
    {
        "provider": "Southnet Transit",
        "state": "XB",
        "address": "198.51.100.23:51234",
        "at": "2026-03-02T01:14:03Z",
    },
]
"""The path as Northhost's traffic data shows it: its server, then where the login came from."""


def trace_path(
    api: Api, t: Timeline, sent: dict[str, Any], theirs: dict[str, Any], order: str
) -> None:
    """Northland discloses the path; Eastland asks Southland to preserve the previous hop."""
    api.call(
        "XA",
        "pia",
        "POST",
        f"/api/v1/network/requests/{theirs['id']}/answers",
        {
            "kind": "traffic_disclosure",
            "body": {"reference": theirs["case"], "path": HOPS, "order": order},
        },
    )
    t.say(
        "XA",
        "traffic data disclosed to Eastland (Art. 44): the login reached Northhost from Southnet Transit, Southland",
    )
    api.until(
        "Eastland to see the disclosure",
        lambda: (
            api.call("XC", "cora", "GET", f"/api/v1/network/requests/{sent['id']}")["status"]
            == "disclosed"
        ),
    )
    follow = api.call("XC", "cora", "POST", f"/api/v1/network/requests/{sent['id']}/follow-hop")
    t.say(
        "XC",
        f"previous hop in Southland: preservation request {follow['reference']} sent to XB in one step, following {sent['reference']}",
    )

    def received() -> Any:
        found = [
            c
            for c in api.call(
                "XB", "pia", "GET", "/api/v1/network/requests", params={"direction": "in"}
            )["items"]
            if c["id"] == follow["id"] and c["case"]
        ]
        return found[0] if found else None

    at_xb = api.until("Southland to receive the follow-up request", received)
    t.say(
        "XB",
        f"follow-up received: case {at_xb['case']} under Southland law, preservation of the traffic data at Southnet Transit drafted",
    )
    path = api.call("XC", "ivan", "GET", f"/api/v1/cases/{sent['case']}/path")
    t.say(
        "XC",
        "path so far: "
        + " ← ".join(f"{h['provider']} ({h['state']})" for h in path["legs"][0]["hops"])
        + f"; pending: {len(path['pending'])} request(s) — see the case page for the picture",
    )
