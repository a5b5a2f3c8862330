"""The import names a package name must not take, derived from their sources.

The standard library's: the top-level module names of every supported Python (3.11 to 3.13, as
the `stdlibs` package lists them from each release), and those the running interpreter has
(`sys.stdlib_module_names`, its built-in modules, and what its standard-library folders hold,
such as `test`).

The installed libraries': the union of every supported combination's requirements
(tests/support/shared_env.py reads them from the rendered pyproject.toml files) is resolved by
uv for every platform and every supported Python at once (`uv pip compile --universal`), each
distribution of that closure is installed without its dependencies into a folder, and the
top-level modules of each are read from its RECORD. A platform-only distribution (colorama,
on Windows, for click) is in the closure too: its markers are dropped for the install, which
only reads its files."""

import os
import re
import subprocess
import sys
import sysconfig
import tempfile
from collections import defaultdict
from importlib import metadata
from pathlib import Path
from pkgutil import iter_modules

import stdlibs

from tests.support import shared_env

# What a package name may be (copier.yml's validator of package_name): only such names can clash.
PACKAGE_NAME = re.compile(r"[a-z][a-z0-9_]*")
IMPORTABLE = (".py", ".so", ".pyd")
# The Pythons a project may ask for (copier.yml's python_version).
PYTHONS = ("3.11", "3.12", "3.13")
NEWEST_PYTHON = PYTHONS[-1]  # every distribution of the closure installs for it


def standard_library() -> set[str]:
    """Every standard-library module name of a supported Python that is a valid package name."""
    names = set().union(*(stdlibs.stdlib_module_names(version) for version in PYTHONS))
    names |= set(sys.stdlib_module_names) | set(sys.builtin_module_names)
    paths = sysconfig.get_paths()
    folders = {paths["stdlib"], paths["platstdlib"], os.path.join(paths["stdlib"], "lib-dynload")}
    names |= {module.name for module in iter_modules(sorted(folders))}
    return {name for name in names if PACKAGE_NAME.fullmatch(name)}


def _uv(*args: str, stdin: str | None = None) -> str:
    environ = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    environ["UV_NO_PROGRESS"] = "1"
    result = subprocess.run(
        ["uv", *args], input=stdin, capture_output=True, text=True, env=environ, check=False
    )
    assert result.returncode == 0, f"uv {' '.join(args)} failed:\n{result.stderr}"
    return result.stdout


def closure() -> list[str]:
    """Every distribution any generated project may install, pinned, without markers."""
    compiled = _uv(
        *("pip", "compile", "--universal", "--python-version", "3.11"),
        *("--no-header", "--no-annotate", "--quiet", "-"),
        stdin="\n".join(shared_env.requirements()) + "\n",
    )
    pins = [line.partition(";")[0].strip() for line in compiled.splitlines()]
    # A distribution the resolution forks by Python version is pinned once per fork: one install
    # reads its modules (the last pin, the newest Python's), as one target folder holds one.
    newest = {pin.partition("==")[0]: pin for pin in pins if pin and not pin.startswith("#")}
    return list(newest.values())


def import_names() -> dict[str, set[str]]:
    """Each top-level import name that is a valid package name -> the distributions holding it."""
    found: dict[str, set[str]] = defaultdict(set)
    with tempfile.TemporaryDirectory(prefix="stackwise-closure-") as tmp:
        requirements = Path(tmp) / "requirements.txt"
        requirements.write_text("\n".join(closure()) + "\n")
        target = Path(tmp) / "site"
        _uv(
            *("pip", "install", "--quiet", "--no-deps", "--target", str(target)),
            *("--python-version", NEWEST_PYTHON, "--python-platform", "x86_64-manylinux_2_28"),
            *("-r", str(requirements)),
        )
        for distribution in metadata.distributions(path=[str(target)]):
            for name in top_level(distribution):
                found[name].add(distribution.metadata["Name"])
    return dict(found)


def top_level(distribution: metadata.Distribution) -> set[str]:
    """The top-level modules and packages a distribution installs (from its RECORD)."""
    names = set()
    for file in distribution.files or []:
        parts = file.parts
        if not str(file).endswith(IMPORTABLE) or parts[0] in ("..", "bin"):
            continue
        name = parts[0].partition(".")[0]
        if PACKAGE_NAME.fullmatch(name):
            names.add(name)
    return names
