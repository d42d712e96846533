"""Cases: opened from an analysis of incident facts, which is kept with the case."""

from __future__ import annotations

import copy
import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Text, bindparam, cast, func, insert, select

from uncc.adapters.db import schema
from uncc.analysis.engine import analyze
from uncc.analysis.intake import validate_incident
from uncc.analysis.report import to_dict
from uncc.convention.catalogue import load_convention
from uncc.domain.policy import Action, require
from uncc.domain.references import stored_forms
from uncc.errors import NotFoundError, UserInputError
from uncc.parties.catalogue import builtin_profile
from uncc.services.context import (
    NodeContext,
    Principal,
    audit,
    audit_now,
    next_id,
    require_case,
    stored_id,
)
from uncc.services.identity import node_info
from uncc.services.need_to_know import hidden_orders
from uncc.services.reads import reading


@dataclass(frozen=True)
class Case:
    """A case as the services return it."""

    id: str
    title: str
    status: str
    facts: dict[str, Any]
    analysis: dict[str, Any]
    created_by: str

    def findings(self, state: str) -> list[tuple[str, str]]:
        """(offence id, best status) for the node's State, from the stored analysis.

        An offence counts as established when any act or actor establishes it, else
        undetermined when any may, else not established.
        """
        rank = {"established": 2, "undetermined": 1, "not_established": 0}
        best: dict[str, str] = {}
        for offence in self.analysis["offences"]:
            mine = next((s for s in offence["states"] if s["state"] == state), None)
            status = (mine or offence)["status"]
            current = best.get(offence["offence"])
            if current is None or rank[status] > rank[current]:
                best[offence["offence"]] = status
        return list(best.items())


def open_case(
    ctx: NodeContext, who: Principal, facts: dict[str, Any], title: str | None = None
) -> Case:
    """Open a case from incident facts, analysed under the node's profile.

    Raises:
        FactsError: the facts are not valid (every problem listed).
    """
    require(who.roles, Action.CASE_OPEN)
    incident = validate_incident(facts, "facts")
    with ctx.engine.connect() as conn:  # the analysis is done before taking the write lock
        report = _analysis(ctx, conn, incident)
    with ctx.engine.begin() as conn:
        return _store_case(conn, ctx, who, incident, report, title=title)


def open_case_in(
    conn: Connection,
    ctx: NodeContext,
    who: Principal,
    facts: dict[str, Any],
    title: str | None = None,
) -> Case:
    """``open_case`` inside the caller's transaction (the caller checks the policy)."""
    incident = validate_incident(facts, "facts")
    return _store_case(conn, ctx, who, incident, _analysis(ctx, conn, incident), title=title)


def _store_case(
    conn: Connection,
    ctx: NodeContext,
    who: Principal,
    incident: Any,
    report: dict[str, Any],
    *,
    title: str | None,
) -> Case:
    now = ctx.clock()
    case_id = next_id(conn, "C", now)
    name = title or incident.title or incident.id
    stored = incident.model_dump(mode="json", exclude_none=True)
    conn.execute(
        insert(schema.cases).values(
            id=case_id,
            title=name,
            status="open",
            facts=stored,
            analysis=report,
            created_by=who.user,
            created_at=now,
        )
    )
    audit(conn, now, who.user, "case.open", obj=case_id, outcome="ok", incident=incident.id)
    return Case(case_id, name, "open", stored, report, who.user)


def _analysis(ctx: NodeContext, conn: Connection, incident: Any) -> dict[str, Any]:
    """The analysis of an incident under the Convention and this node's profile."""
    node = node_info(conn)
    return to_dict(
        analyze(
            incident,
            load_convention(),
            builtin_profile("baseline"),
            profiles={node.state: node.profile},
            parties=[node.state],
            at=ctx.clock().date(),
        ),
        load_convention(),
    )


def analyse(ctx: NodeContext, who: Principal, facts: dict[str, Any]) -> dict[str, Any]:
    """Analyse incident facts under this node's profile without opening a case.

    Raises:
        FactsError: the facts are not valid (every problem listed).
    """
    require(who.roles, Action.CASE_READ)
    incident = validate_incident(facts, "facts")
    with ctx.engine.connect() as conn:
        return _analysis(ctx, conn, incident)


READ = "case.read"
"""The audit action of reading a case."""


@dataclass(frozen=True)
class CaseText:
    """A case read for sending on: the analysis as its JSON text, never decoded unless needed."""

    id: str
    title: str
    status: str
    facts: dict[str, Any]
    analysis_json: str
    created_by: str


_INVESTIGATING = (
    select(func.aggregate_strings(schema.hits.c.state, ","))
    .where(schema.hits.c.case_id == schema.cases.c.id)
    .scalar_subquery()
)
CASE_TEXT = select(
    schema.cases.c.id,
    schema.cases.c.title,
    schema.cases.c.status,
    schema.cases.c.facts,
    cast(schema.cases.c.analysis, Text).label("analysis"),
    schema.cases.c.created_by,
    _INVESTIGATING.label("investigating"),
)
"""A case's columns for ``case_text``: its analysis as stored text, and the States whose
deconfliction hits name it (comma-separated State codes), in one statement."""
_CASE_TEXT = CASE_TEXT.where(schema.cases.c.id.in_(bindparam("forms", expanding=True)))
"""A case by any stored form of its id (``CASE_TEXT``, built once)."""


def read_case_text(ctx: NodeContext, who: Principal, case_id: str, state: str | None) -> CaseText:
    """A case by id with its analysis as JSON text, for a caller that audits the read itself.

    The analysis (the largest column) is passed on as stored; it is decoded only when a
    deconfliction hit changes what it says (``known_investigations``). The caller must
    append the ``READ`` audit entry before it shows anything (the API commits it with
    other reads' entries, ``uncc.entrypoints.api.audit_commits``). ``state``: this node's
    State (the API has it from the token's read).

    Raises:
        PermissionDeniedError: the user may not read cases.
        NotFoundError: no such case.
    """
    require(who.roles, Action.CASE_READ)
    with reading(ctx.engine) as conn:
        row = conn.execute(_CASE_TEXT, {"forms": list(stored_forms(case_id, state))}).first()
    return case_text(row, case_id)


def case_text(row: Any, case_id: str) -> CaseText:
    """A case from its row (``CASE_TEXT``), with what deconfliction has learned since.

    Raises:
        NotFoundError: no row (no such case).
    """
    if row is None:
        raise NotFoundError(f"no case {case_id}")
    investigating = set(row.investigating.split(",")) if row.investigating else set()
    analysis = row.analysis
    if investigating:
        analysis = json.dumps(known_investigations(json.loads(analysis), investigating))
    return CaseText(row.id, row.title, row.status, row.facts, analysis, row.created_by)


def get_case(ctx: NodeContext, who: Principal, case_id: str) -> Case:
    """A case by id (audited read)."""
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        row = (
            conn.execute(select(schema.cases).where(stored_id(conn, schema.cases.c.id, case_id)))
            .mappings()
            .first()
        )
        if row is None:
            raise NotFoundError(f"no case {case_id}")
        hits = conn.execute(
            select(schema.hits.c.state).where(schema.hits.c.case_id == row["id"])
        ).scalars()
        investigating = set(hits)
    audit_now(ctx, who.user, READ, obj=row["id"], outcome="ok")
    analysis = known_investigations(row["analysis"], investigating)
    return Case(row["id"], row["title"], row["status"], row["facts"], analysis, row["created_by"])


def known_investigations(analysis: dict[str, Any], states: set[str]) -> dict[str, Any]:
    """The stored analysis with what deconfliction has learned since (Art. 40(5)).

    A deconfliction hit shows that another State investigates the same conduct: a State
    exercising jurisdiction under Art. 40(1) or (2) consults it, no longer only "if it
    investigates". The stored analysis itself is not changed.
    """
    if not states:
        return analysis
    out = copy.deepcopy(analysis)
    for entry in out.get("jurisdiction", []):
        exercising = any(
            g["adopted"] and str(g["id"]).startswith(("art_40__para_1", "art_40__para_2"))
            for g in entry.get("grounds", [])
        )
        learned = states - {entry["state"]}
        if not exercising or not learned:
            continue
        entry["consult"] = sorted({*entry.get("consult", []), *learned})
        maybe = entry.get("consult_if_investigating", [])
        entry["consult_if_investigating"] = [s for s in maybe if s not in learned]
    return out


def list_cases(ctx: NodeContext, who: Principal) -> list[tuple[str, str, str]]:
    """(id, title, status) of every case."""
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            select(schema.cases.c.id, schema.cases.c.title, schema.cases.c.status).order_by(
                schema.cases.c.id
            )
        ).all()
    return [(r.id, r.title, r.status) for r in rows]


@dataclass(frozen=True)
class CaseSummary:
    """A case as a list shows it."""

    id: str
    title: str
    status: str
    created_by: str
    created_at: dt.datetime


def search_cases(
    ctx: NodeContext,
    who: Principal,
    *,
    status: str | None = None,
    offence: str | None = None,
    opened_from: dt.datetime | None = None,
    opened_to: dt.datetime | None = None,
) -> list[CaseSummary]:
    """The cases matching every criterion given, by id.

    ``offence`` finds the cases whose analysis establishes the offence for the node's
    State, or may (undetermined): an unknown fact is not taken as false.
    """
    require(who.roles, Action.CASE_READ)
    column = schema.cases.c
    query = select(column.id, column.title, column.status, column.created_by, column.created_at)
    if offence is not None:
        query = query.add_columns(column.analysis)
    if status is not None:
        query = query.where(column.status == status)
    if opened_from is not None:
        query = query.where(column.created_at >= opened_from)
    if opened_to is not None:
        query = query.where(column.created_at <= opened_to)
    with ctx.engine.connect() as conn:
        rows = conn.execute(query.order_by(column.id)).all()
        state = node_info(conn).state if offence is not None else ""
    found = [
        r
        for r in rows
        if offence is None
        or dict(Case(r.id, r.title, r.status, {}, r.analysis, r.created_by).findings(state)).get(
            offence, "not_established"
        )
        != "not_established"
    ]
    return [CaseSummary(r.id, r.title, r.status, r.created_by, _aware(r.created_at)) for r in found]


def _aware(value: dt.datetime) -> dt.datetime:
    """A time read back from SQLite (naive) as the UTC time it was stored as."""
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def add_note(ctx: NodeContext, who: Principal, case_id: str, text: str) -> None:
    """Add a note to a case."""
    require(who.roles, Action.CASE_UPDATE)
    if not text.strip():
        raise UserInputError("note: empty")
    with ctx.engine.begin() as conn:
        require_case(conn, case_id)
        now = ctx.clock()
        conn.execute(
            insert(schema.case_notes).values(case_id=case_id, author=who.user, at=now, text=text)
        )
        audit(conn, now, who.user, "case.note", obj=case_id, outcome="ok")


@dataclass(frozen=True)
class CaseNote:
    """A note added to a case: who wrote what, when."""

    author: str
    at: dt.datetime
    text: str


def notes_in(conn: Connection, who: Principal, case_id: str) -> list[CaseNote]:
    """The notes of a case, oldest first, inside the caller's transaction.

    A confidential order the reader may not see is not named (services/need_to_know.py).
    """
    hidden = hidden_orders(conn, who)
    rows = conn.execute(
        select(schema.case_notes)
        .where(schema.case_notes.c.case_id == case_id)
        .order_by(schema.case_notes.c.id)
    ).mappings()
    return [
        CaseNote(
            r["author"],
            r["at"] if r["at"].tzinfo else r["at"].replace(tzinfo=dt.UTC),
            hidden.text(r["text"]),
        )
        for r in rows
    ]


def list_notes(ctx: NodeContext, who: Principal, case_id: str) -> list[CaseNote]:
    """The notes of a case, oldest first (audited read).

    Raises:
        NotFoundError: no such case.
    """
    require(who.roles, Action.CASE_READ)
    with ctx.engine.connect() as conn:
        require_case(conn, case_id)
        found = notes_in(conn, who, case_id)
    audit_now(ctx, who.user, "case.notes", obj=case_id, outcome="ok", count=len(found))
    return found


def audit_trail(ctx: NodeContext, who: Principal, limit: int = 200) -> list[dict[str, Any]]:
    """The latest audit entries, newest last (auditors and admins); reading it is audited.

    An entry about a confidential order the reader has no need to know shows only who
    did what when: the order's id and the details are withheld.
    """
    require(who.roles, Action.AUDIT_READ)
    with ctx.engine.connect() as conn:
        rows = (
            conn.execute(select(schema.audit).order_by(schema.audit.c.seq.desc()).limit(limit))
            .mappings()
            .all()
        )
        hidden = hidden_orders(conn, who)
    audit_now(ctx, who.user, "audit.read", obj="", outcome="ok", count=len(rows))
    return [hidden.audit_entry(dict(r)) for r in reversed(rows)]
