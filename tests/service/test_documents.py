"""Documents to print and sign (issue 19 item 3): an order as PDF with its legal basis,
authorisation, deadlines and verification code; a check of a code or a file; need to
know kept (attack tests: refused, nothing stored)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from tests.service.conftest import Node, facts
from tests.service.test_node_flow import PRESERVE
from uncc.adapters.db import schema
from uncc.adapters.pdf_document import document_pdf
from uncc.domain.documents import code_in
from uncc.domain.orders import Command
from uncc.errors import NotFoundError, PermissionDeniedError, UserInputError
from uncc.services import cases, documents, orders
from uncc.services.orders import DraftRequest
from uncc.services.reports.document_html import document_html


def issued_order(node: Node) -> str:
    case_id = cases.open_case(node.ctx, node.ivan, facts("insider-company")).id
    request = DraftRequest(**{**PRESERVE.__dict__, "offences": ("ict_theft",)})
    order = orders.draft_order(node.ctx, node.ivan, case_id, request)
    orders.order_command(node.ctx, node.ivan, order.id, Command.SUBMIT)
    orders.order_command(node.ctx, node.jane, order.id, Command.AUTHORISE, "grounds suffice")
    orders.order_command(node.ctx, node.pia, order.id, Command.ISSUE)
    return order.id


def text_of(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def count(node: Node, table: str) -> int:
    with node.ctx.engine.connect() as conn:
        return int(
            conn.execute(
                select(func.count()).select_from(schema.metadata.tables[table])
            ).scalar_one()
        )


def test_an_order_prints_as_pdf_with_its_basis_authorisation_deadlines_and_code(
    node: Node,
) -> None:
    order_id = issued_order(node)
    made = documents.issue(node.ctx, node.pia, "order", order_id, fmt="pdf", render=document_pdf)
    assert made.data.startswith(b"%PDF")
    text = " ".join(text_of(made.data).split())
    assert f"Order {order_id}" in text
    assert "Art. 43(1)" in text  # the power's provision, cited
    assert "Authorised jane" in text
    assert "grounds suffice" in text
    assert "Issued pia" in text
    assert "Expires" in text
    assert "Period 90 days" in text
    assert made.document.code in text.replace(" ", "")
    assert made.document.head["size"] >= 0
    assert made.document.head["root"] in text.replace(" ", "")
    assert code_in(made.data) == made.document.code
    # a receiver checks the code, or the file; an altered file does not pass
    by_code = documents.verify(node.ctx, node.pia, code=made.document.code)
    assert (by_code.matches, by_code.object, by_code.kind) == (True, order_id, "order")
    by_file = documents.verify(node.ctx, node.pia, data=made.data)
    assert (by_file.matches, by_file.file_matches) == (True, True)
    tampered = documents.verify(node.ctx, node.pia, data=made.data + b"\n% appended")
    assert (tampered.matches, tampered.file_matches) == (False, False)
    assert "not the file issued" in tampered.detail
    unknown = documents.verify(node.ctx, node.pia, code="0" * 64)
    assert not unknown.matches
    assert unknown.object is None
    with pytest.raises(UserInputError, match="code: "):
        documents.verify(node.ctx, node.pia, code="not-a-code")
    with node.ctx.engine.connect() as conn:
        actions = (
            conn.execute(
                select(schema.audit.c.action).where(schema.audit.c.action.like("document.%"))
            )
            .scalars()
            .all()
        )
    assert actions.count("document.issue") == 1
    assert actions.count("document.verify") == 4


def test_the_html_page_prints_the_same_document_without_navigation_or_forms(node: Node) -> None:
    order_id = issued_order(node)
    made = documents.issue(node.ctx, node.pia, "order", order_id, fmt="html", render=document_html)
    html = made.data.decode()
    assert f'content="uncc-document:{made.document.code}"' in html
    assert "<nav" not in html
    assert "<form" not in html
    assert "<script" not in html
    assert "@media print" in html
    assert documents.verify(node.ctx, node.jane, data=made.data).file_matches is True


def test_a_confidential_order_is_printed_and_checked_only_with_need_to_know(node: Node) -> None:
    order_id = issued_order(node)  # preservation: confidential (Art. 43(3))
    before = count(node, "documents")
    for outsider in (node.cora, node.aud):
        with pytest.raises(NotFoundError):
            documents.issue(node.ctx, outsider, "order", order_id, fmt="pdf", render=document_pdf)
    with pytest.raises(PermissionDeniedError):
        documents.issue(node.ctx, node.admin, "order", order_id, fmt="pdf", render=document_pdf)
    assert count(node, "documents") == before  # nothing stored
    made = documents.issue(node.ctx, node.pia, "order", order_id, fmt="pdf", render=document_pdf)
    told = documents.verify(node.ctx, node.cora, code=made.document.code)
    assert told.matches
    assert told.object is None
    assert told.issued_by is None
    with pytest.raises(PermissionDeniedError):
        documents.verify(node.ctx, node.admin, code=made.document.code)


def test_a_forged_record_in_the_database_does_not_verify(node: Node) -> None:
    """An insider with the database who rewrites a recorded document breaks its code."""
    order_id = issued_order(node)
    made = documents.issue(node.ctx, node.pia, "order", order_id, fmt="pdf", render=document_pdf)
    content = made.document.content()
    content["title"] = "Order for something else"
    with node.ctx.engine.begin() as conn:
        conn.execute(
            schema.documents.update()
            .where(schema.documents.c.code == made.document.code)
            .values(content=content)
        )
    verdict = documents.verify(node.ctx, node.pia, code=made.document.code)
    assert not verdict.matches
    assert "no longer matches its code" in verdict.detail


def run(monkeypatch: pytest.MonkeyPatch, node: Node, who: object, *args: str) -> tuple[int, str]:
    """``uncc ARGS`` as the CLI runs it on this node (errors → exit codes), as ``who``."""
    import sys  # noqa: PLC0415
    from contextlib import redirect_stderr, redirect_stdout  # noqa: PLC0415

    from uncc.entrypoints.cli import main, session  # noqa: PLC0415

    monkeypatch.setattr(session, "context", lambda: node.ctx)
    monkeypatch.setattr(session, "principal", lambda: who)
    monkeypatch.setattr(sys, "argv", ["uncc", *args])
    out = io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(out):
        try:
            main.run()
        except SystemExit as exc:
            code = int(exc.code or 0)
    return code, out.getvalue()


def test_the_cli_prints_an_order_and_checks_the_file_and_the_code(
    node: Node, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    order_id = issued_order(node)
    target = tmp_path / "order.pdf"
    code, said = run(monkeypatch, node, node.pia, "order", "print", order_id, "-o", str(target))
    assert code == 0, said
    printed = target.read_bytes()
    assert f"Order {order_id}" in " ".join(text_of(printed).split())
    verification = code_in(printed)
    assert verification is not None
    assert f"verification code {verification}" in said
    code, said = run(monkeypatch, node, node.cora, "document", "verify", str(target))
    assert code == 0, said
    assert said.startswith("MATCHES: issued by this node")
    assert "(withheld: no need to know)" in said  # cora may not know the confidential order
    target.write_bytes(printed + b"%")
    code, said = run(monkeypatch, node, node.pia, "document", "verify", str(target))
    assert code == 1
    assert "DOES NOT MATCH" in said
    code, said = run(monkeypatch, node, node.pia, "document", "verify", verification)
    assert code == 0
    assert f"order {order_id}" in said
    code, said = run(monkeypatch, node, node.pia, "document", "verify", "123")
    assert code != 0
    assert "code: a verification code is 64 hexadecimal digits" in said
    assert "Traceback" not in said
    # an outsider cannot print the confidential order; nothing is written
    other = tmp_path / "other.pdf"
    code, said = run(monkeypatch, node, node.cora, "order", "print", order_id, "-o", str(other))
    assert code != 0
    assert not other.exists()
