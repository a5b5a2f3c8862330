"""Two versions of the FastAPI starter side by side, in one process: what a change to the
starter's own code saves, without a server or a client in the way.

    python benchmarks/ab_fastapi.py BEFORE_PROJECT AFTER_PROJECT [--rounds 30] [--requests 200]

Each project is a generated FastAPI project (framework=fastapi, database=sqlite), with a
different package name, both importable by this Python (the first one's virtual environment:
`BEFORE_PROJECT/.venv/bin/python`). Each app is driven by raw ASGI calls on one event loop,
its thread pool included, as uvicorn would drive it; the two alternate round by round (ABBA...)
and each round's ratio is after / before, CPU time of the whole process (the thread pool's
included), so a busy machine slows both alike. The figure is the median of the rounds' ratios;
above 1.0 the after version costs more.

The endpoints are those a write touches: `POST /api/items`, valid (201, a new row) and invalid
(422, no database work, so the starter's own cost is a larger share), with the rate limit off
(WRITE_RATE_LIMIT empty) and on (a limit no round reaches), and `GET /api/items?limit=100` (a
page of 100, which no write path change touches: the control). Run an A/A pair first (two
projects of the same template) to see how far from 1.0 this machine's noise puts a ratio.
"""

import argparse
import asyncio
import gc
import importlib
import json
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ITEM = json.dumps({"name": "benchmark item", "price": 9.5}).encode()
INVALID_ITEM = json.dumps({"name": "", "price": -1}).encode()
HIGH_LIMIT = "100000000/minute"

Call = Callable[[], Awaitable[int]]


def package_of(project: Path) -> str:
    packages = [path.name for path in (project / "src").iterdir() if (path / "app.py").is_file()]
    if len(packages) != 1:
        raise SystemExit(f"error: {project} is not one generated FastAPI project")
    return packages[0]


def asgi_call(app: Any, method: str, path: str, body: bytes = b"") -> Call:
    """One request to `app`, as uvicorn passes it; returns the response's status."""
    raw_path, _, query = path.partition("?")
    headers = [(b"host", b"bench"), (b"content-length", str(len(body)).encode())]
    if body:
        headers.append((b"content-type", b"application/json"))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }

    async def call() -> int:
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await app(dict(scope), receive, send)
        return status

    return call


async def rounds(calls: dict[str, Call], expected: int, count: int, requests: int) -> float:
    """The median of `count` rounds' after / before CPU-time ratios, the two alternating."""
    ratios = []
    for number in range(count):
        cpu = {}
        # ABBA: neither side always goes first.
        for side, call in sorted(calls.items(), reverse=number % 2 == 1):
            gc.collect()  # the other side's garbage is not counted here
            start = time.process_time()
            for _ in range(requests):
                status = await call()
                if status != expected:
                    raise SystemExit(f"error: {side} answered {status}, not {expected}")
            cpu[side] = time.process_time() - start
        ratios.append(cpu["after"] / cpu["before"])
    return statistics.median(ratios)


async def measure(projects: dict[str, Path], count: int, requests: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ab-fastapi-") as folder:
        return await measure_in(Path(folder), projects, count, requests)


async def measure_in(
    work: Path, projects: dict[str, Path], count: int, requests: int
) -> dict[str, float]:
    """The figures, each app's SQLite files in `work`."""
    logging.disable(logging.INFO)  # the migrations' log lines
    apps: dict[str, dict[str, Any]] = {}
    contexts = []
    for side, project in projects.items():
        sys.path.insert(0, str(project / "src"))
        package = package_of(project)
        create_app = importlib.import_module(f"{package}.app").create_app
        settings = importlib.import_module(f"{package}.settings").Settings
        apps[side] = {}
        for limit in ("", HIGH_LIMIT):
            url = f"sqlite:///{work / f'{side}-{bool(limit)}.db'}"
            importlib.import_module(f"{package}.database").upgrade(url)
            app = create_app(settings(database_url=url, write_rate_limit=limit))
            context = app.router.lifespan_context(app)
            await context.__aenter__()
            contexts.append(context)
            apps[side][limit] = app
    for side in projects:  # a page of 100 on each side
        for _ in range(100):
            await asgi_call(apps[side][""], "POST", "/api/items", ITEM)()
    figures = {}
    for name, limit, method, path, body, expected in (
        ("POST /api/items 201, no rate limit", "", "POST", "/api/items", ITEM, 201),
        ("POST /api/items 201, a rate limit", HIGH_LIMIT, "POST", "/api/items", ITEM, 201),
        ("POST /api/items 422, no rate limit", "", "POST", "/api/items", INVALID_ITEM, 422),
        ("POST /api/items 422, a rate limit", HIGH_LIMIT, "POST", "/api/items", INVALID_ITEM, 422),
        ("GET /api/items?limit=100 (control)", "", "GET", "/api/items?limit=100", b"", 200),
    ):
        calls = {side: asgi_call(apps[side][limit], method, path, body) for side in projects}
        figures[name] = await rounds(calls, expected, count, requests)
    for context in reversed(contexts):
        await context.__aexit__(None, None, None)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--requests", type=int, default=200)
    arguments = parser.parse_args()
    if package_of(arguments.before) == package_of(arguments.after):
        raise SystemExit("error: the two projects need different package names")
    projects = {"before": arguments.before, "after": arguments.after}
    figures = asyncio.run(measure(projects, arguments.rounds, arguments.requests))
    print(f"| endpoint | after / before, CPU time ({arguments.rounds} rounds) |")
    print("| --- | ---: |")
    for name, ratio in figures.items():
        print(f"| `{name}` | {ratio:.3f}x |")


if __name__ == "__main__":
    main()
