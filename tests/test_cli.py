"""`stackwise new` and friends, through the installed console script where the process matters."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from stackwise import __version__, render
from stackwise.cli import app
from tests.support.cli import invoke

STACKWISE = [sys.executable, "-m", "stackwise"]


def run_cli(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STACKWISE, *args],
        cwd=cwd,
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        check=False,
    )


def test_version() -> None:
    result = invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"stackwise {__version__}"


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


def test_new_with_defaults_creates_a_committed_project(tmp_path: Path) -> None:
    result = run_cli("new", "my-api", "-y", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    project = tmp_path / "my-api"
    assert (project / "src" / "my_api" / "app.py").is_file()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "my-api"
    assert answers["python_version"] == f"{sys.version_info.major}.{sys.version_info.minor}"
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=project, capture_output=True, text=True, check=True
    )
    assert "Initial commit from stackwise" in log.stdout
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=project, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    assert "Next steps:" in result.stdout
    assert "uv run python -m my_api" in result.stdout
    assert not list(tmp_path.glob(".*stackwise-*")), "the staging folder was left behind"


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
    "my project!": "may hold only letters",
    "../evil": "may hold only letters",
    "class": "is taken by a Python keyword",
    "sys": "is taken by a Python keyword",
    "": "project_name is required",
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
        (["--purpose", "nope"], 1, "purpose=nope is not a choice: choose one of api, webapp"),
        (["--framework", "fastapi", "--validation", "marshmallow"], 1, "FastAPI always validates"),
        (
            ["--framework", "flask", "--validation", "none", "--docs", "swagger"],
            1,
            "needs a validation",
        ),
        (
            ["--framework", "hybrid", "--validation", "none"],
            1,
            "the FastAPI app of hybrid always validates with Pydantic",
        ),
        (["--data", "colour=blue"], 2, "unknown answer key 'colour'"),
        (["--data", "colour"], 2, "--data takes KEY=VALUE"),
        (["--data", "needs_async=maybe"], 1, "needs_async takes yes or no"),
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
