"""The FastAPI starter, in the quality gate's combinations (tests/combinations.py; the gate
itself runs each project's own checks): its production server, on 127.0.0.1, answers as
promised; a browser cut off from every other host shows its docs and pages."""

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import visit
from tests.conftest import Render
from tests.projects import pre_commit_run, request, running

pytestmark = pytest.mark.slow

API = {"Accept": "application/json"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
JSON_BODY = {"Content-Type": "application/json"}
ITEM_OPERATIONS = ["List Items", "Create Item", "Get Item", "Delete Item"]
# ReDoc 2's menu shows Redocly's logo from its CDN: the docs page's policy blocks it (and no
# request leaves the browser); ReDoc then leaves the image out.
REDOC_LOGO = "img-src https://cdn.redoc.ly/redoc/logo-mini.svg"
MAX_BODY_BYTES = 1024
# The production entry point, with a route that fails: for the 500 and its log.
FAILING_APP = """
import demo_app.app as app_module
from demo_app.__main__ import main

make_app = app_module.create_app


def create_app():
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    return app


app_module.create_app = create_app
main()
"""


def call(
    base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    return request(method, base + path, data, {**JSON_BODY, **(headers or {})})


def check_error(
    response: tuple[int, dict[str, str], bytes], status: int, error_format: str, html: bool
) -> dict[str, Any] | None:
    """The error is in the chosen format; the problem document when it is one."""
    got_status, headers, body = response
    assert got_status == status, body
    if error_format == "html" or (error_format == "negotiated" and html):
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert body.startswith(b"<!doctype html>")
        assert f"<h1>{status} ".encode() in body
        return None
    assert headers["content-type"] == "application/problem+json"
    problem: dict[str, Any] = json.loads(body)
    assert set(problem) >= {"type", "title", "status", "detail", "instance"}
    assert problem["status"] == status
    return problem


def check_items(base: str) -> None:
    status, headers, body = call(base, "POST", "/api/items", {"name": "Teapot", "price": 12.5})
    assert status == 201
    assert headers["content-type"] == "application/json"
    item = json.loads(body)
    assert item == {"id": item["id"], "name": "Teapot", "price": 12.5}
    path = f"/api/items/{item['id']}"
    status, _, body = call(base, "GET", "/api/items")
    assert status == 200
    assert json.loads(body) == [item]
    assert json.loads(call(base, "GET", path)[2]) == item
    status, _, body = call(base, "DELETE", path)
    assert (status, body) == (204, b"")
    assert call(base, "GET", "/api/items")[2] == b"[]"


def check_errors(base: str, error_format: str) -> None:
    for accept, html in ((API, False), (BROWSER, True)):
        response = call(base, "GET", "/api/items/999", headers=accept)
        problem = check_error(response, 404, error_format, html)
        if problem:
            assert problem["instance"] == "/api/items/999"
            assert problem["detail"] == "There is no item 999."

        check_error(call(base, "GET", "/no-such-page", headers=accept), 404, error_format, html)

        response = call(base, "POST", "/health", headers=accept)
        check_error(response, 405, error_format, html)
        assert response[1]["allow"] == "GET"

        response = call(base, "POST", "/api/items", {"name": "SECRET" * 20, "price": -5}, accept)
        problem = check_error(response, 422, error_format, html)
        assert b"SECRET" not in response[2]
        if problem:
            assert [error["loc"] for error in problem["errors"]] == [
                ["body", "name"],
                ["body", "price"],
            ]

        response = call(base, "POST", "/api/items", b'{"name": "Teapot",', accept)
        problem = check_error(response, 400, error_format, html)
        assert b"Teapot" not in response[2]
        if problem:
            assert problem["title"] == "Bad Request"

        large = {"name": "x" * 100, "price": 1, "padding": "x" * MAX_BODY_BYTES}
        check_error(call(base, "POST", "/api/items", large, accept), 413, error_format, html)


def check_secure_defaults(base: str) -> None:
    status, headers, _ = call(base, "GET", "/health", headers={"Origin": "https://evil.example"})
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "no-referrer"
    assert headers["content-security-policy"].startswith("default-src 'self'")
    assert "access-control-allow-origin" not in headers
    assert "server" not in headers


def check_docs(base: str, docs: str) -> None:
    pages = {"swagger": ["/docs"], "redoc": ["/redoc"], "both": ["/docs", "/redoc"]}.get(docs, [])
    for path in {"/docs", "/redoc", "/openapi.json"} - {*pages, "/openapi.json" if pages else ""}:
        assert call(base, "GET", path)[0] == 404, path
    for path in pages:
        status, _, body = call(base, "GET", path)
        assert status == 200
        page = body.decode()
        assert "://" not in page  # no CDN, no web fonts, no remote favicon
        urls = re.findall(r'(?:src|href|spec-url)="([^"]*)"', page)
        urls += re.findall(r"url: '([^']*)'", page)
        assert len(urls) >= 3, page
        for url in urls:
            assert url.startswith("/"), url
            assert call(base, "GET", url)[0] == 200, url
        shown = visit(base + path, ITEM_OPERATIONS)
        assert shown.outside_requests == []
        allowed = {REDOC_LOGO} if path == "/redoc" else set()
        assert set(shown.csp_violations) <= allowed, shown.csp_violations
        assert "/api/items" in shown.text


def check_pages(base: str, answers: dict[str, Any]) -> None:
    if answers["pages"]:
        call(base, "POST", "/api/items", {"name": "Kettle <b>", "price": 30})
        status, headers, body = call(base, "GET", "/", headers=BROWSER)
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b"Kettle &lt;b&gt;" in body
        shown = visit(base + "/", ["Kettle <b>", "30.00"])
        assert shown.outside_requests == []
        assert shown.csp_violations == []
    else:
        assert call(base, "GET", "/", headers=BROWSER)[0] == 404
    if answers["error_format"] != "problem":
        shown = visit(base + "/no-such-page", ["404 Not Found"])
        assert shown.outside_requests == []
        assert shown.csp_violations == []


def check_unhandled_error(project: Path, error_format: str) -> None:
    with running(project, ["-c", FAILING_APP]) as server:
        for accept, html in ((API, False), (BROWSER, True)):
            response = call(server.base, "GET", "/boom", headers=accept)
            check_error(response, 500, error_format, html)
            assert b"secret detail" not in response[2]
            assert b"Traceback" not in response[2]
            assert response[1]["x-content-type-options"] == "nosniff"
    # Two failed requests, two tracebacks: each logged once, with the exception.
    assert server.output.count("Traceback (most recent call last)") == 2, server.output
    assert server.output.count("RuntimeError: secret detail") == 2, server.output


def test_fastapi_project(render: Render, fastapi_combination: dict[str, Any]) -> None:
    answers = fastapi_combination
    project = render(**answers)
    with running(project, ["-m", "demo_app"], MAX_BODY_BYTES=str(MAX_BODY_BYTES)) as server:
        status, _, body = call(server.base, "GET", "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        check_items(server.base)
        check_errors(server.base, answers["error_format"])
        check_secure_defaults(server.base)
        check_docs(server.base, answers["docs"])
        check_pages(server.base, answers)
    assert "Traceback" not in server.output, server.output
    check_unhandled_error(project, answers["error_format"])


def test_pre_commit_hooks_pass(render: Render) -> None:
    project = render(framework="fastapi", team_size="large", pages=True)
    result = pre_commit_run(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ruff check" in result.stdout
    assert "mypy" in result.stdout
