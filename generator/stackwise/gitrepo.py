"""`git init` and a first commit in a new project."""

import shutil
import subprocess
from pathlib import Path


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)


def init_and_commit(project: Path, message: str, author: str, email: str) -> str:
    """Make the project a git repository with everything in one commit; returns a note on
    what was done, or why not."""
    if shutil.which("git") is None:
        return "git is not installed: skipped git init."
    identity = []
    # A machine without a git identity still gets its first commit, under the project's author.
    if not _git(project, "config", "user.name").stdout.strip():
        identity += ["-c", f"user.name={author or 'stackwise'}"]
    if not _git(project, "config", "user.email").stdout.strip():
        identity += ["-c", f"user.email={email or 'stackwise@localhost'}"]
    steps = {
        "init": ["init", "--quiet"],
        "add": ["add", "--all"],
        "commit": [*identity, "commit", "--quiet", "-m", message],
    }
    for name, args in steps.items():
        result = _git(project, *args)
        if result.returncode != 0:
            error = (result.stderr.strip().splitlines() or ["no message"])[-1]
            return f"git {name} failed ({error}): the project is not committed."
    return "git: initialised, with a first commit."
