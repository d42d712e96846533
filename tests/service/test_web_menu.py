"""The main menu shows each role the pages it may open, and those pages refuse the others."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tests.service.conftest import Node
from tests.service.test_web import USERS, login
from uncc.config import Settings
from uncc.entrypoints.api.app import create_app
from uncc.entrypoints.web.menu import MENU, menu_for


@pytest.fixture
def client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(), node.ctx), follow_redirects=False) as test_client:
        yield test_client


def shown(html: str) -> list[str]:
    nav = re.search(r'<nav aria-label="Main">(.*?)</nav>', html, re.DOTALL)
    assert nav
    return re.findall(r'<a href="([^"]+)"', nav.group(1))


@pytest.mark.parametrize("user", USERS)
def test_each_role_sees_only_the_pages_it_may_open(
    client: TestClient, node: Node, user: str
) -> None:
    login(client, user)
    roles = getattr(node, user).roles
    visible = shown(client.get("/dashboard").text)
    assert visible == [e.path for e in menu_for(roles)]
    for entry in MENU:
        status = client.get(entry.path).status_code
        if entry.path in visible:
            assert status != 403, (user, entry.path)
        else:
            assert status == 403, (user, entry.path, status)


def test_an_administrator_sees_no_case_work() -> None:
    from uncc.domain.policy import Role  # noqa: PLC0415

    assert [e.label for e in menu_for({Role.ADMIN})] == [
        "Dashboard",
        "Notifications",
        "Experts",
        "Audit",
        "Users",
        "Account",
    ]
