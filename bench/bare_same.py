"""The baseline of the API reads: bare FastAPI endpoints that return the same bytes.

``UNCC_BENCH_BODIES`` names a folder with ``node.json`` and ``case.json``, the exact
bodies ``uncc serve`` answered ``GET /api/v1/node`` and ``GET /api/v1/cases/{id}`` with
(the benchmark writes them); ``GET /node`` and ``GET /case`` answer those bytes, as
``application/json``, with nothing else done: no authentication, no database, no audit.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import Response

FOLDER = Path(os.environ["UNCC_BENCH_BODIES"])
NODE = (FOLDER / "node.json").read_bytes()
CASE = (FOLDER / "case.json").read_bytes()

app = FastAPI()


@app.get("/node")
async def node() -> Response:
    """The node's answer to ``GET /api/v1/node``, byte for byte."""
    return Response(NODE, media_type="application/json")


@app.get("/case")
async def case() -> Response:
    """The node's answer to an audited ``GET /api/v1/cases/{id}``, byte for byte."""
    return Response(CASE, media_type="application/json")
