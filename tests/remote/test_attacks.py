"""The remote command line under attack: kept tokens, certificates, dead sessions, the server's own commands."""

from __future__ import annotations

import json
import ssl
import time
from pathlib import Path

import pyotp
import pytest
import trustme

from tests.remote.conftest import PASSWORD, Server, Workstation
from uncc.client import Client
from uncc.client.http import tls_context
from uncc.errors import PermissionDeniedError, UserInputError


def login(station: Workstation, user: str = "admin") -> None:
    result = station.uncc("login", user, "--password-stdin", stdin=PASSWORD + "\n")
    assert result.returncode == 0, result.stderr


def test_the_token_is_kept_for_the_user_alone(node: Server, workstation: Workstation) -> None:
    login(workstation)
    config = workstation.home / "config"
    kept = config / "credentials.json"
    assert kept.stat().st_mode & 0o777 == 0o600
    assert config.stat().st_mode & 0o777 == 0o700
    token = json.loads(kept.read_text(encoding="utf-8"))[node.url]["token"]
    assert token not in workstation.uncc("case", "list").stdout
    kept.chmod(0o640)  # someone made it readable by the group: it is not used
    refused = workstation.uncc("case", "list")
    assert refused.returncode == 4
    assert "can be read by others" in refused.stderr
    assert "Traceback" not in refused.stderr


def test_a_node_whose_certificate_is_not_trusted_is_refused(
    node: Server, workstation: Workstation
) -> None:
    stranger = workstation.home / "other-ca.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    for env in ({"UNCC_CA_FILE": str(stranger)}, {"UNCC_CA_FILE": ""}):
        workstation.env |= env
        result = workstation.uncc("login", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        assert result.returncode == 6, result.stderr
        assert "TLS certificate is not trusted" in result.stderr
        assert "--ca-file" in result.stderr
        assert "Traceback" not in result.stderr
    assert not (
        workstation.home / "config" / "credentials.json"
    ).exists()  # the password never left
    plain = workstation.uncc(
        "--node", node.url.replace("https://", "http://"), "--ca-file", str(node.ca), "case", "list"
    )
    assert plain.returncode != 0
    assert "Traceback" not in plain.stderr


def test_a_revoked_session_gives_a_clear_message_and_exit_4(
    node: Server, workstation: Workstation
) -> None:
    login(workstation)
    token = json.loads((workstation.home / "config" / "credentials.json").read_text())[node.url][
        "token"
    ]
    admin = Client(node.url, token, ca_file=node.ca)
    assert admin.me()["user"] == "admin"
    second = Client(node.url, ca_file=node.ca)
    second.login("admin", PASSWORD)
    second.connection.request("POST", "/users/admin/revoke-tokens")  # every session of admin ends
    result = workstation.uncc("case", "list")
    assert result.returncode == 4
    assert result.stderr.strip() == "uncc: denied: unknown token: log in again"
    with pytest.raises(PermissionDeniedError):
        admin.me()


def test_logout_revokes_the_token_on_the_node(node: Server, workstation: Workstation) -> None:
    login(workstation)
    kept = workstation.home / "config" / "credentials.json"
    token = json.loads(kept.read_text(encoding="utf-8"))[node.url]["token"]
    assert workstation.uncc("logout").returncode == 0
    assert node.url not in json.loads(kept.read_text(encoding="utf-8"))
    with pytest.raises(PermissionDeniedError):
        Client(node.url, token, ca_file=node.ca).me()
    result = workstation.uncc("case", "list")
    assert result.returncode == 4
    assert f"not logged in to {node.url}" in result.stderr


def test_commands_of_the_server_say_so_when_given_a_node(
    node: Server, workstation: Workstation
) -> None:
    login(workstation)
    for args in (
        ["node", "migrate"],
        ["node", "init", "--profile", "x.yaml", "--name", "n"],
        ["network", "rotate-key"],
        ["serve"],
        ["witness", "list"],
        ["worker", "--once"],
    ):
        result = workstation.uncc(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert "works only on the node's server" in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr
    assert not (workstation.home / "data" / "node.db").exists()
    local = workstation.uncc("convention", "show", "43", node=False)
    assert local.returncode == 0  # what needs no node works anywhere


def test_the_client_never_turns_certificate_checks_off(tmp_path: Path) -> None:
    for context in (tls_context(None), tls_context(trusted(tmp_path))):
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname
    with pytest.raises(UserInputError, match="no such file"):
        tls_context(tmp_path / "missing.pem")
    (tmp_path / "junk.pem").write_text("not a certificate", encoding="utf-8")
    with pytest.raises(UserInputError, match="not a PEM certificate"):
        tls_context(tmp_path / "junk.pem")
    with pytest.raises(UserInputError, match="https://host:port"):
        Client("node.example:8470")


def trusted(folder: Path) -> Path:
    path = folder / "ca.pem"
    trustme.CA().cert_pem.write_to_path(str(path))
    return path


def test_login_with_a_second_factor_from_a_workstation(
    node: Server, workstation: Workstation
) -> None:
    admin = Client(node.url, ca_file=node.ca)
    admin.login("admin", PASSWORD)
    admin.add_user("tess", ["investigator"], PASSWORD)
    tess = Client(node.url, ca_file=node.ca)
    tess.login("tess", PASSWORD)
    uri = tess.connection.post("/me/totp")["uri"]
    secret = pyotp.parse_uri(uri)
    tess.connection.post("/me/totp/confirm", {"code": secret.now()})
    next_code = secret.at(time.time() + 30)  # the confirmed code may not be used again
    refused = workstation.uncc("login", "tess", "--password-stdin", stdin=PASSWORD + "\n")
    assert refused.returncode == 2, refused.stderr  # the code was asked for and not given
    assert not (workstation.home / "config" / "credentials.json").exists()
    wrong = workstation.uncc(
        "login", "tess", "--password-stdin", "--code", "000000", stdin=PASSWORD
    )
    assert wrong.returncode == 4
    assert "Traceback" not in wrong.stderr
    given = workstation.uncc(
        "login", "tess", "--password-stdin", stdin=f"{PASSWORD}\n{next_code}\n"
    )
    assert given.returncode == 0, given.stderr
    assert f"logged in to {node.url} as tess" in given.stdout
    assert workstation.uncc("case", "list").returncode == 0
