"""Refusals as a person reads them: each problem next to the field it concerns, in plain words.

Validation speaks in paths (``acts[0].effects_in[0]: 'EASTLAND' is not a State code``,
``data.0.link_to_offence: Field required``); a form has fields. :func:`field_errors`
maps each problem to the form's field through a table of path patterns, and rewrites
the validator's wording into a sentence. A problem no field owns goes to ``form`` (shown
at the top), so a refusal never comes back without its reason.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

_PROBLEM = re.compile(r"^(?P<path>[A-Za-z_][\w.\[\]]*): (?P<reason>.*)$", re.DOTALL)

_PLAIN: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^Field required$"), "required"),
    (re.compile(r"^String should have at least 1 character.*$"), "required"),
    (re.compile(r"^List should have at least 1 item.*$"), "give at least one"),
    (re.compile(r"^Input should be True$"), "tick this box to confirm it"),
    (
        re.compile(r"^'(?P<v>[^']*)' is not a State code.*$"),
        "'{v}' is not a State: choose one from the list (or type its two-letter code)",
    ),
    (
        re.compile(
            r"^Input should be a valid date(?: or datetime)?.*?(?:\(got '(?P<v>[^']*)'\))?$"
        ),
        "not a date: write it like 2026-03-02 or 2026-03-02T01:14:00Z",
    ),
    (
        re.compile(r"^Input should be a valid datetime.*$"),
        "not a date and time: write it like 2026-03-02T01:14:00Z",
    ),
    (re.compile(r"^Input should be a valid integer.*$"), "a whole number, please"),
    (re.compile(r"^Input should be greater than or equal to (?P<v>\S+)$"), "at least {v}"),
    (re.compile(r"^Input should be less than or equal to (?P<v>\S+)$"), "at most {v}"),
    (re.compile(r"^Input should be (?P<v>'.*')$"), "choose one of {v}"),
    (re.compile(r"^Value error, (?P<v>.*)$"), "{v}"),
    (re.compile(r"^String should match pattern .*$"), "not in the expected form"),
    (re.compile(r"^Extra inputs are not permitted$"), "not a field of this form"),
)


def plain(reason: str) -> str:
    """The validator's wording as a sentence (unchanged when it already is one)."""
    for pattern, words in _PLAIN:
        match = pattern.match(reason.strip())
        if match:
            return words.format(**{k: v or "" for k, v in match.groupdict().items()})
    return reason.strip()


def _normal(path: str) -> str:
    """``acts[0].effects_in[0]`` and ``acts.0.effects_in.0`` both as ``acts.0.effects_in.0``."""
    return re.sub(r"\[(\d+)\]", r".\1", path).strip(".")


def field_errors(
    problems: Iterable[str], fields: Mapping[str, str], known: Iterable[str] = ()
) -> dict[str, str]:
    """Each problem under the form field it concerns (the first problem of a field wins).

    ``fields`` maps a path pattern (a regular expression over the normalised path,
    ``acts.0.effects_in.0``, matched from the start) to a field name (``\\1`` takes a
    group of the pattern); the first pattern that matches wins. A path no pattern matches is its own first part when
    that is in ``known`` (the form's field names), else the problem goes to ``form``
    with its path in words.
    """
    names = set(known)
    errors: dict[str, str] = {}
    for problem in problems:
        found = _PROBLEM.match(problem.strip())
        if found is None:
            _add(errors, "form", problem.strip())
            continue
        path, reason = _normal(found["path"]), plain(found["reason"])
        head = path.split(".")[0]
        field = next((m.expand(f) for p, f in fields.items() if (m := re.match(p, path))), None)
        if field is None and head in names:
            field = head
        if field is None and head in ("body", "__root__"):  # a rule over several fields
            field, reason = _named_in(reason, names)
        if field is None:
            _add(errors, "form", f"{path.replace('.', ' ').replace('_', ' ')}: {reason}")
            continue
        errors.setdefault(field, (_where(path) if head == field else "") + reason)
    return errors


def _named_in(reason: str, names: set[str]) -> tuple[str | None, str]:
    """The field a model-wide rule names in its words (``(formal_request_to_follow: true)``).

    The reason comes back without that technical remark.
    """
    for name in sorted(names, key=len, reverse=True):
        remark = re.search(rf"\s*\([^)]*\b{re.escape(name)}\b[^)]*\)", reason)
        if remark:
            return name, (reason[: remark.start()] + reason[remark.end() :]).strip()
    return None, reason


def _where(path: str) -> str:
    """``line 2, link to offence: `` for the item of a list field (empty for a plain field)."""
    item = re.search(r"\.(\d+)(?:\.([a-z_]+))?", path)
    if item is None:
        return ""
    sub = f", {item.group(2).replace('_', ' ')}" if item.group(2) else ""
    return f"line {int(item.group(1)) + 1}{sub}: "


def _add(errors: dict[str, str], key: str, text: str) -> None:
    errors[key] = f"{errors[key]}; {text}" if key in errors else text
