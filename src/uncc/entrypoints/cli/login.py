"""``uncc login`` and ``uncc logout``: a session on the local node, or on a remote one."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from uncc.entrypoints.cli import remote
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.entrypoints.cli.session import context, read_password, save_token, settings
from uncc.errors import SecondFactorRequired

console = Console(soft_wrap=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from standard input.")
]


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


LOGIN_HELP_END = epilog(
    limits="any user of the node; failed log-ins are throttled (the account waits a while).",
    example="uncc --node https://node.example:8470 login ivan",
)
LOGOUT_HELP_END = epilog(limits="any user, for their own session.", example="uncc logout")


def login(
    user: Annotated[str, typer.Argument(help="Your user name.")],
    password_stdin: PasswordStdin = False,
    code: Annotated[
        str | None,
        typer.Option("--code", help="Your TOTP code, if you enrolled one (else asked for)."),
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Log in: the token is kept for later commands, readable only by you.

    On the node's server it goes to the data directory; with ``--node URL`` to
    ``credentials.json`` in your config directory. With a second factor enrolled, the
    code is asked for (with --password-stdin, it is read from the line after the
    password). Failed log-ins are throttled.
    """
    password = read_password(password_stdin)
    node = remote.chosen()
    if node is not None:
        client = remote.client(node, logged_in=False)
        try:
            token = client.login(user, password, code)
        except SecondFactorRequired:
            if code is not None:
                raise
            token = client.login(
                user, password, read_password(password_stdin, "Code from your authenticator app")
            )
        path = remote.save_credentials(node, user, token)
        owed = bool(client.me()["needs_second_factor"])
        where = node.url
    else:
        from uncc.services import identity  # noqa: PLC0415 - SQLAlchemy loads only when needed

        try:
            token = identity.login(context(), user, password, code=code)
        except SecondFactorRequired:
            if code is not None:
                raise
            code = read_password(password_stdin, "Code from your authenticator app")
            token = identity.login(context(), user, password, code=code)
        path = save_token(token)
        owed = identity.authenticate(context(), token).needs_second_factor
        where = None
    record = {"user": user, "node": where, "token_file": path, "needs_second_factor": owed}
    if emit(record, output_format):
        return
    _say(f"logged in{f' to {where}' if where else ''} as {user} (token kept in {path})")
    if owed:
        _say(
            "your roles need a second factor: run 'uncc user totp-enrol' (until then you can only enrol)"
        )


def logout(output_format: FormatOpt = Format.TEXT) -> None:
    """End the session: the saved token is revoked on the node and forgotten."""
    node = remote.chosen()
    if node is not None:
        from uncc.client import Client  # noqa: PLC0415

        token = remote.forget_credentials(node)
        if token is not None:
            Client(node.url, token, ca_file=node.ca_file).logout()
        if not emit({"logged_out": True, "node": node.url}, output_format):
            _say(f"logged out of {node.url}")
        return
    path = settings().token_path
    if path.is_file():
        from uncc.services import identity  # noqa: PLC0415 - SQLAlchemy loads only when needed

        identity.revoke(context(), path.read_text(encoding="utf-8").strip())
    path.unlink(missing_ok=True)
    if not emit({"logged_out": True, "node": None}, output_format):
        _say("logged out")
