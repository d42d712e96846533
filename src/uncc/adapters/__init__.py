"""Adapters: the database, the blob store, cryptography; each behind a port of the services."""
