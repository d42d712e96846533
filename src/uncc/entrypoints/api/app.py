"""``create_app(settings)``: the node's app (API under ``/api/v1``, network, web).

The composition lives in :mod:`uncc.entrypoints.asgi`; this module keeps the names
existing callers import.
"""

from __future__ import annotations

from uncc.entrypoints.asgi import FACTORY, app_from_environment, create_app

__all__ = ["FACTORY", "app_from_environment", "create_app"]
