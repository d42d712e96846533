"""The node's HTTP API (FastAPI): ``create_app(settings)``; errors as RFC 9457 problem JSON."""
