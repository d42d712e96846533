"""Use cases of the national node.

Each checks the role policy, runs in one transaction and records what it did in the
audit trail.
"""
