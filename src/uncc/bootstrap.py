"""The composition root: settings in, a ready node context out. Nothing connects at import."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from uncc.adapters.blobstore import FileBlobStore
from uncc.adapters.crypto import use_password_hashing
from uncc.adapters.db.engine import check_schema, make_engine
from uncc.adapters.files import make_private
from uncc.adapters.http_transport import HttpTransport
from uncc.adapters.tls import NodeTls
from uncc.config import Settings
from uncc.domain.blobs import BlobStore
from uncc.domain.envelope import Envelope
from uncc.domain.policy import Role
from uncc.errors import UserInputError
from uncc.services.context import MessageHandler, NodeContext

if TYPE_CHECKING:
    from uncc.services import notifications


def build(settings: Settings, *, schema_check: bool = True, **overrides: Any) -> NodeContext:
    """Wire the node: database, blob store, key path; ``overrides`` replace parts.

    Nothing is migrated here (``uncc node migrate`` does it, once): a database at an
    older schema is refused with ``SchemaError`` unless ``schema_check`` is off. Files
    are made private first (umask 077, data directory 0700) and temporary blob files
    left by a crashed upload are removed.
    """
    make_private(settings.data_dir)
    use_password_hashing(settings.password_hashing)
    engine = overrides.pop("engine", None) or make_engine(settings.db_url)
    if schema_check:
        check_schema(engine)
    blobs = overrides.pop("blobs", None) or blob_store(settings)
    if isinstance(blobs, FileBlobStore):
        blobs.sweep()  # temporary files of writers that died (cheap: one local directory)
    accounts: dict[str, Any] = {
        "totp_roles": _roles(settings.totp_roles),
        "session_idle": dt.timedelta(minutes=settings.session_idle_minutes),
        "session_length": dt.timedelta(hours=settings.session_hours),
        "language": settings.language,
        "time_zone": _zone(settings.time_zone),
    }
    network = {
        "directory_refresh_interval": dt.timedelta(seconds=settings.directory_refresh_seconds),
        "outbox_lease": dt.timedelta(seconds=settings.outbox_lease_seconds),
    }
    return NodeContext(
        engine=engine,
        blobs=blobs,
        key_path=settings.key_path,
        data_key_path=settings.data_key_path,
        passphrase=settings.passphrase,
        tls_cert=overrides.pop("tls_cert", None) or NodeTls(settings.tls_folder).cert,
        handlers=overrides.pop("handlers", None) or _Handlers(),
        **(accounts | network | overrides),
    )


def _zone(name: str) -> str:
    """``name`` when it is a time zone, else a clear error naming the setting."""
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise UserInputError(
            f"UNCC_TIME_ZONE: {name!r} is not a time zone; use a name such as Europe/Paris or UTC"
        ) from None
    return name


class _Handlers(Mapping[str, MessageHandler]):
    """:func:`message_handlers`, built when a message is first handled.

    A command that handles no message (``uncc evidence add``) then starts without
    importing the network's services (a few hundred ms of a command's start-up).
    """

    def __init__(self) -> None:
        self._table: dict[str, MessageHandler] | None = None

    def _built(self) -> dict[str, MessageHandler]:
        if self._table is None:  # two threads at once build the same table: harmless
            self._table = message_handlers()
        return self._table

    def __getitem__(self, kind: str) -> MessageHandler:
        return self._built()[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._built())


def message_handlers() -> dict[str, MessageHandler]:
    """Message type → the effect of receiving it: the inbox's table, built here once.

    The modules that own the effects import nothing of the inbox, and the inbox
    nothing of them: no import cycle between the network services.
    """
    # imported here, not at the top: only a node that handles a message needs them
    from uncc.domain.measure_requests import MEASURE_REQUESTS  # noqa: PLC0415
    from uncc.services import jit_inbound  # noqa: PLC0415
    from uncc.services.network import (  # noqa: PLC0415
        consent,
        deconfliction,
        deconfliction_keys,
        measures,
        requested,
        transfer_in,
    )
    from uncc.services.network.conversations import ANSWERS  # noqa: PLC0415

    table: dict[str, MessageHandler] = dict.fromkeys(ANSWERS, requested.answered)
    table |= dict.fromkeys(MEASURE_REQUESTS, measures.measure_received)
    asks = {
        "assistance_request": requested.received,
        "conviction_query": requested.received,
        "preservation_request": requested.preservation_received,
        "subscriber_request": requested.subscriber_received,
    }
    table |= asks
    requests = set(asks) | set(MEASURE_REQUESTS)
    table |= {
        "deconfliction_key": deconfliction_keys.key_received,
        "deconfliction_hit": deconfliction.hit_received,
        "consent_request": consent.consent_asked,
        "consent_answer": consent.consent_answered,
        "evidence_transfer": transfer_in.offered,
        "jit_proposal": jit_inbound.received,  # joint investigation teams
        "jit_acceptance": jit_inbound.received,
        "jit_entry": jit_inbound.received,
    }
    return {
        kind: _notifying(handler, answer=kind in ANSWERS, request=kind in requests)
        for kind, handler in table.items()
    }


def _notifying(handler: MessageHandler, *, answer: bool, request: bool) -> MessageHandler:
    """The handler, then the notifications its message calls for (same transaction)."""
    from uncc.services.notify_events import after_message  # noqa: PLC0415

    def apply(ctx: NodeContext, conn: Connection, envelope: Envelope) -> None:
        handler(ctx, conn, envelope)
        after_message(conn, ctx.clock(), envelope, answer=answer, request=request)

    return apply


def _roles(text: str) -> frozenset[Role]:
    """Roles from their comma-separated names.

    Raises:
        UserInputError: a name is not a role (the setting and the allowed values are named).
    """
    names = {n.strip() for n in text.split(",") if n.strip()}
    allowed = {r.value for r in Role}
    unknown = sorted(names - allowed)
    if unknown:
        msg = f"UNCC_TOTP_ROLES: unknown role(s) {', '.join(unknown)}; use {', '.join(sorted(allowed))}"
        raise UserInputError(msg)
    return frozenset(Role(n) for n in names)


def blob_store(settings: Settings) -> BlobStore:
    """The blob store the settings name: local files by default, or an S3 bucket.

    Raises:
        UserInputError: ``UNCC_BLOB_STORE`` is neither unset nor an ``s3://`` URL.
    """
    where = settings.blob_store
    if not where:
        return FileBlobStore(settings.blob_dir)
    if not where.startswith("s3://"):
        raise UserInputError(f"UNCC_BLOB_STORE: {where!r} is not s3://bucket[/prefix]")
    from uncc.adapters.s3store import S3BlobStore, S3Options  # noqa: PLC0415

    secret = settings.s3_secret_access_key
    return S3BlobStore(
        S3Options(
            url=where,
            endpoint=settings.s3_endpoint,
            region=settings.s3_region,
            access_key_id=settings.s3_access_key_id,
            secret_access_key=secret.get_secret_value() if secret else None,
        )
    )


def network_transport(settings: Settings, ctx: NodeContext) -> HttpTransport:
    """HTTPS to other nodes: the node's trusted CA (else the system's), TLS keys pinned by the directory."""
    from uncc.services.network.tls_pins import pin_for  # noqa: PLC0415 - a node that sends

    ca = NodeTls(settings.tls_folder).ca
    return HttpTransport(ca=ca if ca.is_file() else None, pin=pin_for(ctx))


def smtp_of(settings: Settings) -> notifications.Smtp | None:
    """The mail server the settings name (``UNCC_SMTP_*``), or ``None`` for no e-mail."""
    from uncc.services import notifications  # noqa: PLC0415 - a node that mails

    if not settings.smtp_host:
        return None
    password = settings.smtp_password
    return notifications.Smtp(
        host=settings.smtp_host,
        port=settings.smtp_port,
        sender=settings.smtp_from,
        user=settings.smtp_user,
        password=password.get_secret_value() if password else None,
        starttls=settings.smtp_starttls,
        base_url=settings.public_url.rstrip("/"),
    )
