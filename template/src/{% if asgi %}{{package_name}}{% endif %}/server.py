"""How the production server (`python -m <package>`, __main__.py) runs the app: the app made
once per worker process, and the HTTP/1.1 protocol uvicorn serves it with.

`production_app` makes the app, then moves every object it holds (routes, models, the API
description, the engine) out of the garbage collector's reach (`gc.freeze()`): they live as long
as the process, and each full collection would otherwise walk them all again, a pause that
requests queue behind.

The protocol: h11, with deadlines.

h11 bounds a request's head (request line and headers) at MAX_HEADER_BYTES; uvicorn's default
httptools parser bounds neither its size nor its count of headers. Neither of uvicorn's
implementations ever times a client out before its request is in: a connection that sends
nothing, or sends its request a byte at a time, stays open for good, each holding memory.
`DeadlineH11Protocol` closes a new connection that sends nothing within uvicorn's keep-alive
timeout (as uvicorn closes one that goes quiet between requests), and one whose request, head
and body, is not in within READ_TIMEOUT seconds.
"""

import asyncio
import gc
from typing import Any

import h11
from fastapi import FastAPI
from uvicorn.protocols.http.h11_impl import H11Protocol

from .app import create_app
from .settings import get_settings


def production_app() -> FastAPI:
    app = create_app()
    gc.freeze()
    return app


class DeadlineH11Protocol(H11Protocol):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.read_timeout = get_settings().read_timeout
        self.read_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        # uvicorn starts this timer only once a response has been sent.
        self.timeout_keep_alive_task = self.loop.call_later(
            self.timeout_keep_alive, self.timeout_keep_alive_handler
        )

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state in (h11.IDLE, h11.SEND_BODY):
            # Part of a request is in: all of it must be in by the deadline. Most requests
            # arrive whole in one read and set no timer, which costs 2 to 3 % of a small
            # response under load (measured with stackwise's benchmarks/ab_servers.py).
            if self.read_deadline is None:
                self.read_deadline = self.loop.call_later(self.read_timeout, self.read_timed_out)
        else:
            self.cancel_read_deadline()  # the request is in (or broken, and answered)

    def connection_lost(self, exc: Exception | None) -> None:
        self.cancel_read_deadline()
        super().connection_lost(exc)

    def read_timed_out(self) -> None:
        self.read_deadline = None
        if not self.transport.is_closing():
            self.logger.warning(
                "Closed a connection whose request was not in after %s s.", self.read_timeout
            )
            self.transport.close()

    def cancel_read_deadline(self) -> None:
        if self.read_deadline is not None:
            self.read_deadline.cancel()
            self.read_deadline = None
