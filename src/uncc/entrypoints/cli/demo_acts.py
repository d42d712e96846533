"""The demo's later acts: evidence handed over, onward transfer, deconfliction, experts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from uncc.entrypoints.cli.demo_api import Api, Story, Timeline, preservation_body
from uncc.entrypoints.cli.demo_nodes import DemoError

if TYPE_CHECKING:
    pass


def _evidence(api: Api, t: Timeline, story: Story) -> None:
    """Northland sends the preserved logs with their custody; Eastland verifies and takes them."""
    sent, theirs = story.sent, story.theirs
    logs = b"".join(
        f"2026-03-0{1 + n % 5}T{n % 24:02d}:{n % 60:02d}:00Z GET /leak/st-anne/part-{n % 97}.7z 200 203.0.113.{n % 250}\n".encode()
        for n in range(120_000)
    )
    item = api.call(
        "XA",
        "ivan",
        "POST",
        f"/api/v1/cases/{theirs['case']}/evidence",
        content=logs,
        params={
            "filename": "northhost-leak-access.log",
            "tool": "Northhost export",
            "tool_version": "2.4",
            "source": "leak-site server",
        },
    )
    t.say(
        "XA",
        f"preserved logs taken into Northland's vault as {item['id']} ({len(logs) / 1e6:.1f} MB, SHA-256 {item['sha256'][:12]}…)",
    )
    api.call(
        "XA",
        "ivan",
        "POST",
        f"/api/v1/network/requests/{theirs['id']}/evidence",
        {"items": [item["id"]]},
    )
    t.say(
        "XA", "evidence sent to Eastland: manifest, signed custody checkpoint and inclusion proofs"
    )
    api.until(
        "the evidence offer to arrive",
        lambda: any(
            m["type"] == "evidence_transfer"
            for m in api.call("XC", "cora", "GET", f"/api/v1/network/requests/{sent['id']}")[
                "thread"
            ]
        ),
    )
    accepted = api.call(
        "XC", "ivan", "POST", f"/api/v1/network/requests/{sent['id']}/evidence/accept"
    )["accepted"]
    investigator = api.client("XC", "ivan")
    origin = investigator.custody(accepted[0])[0].checkpoint
    verify = investigator.verify()
    t.say(
        "XC",
        f"custody continuation verified, blob fetched by signed request and re-hashed into {accepted[0]}; its first custody event names Northland's signed checkpoint; Eastland's vault verifies {'clean' if verify.ok else 'WITH BREAKS'} (its log: {origin.size} entries)",
    )


def _onward(api: Api, t: Timeline, story: Story) -> None:
    """Northland may not pass Eastland's facts on to Southland without Eastland's consent."""
    answer = api.http.post(
        api.nodes["XA"].url + "/api/v1/network/requests",
        json={
            "kind": "preservation_request",
            "recipient": "XB",
            "case": story.theirs["case"],
            "body": preservation_body(),
        },
        headers={"Authorization": f"Bearer {api._token('XA', 'cora')}"},
    )
    if answer.status_code != 403:
        raise DemoError(f"forwarding without consent was not refused: HTTP {answer.status_code}")
    t.say(
        "XA",
        "passing Eastland's facts on to Southland is refused: Eastland's handling code asks for its consent first",
    )


def _deconfliction(api: Api, t: Timeline, story: Story) -> None:
    """Southland investigates the same operator; a keyed filter finds it, both consult."""
    facts, case = story.facts, story.case
    api.call("XH", "admin", "POST", "/api/v1/network/deconfliction/key")
    for state in ("XA", "XB", "XC"):
        api.until(
            f"{state} to receive the deconfliction key", lambda state=state: _has_key(api, state)
        )
    t.say("XH", "hub issued deconfliction key epoch 1 to every member (signed messages)")
    southland = api.call(
        "XB",
        "ivan",
        "POST",
        "/api/v1/cases",
        {"facts": facts, "title": "Ransomware affiliate V. K. (SPC-2026-1187)"},
    )
    api.call(
        "XB",
        "ivan",
        "POST",
        f"/api/v1/network/cases/{southland['id']}/selectors",
        {"kind": "email", "value": "Ops@LockVault.example"},
    )
    api.call(
        "XB",
        "ivan",
        "POST",
        f"/api/v1/network/cases/{southland['id']}/selectors",
        {"kind": "ip", "value": "198.51.100.23"},
    )
    api.call(
        "XC",
        "ivan",
        "POST",
        f"/api/v1/network/cases/{case['id']}/selectors",
        {"kind": "email", "value": "ops@lockvault.example"},
    )
    api.call(
        "XC",
        "ivan",
        "POST",
        f"/api/v1/network/cases/{case['id']}/selectors",
        {"kind": "ip", "value": "203.0.113.77"},
    )
    t.say(
        "XB",
        f"Southland's own case {southland['id']} against the affiliate records its selectors (kept at home)",
    )
    hits = api.call("XC", "cora", "POST", "/api/v1/network/deconfliction/check")["hits"]
    t.say(
        "XC",
        f"filters of XA and XB checked locally: {len(hits)} hit ({', '.join(h['kind'] + ' with ' + h['state'] for h in hits)}); hit notice sent, no selector disclosed",
    )

    def confirmed() -> Any:
        found = [
            c
            for c in api.call(
                "XB", "cora", "GET", "/api/v1/network/requests", params={"direction": "in"}
            )["items"]
            if c["kind"] == "deconfliction_hit"
        ]
        return found[0] if found and found[0]["status"] == "confirmed" else None

    notice = api.until("Southland to confirm the hit", confirmed)
    t.say(
        "XB",
        f"hit confirmed against Southland's case {notice['case']}: both States consult (Art. 40(5))",
    )
    api.call(
        "XB",
        "cora",
        "POST",
        f"/api/v1/network/requests/{notice['id']}/answers",
        {
            "kind": "consultation",
            "body": {"text": "Our suspect lives here; we propose a joint call at 14:00 UTC."},
        },
    )
    api.until(
        "Eastland to see the consultation",
        lambda: any(
            m["type"] == "consultation"
            for m in api.call(
                "XC", "cora", "GET", f"/api/v1/network/requests/{hits[0]['conversation']}"
            )["thread"]
        ),
    )
    t.say("XC", "consultation message from Southland received")


def _experts(api: Api, t: Timeline, _story: Story) -> None:
    """Experts are published through the hub; one who speaks French is on call now."""
    api.call(
        "XB",
        "cora",
        "POST",
        "/api/v1/network/experts",
        {
            "id": "marie",
            "name": "Marie Dubois",
            "expertise": ["ransomware", "cryptocurrency tracing"],
            "languages": ["fr", "en"],
            "time_zone": "UTC",
            "schedule": ["24/7"],
            "channel": "+00 555 0202 (Signal)",
            "clearance": "secret",
        },
    )
    api.call(
        "XA",
        "cora",
        "POST",
        "/api/v1/network/experts",
        {
            "id": "olaf",
            "name": "Olaf Berg",
            "expertise": ["ransomware", "malware analysis"],
            "languages": ["en", "no"],
            "time_zone": "Europe/Oslo",
            "schedule": ["mon-fri 08:00-16:00"],
            "channel": "olaf.berg@ncu.northland.example",
        },
    )
    for state in ("XB", "XA", "XC"):
        api.call(state, "cora", "POST", "/api/v1/network/experts/sync")
    found = api.call(
        "XC",
        "ivan",
        "GET",
        "/api/v1/network/experts",
        params={"expertise": "ransomware", "language": "fr", "now": "true"},
    )["items"]
    t.say(
        "XC",
        f"experts in ransomware who speak French, on call now: {', '.join(e['name'] + ' (' + e['state'] + ')' for e in found) or 'nobody'}",
    )


def _has_key(api: Api, state: str) -> bool:
    """True once the member's deconfliction filter can be built (the key arrived)."""
    answer = api.http.get(api.nodes[state].url + "/network/v1/filter", timeout=5)
    return bool(answer.status_code == 200)


LATER_ACTS = (_evidence, _onward, _deconfliction, _experts)
"""The acts after the preservation, in the order the story runs them."""
