"""Pick free TCP ports on the loopback interface for local test servers."""

from __future__ import annotations

import contextlib
import socket

LOOPBACK_HOST = "127.0.0.1"


def free_port(host: str = LOOPBACK_HOST) -> int:
    """Return a TCP port on ``host`` that no socket is bound to right now."""
    return free_ports(1, host)[0]


def free_ports(count: int, host: str = LOOPBACK_HOST) -> list[int]:
    """Return ``count`` distinct TCP ports on ``host`` that no socket is bound to right now.

    The operating system picks each port, and all sockets stay open until the last one is
    bound, so the ports differ from each other.

    NOTE: another process can take a port between this call and the moment the caller's
    server binds it. Servers that can bind port 0 and report the port they got avoid that
    race, and the AWS emulator in this package does so.
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")

    with contextlib.ExitStack() as stack:
        ports: list[int] = []
        for _ in range(count):
            sock = stack.enter_context(socket.socket(socket.AF_INET, socket.SOCK_STREAM))
            sock.bind((host, 0))
            ports.append(sock.getsockname()[1])
        return ports
