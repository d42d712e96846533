"""Kleene's strong three-valued logic: TRUE, FALSE and UNKNOWN.

An unknown fact is never treated as false. ``all_`` is FALSE as soon as one input is
FALSE, ``any_`` is TRUE as soon as one input is TRUE; otherwise an UNKNOWN input makes
the result UNKNOWN. Every operation is monotone: replacing an UNKNOWN input by TRUE or
FALSE never changes a settled (TRUE or FALSE) result.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum


class Truth(StrEnum):
    """A three-valued truth value."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Truth:
        """TRUE, FALSE, or UNKNOWN for ``None``."""
        if value is None:
            return cls.UNKNOWN
        return cls.TRUE if value else cls.FALSE

    @property
    def settled(self) -> bool:
        """True when the value is TRUE or FALSE."""
        return self is not Truth.UNKNOWN

    def as_bool(self) -> bool | None:
        """``True``, ``False`` or ``None``."""
        return None if self is Truth.UNKNOWN else self is Truth.TRUE

    def __invert__(self) -> Truth:
        if self is Truth.UNKNOWN:
            return self
        return Truth.FALSE if self is Truth.TRUE else Truth.TRUE


def all_(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction (TRUE for no inputs)."""
    result = Truth.TRUE
    for value in values:
        if value is Truth.FALSE:
            return Truth.FALSE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


def any_(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction (FALSE for no inputs)."""
    result = Truth.FALSE
    for value in values:
        if value is Truth.TRUE:
            return Truth.TRUE
        if value is Truth.UNKNOWN:
            result = Truth.UNKNOWN
    return result


class Status(StrEnum):
    """How a legal result stands: the words the reports use for TRUE, FALSE and UNKNOWN."""

    ESTABLISHED = "established"
    NOT_ESTABLISHED = "not_established"
    UNDETERMINED = "undetermined"

    @classmethod
    def of(cls, truth: Truth) -> Status:
        """The status for a truth value."""
        return {
            Truth.TRUE: cls.ESTABLISHED,
            Truth.FALSE: cls.NOT_ESTABLISHED,
            Truth.UNKNOWN: cls.UNDETERMINED,
        }[truth]
