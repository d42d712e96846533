"""What several pages read from forms: a field's text, incident facts, the user's rights."""

from __future__ import annotations

import json
from typing import Any

import yaml
from starlette.datastructures import FormData

from uncc.domain.policy import Action, allowed
from uncc.errors import UserInputError
from uncc.services.context import Principal
from uncc.yaml12 import load_yaml


def text_of(data: FormData, name: str) -> str:
    """A form field's text, stripped (empty when absent or a file)."""
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def facts_from(text: str) -> dict[str, Any]:
    """Incident facts from pasted or uploaded YAML or JSON."""
    if not text.strip():
        raise UserInputError(
            "facts: paste or upload incident facts (YAML or JSON, uncc: incident/1)"
        )
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise UserInputError(f"facts: not accepted as YAML or JSON ({exc})") from None
    if not isinstance(data, dict):
        raise UserInputError("facts: expected a mapping with 'uncc: incident/1'")
    facts: dict[str, Any] = json.loads(json.dumps(data, default=lambda o: o.isoformat()))
    return facts


def may(who: Principal, action: Action) -> bool:
    """True when one of the user's roles may do the action."""
    return any(allowed(r, action) for r in who.roles)
