"""What every rule needs: the Convention, the facts, and the State's profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from uncc.analysis.trace import Trace
from uncc.analysis.world import World
from uncc.convention.catalogue import Convention
from uncc.parties.profile import Profile

PredicateLookup = Callable[[str], Trace]
"""Given an act id, the trace of 'this act is a Convention offence' (Art. 33(2)(b))."""


@dataclass(frozen=True)
class Context:
    """The inputs of one evaluation: law, facts, the State's choices."""

    convention: Convention
    world: World
    profile: Profile
    predicate: PredicateLookup
