"""The demo's four nodes: their folders, users, keys and ports; starting and stopping their servers."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.console import Console

from uncc.errors import UnccError, UserInputError

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
DEFAULT_PORT_BASE = 8480
"""The hub serves on this port and XA, XB, XC on the next three (``--port-base`` moves them);
clear of a node's own default, 8470."""
STATE_FILE = "demo.json"
"""In the demo's folder: its ports and scheme, written once the four nodes are made."""
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


def fixed_ports(base: int) -> dict[str, int]:
    """The demo's ports from ``base``: the hub first, then XA, XB and XC."""
    if not 1024 <= base <= 65535 - len(STATES):
        raise UserInputError(f"--port-base {base}: give a port from 1024 to {65535 - len(STATES)}")
    return {state: base + offset for offset, state in enumerate(STATES)}


def check_ports_free(ports: dict[str, int], *, movable: bool) -> None:
    """Refuse to start when a port the demo needs is taken (another demo still running?).

    Raises:
        UserInputError: the port and the State it is for; how to choose others when
            ``movable`` (a new demo), what to stop otherwise (a resumed one keeps its ports).
    """
    for state, port in ports.items():
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                hint = (
                    "choose others with --port-base"
                    if movable
                    else "this demo's nodes are known on these ports: stop what uses it"
                )
                raise UserInputError(
                    f"port {port} (for {state}) is in use (another demo still running?); {hint}"
                ) from None


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
        """An httpx client that trusts the demo's CA (idle connections kept as the API client's)."""
        import httpx  # noqa: PLC0415

        from uncc.adapters.tls import client_context  # noqa: PLC0415
        from uncc.client.http import KEEPALIVE_EXPIRY  # noqa: PLC0415

        options.setdefault("limits", httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY))
        return httpx.Client(verify=client_context(self.ca) if self.tls else True, **options)


def setup(
    base: Path, examples: Path, *, plain_http: bool = False, ports: dict[str, int] | None = None
) -> dict[str, Node]:
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
        port = ports[state] if ports is not None else _free_port()
        node = Node(state, name, folder, port, tls=authority is not None)
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
    save(base, nodes)
    return nodes


def save(base: Path, nodes: dict[str, Node]) -> None:
    """Write the demo's state file: the four nodes are made, the folder can be resumed."""
    first = next(iter(nodes.values()))
    state = {
        "format": "uncc-demo/1",
        "made_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "tls": first.tls,
        "ports": {node.state: node.port for node in nodes.values()},
    }
    (base / STATE_FILE).write_text(json.dumps(state, indent=2) + "\n", encoding="utf-8")


def load(base: Path) -> tuple[dict[str, Node], str]:
    """The nodes of a demo made earlier in ``base``, and when it was made.

    Raises:
        UserInputError: the folder is not a whole demo (no or a damaged state file).
    """
    try:
        state = json.loads((base / STATE_FILE).read_text(encoding="utf-8"))
        ports = {str(k): int(v) for k, v in state["ports"].items()}
        tls, made_at = bool(state["tls"]), str(state["made_at"])
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise UserInputError(
            f"--dir {base}: not a demo folder ({STATE_FILE} missing or damaged); "
            "give a new or empty folder to make a demo there"
        ) from None
    if set(ports) != set(STATES):
        raise UserInputError(f"--dir {base}: {STATE_FILE} does not name the demo's four nodes")
    nodes = {
        state: Node(state, STATES[state][0], base / state.lower(), ports[state], tls=tls)
        for state in STATES
    }
    return nodes, made_at


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


def _signal_group(process: subprocess.Popen[bytes], signum: int) -> None:
    """Send ``signum`` to the server's process group (it leads its own session)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signum)


def stop(nodes: dict[str, Node]) -> None:
    """Stop every server and whatever it started (SIGTERM to its process group, SIGKILL after 5 s)."""
    for node in nodes.values():
        if node.process is not None:
            _signal_group(node.process, signal.SIGTERM)
    for node in nodes.values():
        if node.process is not None:
            try:
                node.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                node.process.kill()
                node.process.wait()
            _signal_group(node.process, signal.SIGKILL)  # anything of it still alive
