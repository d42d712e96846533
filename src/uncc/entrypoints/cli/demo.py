"""``uncc demo``: a hub and three national nodes on this machine, and a cross-border case.

Four separate server processes on loopback ports, each with its own SQLite database and
keys, joined in one I-24/7 network. The scenario runs through their real HTTP APIs as
their users would: Eastland (XC) analyses a ransomware attack on its hospital and opens
a case; it asks Northland (XA), where the attackers' leak site is hosted, to preserve the
data; Northland's judge authorises its own order, Northland preserves and answers; the
nodes stay up, with their URLs and demo logins printed, until Ctrl-C.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from uncc.entrypoints.cli.demo_path import trace_path
from uncc.errors import RuleViolation, UnccError, UserInputError

if TYPE_CHECKING:
    from uncc.client import Client

console = Console(soft_wrap=True, highlight=False)
PASSWORD = "demo-password-2026"
USERS = {
    "ivan": "investigator",
    "pia": "prosecutor",
    "jane": "judge",
    "cora": "contact_point",
    "aud": "auditor",
}
STATES = {
    "XH": ("I-24/7 coordination hub", None),
    "XA": ("Northland National Cybercrime Unit", "xa-northland.yaml"),
    "XB": ("Southland Police Cyber Crime Centre", "xb-southland.yaml"),
    "XC": ("Eastland National Cyber Unit", "xc-eastland.yaml"),
}
HUB_PROFILE = (
    "uncc: profile/1\nname: I-24/7 coordination hub (fictional)\nstate: XH\nfictional: true\n"
)


class DemoError(UnccError):
    """A step of the demo failed; the message says which and why."""


def _examples() -> Path:
    """The examples folder of the source tree (the demo runs from a clone)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "examples" / "network").is_dir():
            return parent / "examples"
    raise UserInputError("the demo needs the examples/ folder of a uncc source checkout")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Node:
    """One node of the demo: its State, folder, port and server process."""

    state: str
    name: str
    folder: Path
    port: int
    process: subprocess.Popen[bytes] | None = None
    tokens: dict[str, str] = field(default_factory=dict)
    tls: bool = True
    """HTTPS with a certificate from the demo's local CA (``--plain-http``: no)."""

    @property
    def url(self) -> str:
        """Where it serves."""
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    @property
    def ca(self) -> Path | None:
        """The demo CA's certificate, which clients of this node trust (None over plain HTTP)."""
        return self.folder / "tls" / "ca.pem" if self.tls else None

    def client(self, **options: Any) -> Any:
        """An httpx client that trusts the demo's CA."""
        import httpx  # noqa: PLC0415

        from uncc.adapters.tls import client_context  # noqa: PLC0415

        return httpx.Client(verify=client_context(self.ca) if self.tls else True, **options)


def setup(base: Path, examples: Path, *, plain_http: bool = False) -> dict[str, Node]:
    """Create the four nodes, their users and keys, and join them in one network.

    Unless ``plain_http``, a local CA is made first and each node gets a certificate for
    127.0.0.1 from it; its directory entry pins the certificate's key.
    """
    from uncc.adapters.tls import LocalCa, NodeTls  # noqa: PLC0415
    from uncc.bootstrap import build  # noqa: PLC0415
    from uncc.config import Settings  # noqa: PLC0415
    from uncc.domain.messages import Contact  # noqa: PLC0415
    from uncc.domain.policy import Role  # noqa: PLC0415
    from uncc.parties.catalogue import parse_profile  # noqa: PLC0415
    from uncc.services import accounts, identity  # noqa: PLC0415
    from uncc.services.context import Principal  # noqa: PLC0415
    from uncc.services.network import directory  # noqa: PLC0415

    nodes: dict[str, Node] = {}
    contexts = {}
    admin = Principal("admin", frozenset({Role.ADMIN}))
    second = Principal("adam", frozenset({Role.ADMIN}))
    authority = None if plain_http else LocalCa()
    for state, (name, profile_file) in STATES.items():
        folder = base / state.lower()
        node = Node(state, name, folder, _free_port(), tls=authority is not None)
        if authority is not None:
            authority.issue(NodeTls(folder / "tls"), "127.0.0.1", "localhost")
        ctx = build(Settings(data_dir=folder, database_url=None))
        text = (
            HUB_PROFILE
            if profile_file is None
            else (examples / "profiles" / profile_file).read_text(encoding="utf-8")
        )
        identity.init_node(ctx, parse_profile(text), name, "admin", PASSWORD)
        identity.add_user(ctx, admin, "adam", {Role.ADMIN}, PASSWORD)  # the bootstrap exception
        for user, role in USERS.items():
            for grant in identity.add_user(ctx, admin, user, {Role(role)}, PASSWORD):
                accounts.decide_grant(ctx, second, grant.id, approve=True)  # dual control
        nodes[state] = node
        contexts[state] = ctx

    def desk(state: str) -> Contact:
        return Contact(
            name=f"{STATES[state][0]} 24/7 desk",
            phone=f"+00 555 01{list(STATES).index(state):02d}",
            office_hours="24/7",
            time_zone="UTC",
        )

    hub = nodes["XH"]
    token = directory.become_hub(contexts["XH"], admin, hub.url, desk("XH"), ["en", "fr", "es"])
    hub_key = contexts["XH"].key().public_hex
    for state in ("XA", "XB", "XC"):
        directory.join(
            contexts[state],
            admin,
            endpoint=nodes[state].url,
            hub_state="XH",
            hub_endpoint=hub.url,
            hub_key=hub_key,
        )
        entry = directory.own_entry(contexts[state], nodes[state].url, desk(state), ["en"])
        token = directory.admit(contexts["XH"], admin, entry)
    for state in ("XA", "XB", "XC"):
        directory.install(contexts[state], token)
    for ctx in contexts.values():
        ctx.engine.dispose()
    return nodes


def start(node: Node) -> None:
    """Start the node's server in its own process (log in its folder)."""
    env = {**os.environ, "UNCC_DATA_DIR": str(node.folder)}
    env.pop("UNCC_DATABASE_URL", None)
    log = (node.folder / "server.log").open("ab")
    node.process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uncc",
            "serve",
            "--port",
            str(node.port),
            "--send",
            "0.5",
            "--tick",
            "30",
            *([] if node.tls else ["--plain-http"]),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(nodes: dict[str, Node], timeout: float = 60.0) -> None:
    """Wait until every server answers."""
    import httpx  # noqa: PLC0415

    deadline = time.monotonic() + timeout
    for node in nodes.values():
        while True:
            with contextlib.suppress(httpx.HTTPError), node.client(timeout=1) as client:
                if client.get(node.url + "/network/v1/directory").status_code == 200:
                    break
            if node.process is not None and node.process.poll() is not None:
                raise DemoError(
                    f"the {node.state} server stopped; see {node.folder / 'server.log'}"
                )
            if time.monotonic() > deadline:
                raise DemoError(
                    f"the {node.state} server did not start; see {node.folder / 'server.log'}"
                )
            time.sleep(0.1)


def stop(nodes: dict[str, Node]) -> None:
    """Stop every server (SIGTERM, then SIGKILL after 5 s)."""
    for node in nodes.values():
        if node.process is not None and node.process.poll() is None:
            node.process.send_signal(signal.SIGTERM)
    for node in nodes.values():
        if node.process is not None:
            try:
                node.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                node.process.kill()


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


@dataclass
class Story:
    """What the acts of the scenario hand on to each other."""

    facts: dict[str, Any]
    case: dict[str, Any] = field(default_factory=dict)
    sent: dict[str, Any] = field(default_factory=dict)
    theirs: dict[str, Any] = field(default_factory=dict)


def scenario(api: Api, examples: Path) -> Timeline:
    """The cross-border case, end to end, through the nodes' APIs."""
    import json  # noqa: PLC0415

    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    t = Timeline()
    text = (examples / "network" / "ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    story = Story(facts)
    for act in (_at_home, _preservation, _evidence, _onward, _deconfliction, _experts):
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
        f"urgent preservation request {sent['reference']} signed and queued for Northland (acknowledge by {sent['acknowledge_by'][11:16]} UTC); "
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


def print_access(nodes: dict[str, Node]) -> None:
    """URLs and demo logins."""
    console.print()
    console.print("[bold]The nodes are running[/bold] — open a node in a browser and log in:")
    for node in nodes.values():
        console.print(
            f"  {node.state}  {node.name:<40} {node.url}/   (API: {node.url}/api/v1/docs)"
        )
    console.print(
        f"Logins on every node: {', '.join(f'{u} ({r})' for u, r in USERS.items())}, admin — password [bold]{PASSWORD}[/bold]"
    )
    console.print(
        "Walk through it: as cora at XC (Network) see the request and its answer; as jane at XA see the order "
        "she authorised; as ivan at XC open the evidence received and its custody."
    )
    first = next(iter(nodes.values()))
    if first.ca is not None:
        console.print(
            f"HTTPS from a CA made for this demo: trust {first.ca} in the browser (or accept its warning)."
        )
    console.print(f"Data, keys and server logs: {first.folder.parent}")


@contextlib.contextmanager
def network(base: Path, examples: Path, *, plain_http: bool = False) -> Iterator[dict[str, Node]]:
    """Set up and start the four nodes (HTTPS unless ``plain_http``); stop them on exit."""
    nodes = setup(base, examples, plain_http=plain_http)
    try:
        for node in nodes.values():
            start(node)
        wait_ready(nodes)
        yield nodes
    finally:
        stop(nodes)


def demo_command(
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Keep the nodes running until Ctrl-C.")
    ] = True,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir", help="Where the nodes keep their data (default: a new temporary folder)."
        ),
    ] = None,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http", help="Serve plain HTTP instead of HTTPS from a local CA made at start."
        ),
    ] = False,
) -> None:
    """Run a hub and three national nodes and a cross-border ransomware case between them."""
    examples = _examples()
    base = folder or Path(tempfile.mkdtemp(prefix="uncc-demo-"))
    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise UserInputError(f"--dir {folder}: the folder is not empty; give a new or empty one")
    console.print(f"Starting a hub and three national nodes in {base} …")
    console.print(
        "State A = Eastland (XC), the hospital's; B = Northland (XA), where the leak site is hosted;"
    )
    console.print(
        "C = Southland (XB), where the operator lives. XH is the I-24/7 coordination hub."
    )
    began = time.monotonic()
    with network(base, examples, plain_http=plain_http) as nodes:
        console.print(f"4 nodes up in {time.monotonic() - began:.1f} s\n")
        api = Api(nodes)
        try:
            timeline = scenario(api, examples)
        finally:
            api.close()
        console.print(
            f"\nThe cross-border case took {timeline.steps[-1][0]:.2f} s, first analysis to last step."
        )
        print_access(nodes)
        if wait:
            console.print("\nPress Ctrl-C to stop the nodes.")
            with contextlib.suppress(KeyboardInterrupt):
                while all(
                    n.process is not None and n.process.poll() is None for n in nodes.values()
                ):
                    time.sleep(0.5)
    if folder is None and not wait:
        shutil.rmtree(base, ignore_errors=True)
