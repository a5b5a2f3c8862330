"""A new project's uv.lock, written by `uv lock` before the first commit.

The generated Dockerfile installs with `uv sync --locked`, and a team wants the versions its
tests passed with. Locking reads the package index, so it can fail or hang where the network
does: the project is then still written and committed, without the lock, and the note says
how to lock later. A timeout bounds the wait.
"""

import os
import shutil
import subprocess
from pathlib import Path

# Seconds: a resolution with a cold cache takes a few; uv itself retries a dead index.
TIMEOUT = 120.0
# How uv starts the line of its error: `error: ...`, or a cross for a resolution's failure.
_ERROR_MARKS = ("error:", "\N{MULTIPLICATION SIGN}")


def lock(project: Path, shown: Path) -> str:
    """Run `uv lock` in `project`; "" when uv.lock is written, else a note naming `shown`."""
    later = f"run `uv lock` in {shown} and commit uv.lock"
    uv = shutil.which("uv")
    if uv is None:
        return f"uv.lock: not written, uv is not installed: install uv, then {later}."
    environment = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    try:
        result = subprocess.run(
            [uv, "lock", "--no-progress"],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"uv.lock: not written, uv lock took over {TIMEOUT:.0f} s: {later}."
    if result.returncode != 0:
        return f"uv.lock: not written, uv lock failed ({_reason(result.stderr)}): {later}."
    return ""


def _reason(stderr: str) -> str:
    """The line of uv's error, without its mark; else uv's last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        for mark in _ERROR_MARKS:
            if line.startswith(mark):
                return line.removeprefix(mark).strip().rstrip(":")
    return lines[-1] if lines else "no message"
