"""Run a generated project's own tools, for real."""

import os
import subprocess
import tomllib
from pathlib import Path

from tests.support import postgres, shared_env


def project_env(project: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment a project's tools run in: the project's `src` (and any PYTHONPATH given)
    on the path, which the shared environment needs and its own does not mind."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(UV_NO_PROGRESS="1", PYTHONDONTWRITEBYTECODE="1", **extra)
    if project is not None:
        paths = [str(project / "src"), *filter(None, [extra.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["MYPYPATH"] = str(project / "src")
    return env


def run(
    project: Path, *args: str, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(args),
        cwd=project,
        env=project_env(project, **(env or {})),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def uses_mypy(project: Path) -> bool:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return "mypy" in pyproject.get("tool", {})


def check_project(project: Path, *, own_env: bool = False, tests: bool = True) -> None:
    """The promise: the project's own tests, linter, formatter and type checker pass. Run from
    the session's shared environment (tests/support/shared_env.py) with the project's `src` on
    the path, or, with `own_env`, from the project's own `uv sync` as a user would. `tests=False`
    leaves the tests to the caller."""
    if own_env:
        run(project, "uv", "sync", "--quiet")
        tool = ["uv", "run", "--frozen"]
    else:
        tool = [shared_env.binary("python"), "-m"]
    if tests:
        # A PostgreSQL project's tests run on a database of their own (tests/support/postgres.py).
        database = postgres.database_env(project)
        run(project, *tool, "pytest", "-q", "-p", "no:cacheprovider", env=database)
    run(project, *tool, "ruff", "check", "--no-cache", ".")
    run(project, *tool, "ruff", "format", "--no-cache", "--check", ".")
    if uses_mypy(project):
        cache = ["--no-incremental"] if own_env else ["--cache-dir", shared_env.mypy_cache()]
        run(project, *tool, "mypy", *cache)


def python(project: Path) -> str:
    """The project's own environment's Python after a `uv sync`, else the shared one."""
    own = project / ".venv" / "bin" / "python"
    return str(own) if own.exists() else shared_env.binary("python")


def pre_commit_run(project: Path) -> subprocess.CompletedProcess[str]:
    """The project's pre-commit hooks on every file, in a fresh git repository."""
    run(project, "uv", "sync", "--quiet")
    run(project, "git", "init", "--quiet")
    run(project, "git", "add", "--all")
    return subprocess.run(
        ["uvx", "pre-commit", "run", "--all-files"],
        cwd=project,
        env=project_env(PRE_COMMIT_HOME=str(project / ".pre-commit-cache")),
        capture_output=True,
        text=True,
        check=False,
    )


# The app's OpenAPI description, from the app object: FastAPI's openapi(), APIFlask's spec.
PRINT_DESCRIPTION = """
import json
from demo_app.app import create_app

app = create_app()
print(json.dumps(app.spec if hasattr(type(app), "spec") else app.openapi()))
"""


def openapi_description(project: Path, **env: str) -> str:
    """The OpenAPI document of the project `demo_app`'s app, as JSON text. A PostgreSQL
    project's app is made with a DATABASE_URL (it connects to nothing yet)."""
    printed = subprocess.run(
        [python(project), "-c", PRINT_DESCRIPTION],
        cwd=project,
        env=project_env(project, **env, **postgres.database_env(project)),
        capture_output=True,
        text=True,
        check=True,
    )
    return printed.stdout
