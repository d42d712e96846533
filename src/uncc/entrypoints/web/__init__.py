"""The node's web interface: server-rendered pages that work without JavaScript."""
