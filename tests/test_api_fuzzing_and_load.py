"""The generated APIs under fire. schemathesis runs against each API combination of the quality
gate with the app live on 127.0.0.1 under its production command, with credentials where the
writes need them. With docs, every check of
schemathesis against the app's /openapi.json (no 500; each status, content type, header and body
as the description says; data the description allows accepted, data it refuses refused). With
docs=none the app publishes no description, so FastAPI's or APIFlask's own is taken from the
app in-process, and only the server errors and response bodies are checked (plain Flask, without
a validation library, has none at all). Then a bounded concurrent load against the production
command of the default FastAPI and Flask projects: no failed request."""

import concurrent.futures
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import combinations
from tests.support.http_client import request
from tests.support.projects import openapi_description
from tests.support.servers import running
from tests.support.template import Render

pytestmark = pytest.mark.slow

# Without docs, the description is the framework's own, which the app does not keep to.
CHECKS_WITHOUT_DOCS = "not_a_server_error,response_schema_conformance"
MAX_EXAMPLES = 10
# Writes unlimited: these tests send many from one client (the rate limit has tests of its own).
SECRET = {"SECRET_KEY": "stackwise-under-fire", "WRITE_RATE_LIMIT": ""}
REQUESTS = 2000
CONCURRENCY = 50


def with_schema(everything: bool) -> list[dict[str, Any]]:
    return [
        c
        for c in combinations.gate(everything)
        if c["docs"] != "none" or c["framework"] != "flask" or c["validation"] != "none"
    ]


def schema_location(
    project: Path, combination: dict[str, Any], base: str, folder: Path
) -> list[str]:
    if combination["docs"] != "none":
        return [f"{base}/openapi.json"]
    printed = openapi_description(project, **SECRET)
    schema = folder / "openapi.json"
    schema.write_text(printed)
    assert json.loads(printed)["paths"]
    return [str(schema), "--url", base]


def credentials(
    server_credentials: dict[str, str], combination: dict[str, Any], folder: Path
) -> list[str]:
    """The options that send the server's credentials. A session's cookie and CSRF token go
    through schemathesis' OpenAPI-aware auth (a schemathesis.toml naming the description's
    `session` and `csrf` schemes): sent as plain headers, a request schemathesis makes without the
    cookie, to see it refused, would carry it all the same. An API key or a bearer token, whose
    header is the scheme's, and anything without the description's schemes, as headers."""
    headers = dict(server_credentials)
    if "X-CSRF-Token" in headers and combination["docs"] != "none":
        session_id = headers.pop("Cookie").removeprefix("session=")
        csrf_token = headers.pop("X-CSRF-Token")
        (folder / "schemathesis.toml").write_text(
            f'[auth.openapi.session]\napi_key = "{session_id}"\n\n'
            f'[auth.openapi.csrf]\napi_key = "{csrf_token}"\n'
        )
    return [f"--header={name}: {value}" for name, value in headers.items()]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "api_combination" in metafunc.fixturenames:
        chosen = with_schema(metafunc.config.getoption("--all-combinations"))
        ids = [combinations.combination_id(c) for c in chosen]
        metafunc.parametrize("api_combination", chosen, ids=ids)


def test_schemathesis_finds_nothing(
    render: Render, api_combination: dict[str, Any], tmp_path: Path
) -> None:
    project = render(**api_combination)
    with running(project, ["-m", "demo_app"], **SECRET) as server:
        result = subprocess.run(
            [
                str(Path(sys.executable).parent / "st"),
                "run",
                *schema_location(project, api_combination, server.base, tmp_path),
                "--checks",
                "all" if api_combination["docs"] != "none" else CHECKS_WITHOUT_DOCS,
                "--max-examples",
                str(MAX_EXAMPLES),
                "--seed",
                "1",
                "--no-color",
                # The server's credentials, if its writes need some (its requests without them
                # get a 401 or 403, which the description documents).
                *credentials(server.credentials, api_combination, tmp_path),
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "No issues found" in output, output
    assert "Traceback" not in server.output, server.output


def hit(base: str, number: int) -> int:
    if number % 4 == 0:
        body = json.dumps({"name": f"item {number}", "price": number % 100 + 1}).encode()
        headers = {"Content-Type": "application/json"}
        status = request("POST", f"{base}/api/items", body, headers, timeout=60)
        return status[0] if status[0] == 201 else -status[0]
    path = "/health" if number % 2 else "/api/items"
    status = request("GET", base + path, timeout=60)[0]
    return status if status == 200 else -status


@pytest.mark.parametrize("framework", ["fastapi", "flask"])
def test_a_concurrent_load_fails_no_request(render: Render, framework: str) -> None:
    project = render(framework=framework)  # copier.yml's defaults
    with (
        running(project, ["-m", "demo_app"], **SECRET) as server,
        concurrent.futures.ThreadPoolExecutor(CONCURRENCY) as pool,
    ):
        statuses = list(pool.map(lambda number: hit(server.base, number), range(REQUESTS)))
    failed = [status for status in statuses if status < 0]
    assert failed == [], f"{len(failed)} of {REQUESTS} failed: {sorted(set(failed))}"
    assert len(statuses) == REQUESTS
