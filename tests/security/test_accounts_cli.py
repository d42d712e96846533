"""The CLI as a user meets it: one line and an exit code for each refusal, the code asked."""

from __future__ import annotations

import io
import re
import sys
import time
from pathlib import Path

import pyotp
import pytest

from tests.security.accounts_kit import PASSWORD
from uncc.entrypoints.cli import main, session
from uncc.errors import PermissionDeniedError
from uncc.services import identity

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    """Runs ``uncc`` in this process (as the console script does) on one data directory."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
        self.monkeypatch, self.capsys = monkeypatch, capsys

    def __call__(self, *args: str, stdin: str = "", code: int = 0) -> str:
        session.settings.cache_clear()
        session.context.cache_clear()
        self.monkeypatch.setattr(sys, "argv", ["uncc", *args])
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            main.run()
            status: object = 0
        except SystemExit as done:
            status = done.code
        out = self.capsys.readouterr()
        assert status == code, (args, out.out, out.err)
        assert "Traceback" not in out.err
        return out.out + out.err


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    monkeypatch.setenv("UNCC_DATA_DIR", str(tmp_path / "node"))
    monkeypatch.delenv("UNCC_DATABASE_URL", raising=False)
    monkeypatch.delenv("UNCC_TOKEN", raising=False)
    monkeypatch.chdir(ROOT)
    run = Cli(monkeypatch, capsys)
    run(
        "node", "init", "--profile", "examples/profiles/xa-northland.yaml", "--name", "N",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    run("login", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    return run


def test_weak_passwords_self_approval_and_guessing_are_refused_in_one_line(cli: Cli) -> None:
    weak = cli("user", "add", "ivan", "--role", "investigator", "--password-stdin",
               stdin="password1234\n", code=2)  # fmt: skip
    assert weak.strip() == "uncc: error: password: this is a commonly used password; choose another"
    cli("user", "add", "adam", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    added = cli("user", "add", "jane", "--role", "judge", "--password-stdin", stdin=PASSWORD + "\n")
    grant = re.search(r"((?:[A-Z]{2}-)?G-\d{4}-\d{4}): judge for jane awaits", added)
    assert grant
    denied = cli("user", "approve", grant.group(1), code=4)
    assert "another administrator must approve it" in denied
    assert "pending" in cli("user", "grants")
    for _ in range(5):
        cli("login", "jane", "--password-stdin", stdin="wrong password here\n", code=4)
    paused = cli("login", "jane", "--password-stdin", stdin=PASSWORD + "\n", code=4)
    assert "too many failed log-ins: try again in" in paused


def test_the_code_is_asked_after_the_password_and_never_taken_twice(cli: Cli) -> None:
    uri = cli("user", "totp-enrol").splitlines()[0]
    totp = pyotp.TOTP(re.search(r"secret=([A-Z2-7]+)", uri).group(1))  # type: ignore[union-attr]
    now = time.time()
    cli("user", "totp-confirm", totp.at(now))
    ahead = totp.at(now, counter_offset=1)  # the next step: the confirming one is used up
    stdin = f"{PASSWORD}\n{ahead}\n"
    assert "logged in as admin" in cli("login", "admin", "--password-stdin", stdin=stdin)
    replay = cli("login", "admin", "--password-stdin", stdin=stdin, code=4)
    assert replay.strip() == "uncc: denied: wrong user name or password"
    listed = cli("user", "list")
    assert re.search(r"admin\s*│\s*admin\s*│\s*active\s*│\s*yes", listed)
    token = session.settings().token_path.read_text(encoding="utf-8")
    cli("logout")
    cli("user", "list", code=4)
    with pytest.raises(PermissionDeniedError):  # revoked on the node, not only forgotten
        identity.authenticate(session.context(), token)
