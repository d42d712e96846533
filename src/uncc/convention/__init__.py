"""The Convention as typed, cited data, and the tools that read treaty texts."""
