"""The material of Art. 18(2), judged from what it shows rather than from a label.

Material counts when it visually shows sexually explicit conduct and (a) a real person
under the State's age limit (18(3)) when it was made, (b) a real person appearing to be
under it, or (c) a realistic image of no real person appearing to be under it. A State
that reserves the virtual categories (18(4)) keeps (a) only.
"""

from __future__ import annotations

from uncc.analysis.facts import Datum
from uncc.analysis.logic import TRUE, UNKNOWN, all_, any_, truth_of
from uncc.analysis.rules.context import Context
from uncc.analysis.trace import Trace, combine
from uncc.analysis.world import Read, shown
from uncc.convention.model import Element

MATERIAL = "csam"
"""The object kind the offences of Art. 18 name: material within paragraph 2."""

_AT = "art_18__para_2"


def _fact(label: str, at: str, read: Read) -> Trace:
    return read.node("fact", label, at)


def _real(datum: Datum, ctx: Context) -> Trace:
    world = ctx.world
    if datum.depicts is not None:
        path = world.path(datum, "depicts")
        return _fact("a real person is shown", _AT, Read(TRUE, path, datum.depicts, ""))
    path = world.path(datum, "depicts_real_person")
    truth = truth_of(datum.depicts_real_person)
    question = "whether the person shown is a real person (not drawn or generated)"
    return _fact(
        "a real person is shown",
        _AT,
        Read(truth, path, shown(datum.depicts_real_person), question),
    )


def _age_when_made(datum: Datum, limit: int, ctx: Context) -> Trace:
    """Whether the real person shown was under ``limit`` when the material was made.

    The person's present age settles it only when it is under the limit: they were
    younger still when the material was made.
    """
    world = ctx.world
    label = f"the person shown was under {limit} when it was made (Art. 18(3))"
    at = "art_18__para_3"
    path = world.path(datum, "depicted_age")
    if datum.depicted_age is not None:
        truth = truth_of(datum.depicted_age < limit)
        return _fact(label, at, Read(truth, path, str(datum.depicted_age), ""))
    person = world.person(datum.depicts)
    if person is not None and person.age is not None and person.age < limit:
        return _fact(label, at, Read(TRUE, world.path(person, "age"), str(person.age), ""))
    question = "how old the person shown was when it was made"
    return _fact(label, at, Read(UNKNOWN, path, "unknown", question))


def _appears(datum: Datum, limit: int, ctx: Context) -> Trace:
    path = ctx.world.path(datum, "apparent_age")
    truth = UNKNOWN if datum.apparent_age is None else truth_of(datum.apparent_age < limit)
    return _fact(
        f"the person shown appears to be under {limit}",
        _AT,
        Read(truth, path, shown(datum.apparent_age), "how old the person shown appears to be"),
    )


def _realistic(datum: Datum, ctx: Context) -> Trace:
    path = ctx.world.path(datum, "realistic")
    if datum.depicts is not None or datum.depicts_real_person:
        return _fact("a real person is shown", _AT, Read(TRUE, path, "a real person", ""))
    return _fact(
        "the image looks like a real person",
        "art_18__para_2__point_c",
        Read(
            truth_of(datum.realistic),
            path,
            shown(datum.realistic),
            "whether the image looks like a real person",
        ),
    )


def _explicit(datum: Datum, ctx: Context) -> Trace:
    path = ctx.world.path(datum, "kinds")
    truth = (
        UNKNOWN
        if datum.kinds is None
        else truth_of(any(k.value == "sexually_explicit" for k in datum.kinds))
    )
    return _fact(
        "it shows sexually explicit conduct",
        _AT,
        Read(
            truth, path, shown(datum.kinds), "what the material shows (sexually explicit conduct?)"
        ),
    )


def material(element: Element, datum: Datum, ctx: Context) -> Trace:
    """Whether the datum is material within Art. 18(2) in the State applying it."""
    limit = ctx.profile.minor_age
    real = _real(datum, ctx)
    points = [
        combine(
            "fact",
            "(a) a real minor",
            "art_18__para_2__point_a",
            all_,
            [real, _age_when_made(datum, limit, ctx)],
        )
    ]
    notes: tuple[str, ...] = ()
    if ctx.profile.takes("art_18.reserve_virtual_material"):
        notes = ("art_18.reserve_virtual_material: the State keeps real minors only (18(4))",)
    else:
        # A real person's image is lifelike: (b) or (c) holds when the person shown appears
        # under the limit and is real or realistically drawn, whichever it is.
        points.append(
            combine(
                "fact",
                "(b) a real person, or (c) a realistic image, appearing to be a minor",
                _AT,
                all_,
                [
                    _appears(datum, limit, ctx),
                    combine("fact", "real or realistic", _AT, any_, [real, _realistic(datum, ctx)]),
                ],
            )
        )
    shows = combine("fact", "who is shown, and how old", _AT, any_, points)
    return combine(
        "element",
        f"{element.gist} (minor: under {limit})",
        element.at,
        all_,
        [_explicit(datum, ctx), shows],
        key=element.id,
        notes=notes,
    )
