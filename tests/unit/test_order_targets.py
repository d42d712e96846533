"""``uncc order draft --target``: named fields (id=…,kind=…,state=…), and the older ID:KIND:STATE."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from uncc.client.models import Target
from uncc.entrypoints.cli.orders import parse_target
from uncc.errors import UserInputError

WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzXAPR0123456789-_.", min_size=1, max_size=20)


@pytest.mark.parametrize(
    ("spec", "target"),
    [
        ("id=logs,kind=data,state=XA", Target(id="logs", kind="data", location="XA")),
        ("kind=data, state=XA, id=logs", Target(id="logs", kind="data", location="XA")),
        ("id=XA-PR-2026-0001,kind=property", Target(id="XA-PR-2026-0001", kind="property")),
        ("id=XA-PR-2026-0001,kind=property,state=", Target(id="XA-PR-2026-0001", kind="property")),
        ("logs:data:XA", Target(id="logs", kind="data", location="XA")),  # deprecated form
        ("XA-PR-2026-0001:property:", Target(id="XA-PR-2026-0001", kind="property")),
    ],
)
def test_a_target_is_read_from_named_fields_or_the_older_form(spec: str, target: Target) -> None:
    assert parse_target(spec) == target


@given(WORD, WORD, st.one_of(st.none(), WORD))
def test_both_forms_name_the_same_target(ident: str, kind: str, state: str | None) -> None:
    named = f"id={ident},kind={kind}" + (f",state={state}" if state else "")
    assert parse_target(named) == parse_target(f"{ident}:{kind}:{state or ''}")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("logs", "expected id=ID,kind=KIND[,state=STATE], e.g. id=logs,kind=data,state=XA"),
        ("logs:data", "expected id=ID,kind=KIND[,state=STATE]"),
        (":data:XA", "expected id=ID,kind=KIND[,state=STATE]"),
        ("id=logs", "no kind (e.g. id=logs,kind=data,state=XA)"),
        ("kind=data,state=XA", "no id (e.g."),
        ("state=XA", "no id and no kind"),
        ("id=logs,kind=", "no kind"),
        ("id=logs,kind=data,colour=red", "'colour=red' is not id=…, kind=… or state=…"),
        ("id=logs,kind=data,XA", "'XA' is not id=…, kind=… or state=…"),
        ("id=a,id=b,kind=data", "id is given twice"),
    ],
)
def test_a_bad_target_is_refused_naming_what_is_wrong(spec: str, message: str) -> None:
    with pytest.raises(UserInputError) as refused:
        parse_target(spec)
    assert str(refused.value).startswith(f"--target '{spec}': ")
    assert message in str(refused.value)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("logs", "--target 'logs': expected id=ID,kind=KIND[,state=STATE]"),
        ("id=logs,state=XA", "--target 'id=logs,state=XA': no kind"),
        ("id=logs,kind=data,where=XA", "'where=XA' is not id=…, kind=… or state=…"),
    ],
)
def test_the_cli_refuses_a_bad_target_in_one_line_before_touching_the_node(
    tmp_path: Path, spec: str, message: str
) -> None:
    data = tmp_path / "data"
    draft = ["order", "draft", "XA-C-2026-0001", "--power", "preservation", "--target", spec]
    fields = ["--offence", "o", "--grounds", "g", "--scope", "s", "--necessity", "n"]
    done = subprocess.run(
        [sys.executable, "-m", "uncc", *draft, *fields, "--proportionality", "p"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "UNCC_DATA_DIR": str(data)},
        timeout=120,
    )
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert "Traceback" not in done.stderr
    assert not data.exists()


def test_the_help_shows_the_named_form_and_says_the_older_one_is_deprecated() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "uncc", "order", "draft", "--help"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )
    text = " ".join(done.stdout.replace("│", " ").split())
    assert "id=ID,kind=KIND[,state=STATE]" in text
    assert "Deprecated: the older ID:KIND:STATE" in text
    assert "--target id=logs,kind=data,state=XA" in text
