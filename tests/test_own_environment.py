"""Generated projects pass their own checks and serve /health under their production command,
in their own environment made by `uv sync` from their declared dependencies, as a user runs them
(the quality gate runs every combination from one shared environment)."""

import json

import pytest

from tests.support.http_client import get
from tests.support.projects import check_project
from tests.support.servers import serving
from tests.support.template import Render

pytestmark = pytest.mark.slow

PROJECTS = {
    "fastapi-small": {"framework": "fastapi", "team_size": "small"},
    "fastapi-solo-nodocs": {"framework": "fastapi", "team_size": "solo", "docs": "none"},
    "flask-webapp-large": {"framework": "flask", "purpose": "webapp", "team_size": "large"},
    "flask-solo-nopages": {
        "framework": "flask",
        "validation": "none",
        "error_format": "html",
        "team_size": "solo",
        "pages": False,
    },
}


@pytest.mark.parametrize("answers", PROJECTS.values(), ids=PROJECTS.keys())
def test_generated_project_passes_its_checks_and_serves(
    render: Render, answers: dict[str, object]
) -> None:
    project = render(**answers)
    check_project(project, own_env=True)  # a user's `uv sync`: the declared dependencies suffice
    with serving(project, "demo_app") as base:
        status, headers, body = get(f"{base}/health")
        assert status == 200
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body) == {"status": "ok"}

        status, headers, _ = get(f"{base}/no-such-page")
        assert status == 404
        expected = "application/problem+json" if answers["framework"] == "fastapi" else "text/html"
        assert headers["content-type"].startswith(expected)

        if answers.get("purpose") == "webapp":
            status, _, body = get(f"{base}/")
            assert status == 200 and b"<!doctype html>" in body
