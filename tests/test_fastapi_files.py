"""The FastAPI starter as rendered: quick checks that need no project environment."""

import hashlib
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.combinations import all_pairs, combination_id, supported
from tests.support.template import ROOT, Render

ASSETS = ROOT / "template" / "src" / "{{package_name}}" / "{% if api_docs %}docs_assets{% endif %}"


# Every pair of the FastAPI starter's answers (cheap: rendering only).
FASTAPI_PAIRS = all_pairs(supported(framework="fastapi"))


@pytest.mark.parametrize("answers", FASTAPI_PAIRS, ids=map(combination_id, FASTAPI_PAIRS))
def test_files_follow_the_answers(render: Render, answers: dict[str, Any]) -> None:
    project = render(**answers)
    package = project / "src" / "demo_app"
    docs, pages, team = answers["docs"], answers["pages"], answers["team_size"]
    templated = pages or answers["error_format"] != "problem"

    assert (package / "docs.py").exists() == (docs != "none")
    assert (package / "docs_assets" / "swagger-ui").exists() == (docs in ("swagger", "both"))
    assert (package / "docs_assets" / "redoc").exists() == (docs in ("redoc", "both"))
    assert (package / "routes" / "pages.py").exists() == pages
    assert (package / "templates" / "home.html").exists() == pages
    assert (package / "templates" / "error.html").exists() == (answers["error_format"] != "problem")
    assert (package / "static" / "style.css").exists() == templated
    assert (project / ".pre-commit-config.yaml").exists() == (team != "solo")
    assert (project / ".github" / "workflows" / "ci.yml").exists() == (team != "solo")
    assert (project / ".github" / "CODEOWNERS").exists() == (team == "large")
    assert (project / ".github" / "pull_request_template.md").exists() == (team == "large")

    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    dependencies = pyproject["project"]["dependencies"]
    assert any(dep.startswith("jinja2") for dep in dependencies) == templated
    dev = pyproject["dependency-groups"]["dev"]
    assert any(dep.startswith("pytest-cov") for dep in dev) == (team == "large")
    if team == "large":
        assert "--cov-fail-under=90" in pyproject["tool"]["pytest"]["ini_options"]["addopts"]

    routes = (package / "routes" / "items.py").read_text()
    repository = (package / "repository.py").read_text()
    if answers["needs_async"]:
        assert "async def create_item(" in routes
        assert "async def add(" in repository
    else:
        # Only the dependency that hands out the repository is async (no thread-pool hop).
        assert "async def" not in routes
        assert repository.count("async def") == 1
        assert "async def get_item_repository(" in repository
        assert "threading.Lock()" in repository

    for path in project.rglob("*"):
        relative = path.relative_to(project)
        assert "{" not in str(relative), relative
        if path.suffix in (".py", ".toml", ".yml", ".yaml", ".md", ".jinja") or path.name in (
            "Dockerfile",
            ".env.example",
        ):
            assert not re.search(r"\{\{ *[a-z_]+ *\}\}|\{%", path.read_text()), relative
        if path.suffix in (".yml", ".yaml"):
            yaml.safe_load(path.read_text())


def test_production_files(render: Render) -> None:
    project = render(framework="fastapi", team_size="small")
    dockerfile = (project / "Dockerfile").read_text()
    assert dockerfile.count("\nFROM ") == 2  # multi-stage
    assert "uv sync --locked --no-dev" in dockerfile
    assert "\nUSER 10001:10001\n" in dockerfile
    assert "\nHEALTHCHECK " in dockerfile
    assert 'CMD ["python", "-m", "demo_app"]' in dockerfile
    # An allow-list: .env, .git and .venv stay out of the image.
    assert (project / ".dockerignore").read_text().splitlines()[1] == "*"
    env_example = (project / ".env.example").read_text()
    for name in ("CORS_ORIGINS=", "MAX_BODY_BYTES=1048576", "FORWARDED_ALLOW_IPS="):
        assert f"\n{name}\n" in env_example
    assert not (project / ".env").exists()
    workflow = yaml.safe_load((project / ".github" / "workflows" / "ci.yml").read_text())
    steps = [step.get("run") for step in workflow["jobs"]["check"]["steps"]]
    assert {"uv sync --locked", "uv run ruff check .", "uv run mypy", "uv run pytest"} <= set(steps)


# The one change to a vendored file (docs_assets/README.md): ReDoc's logo from no other host.
REDOC_LOGO_PUBLISHED = b'src:"https://cdn.redoc.ly/redoc/logo-mini.svg"'
REDOC_LOGO_VENDORED = b'src:"data:,"'


def test_vendored_docs_files_are_the_published_ones() -> None:
    """Each file hashes to its published checksum; ReDoc's differs by the one recorded string."""
    readme = (ASSETS / "README.md").read_text()
    published = re.findall(r"^([0-9a-f]{64})  (\S+)$", readme, re.MULTILINE)
    changed = re.findall(r"^([0-9a-f]{64})  (\S+) \(changed\)$", readme, re.MULTILINE)
    assert [name for _, name in published] == [
        "swagger-ui/swagger-ui-bundle.js",
        "swagger-ui/swagger-ui.css",
        "redoc/redoc.standalone.js",
    ]
    assert [name for _, name in changed] == ["redoc/redoc.standalone.js"]
    folders = {
        "swagger-ui": "{% if swagger_page %}swagger-ui{% endif %}",
        "redoc": "{% if redoc_page %}redoc{% endif %}",
    }
    for digest, name in published:
        folder, file = name.split("/")
        data = (ASSETS / folders[folder] / file).read_bytes()
        if name == changed[0][1]:
            assert hashlib.sha256(data).hexdigest() == changed[0][0], name
            # Exactly the recorded string differs: put it back and the published file returns.
            assert b"cdn.redoc.ly" not in data
            assert data.count(REDOC_LOGO_VENDORED) == 1
            data = data.replace(REDOC_LOGO_VENDORED, REDOC_LOGO_PUBLISHED)
        assert hashlib.sha256(data).hexdigest() == digest, name
    for folder in folders.values():
        assert (ASSETS / folder / "LICENSE").is_file()


def test_no_file_of_the_starter_is_left_unrendered(render: Render) -> None:
    project = render(framework="fastapi", docs="both", pages=True, error_format="negotiated")
    assert not [p for p in Path(project).rglob("*.jinja")]
