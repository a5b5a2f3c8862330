"""The template in this checkout (copier.yml and template/), and copies of it to render from."""

import importlib.util
import shutil
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template"

# The `render` fixture (tests/conftest.py): answers in, the rendered project's folder out.
Render = Callable[..., Path]


def copy_template(folder: Path) -> Path:
    """copier.yml and template/ copied into `folder`, made if missing: a plain folder renders the
    working tree as it is, and faster than the git clone pytest-copie makes of a repository."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(ROOT / "copier.yml", folder / "copier.yml")
    shutil.copytree(TEMPLATE, folder / "template", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def load_script(path: str) -> ModuleType:
    """A script of this checkout (`scripts/render_all.py`, `benchmarks/run.py`), imported as a
    module by its path: those folders are not packages."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, ROOT / path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
