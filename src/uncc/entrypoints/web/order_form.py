"""The form that drafts an order: offences and targets chosen from lists, values kept on refusal.

Offences are ticked from the case's analysis; targets are ticked from those the analysis
names, or entered one per row (an id, a kind from a list, a State chosen or named:
``Eastland`` is XC). A refused draft comes back with everything typed and the refusal
next to its field (:attr:`uncc.errors.RuleViolation.field`).
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData

from uncc.domain.orders import Target
from uncc.entrypoints.web.forms import text_of
from uncc.errors import RuleViolation, UserInputError
from uncc.services import form_choices
from uncc.services.context import NodeContext
from uncc.services.orders import DraftRequest

ROWS = 3
"""Rows for targets typed by hand (more when a refused draft had more)."""
FIELDS = (
    "power",
    "grounds",
    "scope",
    "necessity",
    "proportionality",
    "duration_days",
    "request",
)
"""The form's plain fields; ``request``: the received request the order answers (hidden)."""


def _column(data: FormData, name: str) -> list[str]:
    return [v.strip() if isinstance(v, str) else "" for v in data.getlist(name)]


def values_of(data: FormData) -> dict[str, Any]:
    """What the user typed and ticked, to show the form again as it was."""
    ids, kinds = _column(data, "target_id"), _column(data, "target_kind")
    states, notes = _column(data, "target_state"), _column(data, "target_description")
    rows = [
        {
            "id": ids[i],
            "kind": kinds[i] if i < len(kinds) else "",
            "state": states[i] if i < len(states) else "",
            "description": notes[i] if i < len(notes) else "",
        }
        for i in range(len(ids))
        if ids[i]
    ]
    return {
        **{name: text_of(data, name) for name in FIELDS},
        "offences": [str(o) for o in data.getlist("offences")],
        "suggested": [str(s) for s in data.getlist("suggested")],
        "rows": rows,
    }


def blank_rows(values: dict[str, Any]) -> list[dict[str, str]]:
    """The rows the form shows: those typed, then empty ones up to :data:`ROWS` (one at least)."""
    rows: list[dict[str, str]] = list(values.get("rows", []))
    return rows + [{}] * max(ROWS - len(rows), 1)


def request_of(ctx: NodeContext, values: dict[str, Any]) -> DraftRequest:
    """The draft the form asks for.

    Raises:
        UserInputError: a target row without its kind, a State no one goes by, a
            duration that is not a number (the field named: ``targets``, ``duration_days``).
    """
    targets = []
    for value in values["suggested"]:
        target_id, _, rest = value.partition("|")
        kind, _, place = rest.partition("|")
        if not target_id or kind not in form_choices.TARGET_KINDS:
            raise UserInputError(f"targets: '{value}' is not a target of the case's analysis")
        targets.append(Target(target_id, kind, place or None))
    for number, row in enumerate(values["rows"], 1):
        if row["kind"] not in form_choices.TARGET_KINDS:
            raise UserInputError(
                f"targets: row {number} ({row['id']}): choose what it is "
                f"({', '.join(form_choices.TARGET_KINDS)})"
            )
        where = form_choices.state_code(ctx, row["state"], f"targets: row {number} ({row['id']})")
        targets.append(Target(row["id"], row["kind"], where, row["description"]))
    days = values["duration_days"]
    if days and not days.isdigit():
        raise UserInputError(f"duration_days: '{days}' is not a number of days")
    return DraftRequest(
        values["power"],
        tuple(values["offences"]),
        tuple(targets),
        values["grounds"],
        values["scope"],
        values["necessity"],
        values["proportionality"],
        int(days) if days else None,
        values.get("request") or None,
    )


def errors_of(exc: UserInputError | RuleViolation) -> dict[str, str]:
    """A refusal of the draft as ``{field: words}`` (``form`` when no field is named)."""
    if isinstance(exc, RuleViolation):
        return {exc.field or "form": f"{exc.reason} ({exc.provision})"}
    head, sep, rest = str(exc).partition(": ")
    if sep and head in (*FIELDS, "targets", "offences"):
        return {head: rest}
    return {"form": str(exc)}
