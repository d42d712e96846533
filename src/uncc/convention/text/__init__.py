"""Plain-text treaties: decoding, parsing into a tree of ids, and linting."""
