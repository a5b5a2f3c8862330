"""Where the template comes from.

The copy this stackwise carries, which `new` renders, and the git source a project records for
`stackwise update`: stackwise's public repository at the commit the template came from (the
commit this stackwise was built from, or the one rendered from a local clone given with --from).
A commit, unlike a release tag, is found in the public repository and in every clone of it.
"""

import json
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
# Written into the wheel by hatch_build.py: {"commit": "<hash>", "clean": true}.
_WHEEL_COMMIT = _WHEEL_ROOT / "commit.json"
_TEMPLATE_PATHS = ("copier.yml", "template")

_IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".DS_Store")


@dataclass(frozen=True)
class Source:
    """A template in a git repository, as copier records it in a project's answers file."""

    src_path: str  # the git URL, or the absolute path of a local clone
    vcs_ref: str  # a commit (a full hash), or a release tag


@dataclass(frozen=True)
class Commit:
    """The commit of stackwise's repository the bundled template comes from."""

    hash: str
    clean: bool  # False: copier.yml or template/ had changes the commit does not hold


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
    """Releases are tagged `v<version>`: the version recorded when no commit is known."""
    return f"v{__version__}"


def bundled_commit() -> Commit | None:
    """The commit the bundled template comes from.

    In a checkout: its HEAD, and whether copier.yml and template/ are as committed. In an
    installed wheel: what hatch_build.py recorded when it was built. None when neither knows.
    """
    root = bundled_root()
    if root == _CHECKOUT_ROOT:
        in_git = (root / ".git").exists() and vcs.installed()
        head = vcs.commit_of(root, "HEAD") if in_git else None
        return Commit(head, vcs.is_clean(root, *_TEMPLATE_PATHS)) if head else None
    try:
        record = json.loads(_WHEEL_COMMIT.read_text(encoding="utf-8"))
        return Commit(str(record["commit"]), bool(record["clean"]))
    except (OSError, ValueError, TypeError, KeyError):
        return None


def bundled_version() -> str:
    """The template version a project rendered from the bundled template records."""
    commit = bundled_commit()
    return commit.hash if commit else release_tag()


def repository_url() -> str | None:
    """The Repository URL of the installed distribution's metadata (pyproject's [project.urls]).

    The public source every project records, whatever it was rendered from. None when the
    metadata has none (an editable install made before it had).
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
    """The template of the installed stackwise: the public repository at its commit."""
    url = repository_url()
    if url is None:
        raise StackwiseError(
            "this stackwise install names no Repository URL in its metadata (reinstall it), "
            "so pass --from PATH, a git clone of stackwise."
        )
    return Source(url, bundled_version())


def from_option(path: Path | None, vcs_ref: str | None) -> Source | None:
    """--from PATH [--vcs-ref REF]; None without --from: the installed stackwise's template."""
    if path is None:
        if vcs_ref is not None:
            raise StackwiseError("--vcs-ref needs --from PATH, a local clone.", exit_code=2)
        return None
    return local_clone(path, vcs_ref)


def local_clone(path: Path, vcs_ref: str | None) -> Source:
    """A git clone of stackwise given with --from, at REF or its checked-out commit (HEAD).

    The ref is resolved to its commit: that is what gets rendered (not the clone's uncommitted
    changes) and recorded.
    """
    folder = path.expanduser().resolve()
    if not (folder / "copier.yml").is_file():
        raise StackwiseError(f"--from {path}: no copier.yml there; give a git clone of stackwise.")
    if vcs.top_level(folder) != folder:
        raise StackwiseError(
            f"--from {path} is not the top of a git clone: a project can only be updated from "
            "a template with git history."
        )
    commit = vcs.commit_of(folder, vcs_ref or "HEAD")
    if commit is None:
        if vcs_ref is None:
            raise StackwiseError(f"--from {path}: the clone has no commit yet.")
        raise StackwiseError(f"--vcs-ref {vcs_ref}: no such tag or commit in {folder}.")
    return Source(str(folder), commit)


def has_ref(source: Source, ref: str) -> bool:
    """Whether a local clone holds the tag or commit; a remote repository is assumed to."""
    folder = Path(source.src_path)
    return not folder.is_dir() or vcs.has_commit(folder, ref)
