"""The demo's cross-border case, first acts: the case at home and the preservation abroad."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from uncc.entrypoints.cli.demo_acts import LATER_ACTS
from uncc.entrypoints.cli.demo_api import Api, Story, Timeline, preservation_body, when
from uncc.entrypoints.cli.demo_nodes import DemoError
from uncc.entrypoints.cli.demo_path import trace_path
from uncc.errors import RuleViolation

if TYPE_CHECKING:
    pass


def scenario(api: Api, examples: Path) -> Timeline:
    """The cross-border case, end to end, through the nodes' APIs."""
    import json  # noqa: PLC0415

    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    t = Timeline()
    text = (examples / "network" / "ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    story = Story(facts)
    for act in (_at_home, _preservation, *LATER_ACTS):
        act(api, t, story)
    return t


def _at_home(api: Api, t: Timeline, story: Story) -> None:
    """Eastland analyses, opens a case, orders at home; a search abroad is refused."""
    facts = story.facts
    opened = api.client("XC", "ivan").open_case(facts)
    mine = [offence for offence, status in opened.findings("XC") if status == "established"]
    grounds = next(j for j in opened.analysis["jurisdiction"] if j["state"] == "XC")
    t.say(
        "XC",
        f"case {opened.id} opened from the facts; established under Eastland law: {', '.join(mine)}",
    )
    t.say(
        "XC",
        f"jurisdiction {grounds['status']} ({', '.join(g['ground'] for g in grounds['grounds'] if g['status'] == 'established' and g['adopted'])}); consult {', '.join(grounds['consult']) or 'nobody'} (Art. 40(5))",
    )

    from uncc.client.models import Target  # noqa: PLC0415

    prosecutor = api.client("XC", "pia")
    order = prosecutor.draft_order(
        opened.id,
        power="preservation",
        offences=["illegal_access"],
        targets=[Target(id="vpn-logs", kind="data", location="XC")],
        grounds="the VPN logs show the intruder's connections",
        scope="hospital VPN gateway logs, 1-3 March 2026",
        necessity="kept 14 days only",
        proportionality="three days of logs of one gateway",
        duration_days=90,
    )
    prosecutor.move_order(order.id, "submit")
    api.client("XC", "jane").move_order(order.id, "authorise", "necessary and proportionate")
    prosecutor.move_order(order.id, "issue")
    t.say(
        "XC",
        f"domestic preservation order {order.id} for the hospital's VPN logs: drafted, authorised by a judge, issued",
    )

    try:
        prosecutor.draft_order(
            opened.id,
            power="search",
            offences=["illegal_access"],
            targets=[Target(id="leak-server", kind="system", location="XA")],
            grounds="g",
            scope="s",
            necessity="n",
            proportionality="p",
        )
    except RuleViolation as refused:
        t.say("XC", f"a search of the leak-site server in Northland is refused at home: {refused}")
    case = {"id": opened.id, "title": opened.title, "analysis": opened.analysis}

    story.case = case


def _preservation(api: Api, t: Timeline, story: Story) -> None:
    """Eastland asks Northland to preserve; Northland decides under its own law."""
    case = story.case
    sent = api.call(
        "XC",
        "cora",
        "POST",
        "/api/v1/network/requests",
        {
            "kind": "preservation_request",
            "recipient": "XA",
            "case": case["id"],
            "body": preservation_body(),
        },
    )
    t.say(
        "XC",
        f"urgent preservation request {sent['reference']} signed and queued for Northland (acknowledge by {when(sent['acknowledge_by'])}, answer by {when(sent['answer_by'])}); "
        f"it travels encrypted for Northland's key, over {'HTTPS' if api.nodes['XA'].tls else 'plain HTTP'}",
    )

    def received() -> Any:
        # the prosecutor looks: a preservation order is confidential (Art. 43(3)), the desk
        # is not told its id
        found = api.call(
            "XA", "pia", "GET", "/api/v1/network/requests", params={"direction": "in"}
        )["items"]
        return found[0] if found and found[0]["order"] else None

    theirs = api.until("Northland to receive the request", received)
    t.say(
        "XA",
        f"request verified and received: case {theirs['case']} analysed under Northland law, draft preservation order {theirs['order']}",
    )
    api.until(
        "Eastland to see the acknowledgment",
        lambda: (
            api.call("XC", "cora", "GET", f"/api/v1/network/requests/{sent['id']}")["status"]
            == "acknowledged"
        ),
    )
    t.say("XC", "acknowledgment received (signed by Northland)")

    xa_order = theirs["order"]
    api.call(
        "XA", "pia", "POST", f"/api/v1/orders/{xa_order}/submit", {"note": "on Eastland's request"}
    )
    try:
        api.call("XA", "pia", "POST", f"/api/v1/orders/{xa_order}/issue", {"note": ""})
    except DemoError as refused:
        t.say(
            "XA", f"issuing before a judge authorises is refused: {str(refused).split(': ', 2)[-1]}"
        )
    api.call(
        "XA",
        "jane",
        "POST",
        f"/api/v1/orders/{xa_order}/authorise",
        {"note": "the data may be lost within days"},
    )
    t.say(
        "XA",
        f"Northland's judge authorises order {xa_order} (Northland requires it for preservation)",
    )
    issued = api.call(
        "XA", "pia", "POST", f"/api/v1/orders/{xa_order}/issue", {"note": "served on Northhost Ltd"}
    )
    api.call(
        "XA", "pia", "POST", f"/api/v1/orders/{xa_order}/execute", {"note": "Northhost confirms"}
    )
    t.say(
        "XA",
        f"order issued and executed: Northhost preserves the data until {issued['expires_at'][:10]}",
    )
    trace_path(api, t, sent, theirs, xa_order)

    api.call(
        "XA",
        "pia",
        "POST",
        f"/api/v1/network/requests/{theirs['id']}/answers",
        {
            "kind": "execution_result",
            "body": {
                "outcome": "preserved",
                "details": "leak-site copy and access logs preserved by Northhost Ltd",
                "order": xa_order,
                "preserved_until": issued["expires_at"][:10],
            },
        },
    )
    api.until(
        "Eastland to see the result",
        lambda: (
            api.call("XC", "cora", "GET", f"/api/v1/network/requests/{sent['id']}")["status"]
            == "answered"
        ),
    )
    t.say(
        "XC", "execution result received: preserved; the formal request for production can follow"
    )

    story.sent, story.theirs = sent, theirs
