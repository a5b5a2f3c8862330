"""Render the project into a staging folder beside the destination, then move it into place.

A failure or Ctrl-C leaves nothing half-written behind.
"""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from stackwise import answers_file, copier_calls, template_source, vcs
from stackwise.errors import StackwiseError
from stackwise.template_source import Source


def check_destination(dest: Path, force: bool) -> None:
    """Refuse a destination that is a file, or a non-empty folder without --force."""
    if dest.exists() and not dest.is_dir():
        raise StackwiseError(f"{dest} exists and is not a folder: choose another destination.")
    if _is_non_empty_dir(dest) and not force:
        raise StackwiseError(
            f"{dest} exists and is not empty: choose another destination, or pass --force "
            "to write into it (files of the same name are overwritten)."
        )


def render(
    answers: dict[str, Any],
    dest: Path,
    *,
    decision: dict[str, Any],
    force: bool,
    git: bool,
    message: str,
    source: Source | None = None,
) -> str:
    """Write the project to `dest`.

    Returns a note about git. `decision` feeds the decision record: copier gets it as data
    beside the answers, and does not store it. `source`: a local clone to render from
    (`--from`); None renders the installed template.
    """
    check_destination(dest, force)
    merge = _is_non_empty_dir(dest)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{dest.name}.stackwise-", dir=_existing_ancestor(dest))
    )
    try:
        project = staging / "project"
        _copier_copy({**answers, "decision": decision}, project, source)
        if merge:
            note = "git: skipped, the destination already held files."
        elif git:
            note = vcs.init_and_commit(
                project, message, answers.get("author_name", ""), answers.get("author_email", "")
            )
        else:
            note = "git: skipped (--no-git)."
        dest.parent.mkdir(parents=True, exist_ok=True)
        if merge:
            shutil.copytree(project, dest, dirs_exist_ok=True)
        else:
            if dest.exists():
                dest.rmdir()  # empty, checked above
            project.rename(dest)
        return note
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copier_copy(data: dict[str, Any], project: Path, source: Source | None) -> None:
    """Render from `source`, which copier then records.

    Without one, render the installed template and record the public repository at this
    release's tag, where the same template lives, so the project can be updated later.
    """
    if source is not None:
        copier_calls.copy(source.src_path, source.vcs_ref, data, project)
        return
    with template_source.plain_folder() as template:
        copier_calls.copy(str(template), None, data, project)
    # Without a Repository URL in the metadata, the throw-away staging path is dropped: an
    # update then needs --from.
    answers_file.point_at(project, template_source.repository_url(), template_source.release_tag())


def _is_non_empty_dir(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _existing_ancestor(path: Path) -> Path:
    """Stage on the destination's file system, so the final move is a rename."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent
