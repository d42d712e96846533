"""Kleene's strong three-valued logic: TRUE, FALSE and UNKNOWN.

An unknown fact is never treated as false. ``all_`` is FALSE as soon as one input is
FALSE, ``any_`` is TRUE as soon as one input is TRUE; otherwise an UNKNOWN input makes
the result UNKNOWN. Every operation is monotone: replacing an UNKNOWN input by TRUE or
FALSE never changes a settled (TRUE or FALSE) result.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final


class Truth(StrEnum):
    """A three-valued truth value."""

    TRUE = "true"
    FALSE = "false"
    UNKNOWN = "unknown"

    @classmethod
    def of(cls, value: bool | None) -> Truth:
        """TRUE, FALSE, or UNKNOWN for ``None`` (as :func:`truth_of`)."""
        return truth_of(value)

    @property
    def settled(self) -> bool:
        """True when the value is TRUE or FALSE."""
        return self is not UNKNOWN

    def as_bool(self) -> bool | None:
        """``True``, ``False`` or ``None``."""
        return None if self is UNKNOWN else self is TRUE

    def __invert__(self) -> Truth:
        if self is UNKNOWN:
            return self
        return FALSE if self is TRUE else TRUE


# The members as module constants: reading ``Truth.FALSE`` goes through the enum
# metaclass's attribute hook (about 60 ns more than a module global, on every read),
# and the rules read them thousands of times per incident.
TRUE: Final = Truth.TRUE
FALSE: Final = Truth.FALSE
UNKNOWN: Final = Truth.UNKNOWN


def truth_of(value: bool | None) -> Truth:
    """TRUE, FALSE, or UNKNOWN for ``None``."""
    if value is None:
        return UNKNOWN
    return TRUE if value else FALSE


def all_(values: Iterable[Truth]) -> Truth:
    """Kleene conjunction (TRUE for no inputs)."""
    result = TRUE
    for value in values:
        if value is FALSE:
            return FALSE
        if value is UNKNOWN:
            result = UNKNOWN
    return result


def any_(values: Iterable[Truth]) -> Truth:
    """Kleene disjunction (FALSE for no inputs)."""
    result = FALSE
    for value in values:
        if value is TRUE:
            return TRUE
        if value is UNKNOWN:
            result = UNKNOWN
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
            TRUE: cls.ESTABLISHED,
            FALSE: cls.NOT_ESTABLISHED,
            UNKNOWN: cls.UNDETERMINED,
        }[truth]
