"""`stackwise new` and friends, through the installed console script where the process matters."""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from stackwise import __version__, lockfile, render
from stackwise.cli import app
from tests.support.cli import invoke

STACKWISE = [sys.executable, "-m", "stackwise"]


def run_cli(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STACKWISE, *args],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_version() -> None:
    result = invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"stackwise {__version__}"


COMMANDS = (["new"], ["update"], ["recommend"], ["compare"], [])


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "stackwise")
def test_h_is_help_with_examples(command: list[str]) -> None:
    short = invoke(app, [*command, "-h"])
    assert short.exit_code == 0
    assert short.output == invoke(app, [*command, "--help"]).output
    examples = short.output.partition("Examples:\n")[2].splitlines()
    assert 1 <= len(examples) <= 2, short.output
    assert all(line.startswith("    stackwise ") for line in examples), examples


def test_help_imports_nothing_heavy() -> None:
    code = (
        "import sys, runpy\n"
        "sys.argv = ['stackwise', '--help']\n"
        "try:\n"
        "    runpy.run_module('stackwise', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = {'copier', 'questionary', 'yaml', 'jinja2', 'rich'} & set(sys.modules)\n"
        "print(sorted(heavy), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert "new" in result.stdout
    assert result.stderr.strip() == "[]"


def git_output(project: Path, *args: str, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        ["git", *args], cwd=project, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def test_new_with_defaults_creates_a_committed_project(tmp_path: Path) -> None:
    # Whatever the user's git calls a first branch, the project's is main, where its CI runs.
    config = tmp_path / "gitconfig"
    config.write_text("[init]\n\tdefaultBranch = master\n")
    env = {**os.environ, "GIT_CONFIG_GLOBAL": str(config)}
    result = run_cli("new", "my-api", "-y", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-api"
    assert (project / "src" / "my_api" / "app.py").is_file()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "my-api"
    assert answers["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    assert "Initial commit from stackwise" in git_output(project, "log", "--oneline")
    assert git_output(project, "branch", "--show-current").strip() == "main"
    workflow = project / ".github" / "workflows" / "ci.yml"
    assert yaml.safe_load(workflow.read_text())[True]["push"]["branches"] == ["main"]
    # uv.lock is written by uv before the first commit: it is in it.
    assert "uv.lock" in git_output(project, "ls-files").splitlines()
    assert 'name = "my-api"' in (project / "uv.lock").read_text()
    assert git_output(project, "status", "--porcelain") == ""
    assert "git: initialised, with a first commit on main." in result.stdout
    assert "uv.lock" not in result.stdout  # nothing to say: it is there
    assert "Next steps:" in result.stdout
    assert "uv run python -m my_api" in result.stdout
    assert not list(tmp_path.glob(".*stackwise-*")), "the staging folder was left behind"


def test_without_the_package_index_the_project_is_committed_without_a_lock(
    tmp_path: Path,
) -> None:
    """No network and nothing in uv's cache: uv cannot resolve."""
    env = {**os.environ, "UV_OFFLINE": "1", "UV_CACHE_DIR": str(tmp_path / "empty-cache")}
    result = run_cli("new", "my-api", "-y", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-api"
    assert not (project / "uv.lock").exists()
    assert "Initial commit from stackwise" in git_output(project, "log", "--oneline")
    assert git_output(project, "status", "--porcelain") == ""
    (note,) = [line for line in result.stdout.splitlines() if line.startswith("uv.lock:")]
    assert note.startswith("uv.lock: not written, uv lock failed (No solution found")
    assert note.endswith("run `uv lock` in my-api and commit uv.lock.")


def test_without_uv_the_project_is_committed_and_the_note_says_how_to_lock(
    tmp_path: Path,
) -> None:
    only_git = tmp_path / "bin"
    only_git.mkdir()
    (only_git / "git").symlink_to(shutil.which("git") or "git")
    env = {**os.environ, "PATH": str(only_git)}
    result = run_cli("new", "my-api", "-y", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-api"
    assert not (project / "uv.lock").exists()
    assert git_output(project, "status", "--porcelain", env=env) == ""
    assert (
        "uv.lock: not written, uv is not installed: install uv, then run `uv lock` in my-api "
        "and commit uv.lock."
    ) in result.stdout.splitlines()


def test_an_index_that_never_answers_is_given_up_after_the_timeout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A package index that takes connections and never answers: uv would wait for minutes."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        monkeypatch.setenv("UV_INDEX_URL", f"http://127.0.0.1:{silent.getsockname()[1]}/simple")
        monkeypatch.setenv("UV_CACHE_DIR", str(tmp_path / "empty-cache"))
        monkeypatch.setattr(lockfile, "TIMEOUT", 3.0)
        monkeypatch.chdir(tmp_path)
        started = time.monotonic()
        result = invoke(app, ["new", "my-api", "-y"])
        elapsed = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert "uv.lock: not written, uv lock took over 3 s: run `uv lock` in my-api" in result.output
    assert elapsed < 30
    assert not (tmp_path / "my-api" / "uv.lock").exists()
    assert (tmp_path / "my-api" / ".git").is_dir()


def test_no_lock_skips_uv(tmp_path: Path) -> None:
    result = run_cli("new", "my-api", "-y", "--no-lock", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "my-api" / "uv.lock").exists()


def test_every_flag_reaches_the_answers(tmp_path: Path) -> None:
    result = run_cli(
        "new",
        "proj",
        "--name",
        "Shop Front",
        "--description",
        "Sells things",
        "--author",
        "Ada",
        "--email",
        "ada@example.com",
        "--python",
        "3.12",
        "--purpose",
        "webapp",
        "--no-async",
        "--traffic",
        "moderate",
        "--team",
        "large",
        "--no-existing-flask",
        "--framework",
        "flask",
        "--validation",
        "none",
        "--docs",
        "none",
        "--errors",
        "html",
        "--pages",
        "--deploy",
        "none",
        "--no-git",
        "--defaults",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "proj" / ".copier-answers.yml").read_text())
    assert answers == answers | {
        "project_name": "Shop Front",
        "package_name": "shop_front",
        "description": "Sells things",
        "author_name": "Ada",
        "author_email": "ada@example.com",
        "python_version": "3.12",
        "purpose": "webapp",
        "needs_async": False,
        "traffic": "moderate",
        "team_size": "large",
        "existing_flask": False,
        "framework": "flask",
        "validation": "none",
        "docs": "none",
        "error_format": "html",
        "pages": True,
        "deploy": "none",
    }
    assert not (tmp_path / "proj" / ".git").exists()
    assert "git: skipped (--no-git)" in result.stdout


def test_data_and_data_file(tmp_path: Path) -> None:
    data_file = tmp_path / "answers.yml"
    data_file.write_text("_src_path: ignored\nproject_name: from-file\nteam_size: solo\n")
    result = run_cli(
        "new",
        "out",
        "--data-file",
        str(data_file),
        "--data",
        "team_size=large",
        "--data",
        "package_name=custom_pkg",
        "--no-git",
        "-y",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "out" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "from-file"
    assert answers["team_size"] == "large"  # --data wins over the file
    assert (tmp_path / "out" / "src" / "custom_pkg" / "app.py").is_file()


def test_flags_win_over_data(tmp_path: Path) -> None:
    result = run_cli(
        "new",
        "out",
        "--data",
        "traffic=high",
        "--traffic",
        "low",
        "--no-git",
        "-y",
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    answers = yaml.safe_load((tmp_path / "out" / ".copier-answers.yml").read_text())
    assert answers["traffic"] == "low"


def test_without_dest_the_folder_is_named_after_the_project(tmp_path: Path) -> None:
    result = run_cli("new", "--name", "Billing API", "--no-git", "-y", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "billing-api" / "src" / "billing_api").is_dir()


BAD_NAMES = {
    "my project!": '--name "my project!" may hold only letters',
    "../evil": "may hold only letters",
    "class": 'package_name "class" is a Python keyword',
    "sys": "is a module of Python's standard library",
    "test": "is a module of Python's standard library",
    "click": "is the import name of click",
    "": "--name is required",
}


@pytest.mark.parametrize("name", list(BAD_NAMES))
def test_bad_names_exit_1_with_one_line_and_create_nothing(tmp_path: Path, name: str) -> None:
    result = run_cli("new", "--name", name, "-y", str(tmp_path / "dest"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert BAD_NAMES[name] in lines[0]
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "status", "message"),
    [
        (["--purpose", "nope"], 1, "--purpose nope is not a choice: choose one of api, webapp"),
        (["--team", "big"], 1, "error: --team big is not a choice: choose one of solo, small"),
        (["--errors", "json"], 1, "error: --errors json is not a choice"),
        (
            ["--framework", "fastapi", "--validation", "marshmallow"],
            1,
            "--validation marshmallow does not fit --framework fastapi: FastAPI always validates"
            " with Pydantic, so choose --validation pydantic.",
        ),
        (
            ["--framework", "flask", "--validation", "none", "--docs", "swagger"],
            1,
            "--docs swagger needs a validation library with Flask",
        ),
        (
            ["--framework", "hybrid", "--validation", "none"],
            1,
            "the FastAPI app of hybrid always validates with Pydantic",
        ),
        (["--data", "colour=blue"], 2, "unknown answer key 'colour'"),
        (["--data", "colour"], 2, "--data takes KEY=VALUE"),
        (["--data", "needs_async=maybe"], 1, "needs_async (--async/--no-async) takes yes or no"),
        (["--data", "package_name=Bad"], 1, 'package_name "Bad" is not a lowercase'),
        (["--description", "two\u2028lines"], 1, "--description holds a control character"),
        (["--data-file", "missing.yml"], 1, "cannot read --data-file missing.yml"),
    ],
)
def test_bad_answers(tmp_path: Path, args: list[str], status: int, message: str) -> None:
    result = run_cli("new", "proj", "-y", *args, cwd=tmp_path)
    assert result.returncode == status
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "proj").exists()


def test_a_data_file_that_is_not_yaml(tmp_path: Path) -> None:
    (tmp_path / "bad.yml").write_text("a: [unclosed\n")
    result = run_cli("new", "proj", "-y", "--data-file", "bad.yml", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip() == "error: --data-file bad.yml is not valid YAML at line 2."


def test_without_a_terminal_and_without_defaults_it_names_the_flag(tmp_path: Path) -> None:
    result = run_cli("new", "proj", cwd=tmp_path)
    assert result.returncode == 2
    assert "--defaults" in result.stderr
    assert not (tmp_path / "proj").exists()


def test_an_existing_flask_app_gets_the_hybrid_starter(tmp_path: Path) -> None:
    result = run_cli("new", "move", "-y", "--no-git", "--existing-flask", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "(FastAPI with Flask mounted)" in result.stdout
    # The Flask app at its own URLs (legacy_mount's default).
    assert "  http://127.0.0.1:8000/hello: a route of the Flask app" in result.stdout
    package = tmp_path / "move" / "src" / "move"
    assert (package / "app.py").is_file()
    assert (package / "legacy" / "app.py").is_file()
    answers = yaml.safe_load((tmp_path / "move" / ".copier-answers.yml").read_text())
    assert (answers["framework"], answers["validation"]) == ("hybrid", "pydantic")


def test_all_answers_given_needs_no_terminal(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yml"
    source = run_cli("new", "first", "-y", "--no-git", cwd=tmp_path)
    assert source.returncode == 0, source.stderr
    answers.write_text((tmp_path / "first" / ".copier-answers.yml").read_text())
    result = run_cli("new", "second", "--data-file", str(answers), "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_non_empty_destination_is_left_alone(tmp_path: Path) -> None:
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    result = run_cli("new", "taken", "-y", cwd=tmp_path)
    assert result.returncode == 1
    assert "is not empty" in result.stderr and "--force" in result.stderr
    assert [p.name for p in dest.iterdir()] == ["keep.txt"]


def test_force_writes_into_a_non_empty_destination(tmp_path: Path) -> None:
    dest = tmp_path / "taken"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    (dest / "README.md").write_text("old")
    result = run_cli("new", "taken", "-y", "--force", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (dest / "keep.txt").read_text() == "mine"
    assert (dest / "README.md").read_text() != "old"
    assert (dest / "src" / "taken" / "app.py").is_file()


def test_an_empty_destination_is_used(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = run_cli("new", "empty", "-y", "--no-git", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "empty" / "pyproject.toml").is_file()


def test_a_file_as_destination(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    result = run_cli("new", "file", "-y", cwd=tmp_path)
    assert result.returncode == 1
    assert "is not a folder" in result.stderr


def test_a_failing_render_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def half_written(answers: object, project: Path, *origin: object) -> None:
        (project / "src").mkdir(parents=True)
        (project / "src" / "half.py").write_text("")
        raise KeyboardInterrupt  # Ctrl-C in the middle of rendering

    monkeypatch.setattr(render, "_copier_copy", half_written)
    monkeypatch.chdir(tmp_path)
    result = invoke(app, ["new", "proj", "-y"])
    assert result.exit_code == 130
    assert "Cancelled." in result.output
    assert list(tmp_path.iterdir()) == []


def test_a_failing_git_still_delivers_the_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "no-git-here"))
    monkeypatch.chdir(tmp_path)
    result = invoke(app, ["new", "proj", "-y"])
    assert result.exit_code == 0, result.output
    assert "git is not installed" in result.output
    assert (tmp_path / "proj" / "pyproject.toml").is_file()


def test_git_identity_falls_back_to_the_author(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "GIT_CONFIG_NOSYSTEM": "1"}
    env.pop("GIT_CONFIG_GLOBAL", None)
    result = subprocess.run(
        [*STACKWISE, "new", "proj", "-y", "--author", "Ada", "--email", "ada@example.com"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    log = subprocess.run(
        ["git", "log", "--format=%an <%ae>"],
        cwd=tmp_path / "proj",
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert log.stdout.strip() == "Ada <ada@example.com>"
