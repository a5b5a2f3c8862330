"""Every `git` command stackwise runs, and how its failures read.

Copier runs git on its own for `run_update` and for templates in git repositories; everything
else goes through `run` here: the identity of a new project, its first commit, the checks of a
clone given with --from, and the steps of `stackwise update`.
"""

import os
import shutil
import subprocess
from pathlib import Path

from stackwise.errors import StackwiseError

# A new project's branch: the one its CI workflow runs on.
BRANCH = "main"

# A commit stackwise makes in a throw-away clone: an identity, and no signing or hooks, whatever
# the machine's git config says.
_THROWAWAY_COMMIT = (
    *("-c", "user.name=stackwise", "-c", "user.email=stackwise@localhost"),
    *("-c", "commit.gpgSign=false", "-c", f"core.hooksPath={os.devnull}"),
)


def run(
    cwd: Path | None, *args: str, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run `git ARGS` in `cwd` (None: this process's folder), its output captured.

    The caller reads the return code.
    """
    return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True, check=False)


def ok(cwd: Path, *args: str, stdin: bytes | None = None) -> bytes:
    """`git ARGS` that must succeed: its output, or a StackwiseError with git's own reason."""
    result = run(cwd, *args, stdin=stdin)
    if result.returncode != 0:
        raise StackwiseError(f"git {args[0]} failed: {reason(result.stderr)}")
    return result.stdout


def reason(output: bytes | str) -> str:
    """Git's own reason: its first `fatal:` or `error:` line, else its last line."""
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    reasons = [line for line in lines if line.startswith(("fatal:", "error:"))]
    return (reasons or lines or ["no message"])[0 if reasons else -1]


def installed() -> bool:
    """Whether git is on PATH."""
    return shutil.which("git") is not None


def identity() -> dict[str, str]:
    """The user's `user.name` and `user.email`, by key, as git would use them.

    The last value set wins; empty without git or an identity. One git process for both.
    """
    if not installed():
        return {}
    result = run(None, "config", "--get-regexp", r"^user\.(name|email)$")
    found: dict[str, str] = {}
    for line in result.stdout.decode(errors="replace").splitlines():
        key, _, value = line.partition(" ")
        found[key] = value.strip()
    return found


# --- A new project ---------------------------------------------------------------------------


def init_and_commit(project: Path, message: str, author: str, email: str) -> str:
    """Make the project a git repository with everything in one commit.

    Returns a note on what was done, or why not.
    """
    if not installed():
        return "git is not installed: skipped git init."
    config = []
    # A machine without a git identity still gets its first commit, under the project's author.
    if not run(project, "config", "user.name").stdout.strip():
        config += ["-c", f"user.name={author or 'stackwise'}"]
    if not run(project, "config", "user.email").stdout.strip():
        config += ["-c", f"user.email={email or 'stackwise@localhost'}"]
    steps = {
        "init": ["init", "--quiet"],
        # The branch the generated CI runs on, whatever init.defaultBranch says (and on a git
        # older than init's --initial-branch).
        "symbolic-ref": ["symbolic-ref", "HEAD", f"refs/heads/{BRANCH}"],
        "add": ["add", "--all"],
        "commit": [*config, "commit", "--quiet", "-m", message],
    }
    for name, args in steps.items():
        result = run(project, *args)
        if result.returncode != 0:
            stderr = result.stderr.decode(errors="replace")
            error = (stderr.strip().splitlines() or ["no message"])[-1]
            return f"git {name} failed ({error}): the project is not committed."
    return f"git: initialised, with a first commit on {BRANCH}."


# --- A template clone given with --from ------------------------------------------------------


def top_level(folder: Path) -> Path | None:
    """The top folder of the git work tree `folder` is in; None outside of one."""
    result = run(folder, "rev-parse", "--show-toplevel")
    if result.returncode != 0:
        return None
    return Path(result.stdout.decode().strip()).resolve()


def has_commit(repository: Path, ref: str) -> bool:
    """Whether the repository holds the tag or commit."""
    return commit_of(repository, ref) is not None


def commit_of(repository: Path, ref: str) -> str | None:
    """The full hash of the commit a tag, branch or (short) hash names; None if none."""
    result = run(repository, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    return result.stdout.decode().strip() if result.returncode == 0 else None


def is_clean(repository: Path, *paths: str) -> bool:
    """Whether the paths have no uncommitted changes, untracked files included."""
    return ok(repository, "status", "--porcelain", "--", *paths).strip() == b""


# --- stackwise update ------------------------------------------------------------------------


def has_commits(repository: Path) -> bool:
    """Whether the repository has a first commit."""
    return run(repository, "rev-parse", "--verify", "--quiet", "HEAD").returncode == 0


def head_commit(repository: Path) -> str:
    """The commit checked out, as a hash."""
    return ok(repository, "rev-parse", "HEAD").decode().strip()


def uncommitted(folder: Path) -> list[str]:
    """The paths under `folder` with uncommitted changes, untracked files included."""
    status = ok(folder, "status", "--porcelain", "--untracked-files=all", "--", ".")
    return [line[3:] for line in status.decode(errors="replace").splitlines()]


def clone_at(repository: Path, commit: str, clone: Path) -> None:
    """A local clone of the repository with `commit` checked out (detached)."""
    ok(clone.parent, "clone", "--quiet", "--no-checkout", str(repository), str(clone))
    ok(clone, "checkout", "--quiet", "--detach", commit)


def commit_throwaway(clone: Path, message: str) -> None:
    """Commit every tracked change in a throw-away clone."""
    ok(
        clone,
        *_THROWAWAY_COMMIT,
        "commit",
        "--quiet",
        "--no-verify",
        "--allow-empty",
        "-am",
        message,
    )


def unmerged(repository: Path, inner: Path) -> bytes:
    """The unmerged index entries under `inner` (`git ls-files --unmerged -z`)."""
    return ok(repository, "ls-files", "--unmerged", "-z", "--", str(inner))


def stage_all(repository: Path, inner: Path) -> None:
    """Stage every change under `inner`, new and deleted files included."""
    ok(repository, "add", "--all", "--", str(inner))


def staged_diff(repository: Path, base: str, inner: Path) -> bytes:
    """The staged changes under `inner` against commit `base`, as a binary patch."""
    return ok(repository, "diff", "--cached", "--binary", base, "--", str(inner))


def staged_names(folder: Path, base: str) -> tuple[str, ...]:
    """The files under `folder` whose staged content differs from commit `base`.

    Relative to `folder`, sorted.
    """
    names = ok(folder, "diff", "--cached", "--name-only", "-z", "--relative", base, "--", ".")
    return tuple(sorted(name for name in names.decode().split("\0") if name))


def conflict_stages(clone: Path, top: Path, unmerged: bytes) -> bytes:
    """`git update-index --index-info` input recording copier's conflicts in the user's index.

    They are recorded as unmerged (base, yours, the template's), as copier does: `git status`
    lists them and `git commit` refuses until each is added. The blobs are copied into the
    user's repository.
    """
    records = [record for record in unmerged.decode().split("\0") if record]
    if not records:
        return b""
    lines = []
    for path in dict.fromkeys(record.split("\t", 1)[1] for record in records):
        lines.append(f"0 {'0' * 40}\t{path}")
    for record in records:
        info, path = record.split("\t", 1)
        mode, sha, stage = info.split()
        blob = ok(clone, "cat-file", "blob", sha)
        ok(top, "hash-object", "-w", "--stdin", stdin=blob)
        lines.append(f"{mode} {sha} {stage}\t{path}")
    return "".join(f"{line}\0" for line in lines).encode()


def apply_or_restore(top: Path, inner: Path, patch: bytes, stages: bytes) -> None:
    """Apply the patch to the user's tree, clean before, and record the conflict stages.

    On any failure or Ctrl-C, put `inner` back as it was (tracked files from HEAD, new files
    removed).
    """
    try:
        result = run(top, "apply", "--whitespace=nowarn", stdin=patch)
        if result.returncode != 0:  # git apply is atomic: nothing was written
            raise StackwiseError(
                f"the update could not be applied to your files ({reason(result.stderr)}); "
                "nothing was changed."
            )
        if stages:
            ok(top, "update-index", "-z", "--index-info", stdin=stages)
    except BaseException:
        run(top, "reset", "--quiet", "--", str(inner))
        run(top, "checkout", "--quiet", "--", str(inner))
        run(top, "clean", "-fdq", "--", str(inner))
        raise
