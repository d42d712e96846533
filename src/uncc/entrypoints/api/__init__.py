"""The node's HTTP API: one router per resource (``routers``), composed by ``uncc.entrypoints.asgi``."""
