"""The quality gate: every supported combination of answers (all-pairs by default, every one
with --all-combinations) renders a project that passes its own checks on the first run.

Each project: no unrendered Jinja in any file, every `.py` compiles, pyproject.toml and every
YAML file parse; `ruff check`, `ruff format --check` and mypy (where enabled) pass; and the
commands of its README's "Run it" section but `uv sync` run as written after `uv run`, in the
session's shared environment (tests/support/shared_env.py): the tests pass, and the production
and development servers answer /health and every link the section lists (tests/support/
run_it.py; tests/test_first_run.py runs them all with `uv run`, for a project of each
framework)."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import jinja2
import pytest
import yaml

from stackwise import questions
from tests.support import combinations, postgres, shared_env
from tests.support.projects import check_project, project_env
from tests.support.run_it import readme_run_it, run_command
from tests.support.template import Render

# What copier renders from: an answer, copier's own variables, the decision record.
COPIER_NAMES = sorted(
    {question.key for question in questions.load()}
    | {"_copier_answers", "_copier_conf", "decision"}
)
# A Jinja expression or statement that uses one of them: copier left it unrendered. (The app's
# own Jinja, in its pages and docs views, uses its own names.)
UNRENDERED = re.compile(r"(\{\{|\{%)[^}%'\"]*\b(" + "|".join(map(re.escape, COPIER_NAMES)) + r")\b")
# The vendored docs assets: not from the template's text.
VENDORED = (".js", ".css", ".map")


def check_rendered(project: Path) -> None:
    for path in sorted(project.rglob("*")):
        relative = path.relative_to(project)
        assert "{" not in str(relative), relative
        assert path.suffix != ".jinja", relative
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".html":
            jinja2.Environment().parse(text)  # the app's own pages: valid Jinja2
        if path.suffix not in VENDORED:
            assert not UNRENDERED.search(text), f"unrendered Jinja in {relative}"
        if path.suffix == ".py":
            compile(text, str(relative), "exec")
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            list(yaml.safe_load_all(text))
    assert (project / "pyproject.toml").is_file()


@pytest.mark.slow
def test_the_project_passes_its_checks_and_serves(
    render: Render, combination: dict[str, Any]
) -> None:
    project = render(**combination)
    check_rendered(project)
    check_project(project, tests=False)
    commands, links = readme_run_it(project)
    # With PostgreSQL, DATABASE_URL and TEST_DATABASE_URL name a new database of its own.
    env = project_env(project, **postgres.database_env(project))
    env["PATH"] = os.pathsep.join([str(Path(shared_env.binary("python")).parent), env["PATH"]])
    # The tests come before the database is set up: they take TEST_DATABASE_URL, or a server of
    # their own, never DATABASE_URL.
    test_env = {name: value for name, value in env.items() if name != "DATABASE_URL"}
    outcomes = [
        run_command(
            command.removeprefix("uv run "),
            project,
            test_env if "pytest" in command else env,
            links,
        )
        for command in commands
        if not command.startswith("uv sync")
    ]
    # The tests, the migrations (with a database), then the production and development servers.
    migrations = ["ran"] if combination["database"] != "none" else []
    assert outcomes == ["ran", *migrations, "served", "served"], commands


# The answers that change no Python file (nor ruff's settings): left at their defaults below.
NOT_IN_PYTHON = ("team_size", "deploy")
IN_PYTHON = tuple(key for key in combinations.DIMENSIONS if key not in NOT_IN_PYTHON)


def python_variants(framework: str, everything: bool) -> list[dict[str, Any]]:
    """The framework's supported combinations of the answers that shape Python files: every one,
    or a subset holding every triple of values that three of them take together."""
    shaping = {
        tuple((key, value) for key, value in combination.items() if key in IN_PYTHON)
        for combination in combinations.supported(framework=framework)
    }
    variants = [dict(answers) for answers in sorted(shaping, key=repr)]
    return variants if everything else combinations.covering(variants, 3, IN_PYTHON)


@pytest.mark.slow
@pytest.mark.python_variants
@pytest.mark.parametrize("framework", combinations.values("framework"))
def test_the_python_variants_pass_ruff(
    template_dir: Path, tmp_path: Path, framework: str, pytestconfig: pytest.Config
) -> None:
    """More variants than the gate's all-pairs set, for ruff alone: every triple of answers
    together (about 185 projects; every supported combination, about 2,000, with
    --all-combinations). Ruff check and ruff format see each variant of each Python file."""
    from copier import run_copy

    everything = pytestconfig.getoption("--all-combinations")
    for number, answers in enumerate(python_variants(framework, everything)):
        run_copy(
            str(template_dir),
            str(tmp_path / f"p{number}"),
            data={**combinations.BASE, **answers},
            defaults=True,
            quiet=True,
            exclude=["*.js", "*.css"],  # the vendored docs files: large, and not Python
        )
    ruff = [sys.executable, "-m", "ruff"]
    for command in (["check", "--no-cache", "."], ["format", "--no-cache", "--check", "."]):
        result = subprocess.run(
            [*ruff, *command], cwd=tmp_path, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    "leftover",
    ["name = {{ project_name }}", "{%- if framework == 'flask' %}", "{{ description | to_json }}"],
)
def test_unrendered_jinja_is_caught(tmp_path: Path, leftover: str) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    app_page = 'page = """{{ url_for("pages.home") }}"""'  # the app's own Jinja: fine
    (tmp_path / "app.py").write_text(f"{app_page}\n# {leftover}\n")
    with pytest.raises(AssertionError, match=r"unrendered Jinja in app\.py"):
        check_rendered(tmp_path)
