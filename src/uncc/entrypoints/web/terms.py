"""Words of the domain shown on the pages (states, powers, roles…), in the reader's language.

Values are stored as identifiers (``production_of_data``, ``under_review``); the pages
show them as words through the ``term`` filter. Each word known here is in the catalogs
(marked with ``N_``); one that is not is shown with spaces for underscores.
"""

from __future__ import annotations

from uncc.entrypoints.web.i18n import N_, gettext

TERMS = {
    # order states
    "draft": N_("draft"),
    "submitted": N_("submitted"),
    "authorised": N_("authorised"),
    "refused": N_("refused"),
    "issued": N_("issued"),
    "executed": N_("executed"),
    "expired": N_("expired"),
    "revoked": N_("revoked"),
    # moves on an order
    "submit": N_("submit"),
    "authorise": N_("authorise"),
    "refuse": N_("refuse"),
    "issue": N_("issue"),
    "renew": N_("renew"),
    "execute": N_("execute"),
    "expire": N_("expire"),
    "revoke": N_("revoke"),
    # powers (the Convention's measures)
    "assistance_order": N_("assistance order"),
    "confiscation": N_("confiscation"),
    "freezing": N_("freezing"),
    "interception": N_("interception"),
    "preservation": N_("preservation"),
    "production_of_data": N_("production of data"),
    "production_of_subscriber_information": N_("production of subscriber information"),
    "realtime_traffic_collection": N_("real-time traffic collection"),
    "search": N_("search"),
    "search_extension": N_("search extension"),
    "seizure": N_("seizure"),
    "traffic_preservation_disclosure": N_("traffic preservation and disclosure"),
    # roles
    "investigator": N_("investigator"),
    "prosecutor": N_("prosecutor"),
    "judge": N_("judge"),
    "contact_point": N_("contact point"),
    "auditor": N_("auditor"),
    "admin": N_("admin"),
    # cases, requests, findings
    "open": N_("open"),
    "closed": N_("closed"),
    "new": N_("new"),
    "acknowledged": N_("acknowledged"),
    "under_review": N_("under review"),
    "awaiting_authorisation": N_("awaiting authorisation"),
    "in_execution": N_("in execution"),
    "answered": N_("answered"),
    "disclosed": N_("disclosed"),
    "partly_refused": N_("partly refused"),
    "awaiting_acknowledgment": N_("awaiting acknowledgment"),
    "confirmed": N_("hit confirmed"),
    "unconfirmed": N_("hit not confirmed"),
    "refused_unless": N_("refused unless conditions are met"),
    "emergency": N_("emergency"),
    "urgent": N_("urgent"),
    "routine": N_("routine"),
    "established": N_("established"),
    "not_established": N_("not established"),
    "undetermined": N_("undetermined"),
    "ok": N_("ok"),
    "denied": N_("denied"),
    # requests and messages between States
    "preservation_request": N_("preservation request"),
    "assistance_request": N_("assistance request"),
    "production_request": N_("production request"),
    "search_seizure_request": N_("search and seizure request"),
    "real_time_collection_request": N_("real-time collection request"),
    "interception_request": N_("interception request"),
    "proceeds_request": N_("proceeds request"),
    "property_return_request": N_("property return request"),
    "emergency_request": N_("emergency request"),
    "video_hearing_request": N_("video hearing request"),
    "deconfliction_hit": N_("deconfliction hit"),
    "acknowledgment": N_("acknowledgment"),
    "status_update": N_("status update"),
    "assistance_answer": N_("assistance answer"),
    "execution_result": N_("execution result"),
    "refusal": N_("refusal"),
    "traffic_disclosure": N_("traffic disclosure"),
    "conviction_answer": N_("conviction answer"),
    "hearing_record": N_("hearing record"),
    "consultation": N_("consultation"),
    "evidence_transfer": N_("evidence transfer"),
    "pending": N_("pending"),
    # outcomes of a request
    "preserved": N_("preserved"),
    "produced": N_("produced"),
    "partially_executed": N_("partially executed"),
    "no_data": N_("no data"),
    "held": N_("held"),
    "not_held": N_("not held"),
    "postponed": N_("postponed"),
    # custody events
    "acquired": N_("acquired"),
    "transferred": N_("transferred"),
    "examined": N_("examined"),
    "copied": N_("copied"),
    "sealed": N_("sealed"),
    "released": N_("released"),
    "exported": N_("exported"),
    "verified": N_("verified"),
    "tagged": N_("tagged"),
    "untagged": N_("untagged"),
    "annotated": N_("annotated"),
    "delivered": N_("delivered"),
    "failed": N_("failed"),
}


def term(value: object) -> str:
    """``value`` as a word in the reader's language (``production_of_data`` → ``production of data``).

    >>> term("under_review")
    'under review'
    >>> term("something_else")
    'something else'
    """
    text = str(getattr(value, "value", value))
    known = TERMS.get(text) or TERMS.get(text.replace(" ", "_"))
    return gettext(known) if known else text.replace("_", " ")


WAITING = frozenset({"sent", "received"})
"""A request's first status at the requesting and at the requested node: one word on both."""


def request_status(status: str) -> str:
    """A request's status in the reader's language, the same word at both nodes."""
    return term("awaiting_acknowledgment" if status in WAITING else status)
