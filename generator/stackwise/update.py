"""`stackwise update`: a newer template in a project made earlier, the user's edits kept.

The merge is copier's 3-way merge (`copier update`).

Copier updates in place, from the template source its answers file records. stackwise runs it in a
throw-away clone of the project instead: there it can point the answers file at the chosen source
(the public repository, or a local clone given with --from) and commit that, and copier finds the
clean repository it needs. Afterwards the answers file names the public repository again, at the
commit of the new template: --from is a source for this update only, and no path of this machine
is committed. The user's tree is touched only at the end, by one `git apply` of the
result, which is undone if it fails or is interrupted: a failure or Ctrl-C leaves the project as it
was.
"""

from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import typer

from stackwise import answers_file, copier_calls, questions, resolve, template_source, vcs
from stackwise.errors import StackwiseError
from stackwise.template_source import Source

# The label copier's inline conflicts open with (`git merge-file -L "before updating" ...`).
CONFLICT_START = b"<<<<<<< before updating"


@dataclass(frozen=True)
class Update:
    """What an update did, for its summary."""

    old: str  # the template version the project was on (`_commit` before)
    new: str  # and is on now
    changed: tuple[str, ...]  # paths relative to the project
    conflicts: tuple[str, ...]


def update_project(path: Path, *, data: list[str], source: Source | None) -> None:
    """Update the project at `path` to `source`'s template, and say what changed.

    `source` None means the installed stackwise's release. Raises with the list of conflicts
    left to resolve.
    """
    given = resolve.parse_data(data)
    resolve.check_keys(given)
    project = path.resolve()
    shown = "this folder" if path == Path(".") else str(path)
    if not project.is_dir():
        raise StackwiseError(f"{path} is not a folder: give the project to update.")
    top = _repository_top(project, shown)
    _check_clean(project, shown)
    stored = answers_file.read(project, shown)
    if not stored.get("_commit"):
        raise StackwiseError(
            f"{path / answers_file.NAME} has no _commit, so the template version the project "
            "was made from is unknown: add `_commit: <commit>` (the stackwise commit, or the "
            "release tag v<version>, that made it), commit, and retry."
        )
    changes = changed_answers(stored, given)
    source = source or template_source.release()
    if not template_source.has_ref(source, str(stored["_commit"])):
        raise StackwiseError(
            f"the project was made from template {stored['_commit']}, which {source.src_path} "
            "does not hold: copier needs it to tell your edits from the template's. Update "
            "the clone (git fetch --tags), or use one that has it."
        )
    public = template_source.repository_url() or stored.get("_src_path")
    result = _update_in_clone(top, project, source, changes, public)
    typer.echo(summary(result, path, given))
    if result.conflicts:
        raise StackwiseError(conflict_help(result.conflicts))


def summary(result: Update, path: Path, changes: dict[str, str]) -> str:
    """The line that says what the update changed, or that nothing changed."""
    where = "" if path == Path(".") else f" {path}"
    old, new = short(result.old), short(result.new)
    if not result.changed:
        return f"Up to date: the project{where} already has the template at {new}."
    template = f"template {new}" if old == new else f"template {old} to {new}"
    if changes:
        template += ", with " + ", ".join(f"{key}={value}" for key, value in changes.items())
    return (
        f"Updated the project{where} ({template}): {_count(result.changed)} changed. "
        "Review with `git status` and `git diff`, then commit."
    )


def conflict_help(conflicts: tuple[str, ...]) -> str:
    """The conflicts left, and how to resolve them or drop the update."""
    listed = "".join(f"\n  {name}" for name in conflicts)
    return (
        f"your edits and the template's changes conflict in {_count(conflicts)}, marked "
        f"inline between `<<<<<<< before updating` and `>>>>>>> after updating`:{listed}\n"
        "To resolve: edit each to keep what you want and delete the marker lines, then "
        "`git add` it; commit once `git status` lists no unmerged paths. To drop the whole "
        "update instead, in the project folder: `git checkout HEAD -- . && git clean -fd .`"
    )


def short(version: str) -> str:
    """A commit hash as git shows it short (12 digits); a tag as it is."""
    is_hash = len(version) == 40 and all(digit in "0123456789abcdef" for digit in version)
    return version[:12] if is_hash else version


def _count(files: tuple[str, ...]) -> str:
    return f"{len(files)} file" + ("" if len(files) == 1 else "s")


# Questions added after projects were made, with the answer that keeps such a project as it was
# (their default would change it): a hybrid made before legacy_mount has its Flask app under
# /legacy; a project made before auth has every endpoint open.
AS_BEFORE = {"legacy_mount": "prefix", "auth": "none"}


def changed_answers(stored: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """The answers --data changes, checked as `stackwise new` checks them.

    They are checked together with the answers the project keeps. A question the project was
    made without, and that applies to it, gets the answer of AS_BEFORE unless --data gives one.
    """
    known = set(questions.public_keys())
    kept = {key: value for key, value in stored.items() if key in known}
    missing = {key: value for key, value in AS_BEFORE.items() if key not in {*stored, *given}}
    applying = resolve.resolve({**kept, **given}, {}, None)
    as_before = {key: value for key, value in missing.items() if key in applying}
    resolved = resolve.resolve({**kept, **as_before, **given}, {}, None)
    return {key: resolved[key] for key in [*as_before, *given]}


def _repository_top(project: Path, shown: str) -> Path:
    top = vcs.top_level(project)
    if top is None:
        raise StackwiseError(
            f"{shown} is not a git repository: an update merges the template's changes "
            "with yours through git. Commit the project first (git init && git add -A && "
            "git commit -m 'Before stackwise update'), then retry."
        )
    if not vcs.has_commits(project):
        raise StackwiseError(f"{shown} has no commit yet: commit the project, then retry.")
    return top


def _check_clean(project: Path, shown: str) -> None:
    dirty = vcs.uncommitted(project)
    if dirty:
        some = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise StackwiseError(
            f"{shown} has uncommitted changes ({some}): commit or stash them first, so the "
            "update can be reviewed on its own and nothing of yours is lost."
        )


def _update_in_clone(
    top: Path, project: Path, source: Source, changes: dict[str, Any], public: str | None
) -> Update:
    inner = project.relative_to(top)
    head = vcs.head_commit(top)
    with TemporaryDirectory(prefix="stackwise-update-") as tmp:
        clone = Path(tmp) / "project"
        vcs.clone_at(top, head, clone)
        sub = clone / inner
        old = str(answers_file.read(sub)["_commit"])
        answers_file.point_at(sub, source.src_path, old)
        vcs.commit_throwaway(clone, "stackwise update: template source")
        # The decision record (docs/decisions/0001-framework.md) is rendered only when
        # `decision` is passed: left out here, neither the old nor the new rendering holds it,
        # so copier neither deletes nor rewrites it. It records the decision made when the
        # project was made.
        copier_calls.update(sub, source, changes)
        # Copier recorded the source it used, and the commit as `git describe` names it.
        answers_file.point_at(sub, public, source.vcs_ref)
        new = source.vcs_ref
        unmerged = vcs.unmerged(clone, inner)
        vcs.stage_all(clone, inner)
        patch = vcs.staged_diff(clone, head, inner)
        changed = vcs.staged_names(sub, head)
        conflicts = tuple(name for name in changed if _has_conflict(sub / name))
        if patch:
            vcs.apply_or_restore(top, inner, patch, vcs.conflict_stages(clone, top, unmerged))
    return Update(old, new, changed, conflicts)


def _has_conflict(path: Path) -> bool:
    try:
        return any(line.rstrip() == CONFLICT_START for line in path.read_bytes().splitlines())
    except OSError:
        return False
