"""``uncc request draft``: a request built from the case, checked under the other State's law."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.entrypoints.cli.store import write_text_atomically
from uncc.errors import UserInputError

console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def _fields(specs: list[str] | None) -> dict[str, Any]:
    """``NAME=VALUE`` overrides; a value in YAML (``[a, b]``, ``90``) keeps its type."""
    from uncc.yaml12 import load_yaml  # noqa: PLC0415

    out: dict[str, Any] = {}
    for spec in specs or []:
        key, sep, value = spec.partition("=")
        if not sep or not key:
            raise UserInputError(f"--field '{spec}': expected NAME=VALUE")
        try:
            out[key] = load_yaml(value) if value.strip()[:1] in "[{" else value
        except Exception:
            raise UserInputError(f"--field {key}: not a valid list or mapping") from None
    return out


DRAFT_HELP_END = epilog(
    Action.NETWORK_SEND,
    limits="it is sent only when complete (--send); each missing field is listed.",
    example="uncc request draft XA-C-2026-0001 --measure preservation --to XA --send",
)


def _show(abroad: Any, to: str) -> None:
    """What the requested State's law says: dual criminality and the measure, with citations."""
    measure = abroad.measure.replace("_", " ")
    _say(f"under {to}'s law ({abroad.profile}):")
    _say(f"  dual criminality: {abroad.dual_criminality}")
    for o in abroad.offences:
        _say(f"    {o.offence}: {o.status.replace('_', ' ')} [{o.provision}]")
    _say(f"  {measure} available there: {abroad.measure_available} [{abroad.measure_provision}]")
    for what, provision, status in abroad.conditions:
        _say(f"    {what}: {status.replace('_', ' ')} [{provision}]")
    if abroad.missing:
        _say("  facts that would settle it: " + ", ".join(abroad.missing))


def draft_command(
    case_id: Annotated[
        str, typer.Argument(help="Our case: its analysis and facts fill the request.")
    ],
    measure: Annotated[
        str, typer.Option("--measure", help="The power asked for, e.g. preservation.")
    ],
    to: Annotated[str, typer.Option("--to", help="The requested State, e.g. XA.")],
    field: Annotated[
        list[str] | None,
        typer.Option("--field", help="NAME=VALUE to add or override (repeatable)."),
    ] = None,
    send: Annotated[bool, typer.Option("--send", help="Sign and send it if complete.")] = False,
    html: Annotated[
        Path | None, typer.Option("--html", help="Write the printable request (HTML).")
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="Write it as PDF (Chromium's print).")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Draft a request from the case; see dual criminality and availability under TO's law.

    Exit 1 when the draft is not complete (each missing field listed).
    """
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import request_drafts  # noqa: PLC0415
    from uncc.services.identity import node_info  # noqa: PLC0415

    ctx, who = context(), principal()
    overrides = _fields(field)
    if measure not in request_drafts.KINDS:  # no request kind yet: the check alone
        _show(request_drafts.check_abroad(ctx, who, case_id, measure=measure, to=to), to)
        raise UserInputError(
            f"measure: '{measure}' has no request kind yet; expected one of "
            f"{', '.join(sorted(request_drafts.KINDS))}"
        )
    draft = request_drafts.draft_request(
        ctx, who, case_id, measure=measure, to=to, fields=overrides
    )
    if output_format is Format.JSON:
        _draft_as_json(
            draft,
            send,
            lambda: request_drafts.send_draft(
                ctx, who, case_id, measure=measure, to=to, fields=overrides
            )[1],
        )
        return
    _say(f"{draft.kind.replace('_', ' ')} to {to} for {measure.replace('_', ' ')}, case {case_id}")
    for key, value in draft.body.items():
        if key != "facts":
            _say(f"  {key}: {value}")
    _show(draft.abroad, to)
    if html is not None or pdf is not None:
        from uncc.services.reports.request_doc import request_html  # noqa: PLC0415

        with ctx.engine.connect() as conn:
            us = node_info(conn).state
        document = request_html(draft, us, ctx.clock().date())
        if html is not None:
            write_text_atomically(html, document)
            _say(f"wrote {html}")
        if pdf is not None:
            from uncc.adapters.pdf import print_pdf  # noqa: PLC0415

            pdf.write_bytes(print_pdf(document))
            _say(f"wrote {pdf}")
    if draft.problems:
        _say("not complete:")
        for problem in draft.problems:
            _say(f"  {problem}")
        if send:
            raise UserInputError(
                f"the {draft.kind.replace('_', ' ')} is not complete; nothing was signed or sent"
            )
        raise typer.Exit(1)  # the command ran and found problems
    if send:
        _, sent = request_drafts.send_draft(
            ctx, who, case_id, measure=measure, to=to, fields=overrides
        )
        _say(
            f"{draft.kind.replace('_', ' ')} {sent.reference} signed and queued for {to}: request {sent.id}"
        )
    else:
        _say("complete: add --send to sign and send it")


def _draft_as_json(draft: Any, send: bool, sending: Any) -> None:
    """The draft (and, with --send when complete, the request sent) as JSON."""
    if draft.problems and send:
        raise UserInputError(
            f"the {draft.kind.replace('_', ' ')} is not complete; nothing was signed or sent"
        )
    sent = sending() if send else None
    emit({"draft": draft, "sent": sent}, Format.JSON)
    if draft.problems:
        raise typer.Exit(1)  # the command ran and found problems
