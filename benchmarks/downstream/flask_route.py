"""The route benchmarks/run.py adds to a Flask starter for the downstream scenario, as a user
would write it: `GET /downstream` answers with what a downstream HTTP service (DOWNSTREAM_URL)
answered, through one httpx client for the process (a pool of kept-alive connections), each
call blocking the gunicorn thread that serves the request."""

import os

import httpx
from flask import Blueprint

URL = os.environ["DOWNSTREAM_URL"]
LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=None)


def add_route(blueprint: Blueprint) -> None:
    client = httpx.Client(limits=LIMITS)

    @blueprint.get("/downstream")
    def downstream() -> dict[str, float]:
        return dict(client.get(URL).raise_for_status().json())
