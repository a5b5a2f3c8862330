"""The commands a newcomer is told to run, run as written: those `stackwise new` prints as its next
steps and those of a generated README's "Run it" section, parsed from the text (never retyped).

Each runs in bash in its folder, as typed at a prompt. Every command gets the port of the servers
changed to a free one on 127.0.0.1 through the settings the README documents (`PORT` for the
production server, `UVICORN_PORT` or `FLASK_RUN_PORT` for the development server), so the command
itself is run unchanged. A command that answers `/health` on that port is a server: its links are
checked, then it is stopped (SIGTERM to its whole session, then SIGKILL); any other command must
exit 0."""

import contextlib
import os
import re
import signal
import subprocess
import tempfile
import time
from pathlib import Path

from tests.support.http_client import get
from tests.support.servers import free_port

PORT_SETTINGS = ("PORT", "UVICORN_PORT", "FLASK_RUN_PORT")
DOCUMENTED = "127.0.0.1:8000"  # where the README and the next steps say the servers listen


def readme_run_it(project: Path) -> tuple[list[str], list[str]]:
    """The commands of the README's "Run it" block, and the links listed after it."""
    readme = (project / "README.md").read_text(encoding="utf-8")
    found = re.search(r"^## Run it\n(.*?)^## ", readme, re.DOTALL | re.MULTILINE)
    assert found, "the README has no Run it section"
    section = found.group(1)
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block, "the Run it section has no console block"
    links = re.findall(r"^- <(http://[^>]+)>", section, re.MULTILINE)
    return block.group(1).splitlines(), links


def printed_next_steps(output: str) -> tuple[list[str], list[str]]:
    """The commands under "Next steps:" in the output of `stackwise new`, and the links under
    "Then open:"."""
    steps = output.partition("\nNext steps:\n")[2]
    assert steps, f"no next steps in:\n{output}"
    commands, _, rest = steps.partition("\n\n")
    links = rest.partition("Then open:\n")[2].splitlines()
    return (
        [line.removeprefix("  ") for line in commands.splitlines()],
        [line.strip().split(": ")[0] for line in links if line.strip()],
    )


def run_command(
    command: str, cwd: Path, env: dict[str, str], links: list[str], timeout: float = 600
) -> str:
    """Run `command` as written; "served" when it served (its links answered 200), else "ran"
    (it exited 0). Fails with the command's output otherwise."""
    port = free_port()
    environ = {**env, "HOST": "127.0.0.1", **{name: str(port) for name in PORT_SETTINGS}}
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=cwd,
            env=environ,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

        def output() -> str:
            log.seek(0)
            return log.read()

        try:
            deadline = time.monotonic() + timeout
            while True:
                code = process.poll()
                if code is not None:
                    assert code == 0, f"`{command}` exited {code}:\n{output()}"
                    return "ran"
                if _answers(f"http://127.0.0.1:{port}/health"):
                    for link in links:
                        url = link.replace(DOCUMENTED, f"127.0.0.1:{port}")
                        status = get(url, timeout=10)[0]
                        assert status == 200, f"{link} answered {status} under `{command}`"
                    return "served"
                assert time.monotonic() < deadline, f"`{command}` hung:\n{output()}"
                time.sleep(0.3)
        finally:
            _stop(process)


def _answers(url: str) -> bool:
    try:
        return get(url, timeout=2)[0] == 200
    except OSError:
        return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    """The command's whole session (uv, the server, its reloader or workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=20)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # anything left in the session
    process.wait()


def cd_target(command: str, cwd: Path) -> Path:
    """Where a `cd` step of the next steps leads, as bash resolves it."""
    result = subprocess.run(
        ["bash", "-c", f"{command} && pwd"], cwd=cwd, capture_output=True, text=True, check=True
    )
    return Path(result.stdout.strip())
