"""A newcomer's first run: for a project of each framework made by `stackwise new`, every command
it prints as its next steps runs as printed (`cd`, a real `uv sync`, the tests, the migrations,
the production server and the development server, each server on a free port and stopped by the
test), the links it prints answer, and the generated README's "Run it" section says the same
(tests/support/run_it.py). Without a SECRET_KEY or any other setting: a fresh project runs in
development as printed."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cli import STACKWISE
from tests.support.run_it import cd_target, printed_next_steps, readme_run_it, run_command

pytestmark = pytest.mark.slow

PROJECTS = {
    "fastapi": ["--framework", "fastapi"],
    "flask": ["--framework", "flask", "--purpose", "webapp"],
    "hybrid": ["--existing-flask"],
}


def newcomer_env() -> dict[str, str]:
    """The user's environment: no virtual environment active, uv on the PATH."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["UV_NO_PROGRESS"] = "1"
    return env


@pytest.mark.parametrize("framework", list(PROJECTS))
def test_every_printed_step_runs_as_printed(tmp_path: Path, framework: str) -> None:
    env = newcomer_env()
    created = subprocess.run(
        [STACKWISE, "new", "my project", "-y", "--no-git", *PROJECTS[framework]],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    commands, links = printed_next_steps(created.stdout)
    assert commands[0].startswith("cd ")
    project = cd_target(commands[0], tmp_path)
    assert project == tmp_path / "my project"
    # The README says the same: one source.
    assert (commands[1:], links) == readme_run_it(project)
    assert "http://127.0.0.1:8000/health" in links

    outcomes = [run_command(command, project, env, links) for command in commands[1:]]
    # uv sync, the tests, the migrations (SQLite, the default database), the production server,
    # the development server.
    assert outcomes == ["ran", "ran", "ran", "served", "served"], commands
    assert (project / ".venv" / "bin" / "python").is_file()
