"""Scale-out on real parts: PostgreSQL, SeaweedFS (S3), two API servers and two workers.

Northland (XA) runs as a deployment would: two ``uncc serve --no-jobs`` servers (one of
them ``--workers 2``) and two ``uncc worker`` processes on one PostgreSQL database, its
vault in an S3 bucket.
Southland (XB), the hub, is a plain one-process node. Eight clients open cases, upload
evidence, draft orders and send preservation requests to Southland through both servers;
midway one server and one worker are killed (SIGKILL), and the clients go on through
what is left. Nothing acknowledged is lost, every blob is in the bucket, verify is
clean, and each message is taken in by Southland once: a message the killed worker had
claimed is sent by the other when the claim's lease (30 s here) runs out.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from tests.blobstore.conftest import s3_options
from tests.service.conftest import _database
from uncc.adapters.db import schema
from uncc.adapters.s3store import S3BlobStore, S3Options
from uncc.bootstrap import build
from uncc.config import Settings
from uncc.domain.messages import Contact
from uncc.domain.policy import Role
from uncc.entrypoints.cli.demo import _free_port, preservation_body
from uncc.parties.catalogue import parse_profile
from uncc.services import identity
from uncc.services.context import Principal
from uncc.services.network import directory
from uncc.yaml12 import load_yaml

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "scale-out-password-2026"
CLIENTS = 8
ADMIN = Principal("admin", frozenset({Role.ADMIN}))


@dataclass
class Proc:
    """A uncc process and its log."""

    name: str
    args: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "uncc", *self.args],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def signal(self, sig: signal.Signals) -> None:
        assert self.process is not None
        self.process.send_signal(sig)
        self.process.wait(timeout=30)


def _contact(state: str) -> Contact:
    return Contact(name=f"{state} desk", phone="+00 555 0100", office_hours="24/7", time_zone="UTC")


def _profile(name: str) -> Any:
    return parse_profile((ROOT / "examples/profiles" / name).read_text(encoding="utf-8"))


def _s3_env(options: S3Options) -> dict[str, str]:
    return {
        "UNCC_BLOB_STORE": options.url,
        "UNCC_S3_ENDPOINT": options.endpoint or "",
        "UNCC_S3_REGION": options.region or "us-east-1",
        "UNCC_S3_ACCESS_KEY_ID": options.access_key_id or "",
        "UNCC_S3_SECRET_ACCESS_KEY": options.secret_access_key or "",
    }


@dataclass
class Deployment:
    """The two nodes, their processes, and what the clients were told."""

    xa_db: str
    xb_db: str
    bucket: S3Options
    xa_urls: list[str]
    procs: dict[str, Proc]
    token: str = ""
    """The investigator's bearer token (one log-in for all clients)."""
    acknowledged: dict[str, list[Any]] = field(
        default_factory=lambda: {"uploads": [], "orders": [], "requests": []}
    )
    lock: threading.Lock = field(default_factory=threading.Lock)
    switched: list[int] = field(default_factory=list)
    """Clients that went on through the other server when theirs was killed."""


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[Deployment]:
    xa_db = _database("postgresql", tmp_path)
    bucket = s3_options()
    xa_dir, xb_dir = tmp_path / "xa", tmp_path / "xb"
    ports = [_free_port() for _ in range(3)]
    xa_urls = [f"http://127.0.0.1:{p}" for p in ports[:2]]
    xb_url = f"http://127.0.0.1:{ports[2]}"
    xa_env = {
        "UNCC_DATA_DIR": str(xa_dir),
        "UNCC_DATABASE_URL": xa_db,
        "UNCC_OUTBOX_LEASE_SECONDS": "30",  # a killed worker's claims are taken over soon
        **_s3_env(bucket),
    }
    xb_db = f"sqlite:///{xb_dir / 'node.db'}"
    xb_env = {"UNCC_DATA_DIR": str(xb_dir), "UNCC_DATABASE_URL": xb_db}

    xa = build(Settings(**{k.removeprefix("UNCC_").lower(): v for k, v in xa_env.items()}))
    xb = build(Settings(data_dir=xb_dir, database_url=xb_db))
    identity.init_node(xa, _profile("xa-northland.yaml"), "Northland", "admin", PASSWORD)
    identity.init_node(xb, _profile("xb-southland.yaml"), "Southland", "admin", PASSWORD)
    roles = {Role.INVESTIGATOR, Role.CONTACT_POINT}  # NETWORK_SEND, EVIDENCE_ADD, verify
    identity.add_user(xa, ADMIN, "ivan", roles, PASSWORD)
    directory.become_hub(xb, ADMIN, xb_url, _contact("XB"), ["en"])
    directory.join(
        xa,
        ADMIN,
        endpoint=xa_urls[0],
        hub_state="XB",
        hub_endpoint=xb_url,
        hub_key=xb.key().public_hex,
    )
    token = directory.admit(xb, ADMIN, directory.own_entry(xa, xa_urls[0], _contact("XA"), ["en"]))
    directory.install(xa, token)
    xa.engine.dispose()
    xb.engine.dispose()

    base = {k: v for k, v in os.environ.items() if not k.startswith("UNCC_")}
    procs = {
        "xb": Proc(
            "xb",
            ["serve", "--port", str(ports[2]), "--send", "0.3", "--plain-http"],
            {**base, **xb_env},
            xb_dir / "xb.log",
        ),
    }
    for n in (1, 2):
        port = str(ports[n - 1])
        processes = ["--workers", "2"] if n == 1 else []  # through the app factory
        procs[f"server{n}"] = Proc(
            f"server{n}",
            ["serve", "--port", port, "--no-jobs", "--plain-http", *processes],
            {**base, **xa_env},
            xa_dir / f"server{n}.log",
        )
        procs[f"worker{n}"] = Proc(
            f"worker{n}",
            ["worker", "--send", "1", "--tick", "5"],
            {**base, **xa_env},
            xa_dir / f"worker{n}.log",
        )
    for proc in procs.values():
        proc.start()
    try:
        for url in [*xa_urls, xb_url]:
            _wait_ready(url, procs)
        yield Deployment(xa_db, xb_db, bucket, xa_urls, procs)
    finally:
        for proc in procs.values():
            if proc.process is not None and proc.process.poll() is None:
                proc.process.send_signal(signal.SIGTERM)
        for proc in procs.values():
            if proc.process is not None:
                try:
                    proc.process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.process.kill()


def _wait_ready(url: str, procs: dict[str, Proc]) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url + "/api/v1/openapi.json", timeout=2).status_code == 200:
                return
        for proc in procs.values():
            assert proc.process is not None
            if proc.process.poll() is not None:
                pytest.fail(f"{proc.name} stopped: {proc.log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    pytest.fail(f"{url} did not start")


class Session:
    """A client's way in: its server, and the other one when that stops answering."""

    def __init__(self, d: Deployment, first: int) -> None:
        self.d = d
        self.urls = [d.xa_urls[first], *(u for u in d.xa_urls if u != d.xa_urls[first])]
        self.http = httpx.Client(timeout=60)
        self.headers: dict[str, str] = {}

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """Call the API; a call that got no answer is made again on the other server."""
        while True:
            try:
                return self.http.request(
                    method, self.urls[0] + path, headers=self.headers, **kwargs
                )
            except httpx.TransportError:
                if len(self.urls) == 1:
                    raise
                self.urls.pop(0)  # that server is gone: go on through the other
                self.d.switched.append(1)


def _client(d: Deployment, n: int, facts: dict[str, Any]) -> None:
    """One investigator: a case, two uploads, an order, a request to Southland."""
    api = Session(d, n % 2)
    api.headers = {"Authorization": f"Bearer {d.token}"}  # one log-in: guessing is throttled
    case = api.call("POST", "/api/v1/cases", json={"facts": facts, "title": f"c{n}"})
    assert case.status_code == 201, case.text
    case_id = case.json()["id"]
    for k in range(2):
        body = f"client {n} file {k}\n".encode() * (20_000 + 7 * n + k)
        up = api.call(
            "POST",
            f"/api/v1/cases/{case_id}/evidence",
            params={"filename": f"f{n}-{k}.log"},
            content=body,
        )
        assert up.status_code == 201, up.text
        with d.lock:
            d.acknowledged["uploads"].append(up.json())
    order = api.call(
        "POST",
        f"/api/v1/cases/{case_id}/orders",
        json={
            "power": "preservation",
            "offences": ["illegal_access"],
            "targets": [{"id": f"server-{n}", "kind": "data", "location": "XB"}],
            "grounds": "g",
            "scope": "s",
            "necessity": "n",
            "proportionality": "p",
            "duration_days": 90,
        },
    )
    assert order.status_code == 201, order.text
    sent = api.call(
        "POST",
        "/api/v1/network/requests",
        json={
            "kind": "preservation_request",
            "recipient": "XB",
            "case": case_id,
            "body": {**preservation_body(), "reference": f"NCU-{n}"},
        },
    )
    assert sent.status_code == 201, sent.text
    with d.lock:
        d.acknowledged["orders"].append(order.json()["id"])
        d.acknowledged["requests"].append(sent.json()["id"])


def _run_clients(d: Deployment, facts: dict[str, Any]) -> None:
    """The clients, all at once; one server and one worker killed midway."""
    failures: list[BaseException] = []

    def run(n: int) -> None:
        try:
            _client(d, n, facts)
        except BaseException as exc:
            failures.append(exc)

    def chaos() -> None:
        while len(d.acknowledged["uploads"]) < CLIENTS // 2 and not failures:
            time.sleep(0.05)
        d.procs["server2"].signal(signal.SIGKILL)
        while len(d.acknowledged["requests"]) < CLIENTS * 3 // 4 and not failures:
            time.sleep(0.05)
        d.procs["worker2"].signal(signal.SIGKILL)  # whatever it was sending, mid-way

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    killer = threading.Thread(target=chaos)
    for thread in [*threads, killer]:
        thread.start()
    for thread in [*threads, killer]:
        thread.join()
    assert not failures, failures
    assert d.procs["server2"].process is not None
    assert d.procs["server2"].process.returncode == -signal.SIGKILL
    assert d.procs["worker2"].process is not None
    assert d.procs["worker2"].process.returncode == -signal.SIGKILL
    assert d.switched  # it was killed while some of its clients still had work to do


def _count(url: str, query: Any) -> int:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    finally:
        engine.dispose()


def _settled(d: Deployment) -> bool:
    undelivered = select(func.count()).where(schema.outbox.c.status != "delivered")
    waiting = select(func.count()).where(
        schema.conversations.c.direction == "out", schema.conversations.c.status == "sent"
    )
    return (
        _count(d.xa_db, undelivered) == 0
        and _count(d.xb_db, undelivered) == 0
        and _count(d.xa_db, waiting) == 0
    )


def test_two_servers_two_workers_every_effect_once(deployment: Deployment) -> None:
    d = deployment
    login = httpx.post(d.xa_urls[0] + "/api/v1/login", json={"user": "ivan", "password": PASSWORD})
    d.token = login.json()["token"]
    text = (ROOT / "examples/network/ransomware-cross-border.yaml").read_text(encoding="utf-8")
    facts = json.loads(json.dumps(load_yaml(text), default=lambda o: o.isoformat()))
    _run_clients(d, facts)
    deadline = time.monotonic() + 150  # a lease of the killed worker may have to run out
    while not _settled(d) and time.monotonic() < deadline:
        time.sleep(0.3)
    assert _settled(d), "the requests were not all delivered and acknowledged"

    # Nothing acknowledged was lost; every blob of the vault is in the bucket.
    uploads = d.acknowledged["uploads"]
    assert len(uploads) == 2 * CLIENTS
    engine = create_engine(d.xa_db.replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        items = dict(conn.execute(select(schema.evidence.c.id, schema.evidence.c.sha256)).all())
        orders = set(conn.execute(select(schema.orders.c.id)).scalars())
        requests = set(conn.execute(select(schema.conversations.c.id)).scalars())
        messages = int(conn.execute(select(func.count()).select_from(schema.outbox)).scalar_one())
        attempts = conn.execute(select(func.sum(schema.outbox.c.attempts))).scalar_one()
    engine.dispose()
    assert {u["id"]: u["sha256"] for u in uploads}.items() <= items.items()
    assert set(d.acknowledged["orders"]) <= orders
    assert set(d.acknowledged["requests"]) <= requests
    assert set(items.values()) <= {s.sha256 for s in S3BlobStore(d.bucket).names()}
    assert not list((Path(d.procs["server1"].env["UNCC_DATA_DIR"]) / "blobs").glob("**/*"))

    # Each message was taken in by Southland once. A post carries one message or a batch
    # of them, each an attempt its sender recorded, except those of the one post the
    # killed worker made and could not record: posted again after the lease, Southland
    # answers the repeats as duplicates.
    assert messages == len(requests) >= CLIENTS
    posts = d.procs["xb"].log.read_text(errors="replace").count('"POST /network/v1/inbox')
    assert attempts >= messages
    assert 1 <= posts <= attempts + 1
    assert _count(d.xb_db, select(func.count()).select_from(schema.inbox)) == messages
    incoming = select(func.count()).where(schema.conversations.c.direction == "in")
    assert _count(d.xb_db, incoming) == messages

    with httpx.Client(base_url=d.xa_urls[0], timeout=120) as http:
        auth = {"Authorization": f"Bearer {d.token}"}
        verify = http.get("/api/v1/evidence/verify", headers=auth).json()
    assert (verify["ok"], verify["breaks"]) == (True, []), verify
    log = d.procs["server1"].log.read_text(errors="replace")
    assert log.count("Started server process") == 2  # uncc serve --workers 2
