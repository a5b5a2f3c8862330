from pathlib import Path
from typing import Any

import pytest

from tests.support.template import Render, copy_template


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a plain folder (tests/support/template.py), once a session."""
    return copy_template(tmp_path_factory.mktemp("template"))


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
    parser.addoption(
        "--benchmark",
        action="store_true",
        help="Also run benchmarks/run.py --quick end to end (about 4 minutes of one core), and "
        "its generator section alone (--only generator).",
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The tests marked `benchmark` run with --benchmark only: they check a tool of ours, not
    the product, and take a sixth of CI's 30 minutes."""
    if config.getoption("--benchmark"):
        return
    skip = pytest.mark.skip(reason="benchmarks/run.py --quick: run with --benchmark")
    for item in items:
        if item.get_closest_marker("benchmark"):
            item.add_marker(skip)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The arguments named in GATE_ARGUMENTS take the quality gate's combinations."""
    from tests.support.combinations import GATE_ARGUMENTS, combination_id, gate

    for name, fixed in GATE_ARGUMENTS.items():
        if name in metafunc.fixturenames:
            everything = metafunc.config.getoption("--all-combinations")
            chosen = gate(everything, **fixed)
            metafunc.parametrize(name, chosen, ids=[combination_id(c) for c in chosen])
