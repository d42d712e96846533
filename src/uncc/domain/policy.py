"""Who may do what on a node: one role × action table, checked for every action.

Roles are those of the people who work on a national node; actions are the use cases.
The table is data, so that it can be read, reviewed and tested exhaustively.
"""

from __future__ import annotations

from enum import StrEnum

from uncc.errors import PermissionDeniedError


class Role(StrEnum):
    """A user's role on the node."""

    INVESTIGATOR = "investigator"
    PROSECUTOR = "prosecutor"
    JUDGE = "judge"
    CONTACT_POINT = "contact_point"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Action(StrEnum):
    """Everything a user can ask the node to do."""

    USER_MANAGE = "user.manage"
    CASE_OPEN = "case.open"
    CASE_READ = "case.read"
    CASE_UPDATE = "case.update"
    ORDER_DRAFT = "order.draft"
    ORDER_READ = "order.read"
    ORDER_READ_CONFIDENTIAL = "order.read_confidential"
    ORDER_SUBMIT = "order.submit"
    ORDER_AUTHORISE = "order.authorise"
    ORDER_ISSUE = "order.issue"
    ORDER_RENEW = "order.renew"
    ORDER_REVOKE = "order.revoke"
    EVIDENCE_ADD = "evidence.add"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_SEAL = "evidence.seal"
    EVIDENCE_VERIFY = "evidence.verify"
    EVIDENCE_CONTENT = "evidence.content"
    EVIDENCE_ANNOTATE = "evidence.annotate"
    CUSTODY_READ = "custody.read"
    AUDIT_READ = "audit.read"
    NODE_TICK = "node.tick"
    PROTECTED_ADD = "protected.add"
    PROTECTED_READ = "protected.read"
    PROTECTED_DISCLOSE = "protected.disclose"
    NETWORK_ADMIN = "network.admin"
    NETWORK_READ = "network.read"
    NETWORK_SEND = "network.send"
    NETWORK_ANSWER = "network.answer"
    EVIDENCE_SEND = "evidence.send"
    EXPERT_MANAGE = "expert.manage"
    EXPERT_FIND = "expert.find"


R = Role
A = Action

POLICY: dict[Action, frozenset[Role]] = {
    A.USER_MANAGE: frozenset({R.ADMIN}),
    A.CASE_OPEN: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT}),
    A.CASE_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.CONTACT_POINT, R.AUDITOR}),
    A.CASE_UPDATE: frozenset({R.INVESTIGATOR, R.PROSECUTOR}),
    A.ORDER_DRAFT: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT}),
    A.ORDER_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.CONTACT_POINT, R.AUDITOR}),
    A.ORDER_READ_CONFIDENTIAL: frozenset({R.PROSECUTOR, R.JUDGE}),
    A.ORDER_SUBMIT: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT}),
    A.ORDER_AUTHORISE: frozenset({R.JUDGE}),
    A.ORDER_ISSUE: frozenset({R.PROSECUTOR}),
    A.ORDER_RENEW: frozenset({R.PROSECUTOR}),
    A.ORDER_REVOKE: frozenset({R.PROSECUTOR, R.JUDGE}),
    A.EVIDENCE_ADD: frozenset({R.INVESTIGATOR}),
    A.EVIDENCE_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.AUDITOR}),
    A.EVIDENCE_SEAL: frozenset({R.INVESTIGATOR, R.PROSECUTOR}),
    A.EVIDENCE_VERIFY: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.AUDITOR}),
    A.EVIDENCE_CONTENT: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE}),
    A.EVIDENCE_ANNOTATE: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE}),
    A.CUSTODY_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.AUDITOR}),
    A.AUDIT_READ: frozenset({R.AUDITOR, R.ADMIN}),
    A.NODE_TICK: frozenset({R.ADMIN}),
    A.PROTECTED_ADD: frozenset({R.INVESTIGATOR, R.PROSECUTOR}),
    A.PROTECTED_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.JUDGE, R.AUDITOR}),
    A.PROTECTED_DISCLOSE: frozenset({R.PROSECUTOR, R.JUDGE}),
    A.NETWORK_ADMIN: frozenset({R.ADMIN}),
    A.NETWORK_READ: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT, R.AUDITOR}),
    A.NETWORK_SEND: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT}),
    A.NETWORK_ANSWER: frozenset({R.PROSECUTOR, R.CONTACT_POINT}),
    A.EVIDENCE_SEND: frozenset({R.INVESTIGATOR, R.PROSECUTOR}),
    A.EXPERT_MANAGE: frozenset({R.CONTACT_POINT, R.ADMIN}),
    A.EXPERT_FIND: frozenset({R.INVESTIGATOR, R.PROSECUTOR, R.CONTACT_POINT, R.JUDGE}),
}
"""Which roles may take each action. Anything not listed is denied."""


def allowed(role: Role, action: Action) -> bool:
    """True when the role may take the action."""
    return role in POLICY.get(action, frozenset())


def require(roles: frozenset[Role] | set[Role], action: Action) -> None:
    """Raise unless one of the roles may take the action.

    Raises:
        PermissionDeniedError: no role allows it; the message names the action.
    """
    if not any(allowed(role, action) for role in roles):
        who = ", ".join(sorted(r.value for r in roles)) or "no role"
        raise PermissionDeniedError(f"{who} may not {action.value}")
