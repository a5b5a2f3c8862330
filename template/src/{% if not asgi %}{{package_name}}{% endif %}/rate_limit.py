"""Writes limited per client (WRITE_RATE_LIMIT), with Flask-Limiter: a client over the limit
gets 429 and a `Retry-After`, in the project's error format.

The counts live in this process, as the items do: each gunicorn worker counts on its own. For
one count across processes and replicas, give the Limiter a shared storage
(`storage_uri="redis://..."`).
"""

import math
import time

from flask import Blueprint, Flask, Response, request
from flask_limiter import Limiter, RequestLimit

from .errors import error_response


def install_rate_limit(app: Flask, rate: str, *blueprints: Blueprint) -> None:
    """Limits the POST and DELETE requests of the `blueprints` to `rate` per client, one count
    for all of them (a shared limit): a client has one budget whichever way it writes."""
    if not rate:
        return
    detail = f"Too many writes: at most {rate} per client."

    def too_many(limit: RequestLimit) -> Response:
        retry_after = max(1, math.ceil(limit.window.reset_time - time.time()))
        return error_response(429, detail, [("Retry-After", str(retry_after))])

    limiter = Limiter(
        client_address,
        app=app,
        storage_uri="memory://",
        strategy="moving-window",
        on_breach=too_many,
    )
    writes = limiter.shared_limit(rate, scope="writes", methods=["POST", "DELETE"])
    for blueprint in blueprints:
        writes(blueprint)


def client_address() -> str:
    """The peer's address, or behind a proxy in FORWARDED_ALLOW_IPS the address it forwarded
    (proxy.py)."""
    return request.remote_addr or ""
