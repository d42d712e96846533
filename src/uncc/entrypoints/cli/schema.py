"""``uncc schema …``: the JSON Schemas of the input formats."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer

from uncc.analysis.facts import Incident
from uncc.parties.profile import Profile

SCHEMA_BASE = "https://uncc.example.org/schema"


class SchemaName(StrEnum):
    """The formats that have a schema."""

    INCIDENT = "incident"
    PROFILE = "profile"


def json_schema(name: SchemaName) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a format."""
    model = Incident if name is SchemaName.INCIDENT else Profile
    schema = model.model_json_schema()
    version = "incident/1" if name is SchemaName.INCIDENT else "profile/1"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}/{version}.json",
        **schema,
    }


def schema_command(
    name: Annotated[SchemaName, typer.Argument(help="Which format: incident or profile.")],
) -> None:
    """Print the JSON Schema of the incident facts or profile format."""
    typer.echo(json.dumps(json_schema(name), ensure_ascii=False, indent=2))
