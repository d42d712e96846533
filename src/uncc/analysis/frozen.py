"""Lists and mappings of facts that refuse to change once validated.

The facts models are frozen (no field can be set again), but a frozen model still holds
the lists and dicts it was given, and those could be changed in place. An analysis
makes some of its trace nodes only when they are first read (``trace.Deferred``, from
the act and the world it analysed): a change made meanwhile would show one incident's
outcomes with another's reasons. Validation therefore hands each fact's list or dict
over as a :class:`FrozenList` or :class:`FrozenDict` (the fields are :data:`KeptList`
and :data:`KeptDict`; an incident's absent lists are validated as given ones): a ``list``
or ``dict`` in every respect (equal, printed, serialised, copied and pickled alike)
except that it refuses to change.
"""

from __future__ import annotations

from typing import Annotated, Any, NoReturn, SupportsIndex, TypeVar

from pydantic import AfterValidator

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")

WHY = "the facts of a validated incident do not change: validate new facts instead"


def _refuse(*_args: object, **_kwargs: object) -> NoReturn:
    raise TypeError(WHY)


class FrozenList(list[T]):
    """A list of facts that cannot change."""

    __slots__ = ()

    append = extend = insert = remove = clear = sort = reverse = _refuse
    __setitem__ = __delitem__ = _refuse

    def pop(self, _index: SupportsIndex = -1) -> NoReturn:
        """Refused: the facts do not change."""
        raise TypeError(WHY)

    def __iadd__(self, _other: object) -> NoReturn:  # type: ignore[misc]
        raise TypeError(WHY)

    def __imul__(self, _other: object) -> NoReturn:
        raise TypeError(WHY)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenList, (list(self),))


class FrozenDict(dict[K, V]):
    """A mapping of facts that cannot change."""

    __slots__ = ()

    clear = popitem = setdefault = update = _refuse
    __setitem__ = __delitem__ = _refuse

    def pop(self, _key: object, _default: object = None) -> NoReturn:
        """Refused: the facts do not change."""
        raise TypeError(WHY)

    def __ior__(self, _other: object) -> NoReturn:  # type: ignore[misc]
        raise TypeError(WHY)

    def __reduce__(self) -> tuple[Any, ...]:
        return (FrozenDict, (dict(self),))


KeptList = Annotated[list[T], AfterValidator(FrozenList)]
"""A list of facts, kept frozen once validated."""

KeptDict = Annotated[dict[K, V], AfterValidator(FrozenDict)]
"""A mapping of facts, kept frozen once validated."""
