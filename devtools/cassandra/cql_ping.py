"""Tell whether a CQL native-protocol server answers, using only the stdlib.

Sends a protocol-v4 OPTIONS frame and expects a SUPPORTED frame back. Used by
cassandra.sh before the project's virtualenv (and so the Python driver) exists.

    python3 cql_ping.py HOST PORT [--wait SECONDS] [--pid PID]

Exit status 0 when the server answers, 1 otherwise. With --wait it retries
until the deadline, and gives up early if process PID has exited.
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import time

OPTIONS_FRAME = bytes([0x04, 0x00, 0x00, 0x01, 0x05, 0x00, 0x00, 0x00, 0x00])
RESPONSE_V4 = 0x84
OPCODE_SUPPORTED = 0x06


def answers(host: str, port: int, timeout: float = 2.0) -> bool:
    """Return True when HOST:PORT answers an OPTIONS frame with SUPPORTED."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.sendall(OPTIONS_FRAME)
            header = sock.recv(9)
    except OSError:
        return False
    return len(header) >= 5 and header[0] == RESPONSE_V4 and header[4] == OPCODE_SUPPORTED


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("host")
    parser.add_argument("port", type=int)
    parser.add_argument("--wait", type=float, default=0.0)
    parser.add_argument("--pid", type=int)
    args = parser.parse_args()
    deadline = time.monotonic() + args.wait
    while True:
        if answers(args.host, args.port):
            return 0
        if args.pid is not None and not process_alive(args.pid):
            return 1
        if time.monotonic() >= deadline:
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
