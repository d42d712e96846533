"""Run one command as a fresh process; report its wall time and its own peak memory.

``python bench/spawn.py RESULT -- COMMAND…`` forks this small process and execs COMMAND
in the child, so the child's peak resident size (``ru_maxrss`` from ``os.wait4``) starts
from this launcher's few MiB rather than from the benchmark's process: a child spawned
straight from a large process inherits that process's high-water mark on Linux. Writes
``{"wall": seconds, "maxrss_kib": …, "status": exit code}`` to RESULT as JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time


def main(argv: list[str]) -> int:
    """Fork, exec, wait; write the figures."""
    result, separator, *command = argv
    if separator != "--" or not command:
        sys.stderr.write("usage: spawn.py RESULT -- COMMAND…\n")
        return 2
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: become the command
        try:
            os.execvp(command[0], command)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    with open(result, "w", encoding="utf-8") as out:  # noqa: PTH123 - no pathlib import: a small launcher
        json.dump({"wall": wall, "maxrss_kib": usage.ru_maxrss, "status": code}, out)
    return code


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
