"""Limitation deadlines (Art. 38) for the offences found in a State."""

from __future__ import annotations

import datetime as dt

from uncc.analysis.findings import Limitation, OffenceFinding
from uncc.analysis.limitation import Evasion, reckon
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Missing


def limitation(state: str, finding: OffenceFinding, ctx: Context, at: dt.date | None) -> Limitation:
    """When proceedings for the offence must begin in ``state`` (Art. 38).

    The offender's evasion of justice (``persons[].evaded_justice``) suspends or extends
    the period as the State's profile says (``limitation.evasion``); see
    :func:`uncc.analysis.limitation.reckon`.
    """
    years = ctx.profile.limitation_years(finding.offence)
    act = ctx.world.act(finding.act)
    when = act.when if act else None
    missing: list[Missing] = []
    if when is None and act is not None:
        missing.append(Missing(ctx.world.path(act, "when"), "when the act was committed"))
    if years is None:
        missing.append(Missing(f"profile[{state}].limitation", f"the limitation period in {state}"))
    if when is None or years is None:
        return Limitation(state, finding.offence, finding.act, years, None, None, tuple(missing))
    start = when.date() if isinstance(when, dt.datetime) else when
    offender = ctx.world.person(finding.actor)
    spans = None if offender is None else offender.evaded_justice
    rule = ctx.profile.limitation
    found = reckon(
        start,
        years,
        at,
        effect=rule.evasion,
        evasion_years=rule.evasion_years,
        evasion=None if spans is None else [Evasion(s.since, s.until) for s in spans],
    )
    if found.needs_evasion and offender is not None:
        missing.append(
            Missing(
                ctx.world.path(offender, "evaded_justice"),
                "whether the offender evaded justice, and when",
            )
        )
    elif found.needs_evasion and act is not None:
        missing.append(Missing(ctx.world.path(act, "by"), "who did it"))
    if found.needs_rule:
        missing.append(
            Missing(
                f"profile[{state}].limitation.evasion",
                f"whether evasion of justice suspends or extends the period in {state}",
            )
        )
    deadline = None if found.deadline is None else found.deadline.isoformat()
    return Limitation(
        state,
        finding.offence,
        finding.act,
        years,
        deadline,
        found.expired,
        tuple(missing),
        found.note,
    )
