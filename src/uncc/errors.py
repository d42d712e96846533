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
    │   └── ProfileError           a State Party profile has problems (all listed, with paths)
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
