"""One API, two frameworks: the FastAPI and the Flask starter, generated with the same answers
(validation=pydantic, each error format), answer the same requests with the same status codes,
content types, problem documents and error pages, each under its production command on
127.0.0.1. A user who switches framework keeps the API.

Known difference, normalised here: Flask answers HEAD and OPTIONS on every route by itself, so
its `Allow` header lists them beside FastAPI's methods."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.support.apps import FAILING_APP, serve_script
from tests.support.http_client import BROWSER_ACCEPT, post_chunked
from tests.support.http_client import request as http_request
from tests.support.servers import running
from tests.support.template import Render

pytestmark = pytest.mark.slow

ANSWERS = {
    "validation": "pydantic",
    "docs": "both",
    "pages": False,
    "needs_async": False,
    "team_size": "solo",
}
MAX_BODY_BYTES = 1024
ENVIRONMENT = {
    "SECRET_KEY": "stackwise-contract-test",
    "MAX_BODY_BYTES": str(MAX_BODY_BYTES),
    "WRITE_RATE_LIMIT": "",  # many writes from one client (the rate limit has tests of its own)
}
BROWSER = BROWSER_ACCEPT
API = "application/json"
JSON = {"Content-Type": "application/json"}
TOO_LARGE = json.dumps({"name": "x", "price": 1, "padding": "x" * MAX_BODY_BYTES}).encode()

# (method, path, body): a body that is not bytes is sent as JSON; every body is sent as
# application/json unless given as (content type, bytes). In this order, on a fresh app.
REQUESTS: list[tuple[str, str, Any]] = [
    ("GET", "/health", None),
    ("GET", "/no-such-page", None),
    ("POST", "/health", None),
    ("GET", "/api/items", None),
    ("POST", "/api/items", {"name": "Thé 🫖", "price": 12.5}),
    ("POST", "/api/items", {"name": "x" * 100, "price": 1, "unknown": True}),
    ("GET", "/api/items", None),
    ("GET", "/api/items/1", None),
    ("DELETE", "/api/items/1", None),
    ("DELETE", "/api/items/1", None),
    ("GET", "/api/items/1", None),
    ("PUT", "/api/items/2", None),
    ("GET", "/api/items/abc", None),
    ("GET", "/api/items/-1", None),
    ("POST", "/api/items", {"name": "", "price": 0}),
    ("POST", "/api/items", {"name": "x" * 101, "price": "cheap"}),
    ("POST", "/api/items", {"name": 42}),
    ("POST", "/api/items", {}),
    ("POST", "/api/items", []),
    ("POST", "/api/items", "Teapot"),
    ("POST", "/api/items", b""),
    ("POST", "/api/items", b"null"),
    ("POST", "/api/items", b'{"name": "\\ud800", "price": 1}'),
    ("POST", "/api/items", ("text/plain", b'{"name": "Teapot", "price": 1}')),
    ("POST", "/api/items", b'{"name": "Teapot",'),
    ("POST", "/api/items", b"\xff\xfe"),
    ("POST", "/api/items", b'{"name": "Teapot", "price": 1e400}'),
    ("POST", "/api/items", b'{"name": "Teapot", "price": NaN}'),
    ("POST", "/api/items", TOO_LARGE),
]


def send(base: str, method: str, path: str, body: Any, accept: str) -> dict[str, Any]:
    content_type = "application/json"
    if isinstance(body, tuple):
        content_type, body = body
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": content_type, "Accept": accept}
    return answer(http_request(method, base + path, data, headers))


def send_chunked(base: str, accept: str) -> dict[str, Any]:
    """A body too large, in chunks: no Content-Length tells the app up front."""
    chunks = [b'{"name": "', b"x" * MAX_BODY_BYTES, b'", "price": 1}']
    return answer(post_chunked(base + "/api/items", chunks, {**JSON, "Accept": accept}))


def answer(response: tuple[int, dict[str, str], bytes]) -> dict[str, Any]:
    """What the contract fixes of a response: status, content type, body (an error page by its
    heading, detail and errors), and the headers an error must keep."""
    status, headers, body = response
    content_type = headers.get("content-type", "")
    result: dict[str, Any] = {"status": status}
    if not body:
        result["body"] = ""  # a 204: what content type it names does not matter
    elif content_type.startswith("text/html"):
        result["content-type"] = content_type
        text = body.decode()
        result["page"] = {
            "h1": re.findall(r"<h1>(.*?)</h1>", text),
            "detail": re.findall(r"<p>(.*?)</p>", text),
            "errors": re.findall(r"<li><code>(.*?)</code>: (.*?)</li>", text),
        }
    else:
        result["content-type"] = content_type
        result["body"] = json.loads(body)
    if "allow" in headers:
        # Flask also answers HEAD and OPTIONS on every route, and says so.
        methods = {method.strip() for method in headers["allow"].split(",")}
        result["allow"] = sorted(methods - {"HEAD", "OPTIONS"})
    for name in ("vary", "x-content-type-options", "x-frame-options", "referrer-policy"):
        result[name] = headers.get(name)
    return result


def exchange(base: str, error_format: str) -> list[dict[str, Any]]:
    answers = []
    accepts = [API, BROWSER, "text/html;q=0.5, application/xml"]
    for accept in accepts if error_format == "negotiated" else [API]:
        # The same ids on both apps: each pass starts from the state the last one left.
        for method, path, body in REQUESTS:
            sent = {"request": f"{accept[:9]} {method} {path}"}
            answers.append(sent | send(base, method, path, body, accept))
        answers.append({"request": f"{accept[:9]} chunked"} | send_chunked(base, accept))
    return answers


@pytest.fixture
def projects(render: Render, request: pytest.FixtureRequest) -> dict[str, Path]:
    error_format = request.param
    generated = {
        framework: render(framework=framework, error_format=error_format, **ANSWERS)
        for framework in ("fastapi", "flask")
    }
    return generated


@pytest.mark.parametrize(
    ("projects", "error_format"),
    [(fmt, fmt) for fmt in ("problem", "html", "negotiated")],
    indirect=["projects"],
    ids=["problem", "html", "negotiated"],
)
def test_fastapi_and_flask_answer_alike(
    projects: dict[str, Path], error_format: str, tmp_path: Path
) -> None:
    answers: dict[str, list[dict[str, Any]]] = {}
    for framework, root in projects.items():
        with running(root, ["-m", "demo_app"], **ENVIRONMENT) as server:
            answers[framework] = exchange(server.base, error_format)
        assert "Traceback" not in server.output, server.output
    for fastapi, flask in zip(answers["fastapi"], answers["flask"], strict=True):
        assert flask == fastapi

    (tmp_path / "failing_app.py").write_text(FAILING_APP)
    failures: dict[str, list[dict[str, Any]]] = {}
    for framework, root in projects.items():
        argv = ["-c", serve_script(framework, "failing_app")]
        with running(root, argv, PYTHONPATH=str(tmp_path), **ENVIRONMENT) as server:
            failures[framework] = [
                send(server.base, "GET", "/boom", None, accept) for accept in (API, BROWSER)
            ]
        # Each failure's traceback is logged, once; the response never shows it.
        assert server.output.count("Traceback (most recent call last)") == 2, server.output
        assert all("secret detail" not in str(failure) for failure in failures[framework])
    assert failures["flask"] == failures["fastapi"]
    assert {failure["status"] for failure in failures["flask"]} == {500}
