"""Read incident facts from YAML or JSON text, and report every problem with its path.

Validation has two passes: the schema (types, vocabularies, unknown fields), then the
references between entities (an act that names an undeclared person, system or datum;
:mod:`uncc.analysis.incident_checks`).
Every problem becomes one line ``path: what is wrong; hint`` in a :class:`FactsError`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator, Sequence
from enum import Enum
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from uncc.analysis.facts import FORMAT, Incident
from uncc.analysis.incident_checks import reference_problems, suggest
from uncc.errors import FactsError
from uncc.yaml12 import load_yaml


def parse_incident(text: str, source: str = "<facts>") -> Incident:
    """Validate incident facts given as YAML or JSON text.

    Raises:
        FactsError: the text is not YAML, not a mapping, or has schema or reference
            problems; every problem is listed with its path.
    """
    try:
        raw = load_yaml(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        raise FactsError(source, [f"{where}: not valid YAML or JSON ({exc.problem})"]) from None
    except yaml.YAMLError as exc:
        raise FactsError(source, [f"not valid YAML or JSON ({exc})"]) from None
    return validate_incident(raw, source)


def validate_incident(raw: Any, source: str = "<facts>") -> Incident:
    """Validate already-parsed facts (a mapping); see :func:`parse_incident`."""
    if not isinstance(raw, dict):
        raise FactsError(source, [f"expected a mapping starting with 'uncc: {FORMAT}'"])
    if raw.get("uncc") != FORMAT:
        got = raw.get("uncc")
        hint = "missing" if got is None else f"got {got!r}"
        raise FactsError(source, [f"uncc: expected '{FORMAT}' ({hint})"])
    try:
        incident = Incident.model_validate(raw)
    except ValidationError as exc:
        raise FactsError(source, list(_schema_problems(exc))) from None
    problems = list(reference_problems(incident))
    if problems:
        raise FactsError(source, problems)
    return incident


def _path(loc: Sequence[int | str]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else part
    return out


def _field_names(loc: Sequence[int | str]) -> list[str]:
    """The field names allowed at ``loc`` (the parent of an unknown field)."""
    model: Any = Incident
    for part in loc:
        if isinstance(part, int) or model is None:
            continue
        fields = (
            model.model_fields if isinstance(model, type) and issubclass(model, BaseModel) else {}
        )
        info = fields.get(part)
        model = _model_in(info.annotation) if info is not None else None
    if isinstance(model, type) and issubclass(model, BaseModel):
        return list(model.model_fields)
    return []


def _model_in(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _model_in(arg)
        if found is not None:
            return found
    return None


def _enum_in(annotation: Any) -> type[Enum] | None:
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return annotation
    for arg in typing.get_args(annotation):
        found = _enum_in(arg)
        if found is not None:
            return found
    return None


_TYPE_TAGS = {"bool", "str", "int", "float", "date", "datetime", "list", "dict"}


def _clean(loc: Sequence[int | str]) -> tuple[list[int | str], bool]:
    """Drop union-member tags from a location; say whether it points at a dict key."""
    out: list[int | str] = []
    is_key = False
    for part in loc:
        if part == "[key]":
            is_key = True
            continue
        if isinstance(part, str) and (
            part in _TYPE_TAGS or "[" in part or "-" in part or part[:1].isupper()
        ):
            continue
        out.append(part)
    return out, is_key


def _schema_problems(exc: ValidationError) -> Iterator[str]:
    seen: set[str] = set()
    errors = exc.errors()
    paths = [_path(_clean(e["loc"])[0]) for e in errors]
    for error, path in zip(errors, paths, strict=True):
        loc, is_key = _clean(error["loc"])
        deeper = any(p != path and p.startswith(path + ".") for p in paths)
        if path in seen or (deeper and error["type"] not in ("extra_forbidden", "missing")):
            continue
        seen.add(path)
        kind = error["type"]
        value = error.get("input")
        if kind == "extra_forbidden":
            name = str(loc[-1])
            hint = suggest(name, _field_names(loc[:-1]))
            yield f"{path}: unknown field{hint}"
        elif kind == "enum" or is_key:
            what = str(loc[-1] if not is_key else loc[-2] if len(loc) > 1 else loc[-1])
            what = what.rstrip("s") if is_key else what
            expected = _expected_values(error, loc, is_key)
            word = str(value)
            hint = suggest(word, expected)
            listing = "" if hint else f" (expected one of: {', '.join(expected)})"
            yield f"{path}: '{word}' is not a known {what.replace('_', ' ')}{hint}{listing}"
        elif kind == "missing":
            yield f"{path}: required field is missing"
        elif kind == "string_pattern_mismatch" and str(loc[-1:]) and _is_state_field(loc):
            yield f"{path}: '{value}' is not a State code (two capital letters, ISO 3166-1, e.g. DE)"
        else:
            yield (
                f"{path}: {error['msg']} (got {value!r})"
                if _short(value)
                else (f"{path}: {error['msg']}")
            )


def _short(value: Any) -> bool:
    return isinstance(value, str | int | float | bool) and len(str(value)) <= 60


def _is_state_field(loc: Sequence[int | str]) -> bool:
    names = {str(p) for p in loc if isinstance(p, str)}
    return bool(
        names
        & {
            "nationalities",
            "habitual_residence",
            "present_in",
            "incorporated_in",
            "public_body_of",
            "offers_services_in",
            "location",
            "stored_in",
            "located_in",
            "committed_in",
            "acted_in",
            "effects_in",
            "state",
            "flag",
            "within",
            "target_state",
            "holds_data_of_nationals_of",
        }
    )


def _expected_values(error: Any, loc: Sequence[int | str], is_key: bool) -> list[str]:
    ctx = error.get("ctx") or {}
    expected = str(ctx.get("expected", ""))
    if expected:
        return [v.strip().strip("'") for v in expected.replace(" or ", ", ").split(",") if v]
    field = loc[-1] if not is_key else loc[-2]
    model: Any = Incident
    annotation: Any = None
    for part in loc if not is_key else loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        info = model.model_fields.get(part)
        if info is None:
            break
        annotation = info.annotation
        model = _model_in(annotation)
    enum = _enum_in(annotation) if annotation is not None else None
    del field
    return [str(m.value) for m in enum] if enum else []
