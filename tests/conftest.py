import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """copier.yml and template/ as a plain folder: renders the working tree, and faster than the
    git clone pytest-copie makes of a repository."""
    folder = tmp_path_factory.mktemp("template")
    shutil.copy2(ROOT / "copier.yml", folder / "copier.yml")
    shutil.copytree(
        ROOT / "template", folder / "template", ignore=shutil.ignore_patterns("__pycache__")
    )
    return folder


Render = Callable[..., Path]


@pytest.fixture
def render(copie: Any, template_dir: Path) -> Render:
    """Render the template with pytest-copie; answers not given take copier.yml's defaults."""

    def _render(**answers: Any) -> Path:
        result = copie.copy(
            extra_answers={"project_name": "demo-app", **answers}, template_dir=template_dir
        )
        assert result.exit_code == 0, result.exception
        return Path(result.project_dir)

    return _render


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--all-combinations",
        action="store_true",
        help="Check every supported combination of answers, not the all-pairs subset.",
    )


# Test arguments that take the quality gate's combinations (tests/combinations.py): all-pairs,
# or every supported one with --all-combinations; some only those of one framework.
GATE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "combination": {},
    "fastapi_combination": {"framework": "fastapi"},
    "flask_combination": {"framework": "flask"},
    "hybrid_combination": {"framework": "hybrid"},
}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    from tests.combinations import combination_id, gate

    for name, fixed in GATE_ARGUMENTS.items():
        if name in metafunc.fixturenames:
            everything = metafunc.config.getoption("--all-combinations")
            chosen = gate(everything, **fixed)
            metafunc.parametrize(name, chosen, ids=[combination_id(c) for c in chosen])
