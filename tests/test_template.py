"""The template, rendered with pytest-copie and with plain copier."""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.support.template import ROOT, Render

UNRENDERED = re.compile(r"\{\{|\}\}|\{%|%\}")


def text_files(project: Path) -> list[Path]:
    return [p for p in project.rglob("*") if p.is_file() and ".git" not in p.parts]


def test_fastapi_project_layout(render: Render) -> None:
    project = render(framework="fastapi")
    package = project / "src" / "demo_app"
    for name in ("__init__.py", "__main__.py", "app.py", "settings.py", "errors.py", "py.typed"):
        assert (package / name).is_file(), name
    for name in (
        ".gitignore",
        ".env.example",
        ".copier-answers.yml",
        "README.md",
        ".python-version",
    ):
        assert (project / name).is_file(), name
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert pyproject["project"]["name"] == "demo-app"
    assert any(dep.startswith("fastapi") for dep in pyproject["project"]["dependencies"])
    assert any(dep.startswith("uvicorn") for dep in pyproject["project"]["dependencies"])
    assert "dev" in pyproject["dependency-groups"]
    assert not (package / "views").exists()


def test_flask_project_layout(render: Render) -> None:
    project = render(framework="flask", purpose="webapp")
    package = project / "src" / "demo_app"
    assert (package / "views" / "health.py").is_file()
    assert (package / "templates" / "base.html").is_file()
    assert (package / "static" / "style.css").is_file()
    assert (package / "errors.py").is_file()
    assert not (package / "routes").exists()
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    deps = pyproject["project"]["dependencies"]
    assert any(dep.startswith("flask") for dep in deps)
    assert any(dep.startswith("gunicorn") for dep in deps)
    assert "SECRET_KEY=" in (project / ".env.example").read_text()


@pytest.mark.parametrize(
    "answers",
    [
        {"framework": "fastapi", "team_size": "solo"},
        {"framework": "fastapi", "team_size": "large", "docs": "none"},
        {"framework": "flask", "purpose": "webapp", "team_size": "large"},
        {
            "framework": "flask",
            "purpose": "microservice",
            "validation": "none",
            "error_format": "html",
            "pages": False,
        },
    ],
)
def test_every_file_is_rendered_and_parses(render: Render, answers: dict[str, object]) -> None:
    project = render(**answers)
    for path in text_files(project):
        relative = path.relative_to(project)
        assert "{%" not in str(relative) and "{{" not in str(relative)
        if path.suffix in (".html", ".js", ".css", ".map"):
            continue  # the app's own Jinja2 pages, and vendored assets
        text = path.read_text(encoding="utf-8")
        assert not UNRENDERED.search(text), f"unrendered Jinja in {relative}"
        if path.suffix == ".py":
            compile(text, str(path), "exec")
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            yaml.safe_load(text)


def test_mypy_config_follows_team_size(render: Render) -> None:
    solo = tomllib.loads((render(team_size="solo") / "pyproject.toml").read_text())
    small = tomllib.loads((render(team_size="small") / "pyproject.toml").read_text())
    large = tomllib.loads((render(team_size="large") / "pyproject.toml").read_text())
    assert "mypy" not in solo["tool"]
    assert not any(dep.startswith("mypy") for dep in solo["dependency-groups"]["dev"])
    assert small["tool"]["mypy"]["disallow_untyped_defs"] is True
    assert large["tool"]["mypy"]["strict"] is True


def test_answers_file_records_every_public_answer(render: Render) -> None:
    project = render(framework="flask", purpose="webapp", author_name="Ada")
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["framework"] == "flask"
    assert answers["author_name"] == "Ada"
    assert answers["package_name"] == "demo_app"
    assert "reserved_package_names" not in answers
    assert "project_slug" not in answers


def test_text_answers_keep_quotes_backslashes_and_unicode(render: Render) -> None:
    tricky = 'Say "hi" \\ to {{ you }} & {% me %} — 日本語 🚀'
    project = render(description=tricky, author_name='Zoë "Z" O\'Brien')
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["description"] == tricky
    assert pyproject["project"]["authors"][0]["name"] == 'Zoë "Z" O\'Brien'


def test_plain_copier_without_our_cli(tmp_path: Path) -> None:
    """`copier copy --defaults --data project_name=demo <repo> DEST` works, without --trust."""
    dest = tmp_path / "demo"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--defaults",
            "--vcs-ref",
            "HEAD",
            "--data",
            "project_name=demo",
            str(ROOT),
            str(dest),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert (dest / "src" / "demo" / "app.py").is_file()
    answers = yaml.safe_load((dest / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "demo"


def test_template_needs_no_trust() -> None:
    config = yaml.safe_load((ROOT / "copier.yml").read_text())
    assert "_tasks" not in config
    assert "_jinja_extensions" not in config
    assert "_migrations" not in config


def test_string_answers_land_in_toml_as_json_strings() -> None:
    # to_json(ensure_ascii=False) is a valid TOML basic string for any text without control
    # characters: the validators reject those.
    sample = 'a "quoted" \\ back 🚀'
    assert tomllib.loads(f"x = {json.dumps(sample, ensure_ascii=False)}")["x"] == sample
