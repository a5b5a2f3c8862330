"""The hybrid starter: the FastAPI starter with a Flask app mounted at the root (the fallback for
every path the FastAPI app has no route for) or under /legacy, in the quality gate's combinations
(tests/support/combinations.py; the gate runs each project's own checks). Under its production
command (uvicorn) on 127.0.0.1, requests reach both apps, the Flask app's links start with its
mount point, both apps read one settings object, and the errors of both sides come in the chosen
format (a 500 on either side, and /health when the Flask app fails: tests/test_api_contract.py)."""

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest

from tests.support import combinations
from tests.support.browser import visit_offline
from tests.support.fastapi_checks import (
    API,
    BROWSER,
    JSON_BODY,
    MAX_BODY_BYTES,
    call,
    check_docs,
    check_error,
    check_errors,
    check_items,
    check_pages,
    check_secure_defaults,
)
from tests.support.http_client import post_chunked
from tests.support.projects import check_project
from tests.support.servers import running
from tests.support.template import Render

APP_NAME = "Teashop (hybrid)"


def prefix_of(answers: dict[str, Any]) -> str:
    """Where the Flask app is mounted: "" at the root."""
    return "/legacy" if answers["legacy_mount"] == "prefix" else ""


def check_both_apps_answer(base: str, prefix: str) -> None:
    status, _, body = call(base, "GET", "/health")
    assert (status, json.loads(body)) == (200, {"status": "ok", "legacy": "ok"})

    status, headers, body = call(base, "GET", f"{prefix}/hello")
    assert status == 200
    assert headers["content-type"] == "application/json"
    # One settings object: APP_NAME, from the environment, reaches the Flask app too.
    assert json.loads(body) == {
        "message": f"Hello from the Flask app of {APP_NAME}.",
        "url": f"{prefix}/hello",
    }

    status, _, body = call(base, "POST", f"{prefix}/greetings", {"name": "Thé 🫖"})
    assert (status, json.loads(body)) == (200, {"greeting": "Hello, Thé 🫖!"})
    status, _, body = post_chunked(
        f"{base}{prefix}/greetings", [b'{"name":', b' "Ada"}'], {**JSON_BODY, **API}
    )
    assert (status, json.loads(body)) == (200, {"greeting": "Hello, Ada!"})


def check_legacy_errors(base: str, error_format: str, prefix: str) -> None:
    for accept, html in ((API, False), (BROWSER, True)):
        response = call(base, "GET", f"{prefix}/no-such-page", headers=accept)
        problem = check_error(response, 404, error_format, html)
        if problem:
            assert problem["instance"] == f"{prefix}/no-such-page"
            assert problem["detail"] == "Not Found"
        else:  # the error page's files, at the Flask app's static URL
            links = re.findall(rb'href="([^"]*)"', response[2])
            assert f"{prefix}/static/style.css".encode() in links
            assert call(base, "GET", f"{prefix}/static/style.css")[0] == 200

        response = call(base, "GET", f"{prefix}/greetings", headers=accept)
        check_error(response, 405, error_format, html)
        assert set(response[1]["allow"].split(", ")) == {"OPTIONS", "POST"}

        response = call(base, "POST", f"{prefix}/greetings", {"name": "SECRET" * 20}, accept)
        problem = check_error(response, 422, error_format, html)
        assert b"SECRET" not in response[2]
        if problem:
            assert [error["loc"] for error in problem["errors"]] == [["body", "name"]]

        response = call(base, "POST", f"{prefix}/greetings", b'{"name": "Ada",', accept)
        problem = check_error(response, 400, error_format, html)
        assert b"Ada" not in response[2]
        if problem:
            assert problem["detail"] == "The request body is not valid JSON."

        large = {"name": "x", "padding": "x" * MAX_BODY_BYTES}
        response = call(base, "POST", f"{prefix}/greetings", large, accept)
        check_error(response, 413, error_format, html)
        chunks = [b'{"name": "', b"x" * MAX_BODY_BYTES, b'"}']
        response = post_chunked(f"{base}{prefix}/greetings", chunks, {**JSON_BODY, **accept})
        problem = check_error(response, 413, error_format, html)
        if problem:
            assert problem["detail"] == f"The request body is larger than {MAX_BODY_BYTES} bytes."


def check_legacy_headers(base: str, prefix: str) -> None:
    """The FastAPI app's middleware wraps the Flask app's answers too."""
    for path in (f"{prefix}/hello", f"{prefix}/no-such-page"):
        _, headers, _ = call(base, "GET", path, headers={"Origin": "https://evil.example"})
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
        assert headers["content-security-policy"].startswith("default-src 'self'")
        assert "access-control-allow-origin" not in headers


def check_legacy_pages(base: str, answers: dict[str, Any]) -> None:
    prefix = prefix_of(answers)
    # At the root, `/` is the FastAPI app's home page: the Flask app's has a path of its own.
    home = f"{prefix}/" if prefix else "/welcome"
    if not answers["pages"]:
        check_error(call(base, "GET", home, headers=API), 404, answers["error_format"], False)
        return
    status, headers, body = call(base, "GET", home, headers=BROWSER)
    assert status == 200
    assert headers["content-type"] == "text/html; charset=utf-8"
    links = {link.decode() for link in re.findall(rb'(?:src|href)="([^"]*)"', body)}
    assert {home, f"{prefix}/hello", f"{prefix}/static/style.css"} <= links
    if answers["auth"] == "session":
        # The request carries the server's session (made on the FastAPI app's /login page): the
        # Flask page's header shows its account and the FastAPI app's "Sign out".
        assert b'action="/logout"' in body
    for link in links:
        assert link.startswith(f"{prefix}/"), link
        assert call(base, "GET", link)[0] == 200, link
    visit_offline(base + home, [f"The Flask pages of {APP_NAME}"])


def check_flask_routes_are_not_described(base: str, docs: str, auth: str) -> None:
    if docs != "none":
        schema = json.loads(call(base, "GET", "/openapi.json")[2])
        assert schema["info"]["title"] == APP_NAME
        paths = {"/health", "/ready", "/api/items", "/api/items/{item_id}"}
        if auth == "jwt":  # the FastAPI app's token routes; the Flask app's /me is not described
            paths |= {"/api/auth/token", "/api/auth/logout"}
        assert set(schema["paths"]) == paths


@pytest.mark.slow
def test_hybrid_project(render: Render, hybrid_combination: dict[str, Any]) -> None:
    answers = hybrid_combination
    prefix = prefix_of(answers)
    project = render(**answers)
    environment = {"MAX_BODY_BYTES": str(MAX_BODY_BYTES), "APP_NAME": APP_NAME}
    with running(project, ["-m", "demo_app"], **environment) as server:
        check_both_apps_answer(server.base, prefix)
        check_legacy_errors(server.base, answers["error_format"], prefix)
        check_legacy_pages(server.base, answers)
        check_flask_routes_are_not_described(server.base, answers["docs"], answers["auth"])
        # The FastAPI starter's promises hold in the hybrid too.
        check_items(server.base)
        check_errors(server.base, answers["error_format"])
        check_secure_defaults(server.base)
        check_legacy_headers(server.base, prefix)
        check_docs(server.base, answers["docs"])
        check_pages(server.base, answers)
    assert "Traceback" not in server.output, server.output


def test_files_follow_the_answers(render: Render, hybrid_combination: dict[str, Any]) -> None:
    answers = hybrid_combination
    project = render(**answers)
    package = project / "src" / "demo_app"
    legacy = package / "legacy"
    templated = answers["pages"] or answers["error_format"] != "problem"
    for name in ("__init__.py", "app.py", "views.py", "errors.py"):
        assert (legacy / name).is_file(), name
    assert (legacy / "pages.py").exists() == answers["pages"]
    assert (legacy / "templates" / "base.html").exists() == templated
    assert (legacy / "templates" / "home.html").exists() == answers["pages"]
    assert (legacy / "templates" / "error.html").exists() == (answers["error_format"] != "problem")
    assert (package / "static" / "style.css").exists() == templated
    # The whole FastAPI starter, and no Flask starter file.
    for name in ("app.py", "errors.py", "middleware.py", "repository.py", "schemas.py"):
        assert (package / name).is_file(), name
    assert (package / "routes" / "items.py").is_file()
    assert not (package / "views").exists()
    assert not (package / "security.py").exists()
    assert (project / "tests" / "test_legacy.py").is_file()
    containers = answers["deploy"] != "none"
    assert (project / "Dockerfile").is_file() == containers
    assert (project / ".dockerignore").is_file() == containers
    if containers:
        assert 'CMD ["python", "-m", "demo_app"]' in (project / "Dockerfile").read_text()

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    names = {re.split(r"[<>=\[]", dep)[0] for dep in pyproject["project"]["dependencies"]}
    assert {"a2wsgi", "fastapi", "flask", "uvicorn", "pydantic-settings"} <= names
    assert not names & {"gunicorn", "apiflask", "flask-cors"}
    readme = (project / "README.md").read_text()
    assert "## Move a route from Flask to FastAPI" in readme
    assert "a2wsgi" in readme
    assert not re.search(r"\{\{|\{%", readme)


def test_hybrid_refuses_other_validation(copie: Any, template_dir: Path) -> None:
    for validation in ("marshmallow", "none"):
        result = copie.copy(
            extra_answers={
                "project_name": "demo-app",
                "framework": "hybrid",
                "validation": validation,
            },
            template_dir=template_dir,
        )
        assert result.exit_code != 0
        assert "the FastAPI app of hybrid always validates with Pydantic" in str(result.exception)


def readme_move(readme: str) -> tuple[str, str, str, tuple[str, str]]:
    """Step 1 of the README's "Move a route": the file to write, its code, the import of the
    routers it gives, and (the router to include, the line it goes after)."""
    section = readme.partition("## Move a route from Flask to FastAPI")[2].partition("\n## ")[0]
    found = re.search(r"`(routes/\w+\.py)`:\n\n( *)```python\n(.*?)\n *```", section, re.DOTALL)
    assert found, section
    path, indent, code = found.groups()
    code = "\n".join(line.removeprefix(indent) for line in code.splitlines()) + "\n"
    name = path.removeprefix("routes/").removesuffix(".py")
    flat = re.sub(r"\s+", " ", section)  # the sentences, whatever their line breaks
    imports = re.search(r"the import of the routers becomes `(from \.routes import [^`]+)`", flat)
    include = re.search(rf"`(app\.include_router\({name}\.router\))` goes after `([^`]+)`", flat)
    assert imports and include, section
    return path, code, imports.group(1), (include.group(1), include.group(2))


@pytest.mark.slow
@pytest.mark.parametrize("legacy_mount", combinations.values("legacy_mount"))
def test_the_documented_move_keeps_the_project_checks_passing(
    render: Render, legacy_mount: str
) -> None:
    """README, "Move a route", step 1 as written: a FastAPI route with the path of a Flask route.
    The project's own tests (which check that path as clients see it), ruff and strict mypy
    still pass, and the FastAPI app now answers and describes that path."""
    project = render(framework="hybrid", legacy_mount=legacy_mount, team_size="large")
    package = project / "src" / "demo_app"
    path, code, imports, (include, after) = readme_move((project / "README.md").read_text())
    (package / path).write_text(code)
    app_py = (package / "app.py").read_text()
    assert after in app_py
    app_py = re.sub(r"^from \.routes import .*$", imports, app_py, count=1, flags=re.MULTILINE)
    app_py = app_py.replace(after, f"{after}\n    {include}")
    (package / "app.py").write_text(app_py)
    check_project(project)
    moved = re.search(r'@router\.get\("([^"]+)"\)', code)
    assert moved
    with running(project, ["-m", "demo_app"], APP_NAME=APP_NAME) as server:
        schema = json.loads(call(server.base, "GET", "/openapi.json")[2])
        assert moved.group(1) in schema["paths"]
        status, _, body = call(server.base, "GET", moved.group(1))
        assert (status, json.loads(body)["url"]) == (200, moved.group(1))
