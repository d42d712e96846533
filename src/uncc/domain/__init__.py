"""The national node's domain: access policy, cases, orders, evidence and custody.

Pure: no I/O, no framework. Services (``uncc.services``) load and save these objects
through ports; adapters implement the ports.
"""
