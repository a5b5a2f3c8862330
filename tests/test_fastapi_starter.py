"""The FastAPI starter, in the quality gate's combinations (tests/support/combinations.py; the
gate itself runs each project's own checks): its production server, on 127.0.0.1, answers as
promised (tests/support/fastapi_checks.py); a browser cut off from every other host shows its
docs and pages."""

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.fastapi_checks import (
    MAX_BODY_BYTES,
    call,
    check_docs,
    check_errors,
    check_items,
    check_pages,
    check_secure_defaults,
)
from tests.support.http_client import get
from tests.support.projects import check_project, pre_commit_run
from tests.support.servers import running, serving
from tests.support.template import Render

pytestmark = pytest.mark.slow


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


def test_pre_commit_hooks_pass(render: Render) -> None:
    project = render(framework="fastapi", team_size="large", pages=True)
    result = pre_commit_run(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ruff check" in result.stdout
    assert "mypy" in result.stdout


def test_fastapi_docs_follow_the_answer(render: Render, tmp_path: Path) -> None:
    project = render(framework="fastapi", docs="redoc", team_size="solo")
    check_project(project)
    with serving(project, "demo_app") as base:
        assert get(f"{base}/redoc")[0] == 200
        assert get(f"{base}/openapi.json")[0] == 200
        assert get(f"{base}/docs")[0] == 404
