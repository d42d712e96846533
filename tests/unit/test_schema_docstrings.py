"""``uncc schema`` describes each field by its attribute docstring, as pydantic would.

The facts and profile models no longer ask pydantic to read their attribute docstrings
at import (``use_attribute_docstrings``: about 30 ms of every command's start); the
schema generator reads them when a schema is asked for. These tests build the same
models again with pydantic's own option and check that both schemas are identical.
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

from uncc.analysis import facts
from uncc.entrypoints.cli.schema import DocumentedSchema, SchemaName, json_schema
from uncc.parties import profile

CONFIG = 'model_config = ConfigDict(extra="forbid", frozen=True)'


@contextmanager
def _with_pydantic_docstrings(module: types.ModuleType, folder: Path) -> Iterator[types.ModuleType]:
    """The module's models built again, with pydantic reading the attribute docstrings."""
    source = inspect.getsource(module)
    assert source.count(CONFIG) == 1
    name = f"{module.__name__.rpartition('.')[2]}_with_docstrings"
    path = folder / f"{name}.py"
    path.write_text(source.replace(CONFIG, CONFIG[:-1] + ", use_attribute_docstrings=True)"))
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    copy = importlib.util.module_from_spec(spec)
    sys.modules[name] = copy
    try:
        spec.loader.exec_module(copy)
        yield copy
    finally:
        del sys.modules[name]


@pytest.mark.parametrize(("module", "model"), [(facts, "Incident"), (profile, "Profile")])
def test_the_schema_has_the_descriptions_pydantic_reads(
    module: types.ModuleType, model: str, tmp_path: Path
) -> None:
    ours: type[BaseModel] = getattr(module, model)
    with _with_pydantic_docstrings(module, tmp_path) as copy:
        theirs: type[BaseModel] = getattr(copy, model)
        expected = theirs.model_json_schema()
    assert ours.model_json_schema(schema_generator=DocumentedSchema) == expected
    assert _field_descriptions(expected) > 0


def _field_descriptions(schema: dict[str, Any]) -> int:
    """How many fields of the schema's models have a description."""
    models = [schema, *schema.get("$defs", {}).values()]
    return sum("description" in field for m in models for field in m.get("properties", {}).values())


def test_without_the_generator_fields_have_no_description() -> None:
    """The docstrings come from the generator (a check that the test above can fail)."""
    plain = facts.Incident.model_json_schema()
    documented = json_schema(SchemaName.INCIDENT)
    assert _field_descriptions(plain) == 0
    assert _field_descriptions(documented) > 50
