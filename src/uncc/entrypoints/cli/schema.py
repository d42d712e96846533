"""``uncc schema …``: the JSON Schemas of the input formats."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from uncc.entrypoints.cli.output import Format, FormatOpt, epilog

SCHEMA_BASE = "https://uncc.example.org/schema"


class SchemaName(StrEnum):
    """The formats that have a schema."""

    INCIDENT = "incident"
    PROFILE = "profile"
    MESSAGE = "message"


def json_schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a format (for messages: one per registered type)."""
    if name is SchemaName.MESSAGE:
        from uncc.domain.messages import REGISTRY  # noqa: PLC0415

        return {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"{SCHEMA_BASE}/messages/1.json",
            "description": "The body of each registered I-24/7 message type, by type and version.",
            "messages": {
                f"{kind}/{version}": model.model_json_schema()
                for (kind, version), model in REGISTRY.items()
            },
        }
    from uncc.analysis.facts import Incident  # noqa: PLC0415 (heavy; not for --help)
    from uncc.parties.profile import Profile  # noqa: PLC0415

    model = Incident if name is SchemaName.INCIDENT else Profile
    schema = model.model_json_schema()
    version = "incident/1" if name is SchemaName.INCIDENT else "profile/1"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{version}.json",
        **schema,
    }


SCHEMA_HELP_END = epilog(
    limits="no node and no role: the schemas of uncc's own formats.",
    example="uncc schema incident > incident.schema.json",
)


def schema_command(
    name: Annotated[SchemaName, typer.Argument(help="Which format: incident, profile or message.")],
    output_format: FormatOpt = Format.JSON,
) -> None:
    """Print the JSON Schema of the incident facts, the profile or the network message bodies.

    A schema is JSON whatever --format says.
    """
    del output_format  # a JSON Schema is JSON already
    typer.echo(json.dumps(json_schema(name), ensure_ascii=False, indent=2))
