"""The one exception tree of uncc.

Errors are raised inside and translated only at the edges: the CLI turns them into
a one-line message and an exit code, the API (later) into RFC 9457 problem JSON.
Problems that are not errors (lint findings, missing facts) are returned as data.

::

    UnccError                      anything uncc raises on purpose
    ├── UserInputError             the user gave something we cannot use (CLI exit 2)
    │   ├── TreatyTextError        a treaty text file is empty, binary, badly encoded or no treaty
    │   ├── UnknownProvisionError  an article number or provision id that does not exist
    │   ├── FactsError             an incident facts file has problems (all listed, with paths)
    │   ├── ProfileError           a State Party profile has problems (all listed, with paths)
    │   └── TooLargeError          a body, upload or document over its limit (API 413)
    ├── PermissionDeniedError      the user's roles do not allow the action (API 403, CLI exit 2)
    │   ├── ThrottledError         too many failed log-ins: wait (API 429 with Retry-After)
    │   └── SecondFactorRequired   the account's TOTP code is needed as well (API 401)
    ├── NotFoundError              no such case, order, evidence item or user (API 404)
    ├── ConflictError              the action is not possible in the current state (API 409)
    │   └── RuleViolation          a Convention condition refuses it; names the provision
    ├── StorageFullError           the disk is full; nothing was half-written (API 507)
    └── ConventionDataError        the bundled encoding of the Convention is inconsistent (a bug)
"""

from __future__ import annotations


class UnccError(Exception):
    """Base of every error uncc raises on purpose."""


class UserInputError(UnccError):
    """The user supplied input that cannot be used; the message says what and where."""


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


class ProfileError(_ProblemsError):
    """A State Party profile cannot be used; every problem is listed with its path."""

    what = "State Party profile"


class PermissionDeniedError(UnccError):
    """The user's roles do not allow the action (or the object is confidential to them)."""


class NotFoundError(UnccError):
    """No such object (or none the user may see)."""


class ConflictError(UnccError):
    """The action is not possible in the object's current state."""


class SchemaError(UnccError):
    """The database's schema is not the one this code needs (run ``uncc node migrate``)."""


class RuleViolation(ConflictError):  # noqa: N818 - a refusal, named as the law names it
    """A condition of the Convention refuses the action.

    Args:
        provision: the provision id applied, e.g. ``art_43__para_2``.
        message: what is refused and why.
    """

    def __init__(self, provision: str, message: str) -> None:
        super().__init__(f"{message} [{provision}]")
        self.provision = provision
        self.reason = message


class TransportError(UnccError):
    """Another node could not be reached; the message stays in the outbox and is retried."""


class StorageError(UnccError):
    """The blob store could not be reached or refused an operation; nothing was recorded."""


class KeyAccessError(UserInputError):
    """A key file cannot be opened: it needs the key passphrase, or a different one."""


class TooLargeError(UserInputError):
    """A request body, an upload or a document is over its configured limit."""


class StorageFullError(UnccError):
    """The node's disk is full (``ENOSPC``); what was being written was removed or rolled back."""


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


class SecondFactorRequired(PermissionDeniedError):  # noqa: N818 - a request for more, not a fault
    """The password was right and the account needs its TOTP code too (API 401)."""
