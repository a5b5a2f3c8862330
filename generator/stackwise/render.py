"""Render the template with copier into a staging folder beside the destination, then move it into
place: a failure or Ctrl-C leaves nothing half-written behind."""

import shutil
import tempfile
import warnings
from pathlib import Path
from typing import Any

from stackwise import answers_file, gitrepo, template_origin
from stackwise.errors import StackwiseError
from stackwise.template_origin import Origin
from stackwise.template_source import plain_template_copy


def check_destination(dest: Path, force: bool) -> None:
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
    origin: Origin | None = None,
) -> str:
    """Write the project to `dest`; returns a note about git. `decision` feeds the decision
    record: copier gets it as data beside the answers, and does not store it. `origin`: a
    local clone to render from (`--from`); None renders the installed template."""
    check_destination(dest, force)
    merge = _is_non_empty_dir(dest)
    staging = Path(
        tempfile.mkdtemp(prefix=f".{dest.name}.stackwise-", dir=_existing_ancestor(dest))
    )
    try:
        project = staging / "project"
        _copier_copy({**answers, "decision": decision}, project, origin)
        if merge:
            note = "git: skipped, the destination already held files."
        elif git:
            note = gitrepo.init_and_commit(
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


def _copier_copy(data: dict[str, Any], project: Path, origin: Origin | None) -> None:
    """Render from `origin`, which copier then records; without one, render the installed
    template and record the public repository at this release's tag, where the same template
    lives, so the project can be updated later."""
    if origin is not None:
        _run_copy(origin.src_path, origin.vcs_ref, data, project)
        return
    with plain_template_copy() as template:
        _run_copy(str(template), None, data, project)
    # Without a Repository URL in the metadata, the throw-away staging path is dropped: an
    # update then needs --from.
    answers_file.point_at(project, template_origin.repository_url(), template_origin.release_tag())


def _run_copy(src_path: str, vcs_ref: str | None, data: dict[str, Any], project: Path) -> None:
    from copier import run_copy
    from copier.errors import CopierError
    from jinja2 import TemplateError

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_copy(
                src_path,
                str(project),
                data=data,
                vcs_ref=vcs_ref,
                defaults=True,
                overwrite=True,
                quiet=True,
                unsafe=False,
            )
        except (CopierError, ValueError, TemplateError, OSError) as error:
            # The CLI validates every answer first: reaching this is a template bug, or a disk
            # that refused a write.
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise StackwiseError(f"the template failed to render: {first_line}") from None


def _is_non_empty_dir(path: Path) -> bool:
    return path.is_dir() and any(path.iterdir())


def _existing_ancestor(path: Path) -> Path:
    """Stage on the destination's file system, so the final move is a rename."""
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    return parent
