"""The registry of lint checks.

Each check is a function from a :class:`~uncc.convention.text.context.LintContext` to
findings, registered under the codes it can emit. Modules register themselves on import;
:data:`CHECK_MODULES` lists them so that a test can verify none is forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from uncc.convention.text.context import LintContext
from uncc.convention.text.findings import Finding

CheckFunction = Callable[[LintContext], Iterable[Finding]]


@dataclass(frozen=True)
class Check:
    """A registered lint check and the finding codes it may emit."""

    name: str
    codes: tuple[str, ...]
    function: CheckFunction
    summary: str


REGISTRY: dict[str, Check] = {}

CHECK_MODULES = ("references", "duplicates", "terms", "parties", "scope", "slips", "numbering")


def register(*codes: str) -> Callable[[CheckFunction], CheckFunction]:
    """Register a check under the finding codes it emits."""

    def decorate(function: CheckFunction) -> CheckFunction:
        name = function.__name__
        if name in REGISTRY:
            raise ValueError(f"lint check {name!r} registered twice")
        summary = (function.__doc__ or "").strip().splitlines()[0]
        REGISTRY[name] = Check(name, codes, function, summary)
        return function

    return decorate
