"""The node's settings, from the environment (``UNCC_…``) or a ``.env`` file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from platformdirs import user_data_dir
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_dir() -> Path:
    return Path(user_data_dir("uncc", appauthor=False))


class Settings(BaseSettings):
    """Where the node keeps its database, blobs and key, and how it serves."""

    model_config = SettingsConfigDict(env_prefix="UNCC_", env_file=".env", extra="ignore")

    data_dir: Path = Field(default_factory=_default_dir)
    """Everything local: the SQLite database, the blob store, the node key, the CLI token."""
    database_url: str | None = None
    """SQLAlchemy URL; default SQLite in ``data_dir/node.db``; e.g. postgresql://user@host/db."""
    key_passphrase: SecretStr | None = None
    """When set (``UNCC_KEY_PASSPHRASE``), the signing key and the data key are stored
    encrypted under it; every process of the node then needs it."""
    password_hashing: Literal["rfc9106-low-memory", "rfc9106-high-memory", "cheapest"] = (
        "rfc9106-low-memory"  # noqa: S105 - a cost profile's name, not a password
    )
    """The argon2id cost of new password hashes (``UNCC_PASSWORD_HASHING``): RFC 9106's
    ``rfc9106-low-memory`` (64 MiB, the default) or ``rfc9106-high-memory`` (2 GiB);
    ``cheapest`` protects nothing and is for test runs only."""
    totp_roles: str = ""
    """Roles whose users must log in with a TOTP code as well (``UNCC_TOTP_ROLES``, comma
    separated, e.g. ``judge,prosecutor,admin``); until they enrol they can only enrol."""
    session_idle_minutes: int = Field(default=30, ge=1)
    """A web session ends after this many minutes without a request."""
    session_hours: int = Field(default=8, ge=1)
    """A web session ends this many hours after log-in, however active."""
    language: Literal["en", "fr"] = "en"
    """The web pages' language (``UNCC_LANGUAGE``) for users who chose none and whose
    browser asks for none the pages are written in."""
    time_zone: str = "UTC"
    """The time zone dates are shown in for users who chose none (``UNCC_TIME_ZONE``, an
    IANA name such as ``Europe/Paris``)."""
    directory_refresh_seconds: float = Field(default=60.0, ge=0)
    """At most one directory refresh per this many seconds is caused by messages signed
    with key ids the node does not know (``UNCC_DIRECTORY_REFRESH_SECONDS``)."""
    outbox_lease_seconds: float = Field(default=300.0, ge=1)
    """Seconds a worker's claim on an outbox message lasts (``UNCC_OUTBOX_LEASE_SECONDS``):
    when the worker dies mid-delivery, another sends the message after this long. Keep it
    longer than the slowest delivery, or a message may be posted twice (the receiver
    takes it in once)."""
    blob_store: str | None = None
    """Where evidence bytes go: unset for files under ``data_dir/blobs``, or
    ``s3://bucket[/prefix]`` for an S3-compatible object store (``UNCC_BLOB_STORE``)."""
    s3_endpoint: str | None = None
    """The S3 endpoint URL for a store that is not AWS, e.g. ``http://127.0.0.1:8333``."""
    s3_region: str | None = None
    s3_access_key_id: str | None = None
    s3_secret_access_key: SecretStr | None = None
    """S3 credentials; when unset, the usual ``AWS_*`` variables and profiles apply."""
    smtp_host: str | None = None
    """The mail server notifications are sent through (``UNCC_SMTP_HOST``); unset: no e-mail."""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "uncc@localhost"
    """The sender address of notification mails (``UNCC_SMTP_FROM``)."""
    smtp_user: str | None = None
    smtp_password: SecretStr | None = None
    """Log-in at the mail server, when it asks for one (``UNCC_SMTP_USER``/``_PASSWORD``)."""
    smtp_starttls: bool = False
    """Upgrade the connection with STARTTLS before logging in (``UNCC_SMTP_STARTTLS``)."""
    public_url: str = ""
    """The node's web address as users reach it, put before the links in mails
    (``UNCC_PUBLIC_URL``, e.g. ``https://node.example.org``)."""
    host: str = "127.0.0.1"
    port: int = 8470
    max_body_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    """Largest request body (JSON, JOSE, forms) the server reads (``UNCC_MAX_BODY_BYTES``);
    a longer one is refused with 413 before the rest is read."""
    max_upload_bytes: int = Field(default=8 * 1024**3, ge=1024)
    """Largest evidence upload (``UNCC_MAX_UPLOAD_BYTES``, default 8 GiB)."""
    read_timeout: float = Field(default=30.0, gt=0)
    """Seconds a request body may stall between two chunks, and (four times it) the
    longest a non-upload body may take to arrive in full; then 408."""
    max_connections: int = Field(default=200, ge=1)
    """Concurrent connections the server accepts before answering 503."""
    tls_dir: Path | None = None
    """Where the node's TLS certificate, key and trusted CA are (default ``data_dir/tls``)."""

    @property
    def db_url(self) -> str:
        """The database URL in effect."""
        return self.database_url or f"sqlite:///{self.data_dir / 'node.db'}"

    @property
    def blob_dir(self) -> Path:
        """The blob store's root."""
        return self.data_dir / "blobs"

    @property
    def key_path(self) -> Path:
        """The node's Ed25519 private key (mode 0600)."""
        return self.data_dir / "node-signing-key.pem"

    @property
    def data_key_path(self) -> Path:
        """The AES-256 key that encrypts protected identities (mode 0600)."""
        return self.data_dir / "data-key"

    @property
    def tls_folder(self) -> Path:
        """The TLS folder in effect: ``cert.pem``, ``key.pem`` (served) and ``ca.pem`` (trusted)."""
        return self.tls_dir or self.data_dir / "tls"

    @property
    def token_path(self) -> Path:
        """Where ``uncc login`` keeps the CLI user's token (mode 0600)."""
        return self.data_dir / "cli-token"

    @property
    def passphrase(self) -> bytes | None:
        """The key passphrase as bytes, if one is set."""
        return self.key_passphrase.get_secret_value().encode() if self.key_passphrase else None
