"""``uncc request kinds``: the request kinds of the Convention model, their fields and service levels."""

from __future__ import annotations

from uncc.entrypoints.cli.network_common import console
from uncc.entrypoints.cli.output import Format, FormatOpt, emit, epilog

KINDS_HELP_END = epilog(
    limits="no node and no role: the request kinds of the Convention model.",
    example="uncc request kinds --format json",
)


def kinds_command(output_format: FormatOpt = Format.TEXT) -> None:
    """Every request kind: what it asks for, its provisions, its fields and service levels."""
    from uncc.domain import cooperation  # noqa: PLC0415
    from uncc.domain.message_parts import Urgency  # noqa: PLC0415
    from uncc.domain.messages import REGISTRY  # noqa: PLC0415

    if output_format is Format.JSON:
        emit(
            {
                name: {
                    "label": kind.label,
                    "provisions": list(kind.provisions),
                    "fields": {
                        field: {"required": info.is_required()}
                        for field, info in REGISTRY[(name, 1)].model_fields.items()
                    },
                    "service_levels": {
                        u.value: {
                            "acknowledge_hours": kind.level(u).acknowledge.total_seconds() / 3600,
                            "answer_hours": kind.level(u).answer.total_seconds() / 3600,
                        }
                        for u in Urgency
                    },
                    "default_urgency": kind.default_urgency.value,
                    "executed_by": sorted(kind.powers),
                }
                for name, kind in cooperation.kinds().items()
            },
            output_format,
        )
        return

    def say(text: str) -> None:
        console.print(text, highlight=False, markup=False)

    for name, kind in cooperation.kinds().items():
        model = REGISTRY[(name, 1)]
        say(f"{name} — {kind.label} ({', '.join(kind.provisions)})")
        fields = [
            f"{field}{'' if info.is_required() else '?'}"
            for field, info in model.model_fields.items()
        ]
        say(f"  fields: {', '.join(fields)}  (? optional)")
        levels = ", ".join(
            f"{u.value} {kind.level(u).acknowledge.total_seconds() / 3600:g}h/{kind.level(u).answer.total_seconds() / 3600:g}h"
            for u in Urgency
        )
        say(f"  acknowledge/answer: {levels}; default urgency {kind.default_urgency.value}")
        if kind.powers:
            say(f"  executed by an issued order of: {', '.join(sorted(kind.powers))}")
