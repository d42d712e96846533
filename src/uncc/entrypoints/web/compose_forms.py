"""The compose form of each request: its fields, the body they make, and back.

One form per request kind (preservation, and each kind of ``uncc.domain.measure_requests``);
offences are ticked from a list; other list fields are typed one item per line, parts
of an item separated by ``|``. An empty field is left out, so the message model names
what is missing (shown next to the field). :func:`form_values` is the inverse of
:func:`measure_body`: a body drafted from the case fills the form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData


@dataclass(frozen=True)
class FormField:
    """One field of a compose form."""

    name: str
    label: str
    widget: str = "text"
    """text, textarea, lines, data, property, participants, number, checkbox, select, offences."""
    hint: str = ""
    options: tuple[str, ...] = ()


_DATA = FormField(
    "data", "Data sought", "data", "one per line: description | its link to the offence"
)
_NECESSITY = FormField("necessity", "Why the measure is necessary", "textarea")
_PROPERTY = FormField(
    "property",
    "Property",
    "property",
    "one per line: description | where it is held | value | currency (e.g. EUR)",
)
_IDENTIFIERS = FormField(
    "identifiers", "Identifiers", "lines", "accounts, numbers or addresses, one per line"
)
_DAYS = FormField(
    "duration_days", "Duration (days)", "number", "the requested State's law sets the limit"
)
COMMON = (
    FormField("requesting_authority", "Requesting authority"),
    FormField("offences", "Offences", "offences", "the legal basis: tick one at least"),
    FormField("summary_of_facts", "Summary of facts", "textarea"),
)
FORMS: dict[str, tuple[FormField, ...]] = {
    "production_request": (
        _DATA,
        FormField("custodian", "Who holds the data (person or provider)"),
        FormField("period", "Period"),
        _NECESSITY,
    ),
    "search_seizure_request": (
        FormField("systems", "Systems, media or premises to search", "lines", "one per line"),
        _DATA,
        _NECESSITY,
    ),
    "real_time_collection_request": (
        _IDENTIFIERS,
        FormField("provider", "Service provider"),
        _DAYS,
        _NECESSITY,
    ),
    "interception_request": (
        _IDENTIFIERS,
        FormField("provider", "Service provider"),
        _DAYS,
        _NECESSITY,
        FormField("other_means", "Why less intrusive means would not do", "textarea"),
    ),
    "proceeds_request": (
        FormField("action", "Action", "select", options=("freeze", "seize", "confiscate")),
        _PROPERTY,
        FormField("link_to_offence", "How the property derives from the offence", "textarea"),
        FormField("confiscation_decision", "Final confiscation decision", hint="(to confiscate)"),
    ),
    "property_return_request": (
        _PROPERTY,
        FormField("owners", "Legitimate owners (victims)", "lines", "one per line"),
        FormField("proof_of_ownership", "Proof of ownership", "textarea"),
        FormField(
            "confiscation_reference", "Confiscation order of the requested State", hint="(if any)"
        ),
    ),
    "emergency_request": (
        FormField(
            "risk_to_life",
            "There is a significant and imminent risk to a person's life or safety",
            "checkbox",
        ),
        FormField("risk", "The risk: who, of what, how soon", "textarea"),
        FormField("justification", "Why the data is needed to avert it", "textarea"),
        _DATA,
        FormField("provider", "Service provider"),
    ),
    "video_hearing_request": (
        FormField("pseudonym", "Protected person's pseudonym", hint="never the identity"),
        FormField("capacity", "Heard as", "select", options=("witness", "expert")),
        FormField("scheduled_at", "Scheduled at", hint="e.g. 2026-12-03T09:00:00+00:00"),
        FormField("duration_minutes", "Duration (minutes)", "number"),
        FormField(
            "participants",
            "Participants",
            "participants",
            "one per line: name | role (judge, prosecutor, defence, interpreter, investigator, other) | State",
        ),
        FormField("link", "Link", hint="https://…"),
        FormField("language", "Language", hint="e.g. en"),
        FormField("interpretation", "Interpretation needed", "checkbox"),
    ),
}
"""Request kind → its own fields (after ``COMMON``)."""

PRESERVATION = (
    FormField("status", "Status", "select", options=("new", "extension")),
    FormField("earlier_reference", "Earlier reference", hint="(for an extension)"),
    FormField("data", "Stored data to preserve", "data", _DATA.hint),
    FormField("custodian", "Custodian or location of the system"),
    FormField("necessity", "Why preservation is necessary", "textarea"),
    FormField("preserve_days", "Days to preserve", "number", "at most 90 (Art. 43)"),
    FormField("formal_request_to_follow", "A formal request for the data will follow", "checkbox"),
)
"""The preservation request's own fields (Arts. 43, 56)."""


def fields_of(kind: str) -> tuple[FormField, ...]:
    """Every field of the kind's form (the common ones first); none for a kind without one."""
    if kind == "preservation_request":
        return (*COMMON, *PRESERVATION)
    return (*COMMON, *FORMS[kind]) if kind in FORMS else ()


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _parts(text: str, names: tuple[str, ...]) -> list[dict[str, str]]:
    items = []
    for line in _lines(text):
        values = [p.strip() for p in line.split("|")]
        items.append({n: v for n, v in zip(names, values, strict=False) if v})
    return items


PARTS = {
    "data": ("description", "link_to_offence"),
    "property": ("description", "location", "value", "currency"),
    "participants": ("name", "role", "state"),
}


def measure_body(kind: str, data: FormData, contact: dict[str, Any]) -> dict[str, Any]:
    """The body of a request from its form (offences ticked, or typed one a line in ``offence_ids``)."""
    body: dict[str, Any] = {"contact": contact}
    for field in (FormField("reference", "Our reference"), *fields_of(kind)):
        raw = data.get(field.name)
        text = raw.strip() if isinstance(raw, str) else ""
        key = field.name
        if field.widget == "checkbox":
            body[key] = bool(text)
        elif field.widget == "offences":
            typed = data.get("offence_ids")
            chosen = [str(o) for o in data.getlist(key)] or _lines(str(typed or ""))
            if chosen:
                body[key] = chosen
        elif not text:
            continue
        elif field.widget == "lines":
            body[key] = _lines(text)
        elif field.widget in PARTS:
            body[key] = _parts(text, PARTS[field.widget])
        elif field.widget == "number":
            body[key] = int(text) if text.isdigit() else text
        else:
            body[key] = text
    urgency = data.get("urgency")
    if isinstance(urgency, str) and urgency:
        body["urgency"] = urgency
    return body


def form_values(kind: str, body: dict[str, Any]) -> dict[str, Any]:
    """The form's values from a body (:func:`measure_body` read backwards)."""
    values: dict[str, Any] = {"reference": str(body.get("reference") or "")}
    for field in fields_of(kind):
        value = body.get(field.name)
        if value is None:
            continue
        if field.widget == "offences":
            values[field.name] = [str(o) for o in value]
        elif field.widget == "checkbox":
            values[field.name] = "1" if value else ""
        elif field.widget == "lines":
            values[field.name] = "\n".join(str(v) for v in value)
        elif field.widget in PARTS:
            values[field.name] = "\n".join(
                " | ".join(str(item.get(n) or "") for n in PARTS[field.widget]).rstrip(" |")
                for item in value
            )
        else:
            values[field.name] = str(value)
    if body.get("urgency"):
        values["urgency"] = str(body["urgency"])
    contact = body.get("contact") or {}
    for name in ("name", "phone", "email", "office_hours", "time_zone"):
        if contact.get(name):
            values[name if name in ("office_hours", "time_zone") else f"contact_{name}"] = str(
                contact[name]
            )
    return values
