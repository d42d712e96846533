"""The one exception tree of uncc.

Errors are raised inside and translated only at the edges: the CLI turns them into
a one-line message and an exit code, the API into RFC 9457 problem JSON, the web into an
error page. What each edge shows is defined here, once, on the class: ``http_status``,
``problem_type`` (the slug of the problem's ``type`` URI), ``title``, ``exit_code`` and the
CLI's ``label``. Problems that are not errors (lint findings, missing facts) are returned as
data.

::

    UnccError                      anything uncc raises on purpose (API 500, CLI exit 2)
    ├── UserInputError             the user gave something we cannot use (API 400, CLI exit 2)
    │   ├── TreatyTextError        a treaty text file is empty, binary, badly encoded or no treaty
    │   ├── UnknownProvisionError  an article number or provision id that does not exist
    │   ├── FactsError             an incident facts file has problems (all listed; API 422)
    │   ├── ProfileError           a State Party profile has problems (all listed, with paths)
    │   └── TooLargeError          a body, upload or document over its limit (API 413)
    ├── PermissionDeniedError      the user's roles do not allow the action (API 403, CLI exit 4)
    │   ├── ThrottledError         too many failed log-ins: wait (API 429 with Retry-After)
    │   └── SecondFactorRequired   the account's TOTP code is needed as well (API 401)
    ├── NotFoundError              no such case, order, evidence item or user (API 404)
    ├── ConflictError              the action is not possible in the current state (409, exit 5)
    │   └── RuleViolation          a Convention condition refuses it; names the provision
    ├── TransportError             another node could not be reached (API 502, CLI exit 6)
    ├── StorageError               the blob store could not be reached (API 503, CLI exit 6)
    ├── StorageFullError           the disk is full; nothing was half-written (507, exit 7)
    ├── SchemaError                the database needs ``uncc node migrate`` (API 503)
    └── ConventionDataError        the bundled encoding of the Convention is inconsistent (a bug)
"""

from __future__ import annotations

from typing import ClassVar

EXIT_USER_INPUT = 2
"""CLI exit code: bad input, or no such object."""
EXIT_DATA = 3
"""CLI exit code: the bundled Convention data is inconsistent (a bug to report)."""
EXIT_DENIED = 4
"""CLI exit code: the user's roles do not allow it."""
EXIT_REFUSED = 5
"""CLI exit code: not possible in the current state, or refused by the Convention."""
EXIT_UNREACHABLE = 6
"""CLI exit code: another node or the blob store could not be reached."""
EXIT_DISK_FULL = 7
"""CLI exit code: the disk is full; nothing was stored."""


class UnccError(Exception):
    """Base of every error uncc raises on purpose.

    The class attributes say how every edge shows the error; subclasses override them.
    """

    http_status: ClassVar[int] = 500
    """The API's and the web's HTTP status."""
    problem_type: ClassVar[str] = "internal"
    """The slug of the RFC 9457 problem type (``/problems/<slug>``)."""
    title: ClassVar[str] = "Internal error"
    """The problem's short, fixed title."""
    exit_code: ClassVar[int] = EXIT_USER_INPUT
    """The CLI's exit code."""
    label: ClassVar[str] = "error"
    """The word the CLI prints before the message (``uncc: <label>: …``)."""
    description: ClassVar[str] = "The node failed in a way it did not foresee; nothing was stored."
    """What the problem type means, for its documentation page."""


class UserInputError(UnccError):
    """The user supplied input that cannot be used; the message says what and where."""

    http_status = 400
    problem_type = "bad-request"
    title = "Bad request"
    description = "The request cannot be used as sent; the detail names the field and why."


class TreatyTextError(UserInputError):
    """A treaty text cannot be read or does not look like a treaty.

    Args:
        source: the file name or label of the text.
        problem: what is wrong, in one line.
    """

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(f"{source}: {problem}")
        self.source = source
        self.problem = problem


class UnknownProvisionError(UserInputError):
    """An article number or provision id that the Convention does not have."""


class ConventionDataError(UnccError):
    """The bundled encoding of the Convention failed validation or an integrity check."""

    problem_type = "convention-data"
    title = "Internal data error"
    exit_code = EXIT_DATA
    label = "internal data error (please report)"
    description = "The Convention data bundled with the node is inconsistent: a bug to report."


class _ProblemsError(UserInputError):
    """Input with one or more problems, each naming the path of the field at fault.

    Args:
        source: the file name or label of the input.
        problems: one line per problem, ``path: what is wrong; hint``.
    """

    what = "input"

    def __init__(self, source: str, problems: list[str]) -> None:
        count = len(problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} in the {self.what}"
        super().__init__(head + "".join(f"\n  {p}" for p in problems))
        self.source = source
        self.problems = problems


class FactsError(_ProblemsError):
    """An incident facts file cannot be used; every problem is listed with its path."""

    what = "incident facts"
    http_status = 422
    problem_type = "invalid-facts"
    title = "The incident facts are not valid"
    description = (
        "The incident facts (uncc: incident/1) have problems; `errors` lists each with its path."
    )


class ProfileError(_ProblemsError):
    """A State Party profile cannot be used; every problem is listed with its path."""

    what = "State Party profile"


class PermissionDeniedError(UnccError):
    """The user's roles do not allow the action (or the object is confidential to them)."""

    http_status = 403
    problem_type = "forbidden"
    title = "Not allowed"
    exit_code = EXIT_DENIED
    label = "denied"
    description = (
        "No valid token was sent, or the user's roles do not allow the action; nothing was done."
    )


class NotFoundError(UnccError):
    """No such object (or none the user may see)."""

    http_status = 404
    problem_type = "not-found"
    title = "Not found"
    description = "No such object, or none the user may see (confidential ones are not named)."


class ConflictError(UnccError):
    """The action is not possible in the object's current state."""

    http_status = 409
    problem_type = "conflict"
    title = "Not possible now"
    exit_code = EXIT_REFUSED
    label = "refused"
    description = "The action is not possible in the object's current state; nothing changed."


class SchemaError(UnccError):
    """The database's schema is not the one this code needs (run ``uncc node migrate``)."""

    http_status = 503
    problem_type = "schema-outdated"
    title = "Database needs migrating"
    description = "The node's database is not at the schema this code needs (uncc node migrate)."


class RuleViolation(ConflictError):  # noqa: N818 - a refusal, named as the law names it
    """A condition of the Convention refuses the action.

    Args:
        provision: the provision id applied, e.g. ``art_43__para_2``.
        message: what is refused and why.
        field: the input at fault, where one is (a form shows the refusal next to it).
    """

    def __init__(self, provision: str, message: str, *, field: str = "") -> None:
        super().__init__(f"{message} [{provision}]")
        self.provision = provision
        self.reason = message
        self.field = field

    problem_type = "refused-by-convention"
    title = "Refused by a condition of the Convention"
    description = (
        "A condition of the Convention or of the State's profile refuses the action; "
        "`provision` names the provision applied."
    )


class TransportError(UnccError):
    """Another node could not be reached; the message stays in the outbox and is retried."""

    http_status = 502
    problem_type = "unreachable"
    title = "Another node could not be reached"
    exit_code = EXIT_UNREACHABLE
    label = "unreachable"
    description = "Another node of the network could not be reached or answered badly."


class StorageError(UnccError):
    """The blob store could not be reached or refused an operation; nothing was recorded."""

    http_status = 503
    problem_type = "storage-unavailable"
    title = "Storage unavailable"
    exit_code = EXIT_UNREACHABLE
    label = "unreachable"
    description = "The evidence store could not be reached or refused; nothing was recorded."


class KeyAccessError(UserInputError):
    """A key file cannot be opened: it needs the key passphrase, or a different one."""


class TooLargeError(UserInputError):
    """A request body, an upload or a document is over its configured limit."""

    http_status = 413
    problem_type = "too-large"
    title = "Too large"
    description = "A request body, an upload or a document is over the node's configured limit."


class StorageFullError(UnccError):
    """The node's disk is full (``ENOSPC``); what was being written was removed or rolled back."""

    http_status = 507
    problem_type = "storage-full"
    title = "Insufficient storage"
    exit_code = EXIT_DISK_FULL
    label = "disk full"
    description = "The node's disk is full; what was being written was removed or rolled back."


def is_disk_full(exc: BaseException) -> bool:
    """True for a full disk, whoever reports it: the OS, SQLite or PostgreSQL.

    >>> is_disk_full(OSError(28, "No space left on device"))
    True
    """
    import errno  # noqa: PLC0415 - only needed here

    if isinstance(exc, StorageFullError) or (
        isinstance(exc, OSError) and exc.errno == errno.ENOSPC
    ):
        return True
    cause = getattr(exc, "orig", None)  # a database driver's error, wrapped by SQLAlchemy
    if getattr(cause, "sqlstate", None) == "53100":  # PostgreSQL's disk_full
        return True
    text = str(cause if cause is not None else exc)
    return "database or disk is full" in text or "No space left on device" in text


class ThrottledError(PermissionDeniedError):
    """Too many failed log-ins: the account or address must wait (API 429 with Retry-After).

    Args:
        retry_after: whole seconds until the next attempt is considered.
    """

    def __init__(self, retry_after: int) -> None:
        super().__init__(
            f"too many failed log-ins: try again in {retry_after} s (the pause grows with each failure)"
        )
        self.retry_after = retry_after

    http_status = 429
    problem_type = "throttled"
    title = "Too many failed log-ins"
    description = "Too many failed log-ins for the account or address: wait `Retry-After` seconds."


class SecondFactorRequired(PermissionDeniedError):  # noqa: N818 - a request for more, not a fault
    """The password was right and the account needs its TOTP code too (API 401)."""

    http_status = 401
    problem_type = "second-factor-required"
    title = "Code needed"
    description = "The password was right; send the code of the authenticator app as `code` too."
