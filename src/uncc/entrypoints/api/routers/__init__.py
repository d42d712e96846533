"""The API's routers, one per resource; :mod:`uncc.entrypoints.asgi` includes them."""
