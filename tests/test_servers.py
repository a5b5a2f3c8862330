"""The test servers' own promise (tests/support/servers.py): none outlives the process that
started it, even one killed outright, which runs no `finally` to stop it."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.support.template import ROOT

STARTER = """
import subprocess, sys, time
from tests.support.servers import ending_with_this_process
child = subprocess.Popen(
    [sys.executable, "-c", "import time; time.sleep(60)"],
    start_new_session=True,
    preexec_fn=ending_with_this_process(),
)
print(child.pid, flush=True)
time.sleep(60)
"""


def alive(pid: int) -> bool:
    """Whether process `pid` runs (a zombie has ended: its parent, init, reaps it soon)."""
    try:
        return "State:\tZ" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def test_a_server_ends_when_its_starter_is_killed_outright() -> None:
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert starter.stdout is not None
    child = int(starter.stdout.readline())
    try:
        assert alive(child)
        starter.send_signal(signal.SIGKILL)
        starter.wait()
        deadline = time.monotonic() + 10
        while alive(child) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(child)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
