"""Run a generated project's own tools, and its production server, for real."""

import os
import socket
import subprocess
import tempfile
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from tests import shared_env


def project_env(project: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment a project's tools run in: the project's `src` (and any PYTHONPATH given)
    on the path, which the shared environment needs and its own does not mind."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(UV_NO_PROGRESS="1", PYTHONDONTWRITEBYTECODE="1", **extra)
    if project is not None:
        paths = [str(project / "src"), *filter(None, [extra.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(paths)
        env["MYPYPATH"] = str(project / "src")
    return env


def run(project: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        list(args),
        cwd=project,
        env=project_env(project),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result


def uses_mypy(project: Path) -> bool:
    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    return "mypy" in pyproject.get("tool", {})


def check_project(project: Path, *, own_env: bool = False) -> None:
    """The promise: the project's own tests, linter, formatter and type checker pass. Run from
    the session's shared environment (tests/shared_env.py) with the project's `src` on the
    path, or, with `own_env`, from the project's own `uv sync` as a user would."""
    if own_env:
        run(project, "uv", "sync", "--quiet")
        tool = ["uv", "run", "--frozen"]
    else:
        tool = [shared_env.binary("python"), "-m"]
    run(project, *tool, "pytest", "-q", "-p", "no:cacheprovider")
    run(project, *tool, "ruff", "check", "--no-cache", ".")
    run(project, *tool, "ruff", "format", "--no-cache", "--check", ".")
    if uses_mypy(project):
        cache = ["--no-incremental"] if own_env else ["--cache-dir", shared_env.mypy_cache()]
        run(project, *tool, "mypy", *cache)


def python(project: Path) -> str:
    """The project's own environment's Python after a `uv sync`, else the shared one."""
    own = project / ".venv" / "bin" / "python"
    return str(own) if own.exists() else shared_env.binary("python")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str, timeout: float = 5) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a GET."""
    return request("GET", url, timeout=timeout)


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


@contextmanager
def serving(project: Path, package: str, startup: float = 60) -> Iterator[str]:
    """The project's production command on 127.0.0.1 and a free port; stopped on exit."""
    # A Flask project's production command refuses to start without a SECRET_KEY.
    with running(project, ["-m", package], startup, SECRET_KEY="stackwise-test") as server:
        yield server.base


def request(
    method: str,
    url: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5,
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of any request; error statuses included."""
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return response.status, _lower(response.headers.items()), response.read()
    except urllib.error.HTTPError as error:
        return error.code, _lower(error.headers.items()), error.read()


class Server:
    """A server started by `running`: its base URL, and its output once it has stopped."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.output = ""


@contextmanager
def running(project: Path, argv: list[str], startup: float = 60, **env: str) -> Iterator[Server]:
    """`argv` (run with the project's Python) serving on 127.0.0.1 and a free port, with `env`
    added to the environment; stopped on exit, after which `Server.output` holds its output."""
    port = free_port()
    server = Server(f"http://127.0.0.1:{port}")
    # Output to a file, not a pipe: nobody reads a pipe while the server runs, and a full one
    # (64 KiB of access log) would block the server.
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(
            [python(project), *argv],
            cwd=project,
            env=project_env(project, HOST="127.0.0.1", PORT=str(port), WEB_CONCURRENCY="1", **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + startup
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise AssertionError(f"the server exited early:\n{log.read()}")
                try:
                    get(f"{server.base}/health", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise AssertionError(
                            f"the server did not answer on {server.base}"
                        ) from None
                    time.sleep(0.2)
            yield server
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            log.seek(0)
            server.output = log.read()


# The production entry points, with a route that fails: for the 500 and its log. FastAPI's
# uvicorn imports the app in the same process; Flask's gunicorn (exec'd) in its workers, so it
# gets the failing app from PYTHONPATH.
FAILING_APP = """
from demo_app.app import create_app as make_app


def create_app():
    app = make_app()

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret detail")

    return app
"""
SERVE_FAILING_APP = {
    "fastapi": """
import demo_app.app
import failing_app
from demo_app.__main__ import main

demo_app.app.create_app = failing_app.create_app
main()
""",
    "flask": """
import os
from demo_app.__main__ import gunicorn_argv
from demo_app.settings import Settings

argv = gunicorn_argv(Settings.from_env())
argv[-1] = "failing_app:create_app()"
os.execv(argv[0], argv)
""",
}
# A hybrid project serves its FastAPI app as the FastAPI starter does.
SERVE_FAILING_APP["hybrid"] = SERVE_FAILING_APP["fastapi"]


def pre_commit_run(project: Path) -> subprocess.CompletedProcess[str]:
    """The project's pre-commit hooks on every file, in a fresh git repository."""
    run(project, "uv", "sync", "--quiet")
    run(project, "git", "init", "--quiet")
    run(project, "git", "add", "--all")
    return subprocess.run(
        ["uvx", "pre-commit", "run", "--all-files"],
        cwd=project,
        env=project_env(PRE_COMMIT_HOME=str(project / ".pre-commit-cache")),
        capture_output=True,
        text=True,
        check=False,
    )
