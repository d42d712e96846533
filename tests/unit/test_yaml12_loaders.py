"""The libyaml path and the pure-Python path of ``uncc.yaml12`` accept and refuse the same."""

from __future__ import annotations

import subprocess
import sys

import pytest
import yaml

from uncc import yaml12
from uncc.yaml12 import MAX_DEPTH, UnsafeDocumentError, load_yaml

BOMB = "a: &a [lol, lol]\nb: &b [*a, *a]\nc: [*b, *b]"
DEEP_BLOCK = "".join("  " * n + "k:\n" for n in range(MAX_DEPTH + 1)) + "  " * MAX_DEPTH + "v"


@pytest.fixture(params=["libyaml", "pure"])
def path(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run the test on both loaders (libyaml only when PyYAML has its C extension)."""
    if request.param == "libyaml" and getattr(yaml, "CSafeLoader", None) is None:
        pytest.skip("PyYAML was built without libyaml")
    if request.param == "pure":
        monkeypatch.setattr(yaml12, "_CSafeLoader", None)
    return str(request.param)


def test_both_paths_read_yaml_1_2_booleans_and_dates(path: str) -> None:
    data = load_yaml("state: NO\nx: yes\ny: off\nok: true\nno_ok: False\nwhen: 2024-05-01")
    assert (data["state"], data["x"], data["y"]) == ("NO", "yes", "off")
    assert (data["ok"], data["no_ok"]) == (True, False)
    assert str(data["when"]) == "2024-05-01"


def test_both_paths_refuse_aliases_with_their_place(path: str) -> None:
    with pytest.raises(UnsafeDocumentError, match=r"line 2, column 8: aliases \(\*a\)"):
        load_yaml(BOMB)


@pytest.mark.parametrize("text", ["[" * 2000 + "]" * 2000, DEEP_BLOCK])
def test_both_paths_refuse_nesting_deeper_than_the_limit(path: str, text: str) -> None:
    with pytest.raises(UnsafeDocumentError, match=f"nested deeper than {MAX_DEPTH} levels"):
        load_yaml(text)


def test_both_paths_accept_the_limit_and_report_bad_yaml(path: str) -> None:
    nested = load_yaml("[" * MAX_DEPTH + "1" + "]" * MAX_DEPTH)
    for _ in range(MAX_DEPTH):
        assert isinstance(nested, list)
        assert len(nested) == 1
        nested = nested[0]
    assert nested == 1
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1")
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: 1\n---\nb: 2")


def test_help_imports_neither_pydantic_nor_the_convention() -> None:
    code = (
        "import sys; import uncc.entrypoints.cli.main; "
        "print(sorted(m for m in ('pydantic', 'uncc.convention.catalogue', 'uncc.config') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
