"""What the FastAPI starter promises over HTTP, checked against a live server: the FastAPI
starter's tests run them, and the hybrid starter's, whose FastAPI app must keep every promise."""

import json
import re
from typing import Any

from tests.support.browser import ITEM_OPERATIONS, visit_offline
from tests.support.http_client import BROWSER_ACCEPT, Response, request

API = {"Accept": "application/json"}
BROWSER = {"Accept": BROWSER_ACCEPT}
JSON_BODY = {"Content-Type": "application/json"}
# The servers under test run with MAX_BODY_BYTES set to this.
MAX_BODY_BYTES = 1024


def call(
    base: str, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> Response:
    data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
    return request(method, base + path, data, {**JSON_BODY, **(headers or {})})


def check_error(
    response: Response, status: int, error_format: str, html: bool
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
    assert json.loads(body) == {"items": [item], "next": None}
    assert json.loads(call(base, "GET", path)[2]) == item
    status, _, body = call(base, "DELETE", path)
    assert (status, body) == (204, b"")
    assert json.loads(call(base, "GET", "/api/items")[2]) == {"items": [], "next": None}


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
        assert response[1]["allow"] == "GET, HEAD"

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
        # No CSP violation either: ReDoc's logo comes from no other host.
        shown = visit_offline(base + path, ITEM_OPERATIONS)
        assert "/api/items" in shown.text


def check_pages(base: str, answers: dict[str, Any]) -> None:
    if answers["pages"]:
        call(base, "POST", "/api/items", {"name": "Kettle <b>", "price": 30})
        status, headers, body = call(base, "GET", "/", headers=BROWSER)
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b"Kettle &lt;b&gt;" in body
        visit_offline(base + "/", ["Kettle <b>", "30.00"])
    else:
        assert call(base, "GET", "/", headers=BROWSER)[0] == 404
    if answers["error_format"] != "problem":
        visit_offline(base + "/no-such-page", ["404 Not Found"])
