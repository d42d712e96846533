"""A drafted cross-border request as a printable document (HTML with a print stylesheet).

Every field of the request, the legal basis (the measure's provision, the offences with
theirs, Art. 4), the case reference, and what the requested State's law says of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.convention.catalogue import load_convention
from uncc.services.abroad import VERDICT
from uncc.services.request_drafts import Draft

_ENV = Environment(
    loader=PackageLoader("uncc.services.reports", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ORDER = (
    "requesting_authority",
    "reference",
    "status",
    "earlier_reference",
    "offences",
    "summary_of_facts",
    "data",
    "custodian",
    "necessity",
    "identifiers",
    "fields",
    "period",
    "provider",
    "preserve_days",
    "formal_request_to_follow",
    "urgency",
    "preferred_channel",
    "contact",
)


def request_html(draft: Draft, our_state: str, today: dt.date) -> str:
    """The draft as a self-contained, printable HTML document."""
    convention = load_convention()
    names = {o.id: (o.name, o.at) for _, o in convention.offences()}
    power = next((p for _, p in convention.powers() if p.id == draft.measure), None)
    body = draft.body
    offences: list[dict[str, Any]] = [
        {"id": o, "name": names.get(o, (o, ""))[0], "provision": names.get(o, ("", "?"))[1]}
        for o in body.get("offences", [])
    ]
    keys = [k for k in _ORDER if k in body] + [k for k in body if k not in _ORDER and k != "facts"]
    return _ENV.get_template("request.html.j2").render(
        draft=draft,
        body=body,
        our_state=our_state,
        today=today.isoformat(),
        kind_name=draft.kind.replace("_", " ").capitalize(),
        measure_name=power.name if power is not None else draft.measure,
        offences=offences,
        fields=[(k.replace("_", " "), body[k]) for k in keys],
        verdict=VERDICT,
    )
