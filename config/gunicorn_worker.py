"""gunicorn's threaded worker, leaving (--max-requests, SIGTERM) without resetting its kept-alive connections.

gunicorn's own worker, once it decides to leave, stops polling its idle kept-alive connections and resets
them when the process exits: a request that a client sent on one meanwhile is never read, and the client
sees a connection reset (it may retry a GET; a POST cannot know whether it ran). This one, after its loop
ends, goes on polling the connections it holds, without accepting new ones, for up to the keep-alive time:
each request that arrives on one is served with `Connection: close`, and a response that promised keep-alive
before the decision keeps its connection for that one more request. Clients therefore learn of the close
from a response and reconnect (to another worker) before sending. What stays is HTTP's own race on any
keep-alive timeout: a connection idle for the whole keep-alive time is closed as it would be anyway.

    gunicorn config.wsgi:application --worker-class config.gunicorn_worker.DrainingThreadWorker --threads 4 …
"""

from __future__ import annotations

import contextlib
import selectors
import time
from concurrent import futures
from functools import partial
from typing import Any

from gunicorn.workers.gthread import ThreadWorker


class DrainingThreadWorker(ThreadWorker):  # type: ignore[misc]  # gunicorn ships no type hints
    quitting = False

    def handle_quit(self, sig: Any, frame: Any) -> None:
        self.quitting = True  # SIGQUIT/SIGINT: leave now, as gunicorn's own worker does
        super().handle_quit(sig, frame)

    def run(self) -> None:
        shutdown = self.tpool.shutdown

        def drain_then_shutdown(wait: bool = True, **kwargs: Any) -> None:
            # run() calls this once its loop has ended; the pool still takes work until it is shut down.
            if not self.quitting:
                self.drain()
            shutdown(wait, **kwargs)

        self.tpool.shutdown = drain_then_shutdown
        super().run()

    def drain(self) -> None:
        """Serve what arrives on the kept connections until none is left or the keep-alive time runs out."""
        for sock in self.sockets:  # accept nothing new
            with contextlib.suppress(KeyError, ValueError, OSError):
                self.poller.unregister(sock)
        deadline = time.monotonic() + max(float(self.cfg.keepalive), 0.0) + 0.5
        # Registered sockets: the kept connections, and those accepted whose first request is on its way.
        while (self.poller.get_map() or self.futures) and time.monotonic() < deadline:
            self.notify()
            for key, _ in self.poller.select(0.05):
                key.data(key.fileobj)
            done = futures.wait(self.futures, timeout=0, return_when=futures.FIRST_COMPLETED).done
            for future in done:
                self.futures.remove(future)
            self.murder_keepalived()

    def finish_request(self, fs: Any) -> None:
        # Once the worker is leaving, a connection whose response promised keep-alive is kept for one more
        # request (drain), which is answered with Connection: close since the worker is no longer alive.
        if self.alive or self.quitting or fs.cancelled():
            super().finish_request(fs)
            return
        try:
            keepalive, conn = fs.result()
        except Exception:
            self.nr_conns -= 1
            fs.conn.close()
            return
        if not keepalive:
            self.nr_conns -= 1
            conn.close()
            return
        conn.sock.setblocking(False)
        conn.set_timeout()
        with self._lock:
            self._keep.append(conn)
            readable = partial(self.on_client_socket_readable, conn)
            self.poller.register(conn.sock, selectors.EVENT_READ, readable)
