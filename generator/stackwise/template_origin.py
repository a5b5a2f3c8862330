"""Where a project's template comes from, as its answers file records it for `stackwise update`:
stackwise's public git repository at the release tag `v<version>`, or a local git clone of that
repository (`--from PATH`) at a tag or commit."""

import subprocess
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from stackwise import __version__
from stackwise.errors import StackwiseError


@dataclass(frozen=True)
class Origin:
    src_path: str  # the git URL, or the absolute path of a local clone
    vcs_ref: str | None  # a tag or commit; None: the latest tag (copier's choice)


def release_tag() -> str:
    """Releases are tagged `v<version>`: a PEP 440 version, which copier compares."""
    return f"v{__version__}"


def repository_url() -> str | None:
    """The Repository URL of the installed distribution's metadata (pyproject's
    [project.urls]); None when the metadata has none (an editable install made before it had)."""
    try:
        urls = metadata.metadata("stackwise").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        return None
    for entry in urls:
        label, _, url = entry.partition(",")
        if label.strip().lower() == "repository" and url.strip():
            return url.strip()
    return None


def release() -> Origin:
    """The template of the installed stackwise: the public repository at this version's tag."""
    url = repository_url()
    if url is None:
        raise StackwiseError(
            "this stackwise install names no Repository URL in its metadata (reinstall it), "
            "so pass --from PATH, a git clone of stackwise."
        )
    return Origin(url, release_tag())


def from_option(path: Path | None, vcs_ref: str | None) -> Origin | None:
    """--from PATH [--vcs-ref REF]; None without --from: the installed stackwise's template."""
    if path is None:
        if vcs_ref is not None:
            raise StackwiseError("--vcs-ref needs --from PATH, a local clone.", exit_code=2)
        return None
    return local_clone(path, vcs_ref)


def local_clone(path: Path, vcs_ref: str | None) -> Origin:
    """A git clone of stackwise given with --from; recorded by its absolute path, since copier
    cannot update from a relative one."""
    folder = path.expanduser().resolve()
    if not (folder / "copier.yml").is_file():
        raise StackwiseError(f"--from {path}: no copier.yml there; give a git clone of stackwise.")
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    if top.returncode != 0 or Path(top.stdout.strip()).resolve() != folder:
        raise StackwiseError(
            f"--from {path} is not the top of a git clone: a project can only be updated from "
            "a template with tagged git history."
        )
    origin = Origin(str(folder), vcs_ref)
    if vcs_ref is not None and not has_ref(origin, vcs_ref):
        raise StackwiseError(f"--vcs-ref {vcs_ref}: no such tag or commit in {folder}.")
    return origin


def has_ref(origin: Origin, ref: str) -> bool:
    """Whether a local clone holds the tag or commit; a remote repository is assumed to."""
    if not Path(origin.src_path).is_dir():
        return True
    found = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"],
        cwd=origin.src_path,
        capture_output=True,
        check=False,
    )
    return found.returncode == 0
