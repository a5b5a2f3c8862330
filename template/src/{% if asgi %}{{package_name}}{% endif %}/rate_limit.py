"""Writes limited per client (WRITE_RATE_LIMIT), with the `limits` library (the one slowapi
builds on): a client over the limit gets 429 and a `Retry-After`, in the project's error format.

The counts live in this process, as the items do: each worker process counts on its own. For one
count across processes and replicas, give `MovingWindowRateLimiter` a shared storage
(`limits.storage.storage_from_string("redis://...")`).
"""

import math
import time

from fastapi import Depends, HTTPException, Request, params
from limits import parse, storage, strategies


class WriteRateLimit:
    def __init__(self, rate: str) -> None:
        self.rate = rate
        self.limit = parse(rate) if rate else None  # a bad value stops the app at start-up
        self.limiter = strategies.MovingWindowRateLimiter(storage.MemoryStorage())

    def hit(self, client: str) -> None:
        """Counts a write of `client`, or raises a 429 once it is over the limit."""
        if self.limit is None or self.limiter.hit(self.limit, "writes", client):
            return
        reset = self.limiter.get_window_stats(self.limit, "writes", client).reset_time
        raise HTTPException(
            429,
            f"Too many writes: at most {self.rate} per client.",
            headers={"Retry-After": str(max(1, math.ceil(reset - time.time())))},
        )


async def limit_writes(request: Request) -> None:
    """A dependency of the routes that write."""
    write_rate_limit: WriteRateLimit = request.app.state.write_rate_limit
    write_rate_limit.hit(client_address(request))


def client_address(request: Request) -> str:
    """The client a limit counts: the peer's address, or behind a proxy in FORWARDED_ALLOW_IPS
    the address it forwarded (uvicorn's proxy headers)."""
    return request.client.host if request.client else ""


def write_limits(rate: str) -> list[params.Depends]:
    """The dependencies of the routes that write: the limit, or none when `rate` is empty.
    FastAPI solves a route's dependencies on every request, so a limit that is off would still
    cost each write its call."""
    return [Depends(limit_writes)] if rate else []
