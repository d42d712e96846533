"""The HTML report: one self-contained page (no scripts, inline styles of our own)."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from uncc.analysis.questions import grouped
from uncc.analysis.render.common import (
    MARK,
    WORD,
    aside_words,
    availability,
    counts,
    measures_shown,
    route_words,
    who,
)
from uncc.analysis.render.limits import (
    PROVISION,
    limitation_entries,
    states_without_period,
    summary_line,
)

_ENV = Environment(
    loader=PackageLoader("uncc.analysis.render", "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_html(report: dict[str, Any], *, show_all: bool = False) -> str:
    """The report as a standalone HTML page."""
    template = _ENV.get_template("report.html.j2")
    offences = [o for o in report["offences"] if show_all or o["status"] != "not_established"]
    limits = limitation_entries(report, show_all=show_all)
    return template.render(
        questions=grouped(report["missing"]),
        set_aside=report.get("set_aside", []),
        limits=limits,
        aside_words=aside_words(report),
        limits_silent=states_without_period(report),
        limits_summary=summary_line(limits) if limits else "",
        limitation_provision=PROVISION,
        report=report,
        offences=offences,
        counts=counts(report),
        measures=measures_shown(report),
        mark=MARK,
        word=WORD,
        availability=availability,
        route_words=route_words,
        who=who,
    )
