"""The route benchmarks/run.py adds to a FastAPI starter for the downstream scenario, as a user
would write it: `GET /downstream` answers with what a downstream HTTP service (DOWNSTREAM_URL)
answered, through one client for the process (a pool of kept-alive connections, large enough
that the starter, not the client's default, decides how many calls wait at once).

With sync endpoints the call blocks one thread of the pool FastAPI runs them in, with urllib3
(as the Flask starter's route). With async endpoints it is awaited on the event loop, with
aiohttp. Not httpx: its pools (httpcore 1.0) walk every connection for every waiting request
(encode/httpx#3215, encode/httpcore#1035). At 256 connections its async pool took 93 % of the
server's CPU (39 req/s), and its sync pool held FastAPI's sync endpoints to about 200 req/s
where urllib3 serves about 530.
"""

import os
from typing import Any

import aiohttp
import urllib3
from fastapi import APIRouter

URL = os.environ["DOWNSTREAM_URL"]


def add_route(router: APIRouter, asynchronous: bool) -> None:
    if asynchronous:
        sessions: list[aiohttp.ClientSession] = []  # made on the event loop, on first use

        @router.get("/downstream")
        async def downstream_async() -> dict[str, float]:
            if not sessions:
                sessions.append(aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)))
            async with sessions[0].get(URL) as response:
                response.raise_for_status()
                answer: dict[str, Any] = await response.json()
            return answer

    else:
        pool = urllib3.PoolManager(maxsize=256)

        @router.get("/downstream")
        def downstream() -> dict[str, float]:
            return dict(pool.request("GET", URL).json())
