"""Throw-away PostgreSQL servers for the tests that need one, and a database per project.

scripts/test starts one server for the whole run (`python -m tests.support.postgres start DIR`)
and exports its URL as STACKWISE_TEST_POSTGRES_URL; without it (pytest run directly), each test
process starts its own on first use. Every PostgreSQL project gets a fresh database of its own on
it. The fault tests start servers of their own, to stop and start them (`Server`).

PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user (the
PostgreSQL packages create it), in a folder it owns.

Every server has an owner process, and a small watcher process removes it once the owner has
ended, however it ended: a test worker killed by a timeout or Ctrl-C runs no atexit handler and
no `finally`, and would leave a server running.
"""

import atexit
import errno
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from functools import cache
from pathlib import Path
from typing import Any

import yaml

URL_VARIABLE = "STACKWISE_TEST_POSTGRES_URL"
SERVER_USER = "postgres"
# Fast and throw-away: nothing here has to survive a crash of the machine.
OPTIONS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"


def binaries() -> Path:
    """The folder of initdb, pg_ctl and postgres: on PATH, else the newest of Debian's."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    folders = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda f: int(Path(f).parent.name))
    if not folders:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
    return Path(folders[-1])


def as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    pwd.getpwnam(SERVER_USER)  # KeyError: no such user, the PostgreSQL packages make one
    return ["runuser", "-u", SERVER_USER, "--"]


class Server:
    """A PostgreSQL server in `folder` on 127.0.0.1:`port`, superuser `postgres`, no password."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.url = f"postgresql://postgres@127.0.0.1:{port}/postgres"

    @classmethod
    def create(cls, folder: Path | None = None) -> "Server":
        from tests.support.servers import free_port

        folder = folder or Path(tempfile.mkdtemp(prefix="stackwise-postgres-"))
        folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(folder, SERVER_USER)
        server = cls(folder, free_port())
        server.run("initdb", "-D", str(server.data), "-A", "trust", "-U", "postgres")
        (folder / "port").write_text(str(server.port))
        return server

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def run(self, program: str, *args: str) -> None:
        argv = [*as_server_user(), str(binaries() / program), *args]
        result = subprocess.run(argv, cwd=self.folder, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed: {result.stderr.strip()}\n{tail}")

    def start(self, owner: int | None = None) -> None:
        """Starts the server, removed by a watcher once process `owner` (by default this one)
        has ended, if nothing removed it before."""
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 {OPTIONS}"
        log = str(self.folder / "server.log")
        self.run("pg_ctl", "-D", str(self.data), "-l", log, "-o", options, "-w", "start")
        watcher = [
            "-m",
            "tests.support.postgres",
            "watch",
            str(self.folder),
            str(owner or os.getpid()),
        ]
        subprocess.Popen(
            [sys.executable, *watcher],
            cwd=Path(__file__).resolve().parents[2],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,  # never the pipe of scripts/test's $(... start DIR)
            stderr=subprocess.DEVNULL,
            start_new_session=True,  # a Ctrl-C to the tests does not reach it
        )

    def stop(self, mode: str = "fast") -> None:
        self.run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop("immediate")
        shutil.rmtree(self.folder, ignore_errors=True)


def create_database(server_url: str) -> str:
    """A new, empty database on the server at `server_url`; its URL."""
    name = f"p_{uuid.uuid4().hex[:16]}"
    result = subprocess.run(
        ["psql", server_url, "-v", "ON_ERROR_STOP=1", "-q", "-c", f"CREATE DATABASE {name}"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"CREATE DATABASE failed: {result.stderr}"
    return server_url.rsplit("/", 1)[0] + f"/{name}"


@cache
def shared_url() -> str:
    """The run's server (scripts/test), else one of this test process, started on first use."""
    if os.environ.get(URL_VARIABLE):
        return os.environ[URL_VARIABLE]
    server = Server.create()
    server.start()
    atexit.register(server.remove)
    return server.url


def answers(project: Path) -> dict[str, Any]:
    """The project's recorded answers; none for a folder that is not a generated project."""
    recorded = project / ".copier-answers.yml"
    return yaml.safe_load(recorded.read_text()) if recorded.exists() else {}


def uses_postgresql(project: Path) -> bool:
    return answers(project).get("database") == "postgresql"


def database_env(project: Path) -> dict[str, str]:
    """For a PostgreSQL project, a database of its own: as DATABASE_URL (its server) and
    TEST_DATABASE_URL (its tests). Nothing for the others."""
    if not uses_postgresql(project):
        return {}
    url = create_database(shared_url())
    return {"DATABASE_URL": url, "TEST_DATABASE_URL": url}


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except OSError as error:
        return error.errno == errno.EPERM  # another user's process: it exists
    return True


def main(argv: list[str]) -> None:
    """`start DIR OWNER`: a server in DIR (new), removed once process OWNER has ended, its URL
    printed; `stop DIR`: stop it, remove DIR; `watch DIR OWNER`: the watcher of `start`."""
    command, folder = argv[0], Path(argv[1])
    if command == "start":
        server = Server.create(folder)
        server.start(owner=int(argv[2]))
        print(server.url)
    elif command == "watch":
        while alive(int(argv[2])) and (folder / "port").exists():
            time.sleep(1)
    if command in ("stop", "watch") and (folder / "port").exists():
        Server(folder, int((folder / "port").read_text())).remove()


if __name__ == "__main__":
    main(sys.argv[1:])
