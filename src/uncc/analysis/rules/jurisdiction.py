"""Jurisdiction (Art. 40): the grounds on which each State may prosecute, and consultation.

The grounds are read in :mod:`.grounds_place` (territory, flag, effects) and
:mod:`.grounds_persons` (victims, offenders, the State, nationals' data, presence).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial

from uncc.analysis.facts import Act, Investigation
from uncc.analysis.findings import (
    GroundFinding,
    Jurisdiction,
    OffenceFinding,
    make_ground_finding,
    make_jurisdiction,
)
from uncc.analysis.logic import FALSE, Truth, all_, any_
from uncc.analysis.rules import grounds_persons as persons
from uncc.analysis.rules import grounds_place as place
from uncc.analysis.rules.context import Context
from uncc.analysis.rules.grounds_truth import TRUTHS
from uncc.analysis.trace import Trace, combine, deferred
from uncc.convention.model import Ground

GroundReader = Callable[[str, Act, str | None, Context], Trace]


READERS: dict[str, GroundReader] = {
    "territory": place.territory,
    "flag_or_registration": place.flag,
    "passive_personality": persons.passive,
    "active_personality": persons.active,
    "effects_in_territory": place.effects,
    "against_the_state": persons.against_state,
    "data_of_nationals": persons.data_of_nationals,
    "presence_no_extradition_of_national": persons.presence_national,
    "presence_no_extradition": persons.presence,
}
"""The reading of each ground of Art. 40, by ground id."""


def jurisdiction(
    state: str, findings: Iterable[OffenceFinding], grounds: Iterable[Ground], ctx: Context
) -> Jurisdiction:
    """The grounds on which ``state`` has jurisdiction over the offences found."""
    relevant = [f for f in findings if f.truth is not FALSE]
    # Each finding's pair label is the same under every ground: made once.
    pairs = [
        (f, a, f"{f.name} ({f.act}, {f.actor})")
        for f in relevant
        if (a := ctx.world.act(f.act)) is not None
    ]
    results: list[GroundFinding] = []
    for ground in grounds:
        outcomes: list[Truth] = []
        acts: list[str] = []
        truth = TRUTHS[ground.id]
        # A ground reads the act and its actor only: one truth for every offence of an act.
        truths: dict[tuple[str, str | None], Truth] = {}
        for finding, act, _ in pairs:
            actor = finding.actor
            held = truths.get((act.id, actor))
            if held is None:
                held = truths[act.id, actor] = truth(state, act, actor, ctx)
            outcome = all_((finding.trace.outcome, held))
            outcomes.append(outcome)
            if outcome is not FALSE:
                acts.append(finding.act)
        adopted = ground.mandatory or ctx.profile.establishes(ground.id)
        # The outcome now; the ground's node, its pairs' and its readings' when first
        # read (the reports, the questions), from the same facts and truths.
        trace = deferred(any_(outcomes), partial(_ground_node, state, ground, pairs, truths, ctx))
        results.append(
            make_ground_finding(
                ground.id, ground.at, ground.mandatory, adopted, trace, tuple(dict.fromkeys(acts))
            )
        )
    counted = [g.trace for g in results if g.adopted]
    overall = deferred(
        any_([c.outcome for c in counted]),
        partial(
            combine,
            "jurisdiction",
            f"{state} has jurisdiction",
            "art_40",
            any_,
            tuple(counted),
            key=state,
        ),
    )
    return make_jurisdiction(state, overall, tuple(results))


def _ground_node(
    state: str,
    ground: Ground,
    pairs: list[tuple[OffenceFinding, Act, str]],
    truths: dict[tuple[str, str | None], Truth],
    ctx: Context,
) -> Trace:
    """The ground's node: any of its act × offence pairs (each deferred, as its reading)."""
    per_act: list[Trace] = []
    read, at = READERS[ground.id], ground.at
    nodes: dict[tuple[str, str | None], Trace] = {}
    for finding, act, label in pairs:
        actor = finding.actor
        node = nodes.get((act.id, actor))
        if node is None:
            node = nodes[act.id, actor] = deferred(
                truths[act.id, actor], partial(read, state, act, actor, ctx)
            )
        offence = finding.trace
        # The recipe holds a tuple of the two nodes: nothing changes it.
        per_act.append(
            deferred(
                all_((offence.outcome, node.outcome)),
                partial(combine, "ground", label, at, all_, (offence, node)),
            )
        )
    return combine("ground", ground.gist, at, any_, per_act, key=ground.id)


def consultation(
    juris: Jurisdiction,
    others: Callable[[], Iterable[str]],
    investigations: Iterable[Investigation],
) -> Jurisdiction:
    """Whom the State consults under Art. 40(5), and whom it would consult if they investigate.

    The duty binds a State exercising jurisdiction under Art. 40(1) or (2) that knows
    (notified, a deconfliction hit, or otherwise) of another State's investigation,
    prosecution or judicial proceeding on the same conduct. Another State with
    jurisdiction that is not known to investigate is listed apart; one known to have
    stopped is not listed.
    """
    exercising = [
        g
        for g in juris.grounds
        if g.adopted
        and g.trace.outcome is not FALSE
        and g.provision.startswith(("art_40__para_1", "art_40__para_2"))
    ]
    if not exercising:
        return make_jurisdiction(juris.state, juris.trace, juris.grounds, (), ())
    ongoing: set[str] = set()
    stopped: set[str] = set()
    for inv in investigations:
        (ongoing if inv.ongoing else stopped).add(inv.state)
    stopped -= ongoing
    competent = set(others())
    consult = sorted(ongoing - {juris.state})
    maybe = sorted(competent - ongoing - stopped - {juris.state})
    return make_jurisdiction(juris.state, juris.trace, juris.grounds, tuple(consult), tuple(maybe))
