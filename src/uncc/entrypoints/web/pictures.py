"""Pictures in the pages: the case timeline, the custody timeline, the proceeds flow.

The pictures are drawn on the server (``uncc.services.reports``) when the page is
rendered, so that their times are in the reader's time zone; each comes with the same
content as a table for screen readers (``templates/pictures.html``).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from babel import numbers
from markupsafe import Markup

from uncc.domain.evidence import EvidenceItem
from uncc.domain.orders import Order
from uncc.domain.policy import Action
from uncc.domain.proceeds_flow import Flow
from uncc.entrypoints.web import i18n
from uncc.entrypoints.web.forms import may
from uncc.entrypoints.web.i18n import local_time
from uncc.entrypoints.web.kit import ENV
from uncc.errors import NotFoundError
from uncc.services import evidence_preview, evidence_review, path_trace, timelines
from uncc.services.context import NodeContext, Principal
from uncc.services.evidence import CustodyEntry
from uncc.services.evidence_preview import Preview
from uncc.services.network import conversations
from uncc.services.reports.flow_svg import MODEL_NAMES, amount, flow_svg
from uncc.services.reports.path_svg import path_svg, stations
from uncc.services.reports.pictures import KIND_NAMES, Moment, timeline_svg


def _timeline_picture(moments: Sequence[Moment], ident: str, title: str) -> Markup:
    """A timeline as inline SVG, its times in the reader's zone (called while rendering)."""
    return Markup(timeline_svg(moments, ident=ident, title=title, when=local_time))  # noqa: S704 - built by ElementTree, which escapes every text


ENV.globals["timeline_picture"] = _timeline_picture
ENV.globals["kind_names"] = KIND_NAMES


def money(value: Decimal, currency: str) -> str:
    """An amount of a traced ledger, with its currency.

    In the reader's language for an ISO 4217 currency; up to 8 decimals for a virtual
    one (Babel would round a bitcoin to the cent).
    """
    if currency and numbers.is_currency(currency):
        return i18n.amount(value, currency)
    return amount(value, currency)


def _flow_picture(flow: Flow, ident: str, title: str) -> Markup:
    """A proceeds flow as inline SVG (called while rendering, in the reader's language)."""
    return Markup(flow_svg(flow, ident=ident, title=title, money=money))  # noqa: S704 - built by ElementTree, which escapes every text


ENV.globals["flow_picture"] = _flow_picture
ENV.globals["model_names"] = MODEL_NAMES
ENV.filters["money"] = money


def case_moments(
    ctx: NodeContext,
    who: Principal,
    facts: dict[str, Any],
    case_id: str,
    orders: Sequence[Order],
    items: Sequence[EvidenceItem],
) -> list[Moment]:
    """The case's timeline, from what the page already fetched and the case's messages."""
    found = (
        conversations.list_conversations(ctx, who, case_id=case_id)
        if may(who, Action.NETWORK_READ)
        else []
    )
    return timelines.case_timeline(facts, orders, items, found, case_id=case_id, now=ctx.clock())


def analysis_html(analysis: dict[str, Any]) -> Markup:
    """The analysis the case was opened from, in full, as the analysis page shows it."""
    from uncc.analysis.render.html import render_html  # noqa: PLC0415 - only for case pages

    body = render_html(analysis)
    return Markup(body[body.index("<main>") + 6 : body.index("</main>")])  # noqa: S704 - the report's own autoescaped template


def review_values(ctx: NodeContext, who: Principal, item: EvidenceItem) -> dict[str, Any]:
    """The evidence page's review part: the preview, the tags and the annotations.

    The preview when the reader may see the content; the tags and annotations when they
    may read the custody log.
    """
    shown: Preview | None = None
    if may(who, Action.EVIDENCE_CONTENT) and not item.sealed:
        try:
            shown = evidence_preview.preview(ctx, who, item.id)
        except NotFoundError:  # under a confidential order this reader has no need to know
            shown = None
    review = (
        evidence_review.get_review(ctx, who, item.id)
        if may(who, Action.CUSTODY_READ)
        else evidence_review.Review()
    )
    return {"preview": shown, "review": review}


def path_values(ctx: NodeContext, who: Principal, case_id: str) -> dict[str, Any]:
    """The Art. 44 path of the case as a picture and as a list (for readers of the network)."""
    if not may(who, Action.NETWORK_READ):
        return {"path_picture": None, "path_stations": []}
    found = path_trace.case_path(ctx, who, case_id)
    return {
        "path_picture": Markup(path_svg(found)),  # noqa: S704 - an autoescaped SVG template
        "path_stations": stations(found),
        "path_pending": found.pending,
    }


def custody_moments(chain: Sequence[CustodyEntry]) -> list[Moment]:
    """An item's custody chain as a timeline."""
    return timelines.custody_timeline(chain)
