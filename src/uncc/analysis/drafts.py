"""Frozen result dataclasses made without their frozen ``__init__``.

A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``: for a
``Measure`` (13 fields) about four times the cost of ordinary attribute stores, and an
analysis makes a dozen measures, nine ground findings and a few offence findings per
State. :func:`drafted` gives a maker with the same signature that fills an ordinary
(non-frozen) dataclass of the same fields, defaults and order, then makes the object an
instance of the frozen class (the two layouts are the same: a ``__dict__`` each). The
result is an ordinary, equal, frozen instance, as ``cls(...)`` makes it (ADR 0046 does
the same for the slotted trace nodes).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


def drafted(cls: Callable[P, T]) -> Callable[P, T]:
    """A maker of ``cls`` instances (a frozen dataclass without slots), as ``cls(...)``."""
    frozen: Any = cls
    params = frozen.__dataclass_params__
    if not params.frozen or "__slots__" in vars(frozen) or hasattr(frozen, "__post_init__"):
        msg = f"{frozen.__name__}: only a frozen dataclass without slots or __post_init__"
        raise TypeError(msg)
    if not all(f.init for f in dataclasses.fields(frozen)):
        msg = f"{frozen.__name__}: every field must be set by __init__"
        raise TypeError(msg)
    fields = [
        (f.name, f.type, dataclasses.field(default=f.default, default_factory=f.default_factory))
        for f in dataclasses.fields(frozen)
    ]
    draft: Any = dataclasses.make_dataclass(
        f"_{frozen.__name__}Draft", fields, eq=False, repr=False, match_args=False
    )

    def make(*args: P.args, **kwargs: P.kwargs) -> T:
        made = draft(*args, **kwargs)
        made.__class__ = frozen
        return made  # type: ignore[no-any-return]

    make.__doc__ = f"``{frozen.__name__}(...)``, without the frozen ``__init__``."
    return make
