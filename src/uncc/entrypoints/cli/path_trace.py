"""``uncc request follow-hop`` and ``uncc case path``: Art. 44 path tracing from the command line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from uncc.domain.policy import Action
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog
from uncc.entrypoints.cli.store import write_text_atomically

FOLLOW_HOP_HELP_END = epilog(Action.NETWORK_SEND, example="uncc request follow-hop REQUEST-ID")
CASE_PATH_HELP_END = epilog(
    Action.NETWORK_READ, example="uncc case path XA-C-2026-0001 --svg path.svg"
)

console = Console(soft_wrap=True)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def follow_hop_command(
    request_id: Annotated[
        str, typer.Argument(help="Our preservation request whose traffic disclosure named the hop.")
    ],
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """Ask the State of the disclosed previous hop to preserve it, in one step (Art. 44)."""
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import path_trace  # noqa: PLC0415

    sent = path_trace.follow_hop(context(), principal(), request_id)
    if emit(sent, output_format):
        return
    _say(
        f"preservation request {sent.reference} signed and queued for {sent.peer}: "
        f"request {sent.id}, following {request_id}"
    )
    _say(f"  data: {sent.request['data'][0]['description']}")


def case_path_command(
    case_id: Annotated[str, typer.Argument(help="The case.")],
    svg: Annotated[
        Path | None, typer.Option("--svg", help="Also write the path as an SVG picture.")
    ] = None,
    output_format: FormatOpt = Format.TEXT,
) -> None:
    """The path traced so far (Art. 44): the hops disclosed and the requests pending."""
    from uncc.domain.path_trace import describe  # noqa: PLC0415
    from uncc.entrypoints.cli.session import context, principal  # noqa: PLC0415
    from uncc.services import path_trace  # noqa: PLC0415
    from uncc.services.reports.path_svg import path_svg  # noqa: PLC0415

    found = path_trace.case_path(context(), principal(), case_id)
    if svg is not None:
        write_text_atomically(svg, path_svg(found))
    if emit(found, output_format):
        return
    if not found.legs:
        _say(f"case {case_id}: no preservation request of ours traces a path yet")
    for leg in found.legs:
        after = f", following {leg.follows}" if leg.follows else ""
        _say(f"{leg.state} — request {leg.reference} ({leg.conversation}): {leg.status}{after}")
        for hop in leg.hops:
            _say(f"  hop: {describe(hop)}")
        if not leg.hops:
            _say("  no traffic data disclosed yet")
    if found.next_hop is not None:
        _say(f"next: {describe(found.next_hop)} (no request follows it yet)")
    _say(f"pending: {', '.join(leg.reference for leg in found.pending) or 'none'}")
    if svg is not None:
        _say(f"wrote {svg}")
