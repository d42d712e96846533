"""The typed results of an analysis: offence findings, jurisdiction and measures."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from uncc.analysis.drafts import drafted
from uncc.analysis.logic import Status, Truth
from uncc.analysis.trace import Missing, Trace


class Basis(StrEnum):
    """Why the actor answers for the offence."""

    PERPETRATION = "perpetration"
    ATTEMPT = "attempt"
    PREPARATION = "preparation"
    PARTICIPATION = "participation"
    LEGAL_PERSON = "legal_person"


@dataclass(frozen=True)
class OffenceFinding:
    """An offence, for one act and one actor, under one State's profile."""

    article: int
    offence: str
    name: str
    provision: str
    act: str
    actor: str | None
    basis: Basis
    trace: Trace
    role: str | None = None
    aggravations: tuple[Trace, ...] = ()
    human_rights_review: bool = False

    @property
    def truth(self) -> Truth:
        """The finding's truth value."""
        return self.trace.outcome

    @property
    def status(self) -> Status:
        """Established, not established or undetermined."""
        return Status.of(self.trace.outcome)

    @property
    def missing(self) -> tuple[Missing, ...]:
        """The unknown facts that would settle the finding."""
        return self.trace.missing

    @property
    def key(self) -> tuple[str, str, str | None, str]:
        """What identifies the finding across States: offence, act, actor, basis."""
        return (self.offence, self.act, self.actor, self.basis.value)


@dataclass(frozen=True)
class GroundFinding:
    """One ground of Art. 40 for one State, over every act it covers."""

    ground: str
    provision: str
    mandatory: bool
    adopted: bool
    trace: Trace
    acts: tuple[str, ...] = ()

    @property
    def status(self) -> Status:
        """Whether the ground applies on the facts."""
        return Status.of(self.trace.outcome)


@dataclass(frozen=True)
class Jurisdiction:
    """Whether a State has jurisdiction, on which grounds, and whom it must consult."""

    state: str
    trace: Trace
    grounds: tuple[GroundFinding, ...]
    consult: tuple[str, ...] = ()
    """Other States known to investigate, prosecute or try the same conduct (Art. 40(5))."""
    consult_if_investigating: tuple[str, ...] = ()
    """Other States with jurisdiction not known to investigate: consult if they do."""

    @property
    def status(self) -> Status:
        """Established when an adopted ground applies."""
        return Status.of(self.trace.outcome)


@dataclass(frozen=True)
class Target:
    """What a power would be used on, and where it is."""

    id: str
    kind: str
    location: str | None


@dataclass(frozen=True)
class Measure:
    """A procedural power for one State, on the targets in one place."""

    state: str
    article: int
    power: str
    name: str
    provision: str
    trace: Trace
    route: str | None
    targets: tuple[Target, ...] = ()
    safeguards: tuple[tuple[str, str, str], ...] = ()
    """(safeguard id, provision, what it asks here)."""
    judicial_authorisation: bool | None = None
    confidentiality: str | None = None
    parameters: dict[str, int | str | bool] = field(default_factory=dict)
    route_missing: tuple[Missing, ...] = ()

    @property
    def available(self) -> bool | None:
        """True, False, or ``None`` when undetermined."""
        return self.trace.outcome.as_bool()


@dataclass(frozen=True)
class Limitation:
    """When the limitation period for an offence runs out in a State (Art. 38)."""

    state: str
    offence: str
    act: str
    years: int | None
    deadline: str | None
    expired: bool | None
    missing: tuple[Missing, ...] = ()
    note: str = ""
    """How the offender's evasion of justice changed the period, if it did."""


make_offence_finding = drafted(OffenceFinding)
"""``OffenceFinding(...)`` for the engine (about four times as fast)."""
make_ground_finding = drafted(GroundFinding)
"""``GroundFinding(...)`` for the engine."""
make_jurisdiction = drafted(Jurisdiction)
"""``Jurisdiction(...)`` for the engine."""
make_measure = drafted(Measure)
"""``Measure(...)`` for the engine."""
