"""``uncc schema …``: the JSON Schemas of the input formats."""

from __future__ import annotations

import ast
import inspect
import json
import sys
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any

import typer
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue

from uncc.entrypoints.cli.output import Format, FormatOpt, epilog

if TYPE_CHECKING:
    from pydantic_core import CoreSchema, core_schema

SCHEMA_BASE = "https://uncc.example.org/schema"


class SchemaName(StrEnum):
    """The formats that have a schema."""

    INCIDENT = "incident"
    PROFILE = "profile"
    MESSAGE = "message"


@cache
def _attribute_docstrings(module: str) -> dict[str, dict[str, str]]:
    """Each class of ``module``: its attributes' docstrings (a string right after the annotation).

    The same rule as pydantic's ``use_attribute_docstrings``, read from one parse of the
    module's source when a schema is asked for, rather than class by class at import.
    """
    tree = ast.parse(inspect.getsource(sys.modules[module]))
    found: dict[str, dict[str, str]] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ClassDef):
            continue
        docs: dict[str, str] = {}
        for before, statement in zip(node.body, node.body[1:], strict=False):
            if (
                isinstance(before, ast.AnnAssign)
                and isinstance(before.target, ast.Name)
                and isinstance(statement, ast.Expr)
                and isinstance(statement.value, ast.Constant)
                and isinstance(statement.value.value, str)
            ):
                docs[before.target.id] = inspect.cleandoc(statement.value.value)
        found[node.name] = docs
    return found


def _field_docstring(model: type[Any], field: str) -> str | None:
    """The docstring of ``field`` in the class of ``model``'s hierarchy that declares it."""
    for klass in model.__mro__:
        if field in inspect.get_annotations(klass):
            origin = klass.__dict__.get("__pydantic_generic_metadata__", {}).get("origin")
            name = (origin or klass).__name__
            return _attribute_docstrings(klass.__module__).get(name, {}).get(field)
    return None


def _documented(fields: CoreSchema, model: type[Any]) -> CoreSchema:
    """A model's fields schema whose fields without a description get their docstring."""
    if fields["type"] != "model-fields":
        inner = fields.get("schema")
        return {**fields, "schema": _documented(inner, model)} if inner else fields
    described = {}
    for name, field in fields["fields"].items():
        metadata = dict(field.get("metadata") or {})
        updates = dict(metadata.get("pydantic_js_updates") or {})
        docstring = _field_docstring(model, name)
        if docstring is not None and "description" not in updates:
            metadata["pydantic_js_updates"] = {**updates, "description": docstring}
            described[name] = {**field, "metadata": metadata}
        else:
            described[name] = field
    return {**fields, "fields": described}


class DocumentedSchema(GenerateJsonSchema):
    """The JSON Schema generator of ``uncc schema``: fields described by their docstrings."""

    def model_schema(self, schema: core_schema.ModelSchema) -> JsonSchemaValue:
        """A model's schema, each field described by its attribute docstring."""
        documented = {**schema, "schema": _documented(schema["schema"], schema["cls"])}
        return super().model_schema(documented)  # type: ignore[arg-type]


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
    schema = model.model_json_schema(schema_generator=DocumentedSchema)
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
