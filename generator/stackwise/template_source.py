"""Where the copier template (copier.yml + template/) lives: the checkout or the installed wheel."""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from tempfile import TemporaryDirectory

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout (and an editable install) the template sits at the repository root; the wheel
# carries a copy under the package, which an editable install would leave stale.
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent
_WHEEL_ROOT = _PACKAGE_DIR / "_template"

_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


def template_root() -> Path:
    for root in (_CHECKOUT_ROOT, _WHEEL_ROOT):
        if (root / "copier.yml").is_file() and (root / "template").is_dir():
            return root
    raise FileNotFoundError(f"the stackwise template is missing beside {_PACKAGE_DIR}")


def copier_yml() -> Path:
    return template_root() / "copier.yml"


@contextmanager
def plain_template_copy() -> Iterator[Path]:
    """The template as a plain folder, so copier renders the working tree: given a git
    checkout, copier would render its latest tag instead. An installed wheel's template is a
    plain folder already."""
    root = template_root()
    if not (root / ".git").exists():
        yield root
        return
    with TemporaryDirectory(prefix="stackwise-template-") as tmp:
        copy = Path(tmp)
        shutil.copy2(root / "copier.yml", copy / "copier.yml")
        # Hard links: the vendored docs files make a real copy cost tens of milliseconds.
        shutil.copytree(root / "template", copy / "template", ignore=_IGNORED, copy_function=_link)
        yield copy


def _link(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)
