"""A mail server on loopback that accepts each connection and closes it at once (what a crashed or
overloaded relay looks like to smtplib: SMTPServerDisconnected). It counts the connections."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class RefusingSmtp:
    port: int
    connections: int = 0


@contextmanager
def refusing_smtp_server() -> Iterator[RefusingSmtp]:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.1)
    server = RefusingSmtp(port=int(listener.getsockname()[1]))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                peer, _ = listener.accept()
            except TimeoutError:
                continue
            server.connections += 1
            peer.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        thread.join()
        listener.close()
