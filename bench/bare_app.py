"""The baseline of the API benchmark: one FastAPI endpoint that does nothing."""

from __future__ import annotations

from fastapi import FastAPI

app = FastAPI()


@app.get("/ping")
def ping() -> dict[str, bool]:
    """Nothing at all."""
    return {"ok": True}


@app.post("/ping")
def pong(body: dict[str, object]) -> dict[str, int]:
    """Take a JSON body and answer."""
    return {"fields": len(body)}
