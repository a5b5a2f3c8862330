"""The wheel and sdist carry the template and the commit they were built from; an installed wheel
renders both frameworks and records that commit; the README's command runs from a checkout."""

import json
import re
import shlex
import subprocess
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.support.projects import project_env
from tests.support.template import ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # uv build makes the sdist, then the wheel from the sdist: both must carry the template.
    subprocess.run(
        ["uv", "build", "--quiet", "--out-dir", str(out), str(ROOT)],
        check=True,
        env=project_env(),
    )
    return out


def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def checkout_record() -> dict[str, object]:
    """What hatch_build.py records of this checkout: HEAD, and whether the template is as in it."""
    dirty = git(ROOT, "status", "--porcelain", "--", "copier.yml", "template")
    return {"commit": git(ROOT, "rev-parse", "HEAD"), "clean": dirty == ""}


def test_wheel_carries_the_template(built: Path) -> None:
    (wheel,) = built.glob("stackwise-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "stackwise/_template/copier.yml" in names
    assert "stackwise/_template/template/pyproject.toml.jinja" in names
    assert "stackwise/cli.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


def test_the_sdist_and_the_wheel_built_from_it_record_the_commit(built: Path) -> None:
    """uv build makes the wheel from the sdist, where there is no .git: the sdist carries it."""
    (sdist,) = built.glob("stackwise-*.tar.gz")
    with tarfile.open(sdist) as archive:
        (member,) = [m for m in archive.getmembers() if m.name.endswith("/template-commit.json")]
        in_sdist = json.load(archive.extractfile(member))  # type: ignore[arg-type]
    (wheel,) = built.glob("stackwise-*.whl")
    in_wheel = json.loads(zipfile.ZipFile(wheel).read("stackwise/_template/commit.json"))
    assert in_sdist == in_wheel == checkout_record()


def test_installed_wheel_renders_both_frameworks(built: Path, tmp_path: Path) -> None:
    (wheel,) = built.glob("stackwise-*.whl")
    venv = tmp_path / "venv"
    subprocess.run(["uv", "venv", "--quiet", "--python", sys.executable, str(venv)], check=True)
    subprocess.run(
        ["uv", "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        env=project_env(),
    )
    for framework, purpose, module in (
        ("fastapi", "api", "errors.py"),
        ("flask", "webapp", "views/health.py"),
    ):
        result = subprocess.run(
            [
                str(venv / "bin" / "stackwise"),
                "new",
                f"svc-{framework}",
                "-y",
                "--no-git",
                "--framework",
                framework,
                "--purpose",
                purpose,
            ],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert (tmp_path / f"svc-{framework}" / "src" / f"svc_{framework}" / module).is_file()
        # The installed metadata names the repository a later `stackwise update` renders from,
        # and the wheel the commit it was built from.
        recorded = yaml.safe_load(
            (tmp_path / f"svc-{framework}" / ".copier-answers.yml").read_text()
        )
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert recorded["_src_path"] == pyproject["project"]["urls"]["Repository"]
        assert recorded["_commit"] == checkout_record()["commit"]


def readme_command(marker: str) -> list[str]:
    """The README's install command that holds `marker`, as words."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (line,) = [line for line in readme.splitlines() if marker in line and "stackwise new" in line]
    return shlex.split(re.sub(r"\s+#.*$", "", line))


def test_the_readmes_pipx_command_writes_outside_the_checkout(tmp_path: Path) -> None:
    """The README's command, as written, run in a fresh clone of this repository: the project
    lands beside the checkout, which is left as it was, and records the clone's commit."""
    checkout = tmp_path / "stackwise"
    git(tmp_path, "clone", "--quiet", str(ROOT), str(checkout))
    command = readme_command("--spec .")
    assert command[:2] == ["pipx", "run"]
    env = project_env(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"))
    pipx = [sys.executable, "-m", "pipx", "run", "--no-cache"]
    version = subprocess.run(
        [*pipx, *command[2:4], "stackwise", "--version"],
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().startswith("stackwise ")
    made = subprocess.run(
        [*pipx, *command[2:], "-y", "--no-git", "--no-lock"],  # unattended, as written else
        cwd=checkout,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    project = (checkout / command[-1]).resolve()
    assert not project.is_relative_to(checkout)
    assert (project / "src" / "my_api" / "app.py").is_file()
    assert git(checkout, "status", "--porcelain", "--untracked-files=all") == ""
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["_commit"] == git(checkout, "rev-parse", "HEAD")
