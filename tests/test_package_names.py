"""No accepted package name breaks a project: copier.yml's reserved_package_names (the one list
copier and the CLI both use) holds every name derived from its source, and each reason reads
as it should, at the prompt's check and as a flag."""

import keyword
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy

from stackwise import questions
from tests.support import import_names


def reserved() -> dict[str, Any]:
    return dict(questions.by_key()["reserved_package_names"].render_default({}))


def problem(package: str) -> str:
    context = {"reserved_package_names": reserved()}
    return questions.by_key()["package_name"].problem(package, context)


def test_keywords_are_reserved() -> None:
    assert {word for word in keyword.kwlist if word.islower()} <= set(reserved()["keywords"])


def test_every_standard_library_module_of_every_supported_python_is_reserved() -> None:
    supported = questions.by_key()["python_version"].values
    assert supported == import_names.PYTHONS, "import_names.PYTHONS lists the supported Pythons"
    missing = sorted(import_names.standard_library() - set(reserved()["stdlib"]))
    assert not missing, f"add to reserved_package_names' stdlib in copier.yml: {missing}"
    # The names Python itself imports at start-up, when they exist.
    assert {"sitecustomize", "usercustomize", "test", "this"} <= set(reserved()["stdlib"])


@pytest.mark.slow  # resolves and installs the closure from the package index (uv's cache)
def test_every_import_name_of_the_dependency_closure_is_reserved() -> None:
    found = import_names.import_names()
    assert {"click", "anyio", "h11", "yaml", "blinker", "colorama"} <= set(found)
    listed = reserved()["installed"]
    missing = {name: sorted(dists) for name, dists in found.items() if name not in listed}
    assert not missing, f"add to reserved_package_names' installed in copier.yml: {missing}"
    wrong = {name: listed[name] for name in found if listed[name] not in found[name]}
    assert not wrong, f"the distributions named in copier.yml are not those installed: {wrong}"


@pytest.mark.parametrize(
    ("package", "reason"),
    [
        ("class", 'package_name "class" is a Python keyword'),
        ("test", "is a module of Python's standard library"),
        ("sys", "is a module of Python's standard library"),
        ("click", 'package_name "click" is the import name of click, a library that generated'),
        ("yaml", "is the import name of PyYAML"),
        ("blinker", "is the import name of blinker"),
        ("tests", "is the name of the project's own tests package"),
    ],
)
def test_each_refusal_says_why(package: str, reason: str) -> None:
    message = problem(package)
    assert reason in message
    assert message.endswith("Choose another project_name, or set package_name.") or (
        message.endswith("choose another project_name, or set package_name.")
    )


@pytest.mark.parametrize("package", ["my_api", "conftest", "docs", "app", "settings", "flask_app"])
def test_ordinary_names_are_accepted(package: str) -> None:
    assert problem(package) == ""


def test_a_refused_name_given_as_a_flag_is_one_line_naming_the_flag(tmp_path: Any) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "stackwise", "new", "-y", "--name", "click", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.startswith('error: package_name "click" is the import name of click')
    assert "choose another --name" in result.stderr.lower()
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x").exists()


# The projects whose tests import the project's package and the tests' own modules (conftest,
# postgresql, test_errors), every file that does so at least once.
IMPORTING_BOTH = (
    {"framework": "fastapi", "auth": "jwt", "database": "postgresql"},
    {
        "framework": "flask",
        "auth": "session",
        "pages": True,
        "database": "postgresql",
        "error_format": "negotiated",
    },
    {
        "framework": "flask",
        "auth": "session",
        "pages": True,
        "database": "sqlite",
        "error_format": "negotiated",
    },
    {"framework": "flask", "auth": "none", "database": "postgresql"},
    {
        "framework": "hybrid",
        "auth": "session",
        "pages": True,
        "database": "sqlite",
        "error_format": "negotiated",
    },
)


# Besides those, the API-key projects and one without a database: every Python file of the
# template that names the package is in one of them.
NAMING_THE_PACKAGE = (
    *IMPORTING_BOTH,
    {"framework": "fastapi", "auth": "apikey", "database": "postgresql", "deploy": "kubernetes"},
    {"framework": "flask", "auth": "apikey", "database": "sqlite"},
    {"framework": "hybrid", "auth": "jwt", "database": "postgresql", "deploy": "kubernetes"},
    {"framework": "fastapi", "auth": "none", "database": "none"},
)
LONGEST = 40


def render(
    template_dir: Path, dest: Path, package: str, combinations: tuple[dict[str, Any], ...]
) -> None:
    for number, answers in enumerate(combinations):
        run_copy(
            str(template_dir),
            str(dest / f"p{number}"),
            data={"project_name": "demo-app", "package_name": package, **answers},
            defaults=True,
            quiet=True,
            exclude=["*.js", "*.css"],
        )


def ruff(*args: str, cwd: Path) -> None:
    """ruff on every project in `cwd`, each with its own configuration (pyproject.toml)."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("package", ["alpha_app", "zulu_app"])  # before and after "tests"
def test_the_tests_imports_are_sorted_whatever_the_package_is_called(
    tmp_path: Path, template_dir: Path, package: str
) -> None:
    """ruff sorts the package's imports and the tests' own in two sections: in one, a package
    named after "tests" (`zulu_app`) had to come after them, and the project failed its linter."""
    render(template_dir, tmp_path, package, IMPORTING_BOTH)
    ruff("check", "--select", "I", cwd=tmp_path)


def test_the_longest_name_is_refused_one_character_on() -> None:
    assert problem("a" * LONGEST) == ""
    refusal = problem("a" * (LONGEST + 1))
    assert f"is {LONGEST + 1} characters long: use at most {LONGEST}" in refusal


def test_a_package_name_of_the_longest_kind_keeps_within_the_projects_line_length(
    tmp_path: Path, template_dir: Path
) -> None:
    """Every line that names the package fits ruff's 100 columns, formatted as ruff would: with
    a 64-character name, 25 lines of one project did not."""
    package = "long_" + "x" * (LONGEST - len("long_"))
    render(template_dir, tmp_path, package, NAMING_THE_PACKAGE)
    ruff("check", cwd=tmp_path)
    ruff("format", "--check", cwd=tmp_path)
