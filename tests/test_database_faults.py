"""Nothing lost, under faults: the production command of generated projects, with several
workers, on SQLite and on a real PostgreSQL server of the test's own (tests/support/postgres.py).

Items survive SIGTERM and a restart; 1,000 POSTs at 50 concurrent give exactly 1,000 rows with
unique ids, each 201 matched by its row; SIGTERM in the middle of that load loses no write a
client was told about; sign-ins, refreshes and sign-outs go on while items are written (on
SQLite, whose read transactions cannot become writes once another write has committed); with
PostgreSQL stopped, requests get 503 problem documents (no traceback, no driver text),
readiness fails and liveness holds, and the same server serves again once the database is
back."""

import json
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from tests.support.http_client import Response, get, request
from tests.support.postgres import Server, create_database
from tests.support.projects import project_env, python
from tests.support.servers import running
from tests.support.template import Render

pytestmark = pytest.mark.slow

PACKAGE = "demo_app"
WORKERS = "4"
# The variants: both frameworks, both databases, async and sync access.
VARIANTS = {
    "fastapi-async-sqlite": {"framework": "fastapi", "needs_async": True, "database": "sqlite"},
    "flask-postgresql": {"framework": "flask", "database": "postgresql"},
    "fastapi-async-postgresql": {
        "framework": "fastapi",
        "needs_async": True,
        "database": "postgresql",
    },
}
# Accounts whose sign-in reads before it writes: the Flask app's (tokens.py, which the sync
# FastAPI app shares) and the async FastAPI app's own.
SIGN_IN_VARIANTS = {
    "flask-jwt-sqlite": {"framework": "flask", "auth": "jwt", "database": "sqlite"},
    "fastapi-async-jwt-sqlite": {
        "framework": "fastapi",
        "needs_async": True,
        "auth": "jwt",
        "database": "sqlite",
    },
}
DRIVER_TEXT = ("Traceback", "sqlalchemy", "psycopg", "sqlite3", "OperationalError", "SELECT")


class Deployment:
    """A rendered project, its database (and PostgreSQL server, if any), and the database's rows
    read without the app."""

    def __init__(self, project: Path, database_url: str, server: Server | None = None) -> None:
        self.project = project
        self.database_url = database_url
        self.server = server

    def env(self) -> dict[str, str]:
        # No limit on writes: the load comes from one client address.
        return {
            "DATABASE_URL": self.database_url,
            "SECRET_KEY": "stackwise-test",
            "WRITE_RATE_LIMIT": "",
        }

    @contextmanager
    def serving(self) -> Iterator[Any]:
        with running(self.project, ["-m", PACKAGE], WEB_CONCURRENCY=WORKERS, **self.env()) as s:
            yield s

    def ids(self) -> list[int]:
        """The ids of the items table."""
        if self.server is None:
            path = self.project / self.database_url.removeprefix("sqlite:///")
            with sqlite3.connect(path) as connection:
                return [row[0] for row in connection.execute("SELECT id FROM items")]
        result = subprocess.run(
            ["psql", self.database_url, "-At", "-c", "SELECT id FROM items"],
            capture_output=True,
            text=True,
            check=True,
        )
        return [int(line) for line in result.stdout.split()]


@contextmanager
def deployed(render: Render, variant: str) -> Iterator[Deployment]:
    """The variant's project; with PostgreSQL, on a server of its own, migrated as a deployment
    is (the migrate module); SQLite is migrated by the server as it starts."""
    answers = VARIANTS[variant]
    project = render(**answers, deploy="none", team_size="solo")
    if answers["database"] == "sqlite":
        yield Deployment(project, "sqlite:///data/app.db")
        return
    server = Server.create()
    try:
        server.start()
        deployment = Deployment(project, create_database(server.url), server)
        migrate = [python(project), "-m", f"{PACKAGE}.migrate"]
        env = project_env(project, **deployment.env())
        subprocess.run(migrate, cwd=project, env=env, check=True, capture_output=True)
        yield deployment
    finally:
        server.remove()


@pytest.fixture(params=list(VARIANTS))
def deployment(request: pytest.FixtureRequest, render: Render) -> Iterator[Deployment]:
    with deployed(render, request.param) as deployment:
        yield deployment


@pytest.fixture(
    params=[name for name, answers in VARIANTS.items() if answers["database"] == "postgresql"]
)
def postgresql_deployment(request: pytest.FixtureRequest, render: Render) -> Iterator[Deployment]:
    with deployed(render, request.param) as deployment:
        yield deployment


def post(base: str, number: int) -> Response:
    body = json.dumps({"name": f"item {number}", "price": 1.5}).encode()
    headers = {"Content-Type": "application/json"}
    try:
        return request("POST", f"{base}/api/items", body, headers, timeout=30)
    except OSError:  # the server went away mid-request: no answer, no promise
        return 0, {}, b""


def created_ids(responses: list[Response]) -> list[int]:
    return [json.loads(body)["id"] for status, _, body in responses if status == 201]


def test_items_survive_sigterm_and_a_restart(deployment: Deployment) -> None:
    with deployment.serving() as server:
        ids = created_ids([post(server.base, n) for n in range(20)])
    assert len(ids) == 20
    # running() stopped it with SIGTERM; a new server finds every item.
    with deployment.serving() as server:
        for item_id in ids:
            status, _, body = get(f"{server.base}/api/items/{item_id}")
            assert status == 200, (item_id, body)
    assert sorted(deployment.ids()) == sorted(ids)


def test_1000_posts_at_50_concurrent_make_exactly_1000_rows(deployment: Deployment) -> None:
    with deployment.serving() as server, ThreadPoolExecutor(max_workers=50) as pool:
        responses = list(pool.map(lambda n: post(server.base, n), range(1000)))
    statuses = {status for status, _, _ in responses}
    assert statuses == {201}, statuses
    ids = created_ids(responses)
    assert len(set(ids)) == 1000
    assert sorted(deployment.ids()) == sorted(ids)


def test_sigterm_during_the_load_loses_no_acknowledged_write(deployment: Deployment) -> None:
    responses: list[Response] = []
    with deployment.serving() as server:

        def load() -> None:
            with ThreadPoolExecutor(max_workers=50) as pool:
                responses.extend(pool.map(lambda n: post(server.base, n), range(1000)))

        client = threading.Thread(target=load)
        client.start()
        deadline = time.monotonic() + 60
        while len(deployment_rows(deployment)) < 100 and time.monotonic() < deadline:
            time.sleep(0.05)
        server.process.terminate()  # SIGTERM in the middle of the load
        client.join(timeout=120)
    acknowledged = created_ids(responses)
    assert acknowledged, "no write was acknowledged before SIGTERM"
    assert set(acknowledged) <= set(deployment.ids())


@pytest.mark.parametrize("variant", list(SIGN_IN_VARIANTS))
def test_sign_ins_go_on_while_items_are_written(render: Render, variant: str) -> None:
    project = render(**SIGN_IN_VARIANTS[variant], deploy="none", team_size="solo")
    deployment = Deployment(project, "sqlite:///data/app.db")
    with deployment.serving() as server, ThreadPoolExecutor(max_workers=24) as pool:
        assert server.account is not None
        email, password = server.account
        outcomes = list(
            pool.map(
                lambda n: (
                    signs_in_and_out(server.base, email, password)
                    if n % 4 == 0
                    else ("item", post(server.base, n)[0])
                ),
                range(200),
            )
        )
    assert sorted(set(outcomes)) == [("item", 201), ("sign-out", 204)]


def signs_in_and_out(base: str, email: str, password: str) -> tuple[str, int]:
    """Signs in, refreshes the token, signs out: the first step that fails and its status, or
    ("sign-out", 204)."""
    steps = [
        ("sign-in", "token", {"grant_type": "password", "username": email, "password": password}),
        ("refresh", "token", {"grant_type": "refresh_token"}),
        ("sign-out", "logout", {}),
    ]
    refresh_token = ""
    for step, path, fields in steps:
        if step != "sign-in":
            fields["refresh_token"] = refresh_token
        status, _, body = request(
            "POST",
            f"{base}/api/auth/{path}",
            urlencode(fields).encode(),
            {"Content-Type": "application/x-www-form-urlencoded"},
            timeout=30,
        )
        if status not in (200, 204):
            return step, status
        if status == 200:
            refresh_token = json.loads(body)["refresh_token"]
    return "sign-out", 204


def deployment_rows(deployment: Deployment) -> list[int]:
    try:
        return deployment.ids()
    except (sqlite3.Error, subprocess.CalledProcessError):  # not migrated or busy yet
        return []


def test_postgresql_stopped_means_503_then_the_same_server_serves_again(
    postgresql_deployment: Deployment,
) -> None:
    deployment = postgresql_deployment
    postgres = deployment.server
    assert postgres is not None
    with deployment.serving() as server:
        assert post(server.base, 1)[0] == 201
        postgres.stop()
        for method in ("GET", "POST"):
            status, headers, body = (
                get(f"{server.base}/api/items") if method == "GET" else post(server.base, 2)
            )
            assert status == 503, (method, body)
            assert headers["content-type"] == "application/problem+json"
            assert json.loads(body)["status"] == 503
            assert headers["retry-after"] == "5"
            assert not [text for text in DRIVER_TEXT if text.encode() in body], body
        assert get(f"{server.base}/ready")[0] == 503
        assert get(f"{server.base}/health")[0] == 200
        postgres.start()
        deadline = time.monotonic() + 30
        while get(f"{server.base}/api/items")[0] != 200:
            assert time.monotonic() < deadline, "the app did not serve again within 30 s"
            time.sleep(0.2)
        assert get(f"{server.base}/ready")[0] == 200
        assert post(server.base, 3)[0] == 201
        assert server.process.poll() is None  # the same process, never restarted
    assert len(deployment.ids()) == 2
