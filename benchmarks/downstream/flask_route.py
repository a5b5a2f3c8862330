"""The route benchmarks/run.py adds to a Flask starter for the downstream scenario, as a user
would write it: `GET /downstream` answers with what a downstream HTTP service (DOWNSTREAM_URL)
answered, through one urllib3 pool for the process (kept-alive connections), each call
blocking the gunicorn thread that serves the request."""

import os

import urllib3
from flask import Blueprint

URL = os.environ["DOWNSTREAM_URL"]


def add_route(blueprint: Blueprint) -> None:
    pool = urllib3.PoolManager(maxsize=256)

    @blueprint.get("/downstream")
    def downstream() -> dict[str, float]:
        return dict(pool.request("GET", URL).json())
