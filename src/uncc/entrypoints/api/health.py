"""``GET /healthz``: is this server up and can it reach its database (for proxies and probes)."""

from __future__ import annotations

from typing import Literal

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from uncc.services.context import NodeContext

PATH = "/healthz"
"""Where the probe is answered; no log-in, no audit row, nothing about the node's data."""


class Health(BaseModel):
    """The server's answer to a probe."""

    status: Literal["ok", "unavailable"]
    """``ok``: serving and the database answers; ``unavailable`` (HTTP 503): it does not."""


def install(app: FastAPI, ctx: NodeContext) -> None:
    """Add the probe to the node's app."""

    @app.get(PATH, response_model=Health, responses={503: {"model": Health}})
    def healthz() -> Health | JSONResponse:
        """Up, and the database answers (503 when it does not)."""
        try:
            with ctx.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError:
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return Health(status="ok")
