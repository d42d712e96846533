"""``Client``: a node's API as Python methods returning typed records.

::

    node = Client("https://node.example:8470", ca_file=Path("ca.pem"))
    node.login("ivan", "correct horse battery")
    case = node.open_case(facts, title="Insider at the turbine maker")
    node.upload_evidence(case.id, Path("designs.bin"), progress=print)

Every refusal raises the exception the node raised (``uncc.errors``), with the problem
JSON on ``.problem``; see ``docs/client.md``.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

from uncc.client import models as m
from uncc.client.accounts import Accounts
from uncc.client.base import PAGE_MAX, parse_list
from uncc.client.http import Sink
from uncc.client.uploads import UploadJournal, upload_file

ReportFormat = Literal["json", "md", "html"]


class Client(Accounts):
    """One node's API, as the user whose token it holds.

    Args:
        url: the node's base URL.
        token: a bearer token (from :meth:`login`, or saved by ``uncc login``).
        ca_file: the CA that signed the node's certificate, for a private CA.
        http: an ``httpx.Client`` to send through instead (tests).
    """

    # sessions ------------------------------------------------------------------------

    def login(self, user: str, password: str, code: str | None = None) -> str:
        """Exchange a password (and TOTP code) for a token, kept for the next calls.

        Raises:
            SecondFactorRequired: the account needs its TOTP code (give ``code``).
            ThrottledError: too many failed log-ins; ``retry_after`` seconds to wait.
        """
        body = {"user": user, "password": password, "code": code}
        token = str(self.connection.post("/login", body)["token"])
        self.connection.token = token
        return token

    def logout(self) -> None:
        """Revoke the token on the node and forget it."""
        self.connection.post("/logout")
        self.connection.token = None

    def me(self) -> dict[str, Any]:
        """Who the token stands for: user, roles, and whether a second factor is still owed."""
        data: dict[str, Any] = self.connection.get("/me")
        return data

    def node(self) -> m.NodeInfo:
        """The node's State, name, key and profile."""
        return m.NodeInfo.model_validate(self.connection.get("/node"))

    # cases ---------------------------------------------------------------------------

    def cases(self) -> list[m.CaseSummary]:
        """Every case."""
        return parse_list(m.CaseSummary, self._items("/cases"))

    def open_case(self, facts: dict[str, Any], title: str | None = None) -> m.Case:
        """Open a case from incident facts (``uncc: incident/1``), analysed by the node."""
        created = self.connection.post("/cases", {"facts": facts, "title": title})
        return self.case(str(created["id"]))

    def case(self, case_id: str) -> m.Case:
        """A case with its facts and analysis."""
        return m.Case.model_validate(self.connection.get(f"/cases/{case_id}"))

    def notes(self, case_id: str) -> list[m.CaseNote]:
        """The notes of a case, oldest first."""
        return parse_list(m.CaseNote, self._items(f"/cases/{case_id}/notes"))

    def add_note(self, case_id: str, text: str) -> None:
        """Add a note to a case."""
        self.connection.post(f"/cases/{case_id}/notes", {"text": text})

    def export_case(self, case_id: str) -> dict[str, Any]:
        """The case as CASE/UCO JSON-LD."""
        data: dict[str, Any] = self.connection.get(f"/cases/{case_id}/case-uco")
        return data

    # orders --------------------------------------------------------------------------

    def draft_order(
        self,
        case_id: str,
        *,
        power: str,
        offences: list[str],
        targets: list[m.Target],
        grounds: str,
        scope: str,
        necessity: str,
        proportionality: str,
        duration_days: int | None = None,
        request_id: str | None = None,
    ) -> m.Order:
        """Draft an order; a Convention condition that refuses it raises ``RuleViolation``.

        ``request_id``: the request received here that the order answers.
        """
        body = {
            "power": power,
            "offences": offences,
            "targets": [t.model_dump() for t in targets],
            "grounds": grounds,
            "scope": scope,
            "necessity": necessity,
            "proportionality": proportionality,
            "duration_days": duration_days,
        }
        if request_id is not None:
            body["request"] = request_id
        return m.Order.model_validate(self.connection.post(f"/cases/{case_id}/orders", body))

    def move_order(self, order_id: str, command: str, note: str = "") -> m.Order:
        """Submit, authorise, refuse, issue, renew, execute or revoke an order."""
        data = self.connection.post(f"/orders/{order_id}/{command}", {"note": note})
        return m.Order.model_validate(data)

    def orders(self, case_id: str | None = None, request_id: str | None = None) -> list[m.Order]:
        """The orders the user may see (of one case; drafted for one request)."""
        return parse_list(m.Order, self._items("/orders", case=case_id, request=request_id))

    def order(self, order_id: str) -> m.Order:
        """One order with its history."""
        return m.Order.model_validate(self.connection.get(f"/orders/{order_id}"))

    def notices(self) -> list[m.Notice]:
        """The notices addressed to the user."""
        return parse_list(m.Notice, self._items("/notices"))

    # evidence ------------------------------------------------------------------------

    def upload_evidence(
        self,
        case_id: str,
        file: Path,
        *,
        order_id: str | None = None,
        acquisition: dict[str, str] | None = None,
        progress: Callable[[int], None] | None = None,
        journal: UploadJournal | None = None,
    ) -> m.Uploaded:
        """Send a file to the vault in resumable chunks; its custody starts on the node.

        ``progress`` is called with the bytes the node holds after each chunk. With a
        ``journal``, an upload that was interrupted (network, Ctrl-C) resumes where the
        node stopped taking bytes the next time the same file is sent to the same case.
        """
        return upload_file(
            self.connection,
            case_id,
            file,
            order_id=order_id,
            acquisition=acquisition or {},
            progress=progress,
            journal=journal,
        )

    def evidence(self, case_id: str | None = None) -> list[m.EvidenceItem]:
        """Evidence items (of one case)."""
        return parse_list(m.EvidenceItem, self._items("/evidence", case=case_id))

    def seal(self, item_id: str, note: str = "", *, sealed: bool = True) -> None:
        """Seal an item (Art. 46(3)(d)), or release it with ``sealed=False``."""
        self.connection.post(
            f"/evidence/{item_id}/{'seal' if sealed else 'release'}", {"note": note}
        )

    def custody(self, item_id: str) -> list[m.CustodyEntry]:
        """The chain of custody of an item, each event with its inclusion proof."""
        return parse_list(m.CustodyEntry, self.connection.get(f"/evidence/{item_id}/custody"))

    def download(self, item_id: str, sink: Sink) -> str:
        """Write the item's bytes to ``sink`` (audited by the node); the SHA-256 it announced.

        The node checks the bytes against the recorded hash as it sends them and cuts the
        transfer when they differ; check the written file against the returned hash too.
        """
        headers = self.connection.download(f"/evidence/{item_id}/content", sink)
        digest = headers.get("Repr-Digest", "")
        if not digest.startswith("sha-256=:"):
            return ""
        return base64.b64decode(digest[len("sha-256=:") : -1]).hex()

    def review(self, item_id: str) -> m.Review:
        """The item's tags and annotations."""
        return m.Review.model_validate(self.connection.get(f"/evidence/{item_id}/review"))

    def tag(self, item_id: str, tag: str, *, remove: bool = False) -> m.Review:
        """Tag an item (or take the tag off): a custody event."""
        if remove:
            response = self.connection.request(
                "DELETE", f"/evidence/{item_id}/tags/{quote(tag, safe='')}"
            )
            return m.Review.model_validate(self.connection.json(response))
        return m.Review.model_validate(
            self.connection.post(f"/evidence/{item_id}/tags", {"tag": tag})
        )

    def annotate(self, item_id: str, text: str) -> m.Review:
        """Annotate an item: a custody event."""
        return m.Review.model_validate(
            self.connection.post(f"/evidence/{item_id}/annotations", {"text": text})
        )

    def admissibility(self, item_id: str, output_format: ReportFormat = "json") -> Any:
        """The admissibility report (Art. 49): a dict, or Markdown / HTML text."""
        response = self.connection.request(
            "GET", f"/evidence/{item_id}/admissibility", params={"format": output_format}
        )
        return self.connection.json(response) if output_format == "json" else response.text

    def document(self, kind: str, object_id: str, output_format: str = "pdf") -> tuple[bytes, str]:
        """An order, a request or an admissibility report printed: its bytes and its code."""
        base = {"order": "/orders", "request": "/network/requests", "admissibility": "/evidence"}
        response = self.connection.request(
            "GET", f"{base[kind]}/{object_id}/document", params={"format": output_format}
        )
        return response.content, response.headers.get("X-Verification-Code", "")

    def check_document(
        self, *, code: str | None = None, data: bytes | None = None
    ) -> m.DocumentCheck:
        """Whether a verification code, or a printed file, is a document the node issued."""
        if data is not None:
            octets = {"Content-Type": "application/octet-stream"}
            answer = self.connection.request(
                "POST", "/documents/verify", content=data, headers=octets
            )
        else:
            answer = self.connection.request("GET", f"/documents/{code}")
        return m.DocumentCheck.model_validate(self.connection.json(answer))

    def verify(
        self,
        case_id: str | None = None,
        *,
        since: str | None = None,
        witnesses: bool = True,
        full: bool = False,
    ) -> m.VaultReport:
        """Verify the whole vault (and that its log extends the head ``since``).

        ``full`` replays every custody event from the log's start, not from the signed
        state snapshot.
        """
        if since is not None:
            body = {"head": since, "case": case_id, "full": full}
            data = self.connection.post("/evidence/verify", body)
        else:
            data = self.connection.get(
                "/evidence/verify", case=case_id, witnesses=witnesses, full=full
            )
        return m.VaultReport.model_validate(data)

    def head(self) -> m.Head:
        """The custody log's signed tree head, to keep outside the node."""
        return m.Head.model_validate(self.connection.get("/evidence/head"))

    # audit, users, property, protected persons, requests ------------------------------

    def audit(self, limit: int = 200) -> list[m.AuditEntry]:
        """The latest audit entries (auditors and administrators)."""
        return parse_list(m.AuditEntry, self._items("/audit", every=False, limit=limit))

    def audit_page(self, limit: int, **criteria: str | None) -> tuple[list[m.AuditEntry], int]:
        """The newest ``limit`` matching entries, oldest first, and how many match in all.

        ``criteria``: ``actor``, ``action``, ``object``, ``since``, ``until`` (ISO dates or
        times). The API's pages walk back from the newest; older pages go in front.
        """
        data = self.connection.get("/audit", **criteria, limit=min(limit, PAGE_MAX))
        entries: list[Any] = list(data["items"])
        while data.get("next") and len(entries) < limit:
            data = self.connection.get(
                "/audit", **criteria, limit=min(limit - len(entries), PAGE_MAX), cursor=data["next"]
            )
            entries = list(data["items"]) + entries
        return parse_list(m.AuditEntry, entries[-limit:]), int(data["total"])

    def audit_export(self, fmt: Literal["csv", "jsonl"], **criteria: str | None) -> str:
        """Every matching entry, oldest first, as CSV or JSON Lines; the node audits the export."""
        response = self.connection.request(
            "GET", "/audit/export", params={**criteria, "format": fmt}
        )
        return response.text

    def notifications(self, *, unread: bool = False, limit: int = 50) -> list[m.Notification]:
        """One's newest notifications (``unread``: only those not yet read)."""
        data = self.connection.get("/notifications", unread=unread, limit=limit)
        return parse_list(m.Notification, data["items"])

    def property(self, case_id: str) -> list[m.PropertyItem]:
        """The case's property items (Art. 50)."""
        return parse_list(m.PropertyItem, self._items(f"/cases/{case_id}/property"))

    def register_traced(
        self, case_id: str, body: dict[str, Any]
    ) -> tuple[list[m.PropertyItem], list[str]]:
        """Trace a ledger (``{basis, model, transfers, locations}``) and register its accounts."""
        data = self.connection.post(f"/cases/{case_id}/property", body)
        return parse_list(m.PropertyItem, data["items"]), [str(n) for n in data["notes"]]

    def register_derived(self, case_id: str, item_id: str, body: dict[str, Any]) -> m.PropertyItem:
        """Register converted property (50(4)) or income (50(6)): ``{kind, description, value, location}``."""
        data = self.connection.post(f"/cases/{case_id}/property/{item_id}/derived", body)
        return m.PropertyItem.model_validate(data)

    def protected(self, case_id: str) -> list[m.ProtectedPerson]:
        """The case's protected persons, by pseudonym."""
        return parse_list(m.ProtectedPerson, self._items(f"/cases/{case_id}/protected"))

    def add_protected(self, case_id: str, body: dict[str, Any]) -> m.ProtectedPerson:
        """Record a protected person (``{kind, identity, views, claims, measures}``)."""
        data = self.connection.post(f"/cases/{case_id}/protected", body)
        return m.ProtectedPerson.model_validate(data)

    def disclose(self, person_id: str, reason: str) -> dict[str, str]:
        """A protected person's identity (judges, prosecutors); the disclosure is audited."""
        data: dict[str, str] = self.connection.post(
            f"/protected/{person_id}/disclose", {"reason": reason}
        )
        return data

    def requests(self, direction: str | None = None) -> list[m.Request]:
        """The cross-border requests this node sent (``out``) or received (``in``)."""
        return parse_list(m.Request, self._items("/network/requests", direction=direction))

    def request(self, conversation_id: str) -> m.Request:
        """One request with its timers and its thread of messages."""
        data = self.connection.get(f"/network/requests/{conversation_id}")
        return m.Request.model_validate(data)
