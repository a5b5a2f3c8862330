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
    parser.addoption(
        "--python-variants",
        action="store_true",
        help="Also run ruff over a covering of every triple of the answers that shape Python "
        "files (about 185 projects, 3 minutes of one core); --all-combinations runs it over "
        "every variant.",
    )


# The tests that run only when asked for, by the options that ask: they widen a check the
# default run already makes, and CI's 30 minutes cannot hold them.
OPT_IN = {
    "benchmark": ("--benchmark",),
    "python_variants": ("--python-variants", "--all-combinations"),
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Each test marked with a key of OPT_IN runs only with one of its options."""
    for marker, options in OPT_IN.items():
        if any(config.getoption(option) for option in options):
            continue
        skip = pytest.mark.skip(reason=f"opt-in: run with {options[0]}")
        for item in items:
            if item.get_closest_marker(marker):
                item.add_marker(skip)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """The arguments named in GATE_ARGUMENTS take the quality gate's combinations."""
    from tests.support.combinations import GATE_ARGUMENTS, combination_id, gate

    for name, fixed in GATE_ARGUMENTS.items():
        if name in metafunc.fixturenames:
            everything = metafunc.config.getoption("--all-combinations")
            chosen = gate(everything, **fixed)
            metafunc.parametrize(name, chosen, ids=[combination_id(c) for c in chosen])
