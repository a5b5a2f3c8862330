"""Where the template comes from.

The copy this stackwise carries, which `new` renders, and the git source a project records for
`stackwise update` (stackwise's public repository at the release tag `v<version>`, or a local clone
given with --from, at a tag or commit).
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

from stackwise import __version__, vcs
from stackwise.errors import StackwiseError

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a checkout (and an editable install) the template sits at the repository root; the wheel
# carries a copy under the package, which an editable install would leave stale.
_CHECKOUT_ROOT = _PACKAGE_DIR.parent.parent
_WHEEL_ROOT = _PACKAGE_DIR / "_template"

_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


@dataclass(frozen=True)
class Source:
    """A template in a git repository, as copier records it in a project's answers file."""

    src_path: str  # the git URL, or the absolute path of a local clone
    vcs_ref: str | None  # a tag or commit; None: the latest tag (copier's choice)


# --- The template this stackwise carries ------------------------------------------------------


def bundled_root() -> Path:
    """The folder holding copier.yml and template/: the checkout's, else the wheel's."""
    for root in (_CHECKOUT_ROOT, _WHEEL_ROOT):
        if (root / "copier.yml").is_file() and (root / "template").is_dir():
            return root
    raise FileNotFoundError(f"the stackwise template is missing beside {_PACKAGE_DIR}")


def copier_yml() -> Path:
    """The bundled copier.yml: the questions' one source."""
    return bundled_root() / "copier.yml"


@contextmanager
def plain_folder() -> Iterator[Path]:
    """The bundled template as a folder outside any git repository.

    Copier then renders the working tree: given a git checkout, it would render the latest tag
    instead. An installed wheel's template is such a folder already. A checkout's is copied, with
    hard links: copier refuses a template folder reached through a symbolic link.
    """
    root = bundled_root()
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


# --- The git source a project records ---------------------------------------------------------


def release_tag() -> str:
    """Releases are tagged `v<version>`: a PEP 440 version, which copier compares."""
    return f"v{__version__}"


def repository_url() -> str | None:
    """The Repository URL of the installed distribution's metadata (pyproject's [project.urls]).

    None when the metadata has none (an editable install made before it had).
    """
    from importlib import metadata  # imported here: it costs more than this whole module

    try:
        urls = metadata.metadata("stackwise").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = str(entry).partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return url.strip()
    return None


def release() -> Source:
    """The template of the installed stackwise: the public repository at this version's tag."""
    url = repository_url()
    if url is None:
        raise StackwiseError(
            "this stackwise install names no Repository URL in its metadata (reinstall it), "
            "so pass --from PATH, a git clone of stackwise."
        )
    return Source(url, release_tag())


def from_option(path: Path | None, vcs_ref: str | None) -> Source | None:
    """--from PATH [--vcs-ref REF]; None without --from: the installed stackwise's template."""
    if path is None:
        if vcs_ref is not None:
            raise StackwiseError("--vcs-ref needs --from PATH, a local clone.", exit_code=2)
        return None
    return local_clone(path, vcs_ref)


def local_clone(path: Path, vcs_ref: str | None) -> Source:
    """A git clone of stackwise given with --from.

    Recorded by its absolute path, since copier cannot update from a relative one.
    """
    folder = path.expanduser().resolve()
    if not (folder / "copier.yml").is_file():
        raise StackwiseError(f"--from {path}: no copier.yml there; give a git clone of stackwise.")
    if vcs.top_level(folder) != folder:
        raise StackwiseError(
            f"--from {path} is not the top of a git clone: a project can only be updated from "
            "a template with tagged git history."
        )
    source = Source(str(folder), vcs_ref)
    if vcs_ref is not None and not has_ref(source, vcs_ref):
        raise StackwiseError(f"--vcs-ref {vcs_ref}: no such tag or commit in {folder}.")
    return source


def has_ref(source: Source, ref: str) -> bool:
    """Whether a local clone holds the tag or commit; a remote repository is assumed to."""
    folder = Path(source.src_path)
    return not folder.is_dir() or vcs.has_commit(folder, ref)
