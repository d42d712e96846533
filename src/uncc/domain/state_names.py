"""States as people name them: a code (``XC``) or a name (``Eastland``), resolved to the code.

The choices come from the node's own State and the network directory (each member's
name and the name of its published profile); a form offers them as a list, and a typed
name is accepted when it names exactly one of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from uncc.errors import UserInputError

CODE = re.compile(r"^[A-Z]{2}$")


@dataclass(frozen=True)
class StateChoice:
    """A State a form may name: its code, its name, and the other names it is known by."""

    code: str
    name: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The code and the name, as a list shows them: ``XC — Eastland``."""
        return f"{self.code} — {self.name}" if self.name else self.code


def _plain(name: str) -> str:
    """A name without its parenthesised remarks, lower case: ``Eastland (fictional)`` → ``eastland``."""
    return " ".join(re.sub(r"\([^)]*\)", " ", name).lower().split())


def _words(choice: StateChoice) -> set[str]:
    names = {_plain(n) for n in (choice.name, *choice.aliases) if n}
    return names | {w for n in names for w in n.split()}


def resolve(text: str, choices: Sequence[StateChoice], field: str) -> str | None:
    """The State code ``text`` names, or None when ``text`` is empty.

    ``text`` may be a code (any case), a full name, or a word of a name that only one
    State has (``Eastland`` for ``Eastland National Cyber Unit``). A well-formed code
    the list does not know is accepted too (a State outside the network can still be
    named by its code).

    Raises:
        UserInputError: ``text`` names no State, or more than one (``field`` is named,
            with the choices).
    """
    typed = text.strip()
    if not typed:
        return None
    if CODE.fullmatch(typed.upper()) and (
        typed.isupper() or any(c.code == typed.upper() for c in choices)
    ):
        return typed.upper()
    wanted = _plain(typed)
    exact = [c for c in choices if wanted in {_plain(n) for n in (c.name, *c.aliases) if n}]
    found = exact or [c for c in choices if wanted in _words(c)]
    codes = sorted({c.code for c in found})
    if len(codes) == 1:
        return codes[0]
    known = "; ".join(c.label for c in choices) or "none in the directory"
    if codes:
        raise UserInputError(f"{field}: '{typed}' could be {' or '.join(codes)}; choose one")
    raise UserInputError(f"{field}: '{typed}' is not a State we know; choose one of: {known}")


def merged(choices: Iterable[StateChoice]) -> list[StateChoice]:
    """One choice per code (the first name seen, the others as aliases), sorted by code."""
    held: dict[str, StateChoice] = {}
    for choice in choices:
        old = held.get(choice.code)
        if old is None:
            held[choice.code] = choice
            continue
        extra = tuple(n for n in (choice.name, *choice.aliases) if n and n != old.name)
        held[choice.code] = StateChoice(
            old.code, old.name, tuple(dict.fromkeys(old.aliases + extra))
        )
    return [held[k] for k in sorted(held)]
