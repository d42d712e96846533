"""``uncc user``: the node's users over their lifetime, their roles, passwords and second factor."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from uncc.domain.policy import Action, Role
from uncc.entrypoints.cli.account_desk import accounts
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog, listing, print_table
from uncc.entrypoints.cli.session import read_password
from uncc.errors import UserInputError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from uncc.client.models import Grant
    from uncc.services.grants import Grant as StoredGrant

app = typer.Typer(
    help="Users of the node: add, list, disable, roles, passwords, second factor.",
    no_args_is_help=True,
)
console = Console(soft_wrap=True)

PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password(s) from standard input.")
]
UserArg = Annotated[str, typer.Argument(help="The user's name.")]


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def _grants(grants: Sequence[Grant | StoredGrant]) -> None:
    for g in grants:
        if g.status == "bootstrap":
            _say(f"{g.user} is {g.role} ({g.id}: the bootstrap exception, see docs/accounts.md)")
        else:
            _say(
                f"{g.id}: {g.role} for {g.user} awaits a second administrator: "
                f"uncc user approve {g.id}"
            )


def _account(user: str, output_format: Format) -> bool:
    """Print the user's account as JSON when asked (True if printed)."""
    if output_format is not Format.JSON:
        return False
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    found: Any = next((a for a in desk().users() if a.user == user), {"user": user})
    return emit(found, output_format)


@app.command(
    "add",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="a judge or admin role waits for a second administrator (dual control).",
        example="uncc user add jane --role judge --password-stdin",
    ),
)
def add_user(
    user: UserArg,
    role: Annotated[list[Role], typer.Option("--role", help="A role; repeat for more.")],
    password_stdin: PasswordStdin = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Add a user with roles (administrators); judge and admin wait for a second admin."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    password = read_password(password_stdin, f"Password for {user}")
    grants = desk().add_user(user, sorted(r.value for r in set(role)), password)
    plain = sorted(r.value for r in set(role) if r.value not in {g.role for g in grants})
    if emit({"user": user, "roles": plain, "grants": grants}, output_format):
        return
    _say(f"user {user} added ({', '.join(plain) or 'no role yet'})")
    _grants(grants)


@app.command("list", epilog=epilog(Action.USER_MANAGE, example="uncc user list --format json"))
def list_users(output_format: FormatOpt = Format.TEXT) -> None:
    """Every user: roles, active or disabled, second factor, roles awaiting approval."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    users = desk().users()
    if emit(users, output_format):
        return
    table = listing("user", "roles", "state", "TOTP", "awaiting", "since", ids=("user",))
    for a in users:
        table.add_row(
            a.user,
            ", ".join(a.roles) or "-",
            "active" if a.active else "disabled",
            "yes" if a.second_factor else "no",
            ", ".join(a.awaiting) or "-",
            f"{a.created_at:%Y-%m-%d}",
        )
    print_table(table)


@app.command(
    "disable",
    epilog=epilog(Action.USER_MANAGE, limits="not yourself.", example="uncc user disable ivan"),
)
def disable(user: UserArg, output_format: FormatOpt = Format.TEXT) -> None:
    """Disable a user: they can no longer log in and their sessions end at once."""
    accounts().set_active(user, active=False)
    if _account(user, output_format):
        return
    _say(f"user {user} disabled; their sessions ended")


@app.command("enable", epilog=epilog(Action.USER_MANAGE, example="uncc user enable ivan"))
def enable(user: UserArg, output_format: FormatOpt = Format.TEXT) -> None:
    """Enable a disabled user again."""
    accounts().set_active(user, active=True)
    if _account(user, output_format):
        return
    _say(f"user {user} enabled")


@app.command(
    "roles",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="a judge or admin role waits for a second administrator (dual control).",
        example="uncc user roles pia --role prosecutor --role investigator",
    ),
)
def roles(
    user: UserArg,
    role: Annotated[list[Role], typer.Option("--role", help="A role; repeat for more.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Give a user exactly these roles (sessions end); judge and admin wait for approval."""
    grants = accounts().set_roles(user, sorted({r.value for r in role}))
    if emit({"user": user, "grants": grants}, output_format):
        return
    _say(f"roles of {user} set; their sessions ended")
    _grants(grants)


@app.command("grants", epilog=epilog(Action.USER_MANAGE, example="uncc user grants --all"))
def grants(
    every: Annotated[bool, typer.Option("--all", help="Decided grants too.")] = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Grants of the judge and admin roles (pending ones, or all)."""
    found = accounts().grants(every=every)
    if emit(found, output_format):
        return
    table = listing(
        "grant", "user", "role", "status", "requested by", "decided by", ids=("grant", "user")
    )
    for g in found:
        table.add_row(
            g.id,
            g.user,
            g.role,
            g.status,
            f"{g.requested_by} {g.requested_at:%Y-%m-%d %H:%M}",
            g.decided_by or "-",
        )
    print_table(table)


@app.command(
    "approve",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="not a grant you requested yourself (dual control).",
        example="uncc user approve XA-G-2026-0001",
    ),
)
def approve(
    grant: Annotated[str, typer.Argument(help="The grant's id, e.g. XA-G-2026-0001.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Approve another administrator's request to give a user the judge or admin role."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    done = desk().decide_grant(grant, approve=True)
    if emit(done, output_format):
        return
    _say(f"{done.id} approved: {done.user} is {done.role}")


@app.command("refuse", epilog=epilog(Action.USER_MANAGE, example="uncc user refuse XA-G-2026-0001"))
def refuse(
    grant: Annotated[str, typer.Argument(help="The grant's id.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Refuse (or, as its requester, withdraw) a pending grant."""
    from uncc.entrypoints.cli.desk import desk  # noqa: PLC0415

    done = desk().decide_grant(grant, approve=False)
    if emit(done, output_format):
        return
    _say(f"{done.id} refused: {done.user} is not given {done.role}")


@app.command(
    "password",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="any user changes their own password (the current one first); the roles above set another user's.",
        example="uncc user password --password-stdin",
    ),
)
def password(
    user: Annotated[str | None, typer.Argument(help="Whose (default: yours).")] = None,
    password_stdin: PasswordStdin = False,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Change your password (the current one first), or set a user's as an administrator.

    With --password-stdin, your own change reads two lines: the current password, then the
    new one. Every session of the user ends.
    """
    desk = accounts()
    me = desk.me()
    target = user or me
    current = read_password(password_stdin, "Current password") if target == me else None
    new = read_password(password_stdin, f"New password for {target}")
    suspended = desk.change_password(target, new, current)
    if emit({"user": target, "sessions_ended": True, "grants": suspended}, output_format):
        return
    _say(f"password of {target} changed; their sessions ended (log in again)")
    _grants(suspended)


@app.command(
    "revoke-tokens",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="any user ends their own sessions; the roles above end another user's.",
        example="uncc user revoke-tokens ivan",
    ),
)
def revoke_tokens(
    user: Annotated[str | None, typer.Argument(help="Whose (default: yours).")] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """End every session (API, CLI and web tokens) of a user."""
    desk = accounts()
    target = user or desk.me()
    ended = desk.revoke_tokens(target)
    if emit({"user": target, "sessions_ended": ended}, output_format):
        return
    _say(f"{ended} session(s) of {target} ended")


@app.command(
    "totp-enrol",
    epilog=epilog(limits="any user, for their own account.", example="uncc user totp-enrol"),
)
def totp_enrol(output_format: FormatOpt = Format.TEXT) -> None:
    """Start your TOTP second factor: add the printed otpauth:// URI to an authenticator app."""
    uri = accounts().totp_enrol()
    if emit({"otpauth_uri": uri}, output_format):
        return
    _say(uri)
    _say("then: uncc user totp-confirm CODE (the 6 digits the app shows)")


@app.command(
    "totp-confirm",
    epilog=epilog(
        limits="any user, for their own account.", example="uncc user totp-confirm 123456"
    ),
)
def totp_confirm(
    code: Annotated[str, typer.Argument(help="The app's current code.")],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Finish enrolment: from now on, log-ins ask for a code."""
    if not code.strip().isdigit():
        raise UserInputError("code: the 6 digits the authenticator app shows")
    accounts().totp_confirm(code)
    if emit({"second_factor": True}, output_format):
        return
    _say("second factor enrolled: log-ins now ask for a code")


@app.command(
    "totp-reset",
    epilog=epilog(
        Action.USER_MANAGE,
        limits="not your own second factor.",
        example="uncc user totp-reset ivan",
    ),
)
def totp_reset(user: UserArg, output_format: FormatOpt = Format.TEXT) -> None:
    """Remove a user's second factor (administrators; not your own). Their sessions end."""
    accounts().totp_reset(user)
    if _account(user, output_format):
        return
    _say(f"second factor of {user} removed; they enrol again at their next log-in")


@app.command(
    "preferences",
    epilog=epilog(
        limits="any user, for their own account only.",
        example="uncc user preferences --lang fr --tz Europe/Paris",
    ),
)
def preferences(
    language: Annotated[
        str | None,
        typer.Option("--lang", "--language", help="en or fr; '' follows the browser's."),
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option("--tz", "--time-zone", help="IANA name, e.g. Europe/Paris; '' the node's."),
    ] = None,
    email: Annotated[
        str | None, typer.Option("--email", help="Where notifications are mailed; '' none.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Show, or change, your own web language, time zone and notification e-mail (any user)."""
    mine = accounts().preferences(language=language, time_zone=time_zone, email=email)
    if emit(mine, output_format):
        return
    browser = "as the browser asks"
    _say(f"language: {mine.language or browser}")
    _say(f"time zone: {mine.time_zone}")
    _say(f"e-mail: {mine.email or 'none'}")
