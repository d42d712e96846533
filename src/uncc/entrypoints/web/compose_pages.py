"""The compose page: a request to another State, filled from the case, checked field by field.

Every kind is filled from what the node knows: with a case and a requested State, the
draft of :mod:`uncc.services.request_drafts` (the analysis, the order drafted at home);
with a case only, the fields every request takes from it; always our 24/7 contact.
Offences are ticked from the case's analysis (the Convention's list without a case);
the requested State is chosen from the directory or named (``?to=Eastland``). A
refused request comes back as typed, each problem next to its field in plain words.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from uncc.domain import cooperation
from uncc.domain.messages import problems
from uncc.entrypoints.web.compose_forms import fields_of, form_values, measure_body
from uncc.entrypoints.web.field_errors import field_errors
from uncc.entrypoints.web.forms import text_of as _text
from uncc.entrypoints.web.kit import Pages, page, redirect
from uncc.errors import UserInputError
from uncc.services import cases, form_choices, request_drafts
from uncc.services.context import Principal
from uncc.services.network import requests

COMPOSE = {
    "preservation_request": "Expedited preservation of stored data (Arts. 43, 56)",
    "assistance_request": "Assistance from the other State's experts (Art. 56(3))",
    **{
        kind: known.label
        for kind, known in cooperation.kinds().items()
        if fields_of(kind) and kind != "preservation_request"
    },
}
"""The kinds of request a desk composes here, with their titles."""

PATHS = {
    r"contact\.(name|phone|email|office_hours|time_zone)": r"contact_\1",
    r"contact": "contact_phone",
    r"recipient": "recipient",
}
"""Problems of the message model → the compose form's fields (the rest by their own name)."""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def body_of(kind: str, data: FormData) -> dict[str, Any]:
    """A message body from the compose form's fields."""
    contact = {
        "name": _text(data, "contact_name"),
        "phone": _text(data, "contact_phone") or None,
        "email": _text(data, "contact_email") or None,
        "office_hours": _text(data, "office_hours") or "24/7",
        "time_zone": _text(data, "time_zone") or "UTC",
    }
    if kind != "assistance_request":
        body = measure_body(kind, data, contact)
        if kind == "preservation_request":
            body.setdefault("urgency", "preservation")
        return body
    return {
        "needed": _text(data, "needed"),
        "expertise": _lines(_text(data, "expertise")),
        "urgency": _text(data, "urgency") or "urgent",
        "languages": _lines(_text(data, "languages")) or ["en"],
        "contact": contact,
        "reference": _text(data, "reference"),
    }


def values_of(data: FormData) -> dict[str, Any]:
    """What was typed and ticked, to show the form again as it was."""
    values: dict[str, Any] = {k: _text(data, k) for k in data if k not in ("csrf", "offences")}
    values["offences"] = [str(o) for o in data.getlist("offences")] or _lines(
        _text(data, "offence_ids")
    )
    return values


def _contact_values(contact: dict[str, Any]) -> dict[str, Any]:
    return form_values("", {"contact": contact})


def _measure(kind: str, wanted: str) -> str | None:
    """The measure (power) a request kind asks for: ``wanted`` when the kind asks for it."""
    powers = [p for p, k in request_drafts.KINDS.items() if k == kind]
    return wanted if wanted in powers else (powers[0] if powers else None)


def install(app: FastAPI, pages: Pages, kick: Callable[[], None]) -> None:
    """Add the compose page and its form."""
    ctx = pages.ctx

    def prefilled(
        who: Principal, kind: str, case: str, to: str, measure: str
    ) -> tuple[dict[str, Any], Any]:
        """The form's values from the case, the directory and our contact, and the draft's check."""
        values: dict[str, Any] = _contact_values(form_choices.our_contact(ctx, who))
        if not case:
            return values, None
        wanted = _measure(kind, measure)
        if to and wanted and request_drafts.KINDS.get(wanted) == kind:
            draft = request_drafts.draft_request(ctx, who, case, measure=wanted, to=to)
            return {**values, **form_values(kind, draft.body), "recipient": to}, draft
        common = request_drafts.case_fields(ctx, who, case)
        shared = (
            form_values(kind, common) if fields_of(kind) else {"reference": common["reference"]}
        )
        return {**values, **shared, "recipient": to}, None

    def render(
        request: Request,
        who: Principal,
        kind: str,
        case: str,
        values: dict[str, Any],
        errors: dict[str, str],
        status: int = 200,
        check: Any = None,
    ) -> Response:
        node = pages.node()
        offences = (
            [
                c
                for c in form_choices.offences_of(cases.get_case(ctx, who, case), node.state)
                if c.status != "not_established" or c.id in values.get("offences", [])
            ]
            if case
            else form_choices.convention_offences()
        )
        return pages.render(
            request,
            "compose.html",
            who,
            status,
            title=COMPOSE[kind],
            kind=kind,
            case=case,
            values=values,
            errors=errors,
            states=[s for s in form_choices.states(ctx) if s.code != node.state],
            offence_choices=offences,
            fields=fields_of(kind),
            kinds=COMPOSE,
            default_urgency=(
                cooperation.kinds()[kind].default_urgency.value
                if kind in cooperation.kinds()
                else "urgent"
            ),
            check=check,
        )

    @app.get("/network/compose", include_in_schema=False)
    @page(pages)
    def compose_form(
        request: Request,
        who: Principal,
        kind: str = "preservation_request",
        case: str = "",
        to: str = "",
        measure: str = "preservation",
    ) -> Response:
        if kind not in COMPOSE:
            raise UserInputError(f"kind '{kind}': expected one of {', '.join(COMPOSE)}")
        code = form_choices.state_code(ctx, to, "to") or ""
        values, check = prefilled(who, kind, case, code, measure)
        return render(request, who, kind, case, values, {}, check=check)

    @app.post("/network/compose", include_in_schema=False)
    @page(pages, form=True)
    def compose(request: Request, who: Principal, data: FormData) -> Response:
        kind = _text(data, "kind")
        if kind not in COMPOSE:
            raise UserInputError(f"kind '{kind}': expected one of {', '.join(COMPOSE)}")
        values = values_of(data)
        body = body_of(kind, data)
        case = _text(data, "case")
        found = problems(kind, 1, body)
        try:
            recipient = form_choices.state_code(ctx, _text(data, "recipient"), "recipient")
        except UserInputError as exc:
            found.append(str(exc))
            recipient = None
        if not recipient and not any(p.startswith("recipient:") for p in found):
            found.append("recipient: choose the requested State")
        if found or recipient is None:
            known = {f.name for f in fields_of(kind)} | {"reference", "urgency", "needed"}
            known |= {"expertise", "languages", "contact_name", "contact_email"}
            errors = field_errors(found, PATHS, known)
            return render(request, who, kind, case, values, errors, 422)
        sent = requests.send_request(
            ctx, who, kind=kind, recipient=recipient, body=body, case_id=case or None
        )
        kick()
        return redirect(
            f"/network/requests/{sent.id}",
            ok=f"{kind.replace('_', ' ')} signed and queued for {recipient}",
        )
