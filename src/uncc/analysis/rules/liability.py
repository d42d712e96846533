"""Who else answers for an offence, and its aggravations.

Who answers for an offence besides its perpetrator: participants (Art. 36(1)) and
legal persons (Art. 35); and the aggravations a State may provide (Art. 39(2)).
"""

from __future__ import annotations

from uncc.analysis.facts import Act, Datum, Person, System
from uncc.analysis.findings import Basis, OffenceFinding, make_offence_finding
from uncc.analysis.logic import FALSE, TRUE, UNKNOWN, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing, Trace, combine, leaf
from uncc.analysis.vocabulary import MentalState, ResultKind
from uncc.analysis.world import shown


def participation(participant: Act, principal: OffenceFinding, ctx: Context) -> OffenceFinding:
    """A participant's liability for the principal's offence (Art. 36(1))."""
    world = ctx.world
    value = participant.mental_state
    path = world.path(participant, "mental_state")
    state = value if isinstance(value, MentalState) or value is None else value.value
    inferred = () if value is None or isinstance(value, MentalState) else tuple(value.inferred_from)
    intent = UNKNOWN if state is None else truth_of(state is MentalState.INTENT)
    intent_node = leaf(
        "element",
        "the participant acted intentionally",
        "art_36__para_1",
        intent,
        inputs=[(path, shown(state))],
        missing=[Missing(path, "the participant's state of mind")],
        inferred=inferred,
        key="art_36.participation.intent",
    )
    role = participant.role.value if participant.role else "participant"
    trace = combine(
        "participation",
        f"{role} in {principal.name.lower()} ({principal.act})",
        "art_36__para_1",
        all_,
        [principal.trace, intent_node],
        key=f"{principal.offence}.participation",
    )
    return make_offence_finding(
        principal.article,
        principal.offence,
        principal.name,
        principal.provision,
        participant.id,
        participant.by,
        Basis.PARTICIPATION,
        trace,
        role=role,
        human_rights_review=principal.human_rights_review,
    )


def legal_person(finding: OffenceFinding, act: Act, entity: Person, ctx: Context) -> OffenceFinding:
    """The liability of the legal person the offence was committed for (Art. 35(1)–(2))."""
    world = ctx.world
    actor = finding.actor
    leads = entity.leading_persons
    lead_path = world.path(entity, "leading_persons")
    by_path = world.path(act, "by")
    who = [Missing(by_path, "who did it")] if actor is None else []
    if leads is None or actor is None:
        lead = leaf(
            "rule",
            "the actor holds a leading position in it",
            "art_35__para_1",
            UNKNOWN,
            inputs=[(lead_path, shown(leads)), (by_path, shown(actor))],
            missing=[
                *who,
                *(
                    [Missing(lead_path, "who holds a leading position in the legal person")]
                    if leads is None
                    else []
                ),
            ],
        )
    else:
        match = next((lp for lp in leads if lp.person == actor), None)
        basis = f" ({match.basis.value})" if match and match.basis else ""
        lead = leaf(
            "rule",
            f"the actor holds a leading position in it{basis}",
            "art_35__para_1",
            truth_of(match is not None),
            inputs=[(lead_path, ", ".join(lp.person for lp in leads) or "none")],
        )
    staff_path = world.path(entity, "staff")
    staff = UNKNOWN if entity.staff is None or actor is None else truth_of(actor in entity.staff)
    failed = world.flag(
        entity,
        "supervision_failed",
        entity.supervision_failed,
        "whether a leading person's lack of supervision made the offence possible",
    )
    staff_missing = (
        [Missing(staff_path, "who acts under the legal person's authority")]
        if entity.staff is None
        else []
    )
    supervision = leaf(
        "rule",
        "a leading person's lack of supervision let someone under its authority commit it",
        "art_35__para_2",
        all_([staff, failed.truth]),
        inputs=[(staff_path, shown(entity.staff)), (failed.path, failed.shown)],
        missing=[*who, *staff_missing, *failed.missing],
    )
    benefit = leaf(
        "rule",
        f"committed for the benefit of {entity.id}",
        "art_35__para_1",
        TRUE,
        inputs=[(world.path(act, "for_benefit_of"), entity.id)],
    )
    trace = combine(
        "legal_person",
        f"{entity.id} answers for {finding.name.lower()} ({act.id})",
        "art_35__para_1",
        all_,
        [
            finding.trace,
            benefit,
            combine(
                "rule",
                "leading position or lack of supervision",
                "art_35__para_1",
                any_,
                [lead, supervision],
            ),
        ],
        key=f"{finding.offence}.legal_person",
    )
    return make_offence_finding(
        finding.article,
        finding.offence,
        finding.name,
        finding.provision,
        act.id,
        entity.id,
        Basis.LEGAL_PERSON,
        trace,
        role="legal person",
        human_rights_review=finding.human_rights_review,
    )


def aggravations(act: Act, ctx: Context) -> tuple[Trace, ...]:
    """The Art. 39(2) aggravations the facts show for this act."""
    world = ctx.world
    adopted = ctx.profile.takes("art_39.aggravations")
    note = (
        () if adopted else ("the State has not provided this aggravation (Art. 39(2) is optional)",)
    )
    target = world.get(act.object)
    system = target if isinstance(target, System) else None
    if system is None and isinstance(target, Datum):
        system = world.system(target.system)
    if system is None:
        system = None
    if system is not None:
        read = world.flag(
            system,
            "critical_infrastructure",
            system.critical_infrastructure,
            "whether the system is critical infrastructure",
        )
        infra = leaf(
            "aggravation",
            "critical infrastructure was affected",
            "art_39__para_2__point_a",
            read.truth,
            inputs=[(read.path, read.shown)],
            missing=read.missing,
            key="art_39.aggravation_critical_infrastructure",
            notes=note,
        )
    else:
        infra = leaf(
            "aggravation",
            "critical infrastructure was affected",
            "art_39__para_2__point_a",
            UNKNOWN,
            missing=[Missing(world.path(act, "object"), "which system the act affected")],
            key="art_39.aggravation_critical_infrastructure",
            notes=note,
        )
    if isinstance(target, Datum):
        kinds = target.kinds
        truth = (
            UNKNOWN
            if kinds is None
            else truth_of(any(k.value == "confidential_government_information" for k in kinds))
        )
        gov = leaf(
            "aggravation",
            "confidential government information was obtained",
            "art_39__para_2__point_b",
            truth,
            inputs=[(world.path(target, "kinds"), shown(kinds))],
            missing=[Missing(world.path(target, "kinds"), "what kind of data it is")],
            key="art_39.aggravation_government_information",
            notes=note,
        )
    else:
        gov = leaf(
            "aggravation",
            "confidential government information was obtained",
            "art_39__para_2__point_b",
            FALSE if act.object else UNKNOWN,
            missing=[Missing(world.path(act, "object"), "what the act was directed at")],
            key="art_39.aggravation_government_information",
            notes=note,
        )
    harms = [
        r
        for kind in (ResultKind.PHYSICAL_HARM, ResultKind.PSYCHOLOGICAL_HARM)
        for r in world.results_of(act.id, kind)
    ]
    harm_truth = any_(truth_of(r.occurred) for r in harms) if harms else UNKNOWN
    harm = leaf(
        "aggravation",
        "individuals suffered physical or psychological harm",
        "art_39__para_2__point_c",
        harm_truth,
        inputs=[(f"results[caused_by={act.id}]", ", ".join(r.id for r in harms) or "none stated")],
        missing=[
            Missing(
                f"results[kind=physical_harm, caused_by={act.id}]",
                "whether anyone was physically or psychologically harmed",
            )
        ],
        key="art_39.aggravation_harm",
        notes=note,
    )
    return (infra, gov, harm)
