"""The stackwise command, driven as a user drives it: in process through Typer's runner, or the
installed console script in a pseudo-terminal, where the prompts behave as in a real one."""

import sys
from pathlib import Path
from typing import Any

import pexpect
from typer.testing import CliRunner

# The console script installed beside the Python that runs the tests (or benchmarks/run.py).
STACKWISE = str(Path(sys.executable).parent / "stackwise")


def invoke(app: Any, args: list[str]) -> Any:
    return CliRunner().invoke(app, args, catch_exceptions=False)


def spawn(cwd: Path, *args: str, timeout: float = 30, columns: int = 160) -> pexpect.spawn:
    """`stackwise *args` in a pseudo-terminal of 50 rows and 160 columns (or `columns`)."""
    return spawn_command([STACKWISE, *args], cwd, timeout=timeout, columns=columns)


def spawn_command(
    command: list[str], cwd: Path, timeout: float = 30, columns: int = 160
) -> pexpect.spawn:
    """Any command in the same pseudo-terminal (the benchmarks' baselines)."""
    return pexpect.spawn(
        command[0],
        command[1:],
        cwd=str(cwd),
        encoding="utf-8",
        timeout=timeout,
        dimensions=(50, columns),
    )
