"""`stackwise update`: bring a newer template into a project made earlier, keeping the user's
edits, through copier's 3-way merge (`copier update`).

Copier updates in place, from the template source its answers file records. stackwise runs it in
a throw-away clone of the project instead: there it can point the answers file at the chosen
source (the public repository, or a local clone given with --from) and commit that, and copier
finds the clean repository it needs. The user's tree is touched only at the end, by one
`git apply` of the result, which is undone if it fails or is interrupted: a failure or Ctrl-C
leaves the project as it was."""

import os
import subprocess
import warnings
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import typer

from stackwise import answers, answers_file, questions, template_origin
from stackwise.errors import StackwiseError
from stackwise.template_origin import Origin

# The label copier's inline conflicts open with (`git merge-file -L "before updating" ...`).
CONFLICT_START = b"<<<<<<< before updating"
# The throw-away commit in the clone: an identity, and no signing or hooks, whatever the
# machine's git config says.
_THROWAWAY_COMMIT = (
    *("-c", "user.name=stackwise", "-c", "user.email=stackwise@localhost"),
    *("-c", "commit.gpgSign=false", "-c", f"core.hooksPath={os.devnull}"),
)


@dataclass(frozen=True)
class Update:
    old: str  # the template version the project was on (`_commit` before)
    new: str  # and is on now
    changed: tuple[str, ...]  # paths relative to the project
    conflicts: tuple[str, ...]


def update_project(path: Path, *, data: list[str], origin: Origin | None) -> None:
    """Update the project at `path` to `origin`'s template (None: the installed stackwise's
    release), say what changed, and raise with the list of conflicts left to resolve."""
    given = answers.parse_data(data)
    answers.check_keys(given)
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
            "was made from is unknown: add `_commit: v<version>` (the stackwise release that "
            "made it), commit, and retry."
        )
    changes = changed_answers(stored, given)
    origin = origin or template_origin.release()
    if not template_origin.has_ref(origin, str(stored["_commit"])):
        raise StackwiseError(
            f"the project was made from template {stored['_commit']}, which {origin.src_path} "
            "does not hold: copier needs it to tell your edits from the template's. Fetch its "
            "tags (git fetch --tags) or use a clone that has them."
        )
    result = _update_in_clone(top, project, origin, changes)
    typer.echo(summary(result, path, given))
    if result.conflicts:
        raise StackwiseError(conflict_help(result.conflicts))


def summary(result: Update, path: Path, changes: dict[str, str]) -> str:
    where = "" if path == Path(".") else f" {path}"
    if not result.changed:
        return f"Up to date: the project{where} already has the template at {result.new}."
    template = (
        f"template {result.new}"
        if result.old == result.new
        else f"template {result.old} to {result.new}"
    )
    if changes:
        template += ", with " + ", ".join(f"{key}={value}" for key, value in changes.items())
    return (
        f"Updated the project{where} ({template}): {_count(result.changed)} changed. "
        "Review with `git status` and `git diff`, then commit."
    )


def conflict_help(conflicts: tuple[str, ...]) -> str:
    listed = "".join(f"\n  {name}" for name in conflicts)
    return (
        f"your edits and the template's changes conflict in {_count(conflicts)}, marked "
        f"inline between `<<<<<<< before updating` and `>>>>>>> after updating`:{listed}\n"
        "To resolve: edit each to keep what you want and delete the marker lines, then "
        "`git add` it; commit once `git status` lists no unmerged paths. To drop the whole "
        "update instead, in the project folder: `git checkout HEAD -- . && git clean -fd .`"
    )


def _count(files: tuple[str, ...]) -> str:
    return f"{len(files)} file" + ("" if len(files) == 1 else "s")


def changed_answers(stored: dict[str, Any], given: dict[str, str]) -> dict[str, Any]:
    """The answers --data changes, checked exactly as `stackwise new` checks them, together
    with the answers the project keeps."""
    known = set(questions.public_keys())
    kept = {key: value for key, value in stored.items() if key in known}
    resolved = answers.resolve({**kept, **given}, {}, None)
    return {key: resolved[key] for key in given}


def _git(cwd: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)


def _git_ok(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    result = _git(cwd, *args, stdin=stdin)
    if result.returncode != 0:
        raise StackwiseError(f"git {args[0]} failed: {_last_line(result.stderr)}")
    return result.stdout


def _last_line(output: bytes | str) -> str:
    """git's own reason: its first `fatal:` or `error:` line, else its last line."""
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reasons = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (reasons or lines or ["no message"])[0 if reasons else -1]


def _repository_top(project: Path, shown: str) -> Path:
    result = _git(project, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        raise StackwiseError(
            f"{shown} is not a git repository: an update merges the template's changes "
            "with yours through git. Commit the project first (git init && git add -A && "
            "git commit -m 'Before stackwise update'), then retry."
        )
    if _git(project, "rev-parse", "--verify", "--quiet", "HEAD").returncode != 0:
        raise StackwiseError(f"{shown} has no commit yet: commit the project, then retry.")
    return Path(result.stdout.decode().strip()).resolve()


def _check_clean(project: Path, shown: str) -> None:
    status = _git_ok(project, "status", "--porcelain", "--untracked-files=all", "--", ".")
    dirty = [line[3:] for line in status.decode(errors="replace").splitlines()]
    if dirty:
        some = ", ".join(dirty[:3]) + (f" and {len(dirty) - 3} more" if len(dirty) > 3 else "")
        raise StackwiseError(
            f"{shown} has uncommitted changes ({some}): commit or stash them first, so the "
            "update can be reviewed on its own and nothing of yours is lost."
        )


def _update_in_clone(top: Path, project: Path, origin: Origin, changes: dict[str, Any]) -> Update:
    inner = project.relative_to(top)
    head = _git_ok(top, "rev-parse", "HEAD").decode().strip()
    with TemporaryDirectory(prefix="stackwise-update-") as tmp:
        clone = Path(tmp) / "project"
        _git_ok(Path(tmp), "clone", "--quiet", "--no-checkout", str(top), str(clone))
        _git_ok(clone, "checkout", "--quiet", "--detach", head)
        sub = clone / inner
        old = str(answers_file.read(sub)["_commit"])
        answers_file.point_at(sub, origin.src_path, old)
        _git_ok(
            clone, *_THROWAWAY_COMMIT, "commit", "--quiet", "--no-verify", "--allow-empty", "-am",
            "stackwise update: template source",
        )  # fmt: skip
        _copier_update(sub, origin, changes)
        new = str(answers_file.read(sub)["_commit"])
        unmerged = _git_ok(clone, "ls-files", "--unmerged", "-z", "--", str(inner))
        _git_ok(clone, "add", "--all", "--", str(inner))
        patch = _git_ok(clone, "diff", "--cached", "--binary", head, "--", str(inner))
        changed = _changed_files(sub, head)
        conflicts = tuple(name for name in changed if _has_conflict(sub / name))
        if patch:
            _apply(top, inner, patch, _copy_stages(clone, top, unmerged))
    return Update(old, new, changed, conflicts)


def _copier_update(sub: Path, origin: Origin, changes: dict[str, Any]) -> None:
    from copier import run_update
    from copier.errors import CopierError
    from jinja2 import TemplateError

    # The decision record (docs/decisions/0001-framework.md) is rendered only when `decision`
    # is passed: left out here, neither the old nor the new rendering holds it, so copier
    # neither deletes nor rewrites it. It records the decision made when the project was made.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            run_update(
                str(sub),
                data=changes,
                vcs_ref=origin.vcs_ref,
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict="inline",
                unsafe=False,
            )
        except OSError as error:  # git failed (plumbum's ProcessExecutionError), or the disk
            stderr = getattr(error, "stderr", "") or str(error)
            raise StackwiseError(
                f"cannot get the template from {origin.src_path} at "
                f"{origin.vcs_ref or 'its latest tag'} ({_last_line(stderr)}): check the "
                "network, or pass --from PATH, a local git clone of stackwise."
            ) from None
        except (CopierError, ValueError, TemplateError) as error:
            first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
            raise StackwiseError(f"copier cannot update the project: {first_line}") from None


def _changed_files(sub: Path, head: str) -> tuple[str, ...]:
    """The files the update added, modified or deleted, relative to the project."""
    names = _git_ok(sub, "diff", "--cached", "--name-only", "-z", "--relative", head, "--", ".")
    return tuple(sorted(name for name in names.decode().split("\0") if name))


def _has_conflict(path: Path) -> bool:
    try:
        return any(line.rstrip() == CONFLICT_START for line in path.read_bytes().splitlines())
    except OSError:
        return False


def _copy_stages(clone: Path, top: Path, unmerged: bytes) -> bytes:
    """`git update-index --index-info` input recording copier's conflicts as unmerged in the
    user's index (base, yours, the template's), as copier does: `git status` lists them and
    `git commit` refuses until each is added. The blobs are copied into the user's repository."""
    records = [record for record in unmerged.decode().split("\0") if record]
    if not records:
        return b""
    lines = []
    for path in dict.fromkeys(record.split("\t", 1)[1] for record in records):
        lines.append(f"0 {'0' * 40}\t{path}")
    for record in records:
        info, path = record.split("\t", 1)
        mode, sha, stage = info.split()
        blob = _git_ok(clone, "cat-file", "blob", sha)
        _git_ok(top, "hash-object", "-w", "--stdin", stdin=blob)
        lines.append(f"{mode} {sha} {stage}\t{path}")
    return "".join(f"{line}\0" for line in lines).encode()


def _apply(top: Path, inner: Path, patch: bytes, stages: bytes) -> None:
    """Apply the update to the user's tree, clean before: on any failure or Ctrl-C, put the
    project back as it was (tracked files from HEAD, new files removed)."""
    try:
        result = _git(top, "apply", "--whitespace=nowarn", stdin=patch)
        if result.returncode != 0:  # git apply is atomic: nothing was written
            raise StackwiseError(
                f"the update could not be applied to your files ({_last_line(result.stderr)}); "
                "nothing was changed."
            )
        if stages:
            _git_ok(top, "update-index", "-z", "--index-info", stdin=stages)
    except BaseException:
        _git(top, "reset", "--quiet", "--", str(inner))
        _git(top, "checkout", "--quiet", "--", str(inner))
        _git(top, "clean", "-fdq", "--", str(inner))
        raise
