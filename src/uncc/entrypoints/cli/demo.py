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
import shutil
import signal
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from uncc.entrypoints.cli.demo_api import Api, preservation_body
from uncc.entrypoints.cli.demo_nodes import (
    DEFAULT_PORT_BASE,
    PASSWORD,
    STATE_FILE,
    USERS,
    Node,
    _examples,
    _free_port,
    check_ports_free,
    console,
    fixed_ports,
    load,
    setup,
    start,
    stop,
    wait_ready,
)
from uncc.entrypoints.cli.demo_story import scenario
from uncc.entrypoints.cli.output import epilog
from uncc.errors import UserInputError


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
def running(nodes: dict[str, Node]) -> Iterator[dict[str, Node]]:
    """Start the nodes' servers and wait until each answers; stop them all on exit."""
    try:
        for node in nodes.values():
            start(node)
        wait_ready(nodes)
        yield nodes
    finally:
        stop(nodes)


@contextlib.contextmanager
def network(
    base: Path, examples: Path, *, plain_http: bool = False, ports: dict[str, int] | None = None
) -> Iterator[dict[str, Node]]:
    """Set up and start the four nodes (HTTPS unless ``plain_http``); stop them on exit.

    Without ``ports``, each node serves on a free port the system chooses.
    """
    with running(setup(base, examples, plain_http=plain_http, ports=ports)) as nodes:
        yield nodes


def _interrupt(signum: int, _frame: FrameType | None) -> None:
    """SIGTERM, SIGHUP or Ctrl-C: stop the servers once (further signals wait for that)."""
    for each in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(each, signal.SIG_IGN)
    raise KeyboardInterrupt(signal.Signals(signum).name)


def _wait_for_interrupt(nodes: dict[str, Node]) -> None:
    """Keep the nodes running until Ctrl-C or SIGTERM (or one of them stops by itself)."""
    console.print("\nPress Ctrl-C to stop the nodes.")
    with contextlib.suppress(KeyboardInterrupt):
        while all(n.process is not None and n.process.poll() is None for n in nodes.values()):
            time.sleep(0.5)
    stopped = [n.state for n in nodes.values() if n.process is None or n.process.poll() is not None]
    if stopped:
        console.print(f"the {', '.join(stopped)} server stopped; stopping the others")


def _resume(base: Path, wait: bool, plain_http: bool, port_base: int | None) -> None:
    """Start again the servers of the demo made earlier in ``base``, on the same data."""
    nodes, made_at = load(base)
    first = next(iter(nodes.values()))
    if plain_http and first.tls:
        raise UserInputError(f"--plain-http: the demo in {base} was made with HTTPS; it stays so")
    if port_base is not None and fixed_ports(port_base) != {
        n.state: n.port for n in nodes.values()
    }:
        raise UserInputError(
            f"--port-base {port_base}: the demo in {base} was made on ports from "
            f"{first.port}, which the network's directory names; it keeps them"
        )
    check_ports_free({n.state: n.port for n in nodes.values()}, movable=False)
    console.print(f"Resuming the demo made {made_at} in {base}: the servers start on its data …")
    with running(nodes):
        print_access(nodes)
        if wait:
            _wait_for_interrupt(nodes)


DEMO_HELP_END = epilog(
    limits=f"four servers on this machine, on ports {DEFAULT_PORT_BASE}-{DEFAULT_PORT_BASE + 3} "
    "unless --port-base; Ctrl-C, SIGTERM or SIGHUP stop them all.",
    example="uncc demo --dir ~/uncc-demo (again later: the same command resumes it)",
)


def demo_command(
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", help="Keep the nodes running until Ctrl-C.")
    ] = True,
    folder: Annotated[
        Path | None,
        typer.Option(
            "--dir",
            help="Where the nodes keep their data (default: a new temporary folder). "
            "A folder with a demo made earlier resumes it: its servers start again on its data.",
        ),
    ] = None,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http", help="Serve plain HTTP instead of HTTPS from a local CA made at start."
        ),
    ] = False,
    port_base: Annotated[
        int | None,
        typer.Option(
            "--port-base",
            help=f"The hub's port; XA, XB and XC serve on the next three (default {DEFAULT_PORT_BASE}).",
        ),
    ] = None,
) -> None:
    """Run a hub and three national nodes and a cross-border ransomware case between them.

    Ctrl-C, SIGTERM or SIGHUP stop every server the demo started.
    """
    for each in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(each, _interrupt)
    if folder is not None and (folder / STATE_FILE).exists():
        _resume(folder, wait, plain_http, port_base)
        return
    if folder is not None and folder.exists() and any(folder.iterdir()):
        raise UserInputError(
            f"--dir {folder}: the folder is not empty and holds no demo ({STATE_FILE}); "
            "give a new or empty one, or the folder of a demo to resume it"
        )
    examples = _examples()
    ports = fixed_ports(port_base if port_base is not None else DEFAULT_PORT_BASE)
    check_ports_free(ports, movable=True)
    base = folder or Path(tempfile.mkdtemp(prefix="uncc-demo-"))
    console.print(f"Starting a hub and three national nodes in {base} …")
    console.print(
        "State A = Eastland (XC), the hospital's; B = Northland (XA), where the leak site is hosted;"
    )
    console.print(
        "C = Southland (XB), where the operator lives. XH is the I-24/7 coordination hub."
    )
    began = time.monotonic()
    with network(base, examples, plain_http=plain_http, ports=ports) as nodes:
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
        if folder is not None or wait:
            console.print(f"Come back to this demo later with: uncc demo --dir {base}")
        if wait:
            _wait_for_interrupt(nodes)
    if folder is None and not wait:
        shutil.rmtree(base, ignore_errors=True)


__all__ = [
    "PASSWORD",
    "USERS",
    "Api",
    "Node",
    "_examples",
    "_free_port",
    "demo_command",
    "network",
    "preservation_body",
    "running",
    "setup",
    "start",
    "stop",
    "wait_ready",
]
