"""CASE/UCO JSON-LD export of a case.

The investigation, its authorisations (orders the reader may see), the acquisitions and
the evidence files with their hashes and provenance records, the case notes, and the
protected persons by pseudonym with their views, claims and measures. Validated in the tests with ``case_validate`` (case-utils). Node IRIs are stable
(``kb:`` + kind + a UUID derived from the node's own ids), so exporting twice gives the
same graph. ``head`` (outside the graph) is the custody log's signed head the export was
made against (a C2SP checkpoint note): the copy is itself a witness of the log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from uncc.adapters.db import schema
from uncc.domain.policy import Action, allowed, require
from uncc.errors import NotFoundError
from uncc.services import custody_log
from uncc.services.cases import CaseNote, notes_in
from uncc.services.context import NodeContext, Principal, audit, case_rows
from uncc.services.evidence_review import Review, review_of
from uncc.services.need_to_know import hidden_orders

CONTEXT = {
    "kb": "http://example.org/kb/",
    "case-investigation": "https://ontology.caseontology.org/case/investigation/",
    "core": "https://ontology.unifiedcyberontology.org/uco/core/",
    "action": "https://ontology.unifiedcyberontology.org/uco/action/",
    "identity": "https://ontology.unifiedcyberontology.org/uco/identity/",
    "observable": "https://ontology.unifiedcyberontology.org/uco/observable/",
    "tool": "https://ontology.unifiedcyberontology.org/uco/tool/",
    "types": "https://ontology.unifiedcyberontology.org/uco/types/",
    "vocabulary": "https://ontology.unifiedcyberontology.org/uco/vocabulary/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
_NS = uuid.UUID("6f1c2e0a-7c55-4a4e-9d3b-0d1f5a2b9e11")


def _iri(kind: str, key: str) -> str:
    return f"kb:{kind}-{uuid.uuid5(_NS, f'{kind}/{key}')}"


def _time(value: Any) -> dict[str, str]:
    text = value if isinstance(value, str) else value.isoformat()
    if "+" not in text[10:] and not text.endswith("Z"):
        text += "+00:00"
    return {"@type": "xsd:dateTime", "@value": text}


def export_case(ctx: NodeContext, who: Principal, case_id: str) -> dict[str, Any]:
    """The case as a CASE 1.x JSON-LD document (orders the reader may not see left out)."""
    require(who.roles, Action.EVIDENCE_READ)
    with ctx.engine.begin() as conn:
        case = (
            conn.execute(select(schema.cases).where(schema.cases.c.id == case_id))
            .mappings()
            .first()
        )
        if case is None:
            raise NotFoundError(f"no case {case_id}")
        items = case_rows(conn, schema.evidence, case_id)
        hidden = hidden_orders(conn, who)
        order_rows = [o for o in case_rows(conn, schema.orders, case_id) if o["id"] not in hidden]
        notes = notes_in(conn, who, case_id)
        reviews = {
            i["id"]: review_of(conn, i["id"])
            for i in items
            if (i["acquisition"] or {}).get("order_id") not in hidden
        }
        persons = (
            case_rows(conn, schema.protected, case_id)
            if any(allowed(r, Action.PROTECTED_READ) for r in who.roles)
            else []
        )
        audit(
            conn,
            ctx.clock(),
            who.user,
            "case.export",
            obj=case_id,
            outcome="ok",
            format="case-uco-jsonld",
        )
    graph: list[dict[str, Any]] = []
    people: dict[str, str] = {}

    def person(user: str) -> str:
        if user not in people:
            people[user] = _iri("Identity", user)
            graph.append({"@id": people[user], "@type": "identity:Identity", "core:name": user})
        return people[user]

    investigation = _iri("Investigation", case_id)
    members: list[dict[str, str]] = []
    authorisations: dict[str, str] = {}
    for order in order_rows:
        iri = _iri("Authorization", order["id"])
        authorisations[order["id"]] = iri
        node: dict[str, Any] = {
            "@id": iri,
            "@type": "case-investigation:Authorization",
            "core:name": f"{order['id']} ({order['power']})",
            "core:description": f"{order['power']} order, state {order['state']}; legal basis: {', '.join(order['offences'])}",
            "case-investigation:authorizationType": order["power"],
            "case-investigation:authorizationIdentifier": [order["id"]],
        }
        if order["authorised_by"]:
            node["core:description"] += f"; authorised by {order['authorised_by']}"
        if order["issued_at"]:
            node["core:startTime"] = _time(order["issued_at"])
        if order["expires_at"]:
            node["core:endTime"] = _time(order["expires_at"])
        graph.append(node)
        members.append({"@id": iri})
    for item in items:
        acq = item["acquisition"]
        file_iri = _iri("File", item["id"])
        graph.append(
            {
                "@id": file_iri,
                "@type": "observable:File",
                "core:hasFacet": [
                    {
                        "@id": _iri("FileFacet", item["id"]),
                        "@type": "observable:FileFacet",
                        "observable:fileName": item["filename"],
                        "observable:sizeInBytes": {
                            "@type": "xsd:integer",
                            "@value": str(item["size"]),
                        },
                    },
                    {
                        "@id": _iri("ContentDataFacet", item["id"]),
                        "@type": "observable:ContentDataFacet",
                        "observable:hash": [
                            {
                                "@id": _iri("Hash", item["id"]),
                                "@type": "types:Hash",
                                "types:hashMethod": "SHA256",
                                "types:hashValue": {
                                    "@type": "xsd:hexBinary",
                                    "@value": item["sha256"].upper(),
                                },
                            }
                        ],
                    },
                ],
            }
        )
        record = _iri("ProvenanceRecord", item["id"])
        graph.append(
            {
                "@id": record,
                "@type": "case-investigation:ProvenanceRecord",
                "case-investigation:exhibitNumber": item["id"],
                "core:object": [{"@id": file_iri}],
            }
        )
        action: dict[str, Any] = {
            "@id": _iri("InvestigativeAction", item["id"]),
            "@type": "case-investigation:InvestigativeAction",
            "core:name": "acquisition",
            "action:startTime": _time(acq["at"]),
            "action:performer": {"@id": person(acq["by"])},
            "action:result": [{"@id": file_iri}, {"@id": record}],
        }
        if acq.get("tool"):
            tool_iri = _iri("Tool", f"{acq['tool']}/{acq.get('tool_version', '')}")
            graph.append(
                {
                    "@id": tool_iri,
                    "@type": "tool:Tool",
                    "core:name": acq["tool"],
                    "tool:version": acq.get("tool_version") or "unknown",
                }
            )
            action["action:instrument"] = {"@id": tool_iri}
        if acq.get("order_id") in authorisations:
            action["action:object"] = [{"@id": authorisations[acq["order_id"]]}]
        graph.append(action)
        members += [{"@id": file_iri}, {"@id": record}, {"@id": action["@id"]}]
        members += _review_annotations(graph, person, file_iri, reviews.get(item["id"]))
    members += _annotations(graph, person, investigation, notes, persons)
    graph.insert(
        0,
        {
            "@id": investigation,
            "@type": "case-investigation:Investigation",
            "core:name": f"{case_id}: {case['title']}",
            "case-investigation:focus": ["cybercrime"],
            "core:object": members,
        },
    )
    return {"@context": CONTEXT, "@graph": graph, "head": custody_log.current_head(ctx)}


def _annotation(
    key: str, about: str, statement: str, tag: str, *, by: str | None, at: Any
) -> dict[str, Any]:
    node: dict[str, Any] = {
        "@id": _iri("Annotation", key),
        "@type": "core:Annotation",
        "core:object": [{"@id": about}],
        "core:statement": statement,
        "core:tag": [tag],
    }
    if by is not None:
        node["core:createdBy"] = {"@id": by}
    if at is not None:
        node["core:objectCreatedTime"] = _time(at)
    return node


def _review_annotations(
    graph: list[dict[str, Any]], person: Callable[[str], str], file_iri: str, review: Review | None
) -> list[dict[str, str]]:
    """An item's tags (one annotation naming them) and its reviewers' annotations.

    Both are custody events of the item; left out for an item under an order the
    reader has no need to know.
    """
    if review is None:
        return []
    nodes = []
    if review.tags:
        node = _annotation(
            f"{file_iri}/tags",
            file_iri,
            "tags: " + ", ".join(review.tags),
            "evidence tags",
            by=None,
            at=None,
        )
        node["core:tag"] = ["evidence tags", *review.tags]
        nodes.append(node)
    nodes += [
        _annotation(
            f"{file_iri}/annotation/{a.seq}",
            file_iri,
            a.text,
            "evidence annotation",
            by=person(a.by),
            at=a.at,
        )
        for a in review.annotations
    ]
    graph.extend(nodes)
    return [{"@id": n["@id"]} for n in nodes]


def _annotations(
    graph: list[dict[str, Any]],
    person: Callable[[str], str],
    investigation: str,
    notes: list[CaseNote],
    persons: list[Any],
) -> list[dict[str, str]]:
    """Case notes, and protected persons (by pseudonym) with their views, claims and measures.

    Notes are annotations of the investigation; each protected person is an identity
    named by its pseudonym (the identity itself stays sealed), annotated with the
    victim's views (Art. 53), claims for compensation (Art. 54) and the protection
    measures, mitigation or immunity decided (Arts. 52, 55).
    """
    members: list[dict[str, str]] = []
    for index, note in enumerate(notes):
        node = _annotation(
            f"{investigation}/note/{index}",
            investigation,
            note.text,
            "case note",
            by=person(note.author),
            at=note.at,
        )
        graph.append(node)
        members.append({"@id": node["@id"]})
    for row in persons:
        who = _iri("ProtectedPerson", row["id"])
        graph.append(
            {
                "@id": who,
                "@type": "identity:Identity",
                "core:name": row["pseudonym"],
                "core:description": f"protected {row['kind'].replace('_', ' ')}; identity sealed",
            }
        )
        members.append({"@id": who})
        said = [("views", row["views"])] if row["views"] else []
        said += [("claim", c.get("claim", "")) for c in row["claims"] if c.get("claim")]
        said += [("measures", row["measures"])] if row["measures"] else []
        for index, (tag, text) in enumerate(said):
            node = _annotation(
                f"{row['id']}/{index}", who, text, tag, by=None, at=row["created_at"]
            )
            graph.append(node)
            members.append({"@id": node["@id"]})
    return members
