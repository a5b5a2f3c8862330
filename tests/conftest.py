import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from filelock import FileLock

from tests.support.template import Render, copy_template


@pytest.fixture(scope="session")
def template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The template as a plain folder (tests/support/template.py), once a session."""
    return copy_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def renders(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the session keeps each project it has rendered, by answers: shared by the xdist
    workers (the folder of their temporary folders), so that the tests of one combination (the
    gate, the starter's, schemathesis) render it once between them."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base) / "renders"
    folder.mkdir(exist_ok=True)
    return folder


@pytest.fixture
def render(
    copie: Any, template_dir: Path, renders: Path, tmp_path_factory: pytest.TempPathFactory
) -> Render:
    """Render the template with pytest-copie; answers not given take copier.yml's defaults. Each
    call gives a project of its own to change: a copy of the session's render of those answers,
    made on first use."""

    def _render(**answers: Any) -> Path:
        given = {"project_name": "demo-app", **answers}
        key = hashlib.sha256(json.dumps(given, sort_keys=True).encode()).hexdigest()[:16]
        rendered = renders / key
        with FileLock(f"{rendered}.lock"):
            if not rendered.is_dir():
                result = copie.copy(extra_answers=given, template_dir=template_dir)
                assert result.exit_code == 0, result.exception
                partial = renders / f"{key}.partial"
                shutil.rmtree(partial, ignore_errors=True)
                shutil.copytree(result.project_dir, partial, symlinks=True)
                partial.rename(rendered)
        project = tmp_path_factory.mktemp("rendered") / "demo-app"
        shutil.copytree(rendered, project, symlinks=True)
        return project

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
