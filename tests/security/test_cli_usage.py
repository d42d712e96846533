"""Usage errors in the CLI: exit 2, one line with a hint, never a traceback."""

from __future__ import annotations

import sys

import pytest

from uncc.entrypoints.cli.main import run


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["case", "lst"], "try 'uncc case --help'"),
        (["case", "list", "--bogus"], "try 'uncc case list --help'"),
        (["--nope"], "try 'uncc --help'"),
        (["order", "show"], "try 'uncc order show --help'"),
        ([], "try 'uncc --help'"),
    ],
    ids=["misspelt-command", "misspelt-option", "unknown-option", "missing-argument", "bare"],
)
def test_a_usage_error_is_exit_2_and_one_line(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    hint: str,
) -> None:
    monkeypatch.setattr(sys, "argv", ["uncc", *argv])
    with pytest.raises(SystemExit) as stopped:
        run()
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("uncc: usage error: ")
    assert hint in err
