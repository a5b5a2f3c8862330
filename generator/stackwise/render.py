"""Render the project into a staging folder beside the destination, then move it into place.

A failure or Ctrl-C leaves nothing half-written behind.
"""

import shutil
import tempfile
from pathlib import Path
from typing import Any

from stackwise import answers_file, copier_calls, lockfile, template_source, vcs
from stackwise.errors import StackwiseError
from stackwise.template_source import Source


def check_destination(dest: Path, force: bool, fix: str = "choose another destination") -> None:
    """Refuse a destination that is a file, or a non-empty folder without --force."""
    if dest.exists() and not dest.is_dir():
        raise StackwiseError(f"{dest} exists and is not a folder: {fix}.")
    if _is_non_empty_dir(dest) and not force:
        raise StackwiseError(
            f"{dest} exists and is not empty: {fix}, or pass --force "
            "to write into it (files of the same name are overwritten)."
        )


def render(
    answers: dict[str, Any],
    dest: Path,
    *,
    decision: dict[str, Any],
    force: bool,
    git: bool,
    lock: bool = True,
    message: str,
    source: Source | None = None,
) -> str:
    """Write the project to `dest`, with its uv.lock (`lock`), committed (`git`).

    Returns notes about what was not done, or about git, one a line. `decision` feeds the
    decision record: copier gets it as data beside the answers, and does not store it.
    `source`: a local clone to render from (`--from`); None renders the installed template.
    """
    check_destination(dest, force)
    merge = _is_non_empty_dir(dest)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{dest.name}.stackwise-", dir=_existing_ancestor(dest))
    )
    try:
        project = staging / "project"
        notes = [_copier_copy({**answers, "decision": decision}, project, source)]
        if lock:
            notes.append(lockfile.lock(project, dest))
        if merge:
            git_note = "git: skipped, the destination already held files."
        elif git:
            git_note = vcs.init_and_commit(
                project, message, answers.get("author_name", ""), answers.get("author_email", "")
            )
        else:
            git_note = "git: skipped (--no-git)."
        dest.parent.mkdir(parents=True, exist_ok=True)
        if merge:
            shutil.copytree(project, dest, dirs_exist_ok=True)
        else:
            if dest.exists():
                dest.rmdir()  # empty, checked above
            project.rename(dest)
        return "\n".join(note for note in [git_note, *notes] if note)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _copier_copy(data: dict[str, Any], project: Path, source: Source | None) -> str:
    """Render from `source`, or the installed template; returns a note, or "".

    Either way the project records the public repository (`_src_path`, the Repository URL)
    and the commit it was rendered from (`_commit`): a later update finds that template in
    the public repository or any clone of it, and no path of this machine is committed.
    Without a Repository URL in the metadata, the source is dropped: an update then needs
    --from.
    """
    note = ""
    if source is not None:
        copier_calls.copy(source.src_path, source.vcs_ref, data, project)
        version = source.vcs_ref
    else:
        with template_source.plain_folder() as template:
            copier_calls.copy(str(template), None, data, project)
        commit = template_source.bundled_commit()
        version = commit.hash if commit else template_source.release_tag()
        if commit and not commit.clean:
            note = (
                "template: copier.yml or template/ has changes not committed in "
                f"{commit.hash[:12]}, the commit the project records: an update will keep them "
                "as if they were your edits."
            )
    answers_file.point_at(project, template_source.repository_url(), version)
    return note


def _is_non_empty_dir(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _existing_ancestor(path: Path) -> Path:
    """Stage on the destination's file system, so the final move is a rename."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent
