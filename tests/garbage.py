"""What the cyclic collector finds unreachable, limited to the code under test.

A test worker runs other tests' threads (servers, committers) that may leave cycles of
their own at any moment, so "a full collection frees nothing" cannot be asserted for the
whole process. These helpers count only objects (instances, functions and bound methods)
of the modules a test names.
"""

from __future__ import annotations

import gc
from types import FunctionType, MethodType


def unreachable_from(*modules: str) -> list[object]:
    """The objects of ``modules`` that only the cyclic collector could free now."""
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        gc.collect()
        return [thing for thing in gc.garbage if _module(thing) in modules]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def _module(thing: object) -> str | None:
    if isinstance(thing, FunctionType | MethodType):
        return thing.__module__
    return type(thing).__module__
