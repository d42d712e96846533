"""``uncc node``, ``uncc login``, ``uncc user``: the node, its users and sessions."""

from __future__ import annotations

import os
from typing import Annotated, Any

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.inputs import read_profile
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.entrypoints.cli.session import context, principal, read_password, settings
from uncc.errors import UserInputError

app = typer.Typer(
    help="The national node: initialise it, see it, let the clock run.", no_args_is_help=True
)
console = Console(soft_wrap=True)
KEEP_ALIVE_SECONDS = 5
"""An idle kept-alive connection is closed by the server after this many seconds (the
node's clients give up theirs sooner: ``uncc.client.http.KEEPALIVE_EXPIRY``)."""

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


@app.command(
    "init",
    epilog=epilog(
        limits="once per data directory, on the node's server; the first administrator is made with it.",
        example="uncc node init --profile examples/profiles/xa-northland.yaml --name 'Northland NCU' --password-stdin",
    ),
)
def init(
    profile: Annotated[
        str, typer.Option("--profile", help="The State's profile file (it names the State).")
    ],
    name: Annotated[str, typer.Option("--name", help="The authority running the node.")],
    admin: Annotated[
        str, typer.Option("--admin", help="User name of the first administrator.")
    ] = "admin",
    password_stdin: PasswordStdin = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Create the node: its database, its Ed25519 signing key and its first administrator."""
    from uncc.services import identity  # noqa: PLC0415 - SQLAlchemy loads only when needed

    loaded = read_profile(profile)
    password = read_password(password_stdin, f"Password for {admin}")
    info = identity.init_node(context(), loaded, name, admin, password)
    if emit(info, output_format):
        return
    console.print(
        f"node {info.state} '{info.name}' initialised in {settings().data_dir}", highlight=False
    )
    console.print(
        f"signing key {info.key_id} (public {info.public_key})", highlight=False, markup=False
    )
    console.print(f"next: uncc login {admin}", highlight=False, markup=False)


@app.command(
    "migrate",
    epilog=epilog(
        limits="on the node's server, with its servers and workers stopped.",
        example="uncc node migrate",
    ),
)
def migrate(output_format: FormatOpt = Format.TEXT) -> None:
    """Bring the database's schema up to date, once (stop servers and workers first).

    Servers, workers and commands refuse to work on an older schema. Several
    ``migrate`` at the same moment are safe: one migrates, the others find it done.
    """
    from uncc.adapters.db import engine as db  # noqa: PLC0415 - SQLAlchemy loads only when needed
    from uncc.bootstrap import build  # noqa: PLC0415

    ctx = build(settings(), schema_check=False)
    before = db.migrate(ctx.engine)
    if before == db.HEAD:
        message = f"the schema is already at revision {db.HEAD}"
    else:
        message = f"schema migrated from revision {before or '(empty)'} to {db.HEAD}"
    if emit({"before": before, "now": db.HEAD}, output_format):
        return
    console.print(message, highlight=False, markup=False)


@app.command(
    "info",
    epilog=epilog(limits="on the node's server.", example="uncc node info --format json"),
)
def info(output_format: FormatOpt = Format.TEXT) -> None:
    """Show the node's State, name, key and profile."""
    from uncc.services import identity  # noqa: PLC0415 - SQLAlchemy loads only when needed

    with context().engine.connect() as conn:
        node = identity.node_info(conn)
    if emit(node, output_format):
        return
    console.print(f"{node.state} — {node.name}", highlight=False, markup=False)
    console.print(
        f"profile: {node.profile.name}; key {node.key_id}; public key {node.public_key}",
        highlight=False,
    )
    console.print(
        f"data: {settings().data_dir}; database: {settings().db_url.split('@')[-1]}; "
        f"blobs: {settings().blob_store or settings().blob_dir}",
        highlight=False,
    )


@app.command("tick", epilog=epilog(Action.NODE_TICK, example="uncc node tick"))
def tick(output_format: FormatOpt = Format.TEXT) -> None:
    """Expire orders whose period has ended and tell the people concerned (admins)."""
    from uncc.services import orders  # noqa: PLC0415 - SQLAlchemy loads only when needed

    who = principal()
    expired = orders.tick(context(), who)
    seen = [o for o in expired if orders.may_see(who, o)]
    if emit({"expired": len(expired), "orders": seen}, output_format):
        return
    for order in (o for o in expired if orders.may_see(who, o)):
        console.print(
            f"expired {order.id} ({order.power}, case {order.case_id})",
            highlight=False,
            markup=False,
        )
    console.print(f"{len(expired)} order(s) expired", highlight=False, markup=False)


SERVE_HELP_END = epilog(
    limits="on the node's server (not through --node); the host and port of its settings.",
    example="uncc serve --port 8470",
)


def serve(
    host: Annotated[
        str | None, typer.Option("--host", help="Interface (default 127.0.0.1, UNCC_HOST).")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="Port (default 8470, UNCC_PORT).")
    ] = None,
    tick_every: Annotated[
        float, typer.Option("--tick", help="Seconds between expiry checks of orders (0: none).")
    ] = 60.0,
    send_every: Annotated[
        float,
        typer.Option("--send", help="Seconds between passes of the network sender (0: none)."),
    ] = 2.0,
    jobs: Annotated[
        bool,
        typer.Option(
            "--jobs/--no-jobs",
            help="Run the background jobs in the server (the default); --no-jobs when "
            "'uncc worker' processes run them.",
        ),
    ] = True,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Server processes sharing the port.")
    ] = 1,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="Log every request.")
    ] = True,
    plain_http: Annotated[
        bool,
        typer.Option(
            "--plain-http",
            help="Serve plain HTTP although the node is in a network (e.g. behind a TLS proxy).",
        ),
    ] = False,
) -> None:
    """Serve the node's API (docs at /api/v1/docs) and its network inbox.

    HTTPS when the TLS folder (``UNCC_TLS_DIR``, default ``<data>/tls``) has ``cert.pem``
    and ``key.pem``; a node in a network refuses to serve plain HTTP unless ``--plain-http``.
    """
    import tempfile  # noqa: PLC0415

    import uvicorn  # noqa: PLC0415 - only this command needs the server

    from uncc.adapters.blobstore import FileBlobStore  # noqa: PLC0415
    from uncc.adapters.tls import NodeTls  # noqa: PLC0415
    from uncc.entrypoints.api.app import FACTORY, create_app  # noqa: PLC0415

    config = settings()
    tls = NodeTls(config.tls_folder)
    secure = tls.cert.is_file() and tls.key.is_file()
    if not secure and not plain_http and _in_network():
        raise UserInputError(
            f"this node is in a network: put its TLS certificate and key in {tls.folder} "
            "(cert.pem, key.pem) or pass --plain-http"
        )
    if not jobs:
        tick_every = send_every = 0.0
    node = context()  # an old schema is refused here, once, before any process serves
    # files of web forms spool in the private data directory, not a /tmp that may be memory
    spool = (
        node.blobs.spool_dir if isinstance(node.blobs, FileBlobStore) else config.data_dir / "spool"
    )
    spool.mkdir(mode=0o700, parents=True, exist_ok=True)
    tempfile.tempdir = os.environ["TMPDIR"] = str(spool)  # TMPDIR: for --workers too
    options: dict[str, Any] = {
        "host": host or config.host,
        "port": port or config.port,
        "log_level": "info",
        "access_log": access_log,
        "limit_concurrency": config.max_connections,  # then 503, not an ever-growing queue
        "timeout_keep_alive": KEEP_ALIVE_SECONDS,
        "h11_max_incomplete_event_size": 64 * 1024,  # request line and headers: 64 KiB
        "timeout_graceful_shutdown": 10,
        "server_header": False,
    }
    if secure:
        options |= {"ssl_certfile": str(tls.cert), "ssl_keyfile": str(tls.key)}
    if workers > 1:
        os.environ["UNCC_SERVE_TICK"] = str(tick_every)
        os.environ["UNCC_SERVE_SEND"] = str(send_every)
        uvicorn.run(FACTORY, factory=True, workers=workers, **options)
        return
    app = create_app(config, node, tick_seconds=tick_every or None, send_seconds=send_every or None)
    uvicorn.run(app, **options)


def _in_network() -> bool:
    """True when the node has joined a network (or is its hub)."""
    from uncc.errors import NotFoundError  # noqa: PLC0415 - kept with its use
    from uncc.services.network import directory  # noqa: PLC0415

    try:
        with context().engine.connect() as conn:
            directory.config(conn)
    except NotFoundError:
        return False
    return True
