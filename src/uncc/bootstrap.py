"""The composition root: settings in, a ready node context out. Nothing connects at import."""

from __future__ import annotations

from typing import Any

from uncc.adapters.blobstore import FileBlobStore
from uncc.adapters.db.engine import make_engine, migrate
from uncc.config import Settings
from uncc.services.context import NodeContext


def build(settings: Settings, *, migrate_schema: bool = True, **overrides: Any) -> NodeContext:
    """Wire the node: database (migrated), blob store, key path; ``overrides`` replace parts."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = overrides.pop("engine", None) or make_engine(settings.db_url)
    if migrate_schema:
        migrate(engine)
    blobs = overrides.pop("blobs", None) or FileBlobStore(settings.blob_dir)
    return NodeContext(
        engine=engine,
        blobs=blobs,
        key_path=settings.key_path,
        data_key_path=settings.data_key_path,
        passphrase=settings.passphrase,
        **overrides,
    )
