"""The wheel and sdist carry the template; an installed wheel renders both frameworks."""

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
import yaml

from stackwise import __version__
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


def test_wheel_carries_the_template(built: Path) -> None:
    (wheel,) = built.glob("stackwise-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "stackwise/_template/copier.yml" in names
    assert "stackwise/_template/template/pyproject.toml.jinja" in names
    assert "stackwise/cli.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]


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
        # The installed metadata names the repository a later `stackwise update` renders from.
        recorded = yaml.safe_load(
            (tmp_path / f"svc-{framework}" / ".copier-answers.yml").read_text()
        )
        pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
        assert recorded["_src_path"] == pyproject["project"]["urls"]["Repository"]
        assert recorded["_commit"] == f"v{__version__}"


def test_pipx_run_from_a_checkout(tmp_path: Path) -> None:
    """The README's command in a checkout: `pipx run --spec . stackwise`."""
    env = project_env(PIPX_HOME=str(tmp_path / "pipx"), PIPX_BIN_DIR=str(tmp_path / "bin"))
    pipx = [sys.executable, "-m", "pipx", "run", "--no-cache", "--spec", str(ROOT), "stackwise"]
    version = subprocess.run(
        [*pipx, "--version"], env=env, capture_output=True, text=True, check=False
    )
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip().startswith("stackwise ")
    made = subprocess.run(
        [*pipx, "new", "via-pipx", "-y", "--no-git"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert made.returncode == 0, made.stderr
    assert (tmp_path / "via-pipx" / "src" / "via_pipx" / "app.py").is_file()
