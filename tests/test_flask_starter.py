"""The Flask starter: in the quality gate's combinations (tests/support/combinations.py; the gate
itself runs each project's own checks), it behaves over HTTP under its production command
(gunicorn)."""

import json
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import ITEM_OPERATIONS, visit_offline
from tests.support.http_client import BROWSER_ACCEPT, post_chunked, request
from tests.support.projects import pre_commit_run, project_env, python
from tests.support.servers import running
from tests.support.template import Render

PACKAGE = "demo_app"
SECRET_KEY = "stackwise-test-secret"
BROWSER = BROWSER_ACCEPT
PROBLEM_JSON = "application/problem+json"

# --- Fast: the questions, the files ----------------------------------------


def test_docs_without_a_validation_library_are_refused(copie: Any, template_dir: Path) -> None:
    result = copie.copy(
        extra_answers={
            "project_name": "demo-app",
            "framework": "flask",
            "validation": "none",
            "docs": "swagger",
        },
        template_dir=template_dir,
    )
    assert result.exit_code != 0
    assert "needs a validation library" in str(result.exception)


@pytest.mark.parametrize(
    ("validation", "requirement", "module"),
    [("pydantic", "pydantic", "schemas.py"), ("marshmallow", "marshmallow", "schemas.py")],
)
def test_a_validation_library_brings_apiflask(
    render: Render, validation: str, requirement: str, module: str
) -> None:
    root = render(framework="flask", validation=validation, docs="both", pages=False)
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(dep.startswith("apiflask") for dep in dependencies)
    assert any(dep.startswith(requirement) for dep in dependencies)
    assert (root / "src" / PACKAGE / module).is_file()
    assert "APIFlask" in (root / "src" / PACKAGE / "app.py").read_text()


def test_plain_flask_without_a_validation_library(render: Render) -> None:
    root = render(framework="flask", validation="none", docs="none", pages=False)
    package = root / "src" / PACKAGE
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert not any(dep.startswith(("apiflask", "pydantic", "marshmallow")) for dep in dependencies)
    assert not (package / "schemas.py").exists()
    assert not (package / "docs_assets").exists()
    assert not (package / "templates").exists()  # no pages and problem documents: no templates
    assert "def parse_item(" in (package / "views" / "items.py").read_text()


@pytest.mark.parametrize(
    ("docs", "folders"),
    [("swagger", {"swagger-ui"}), ("redoc", {"redoc"}), ("both", {"swagger-ui", "redoc"})],
)
def test_only_the_chosen_docs_assets_are_shipped(
    render: Render, docs: str, folders: set[str]
) -> None:
    assets = render(framework="flask", validation="pydantic", docs=docs) / "src" / PACKAGE
    assets = assets / "docs_assets"
    assert {path.name for path in assets.iterdir() if path.is_dir()} == folders
    for folder in folders:
        assert (assets / folder / "LICENSE").is_file()


def test_async_views_need_flask_async(render: Render) -> None:
    root = render(framework="flask", needs_async=True, pages=True)
    dependencies = tomllib.loads((root / "pyproject.toml").read_text())["project"]["dependencies"]
    assert any(dep.startswith("flask[async]") for dep in dependencies)
    assert "async def create_item" in (root / "src" / PACKAGE / "views" / "items.py").read_text()
    readme = (root / "README.md").read_text()
    assert "still holds a worker" in readme


@pytest.mark.parametrize(
    ("pages", "error_format", "files"),
    [
        (True, "problem", {"base.html", "home.html"}),
        (False, "html", {"base.html", "error.html"}),
        (True, "negotiated", {"base.html", "home.html", "error.html"}),
    ],
)
def test_templates_follow_pages_and_the_error_format(
    render: Render, pages: bool, error_format: str, files: set[str]
) -> None:
    package = render(framework="flask", pages=pages, error_format=error_format) / "src" / PACKAGE
    assert {path.name for path in (package / "templates").iterdir()} == files
    assert (package / "static" / "style.css").is_file()


def test_production_files(render: Render) -> None:
    root = render(framework="flask", team_size="small")
    dockerfile = (root / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") == 2  # multi-stage
    assert "uv sync --locked --no-dev" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "\nHEALTHCHECK " in dockerfile
    assert 'CMD ["python", "-m", "demo_app"]' in dockerfile
    assert "-e SECRET_KEY=" in dockerfile
    assert (root / ".dockerignore").read_text().splitlines()[1] == "*"
    env_example = (root / ".env.example").read_text()
    for name in ("SECRET_KEY=", "CORS_ORIGINS=", "MAX_BODY_BYTES=1048576"):
        assert f"\n{name}\n" in env_example
    main = (root / "src" / PACKAGE / "__main__.py").read_text()
    assert '"--no-control-socket"' in main


# --- Slow: each project's own checks, then its production server --------------------------------


def post_json(base: str, path: str, body: Any, accept: str = "application/json") -> Any:
    return request(
        "POST",
        base + path,
        json.dumps(body).encode(),
        {"Content-Type": "application/json", "Accept": accept},
    )


def send_chunked(base: str, path: str, size: int) -> tuple[int, dict[str, str], bytes]:
    """POST a JSON body of about `size` bytes in chunks, without a Content-Length."""
    chunk = b"x" * 65536
    parts = [b'{"name": "', *([chunk] * (size // len(chunk) + 1)), b'", "price": 1}']
    return post_chunked(base + path, parts, {"Content-Type": "application/json"})


def error_kind(answers: dict[str, Any], accept: str) -> str:
    if answers["error_format"] == "negotiated":
        return "html" if accept == BROWSER else "problem"
    return str(answers["error_format"])


def assert_error(
    answer: tuple[int, dict[str, str], bytes], status: int, kind: str, path: str
) -> None:
    code, headers, body = answer
    assert code == status, body
    if kind == "problem":
        assert headers["content-type"] == PROBLEM_JSON
        problem = json.loads(body)
        assert problem["status"] == status
        assert problem["type"] == "about:blank"
        assert problem["instance"] == path
    else:
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert body.startswith(b"<!doctype html>")
        assert f"<h1>{status} ".encode() in body
    assert headers["x-content-type-options"] == "nosniff"


def check_errors(base: str, answers: dict[str, Any], accept: str) -> None:
    kind = error_kind(answers, accept)
    headers = {"Accept": accept}
    assert_error(request("GET", base + "/no-such-page", None, headers), 404, kind, "/no-such-page")
    assert_error(
        request("GET", base + "/api/items/999", None, headers), 404, kind, "/api/items/999"
    )

    wrong_method = request("POST", base + "/health", None, headers)
    assert_error(wrong_method, 405, kind, "/health")
    assert "GET" in wrong_method[1]["allow"]

    invalid = post_json(base, "/api/items", {"name": "SECRET" * 20, "price": -5}, accept)
    assert_error(invalid, 422, kind, "/api/items")
    assert b"SECRET" not in invalid[2]
    assert b"-5" not in invalid[2]
    if kind == "problem":
        errors = json.loads(invalid[2])["errors"]
        assert [error["loc"] for error in errors] == [["body", "name"], ["body", "price"]]

    malformed = request(
        "POST",
        base + "/api/items",
        b'{"name": "Teapot",',
        {"Content-Type": "application/json", **headers},
    )
    assert_error(malformed, 400, kind, "/api/items")
    assert b"Teapot" not in malformed[2]
    assert_error(
        request("GET", base + "/api/items/abc", None, headers), 422, kind, "/api/items/abc"
    )


def check_docs(base: str, docs: str) -> None:
    pages = {"/docs": docs in ("swagger", "both"), "/redoc": docs in ("redoc", "both")}
    assert request("GET", base + "/openapi.json")[0] == (404 if docs == "none" else 200)
    for path, served in pages.items():
        status, headers, body = request("GET", base + path)
        assert status == (200 if served else 404), path
        if not served:
            continue
        page = body.decode()
        assert "://" not in page  # no CDN, no web fonts
        policy = dict(
            directive.strip().split(" ", 1)
            for directive in headers["content-security-policy"].split(";")
        )
        assert policy.get("script-src", policy["default-src"]) == "'self'"
        urls = re.findall(r'(?:src|href|spec-url|data-openapi-url)="([^"]*)"', page)
        assert len(urls) >= 3
        for url in urls:
            asset = request("GET", base + url)
            assert asset[0] == 200, url
            assert asset[2], url
        # No CSP violation either: ReDoc's logo comes from no other host.
        visit_offline(base + path, ITEM_OPERATIONS)
    if docs != "none":
        spec = json.loads(request("GET", base + "/openapi.json")[2])
        assert {"/api/items", "/api/items/{item_id}"} <= set(spec["paths"])


def check_pages(base: str, answers: dict[str, Any]) -> None:
    if answers["pages"]:
        post_json(base, "/api/items", {"name": "Kettle <b>", "price": 30})
        status, headers, body = request("GET", base + "/", None, {"Accept": BROWSER})
        assert status == 200
        assert headers["content-type"] == "text/html; charset=utf-8"
        assert b"Kettle &lt;b&gt;" in body
        visit_offline(base + "/", ["Kettle <b>", "30.00"])
    if answers["error_format"] != "problem":
        visit_offline(base + "/no-such-page", ["404 Not Found"])


@pytest.mark.slow
def test_the_project_serves(render: Render, flask_combination: dict[str, Any]) -> None:
    answers = flask_combination
    root = render(**answers)
    with running(root, ["-m", PACKAGE], SECRET_KEY=SECRET_KEY) as server:
        base = server.base
        status, headers, body = request("GET", base + "/health")
        assert (status, json.loads(body)) == (200, {"status": "ok"})
        assert headers["x-frame-options"] == "DENY"
        assert headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        cross_origin = {"Origin": "https://elsewhere.example"}
        assert (
            "access-control-allow-origin"
            not in request("GET", base + "/api/items", None, cross_origin)[1]
        )

        created = post_json(base, "/api/items", {"name": "Thé 🫖", "price": 12.5})
        assert created[0] == 201
        item = json.loads(created[2])
        assert item == {"id": 1, "name": "Thé 🫖", "price": 12.5}
        page = {"items": [item], "next": None}
        assert json.loads(request("GET", base + "/api/items")[2]) == page
        assert json.loads(request("GET", base + "/api/items/1")[2]) == item
        if answers["pages"]:
            home = request("GET", base + "/")
            assert home[0] == 200
            assert "Thé 🫖" in home[2].decode()
        deleted = request("DELETE", base + "/api/items/1")
        assert (deleted[0], deleted[2]) == (204, b"")
        assert request("GET", base + "/api/items/1")[0] == 404

        negotiated = answers["error_format"] == "negotiated"
        for accept in [BROWSER, "application/json"] if negotiated else ["*/*"]:
            check_errors(base, answers, accept)
        too_large = send_chunked(base, "/api/items", 1024 * 1024 + 1000)
        assert_error(too_large, 413, error_kind(answers, "*/*"), "/api/items")
        check_docs(base, answers["docs"])
        check_pages(base, answers)
    assert "Traceback" not in server.output, server.output


@pytest.mark.slow
def test_production_refuses_to_start_without_a_secret_key(render: Render) -> None:
    root = render(framework="flask", validation="none", docs="none", team_size="solo")
    env = project_env(root, ENVIRONMENT="production")
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [python(root), "-m", PACKAGE],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: SECRET_KEY is not set and ENVIRONMENT is production")


@pytest.mark.slow
def test_pre_commit_hooks_pass(render: Render) -> None:
    root = render(framework="flask", validation="marshmallow", team_size="large", pages=True)
    result = pre_commit_run(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "mypy" in result.stdout
