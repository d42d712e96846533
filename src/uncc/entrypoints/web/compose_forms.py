"""The compose form of each measure request: its fields, and the body they make.

One form per request kind of ``uncc.domain.measure_requests``; list fields are typed one
item per line, parts of an item separated by ``|``. An empty field is left out, so the
message model names what is missing (shown next to the field).
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
    """text, textarea, lines, data, property, participants, number, checkbox, select."""
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
    FormField(
        "offence_ids",
        "Offences",
        "lines",
        "Convention offence ids, one per line, e.g. illegal_access",
    ),
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
    """The body of a measure request from its form."""
    body: dict[str, Any] = {"contact": contact}
    for field in (FormField("reference", "Our reference"), *COMMON, *FORMS[kind]):
        raw = data.get(field.name)
        text = raw.strip() if isinstance(raw, str) else ""
        key = "offences" if field.name == "offence_ids" else field.name
        if field.widget == "checkbox":
            body[key] = bool(text)
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
