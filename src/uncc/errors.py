"""The one exception tree of uncc.

Errors are raised inside and translated only at the edges: the CLI turns them into
a one-line message and an exit code, the API (later) into RFC 9457 problem JSON.
Problems that are not errors (lint findings, missing facts) are returned as data.

::

    UnccError                      anything uncc raises on purpose
    ├── UserInputError             the user gave something we cannot use (CLI exit 2)
    │   ├── TreatyTextError        a treaty text file is empty, binary, badly encoded or no treaty
    │   └── UnknownProvisionError  an article number or provision id that does not exist
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
