"""A typed Python client of a node's API (``docs/client.md``).

::

    from uncc.client import Client

    with Client("https://node.example:8470", ca_file=Path("unit-ca.pem")) as node:
        node.login("ivan", password)
        for case in node.cases():
            print(case.id, case.title)

Refusals raise the exceptions of :mod:`uncc.errors` (the problem JSON is on
``.problem``); records are the Pydantic models of :mod:`uncc.client.models`.
"""

from __future__ import annotations

from uncc.client.client import Client
from uncc.client.errors import Problem, ServerError
from uncc.client.uploads import UploadJournal

__all__ = ["Client", "Problem", "ServerError", "UploadJournal"]
