"""One virtual environment for every generated project a test session checks: the union of
their dependencies (each supported combination's pyproject.toml, [project.dependencies] and the
dev group), made once with uv and shared by the xdist workers under a file lock. A project then
runs its tools from it with its own `src` on the path, instead of a `uv sync` of its own.

A new dependency of the template gets in by itself: the union is read from the rendered
pyproject.toml files, and the environment is named by its hash."""

import hashlib
import os
import subprocess
import sys
import tempfile
import tomllib
from functools import cache
from pathlib import Path

from filelock import FileLock

from tests.support import combinations
from tests.support.rendering import TEMPLATE, context, render_file

# Beside other sessions' environments; one per distinct set of requirements.
ENVIRONMENTS = Path(tempfile.gettempdir()) / "stackwise-test-envs"
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
RECIPE = "2: bytecode compiled"  # change it when _make changes: a new environment is made


def requirements() -> list[str]:
    """Every requirement of every supported combination's project."""
    template = TEMPLATE / "pyproject.toml.jinja"
    # Many combinations share a pyproject.toml: each distinct text is parsed once.
    texts = {
        render_file(template, context(answers)) for answers in combinations.supported_answers()
    }
    found: set[str] = set()
    for text in texts:
        pyproject = tomllib.loads(text)
        found.update(pyproject["project"].get("dependencies", []))
        found.update(pyproject.get("dependency-groups", {}).get("dev", []))
    return sorted(found)


@cache
def location() -> Path:
    """The environment, made on first use in this session (or by another worker)."""
    wanted = requirements()
    digest = hashlib.sha256("\n".join([PYTHON, RECIPE, *wanted]).encode()).hexdigest()[:16]
    env = ENVIRONMENTS / f"py{PYTHON}-{digest}"
    ENVIRONMENTS.mkdir(parents=True, exist_ok=True)
    with FileLock(str(env) + ".lock"):
        if not (env / "ready").is_file():
            _make(env, wanted)
    return env


def _make(env: Path, wanted: list[str]) -> None:
    environ = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    environ["UV_NO_PROGRESS"] = "1"
    for command in (
        ["uv", "venv", "--quiet", "--clear", "--python", sys.executable, str(env)],
        # Compiled now: the projects run with PYTHONDONTWRITEBYTECODE, so never later.
        [
            "uv",
            "pip",
            "install",
            "--quiet",
            "--compile-bytecode",
            "--python",
            str(env / "bin" / "python"),
            *wanted,
        ],
    ):
        result = subprocess.run(command, env=environ, capture_output=True, text=True, check=False)
        assert result.returncode == 0, f"{' '.join(command)} failed:\n{result.stderr}"
    (env / "requirements.txt").write_text("\n".join(wanted) + "\n")
    (env / "ready").touch()


def binary(name: str) -> str:
    return str(location() / "bin" / name)


def mypy_cache() -> str:
    """A mypy cache per xdist worker, kept with the environment: the libraries' types are checked
    once, not once per project (13 s down to 1 s). mypy rechecks whatever changed, and writes
    its cache files atomically."""
    return str(location() / "mypy-cache" / os.environ.get("PYTEST_XDIST_WORKER", "main"))
