"""A server on 127.0.0.1 and a free port: a generated project's production command, or any
program run with the project's Python; started, awaited until it answers, and stopped."""

import ctypes
import http.client
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from tests.support import postgres
from tests.support.http_client import CREDENTIALS, get, request
from tests.support.projects import project_env, python

# Every server listens on 127.0.0.1 with one worker unless told otherwise.
SERVER_ENV = {"HOST": "127.0.0.1", "WEB_CONCURRENCY": "1"}
# The CSRF token of a page's first form (auth=session).
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
FORM = "application/x-www-form-urlencoded"


# prctl(2)'s option: the signal the kernel sends a process once the one that started it has ended.
PR_SET_PDEATHSIG = 1


def ending_with_this_process() -> Callable[[], None]:
    """Popen's preexec_fn (Linux) for a process that must not outlive this one: the kernel sends
    it SIGTERM once this process has ended, however it ended. A server leads a session of its
    own, so a Ctrl-C does not reach it, and a process killed outright (SIGKILL, an OOM kill)
    runs no `finally` to stop it."""
    starter = os.getpid()

    def end_with_starter() -> None:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != starter:  # it ended before prctl: nobody would send the signal
            os.kill(os.getpid(), signal.SIGTERM)

    return end_with_starter


class ServerError(Exception):
    """The server exited before it answered, or did not answer in time."""


class Server:
    """A server started by `running`: its process, its base URL, and its output once it has
    stopped."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        base: str,
        credentials: dict[str, str],
        account: tuple[str, str] | None = None,
    ) -> None:
        self.process = process
        self.base = base
        # The headers that authenticate a request (an API key, an access token, or a session's
        # cookie and CSRF token), or none: the requests of tests/support/http_client.py send them.
        self.credentials = credentials
        # With auth=jwt or session, the email and password of the account whose access token or
        # session they hold.
        self.account = account
        self.output = ""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    project: Path,
    argv: list[str],
    startup: float = 60,
    *,
    keep_stdout: bool = True,
    token_server: str | None = None,
    **env: str,
) -> Iterator[Server]:
    """`argv` (run with the project's Python) serving on 127.0.0.1 and a free port with one
    worker, `env` added to the environment; yielded once it answers /health, stopped on exit,
    after which `Server.output` holds its output. With `keep_stdout=False` its stdout (the access
    log, under load) is dropped and only its stderr kept. With jwt, the account's access token
    comes from this server's token endpoint, or from `token_server`'s (the base URL of a server
    on the same database with the same SECRET_KEY: for a program that has no token endpoint).

    The server leads a session of its own: every process it starts (gunicorn's workers) is in
    it, to be counted (benchmarks/run.py reads their CPU time) and killed with it."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # A server of a project with a database starts on a new database of its own, unless `env`
    # names one; with API keys, it holds a key that the requests send; with jwt or session, an
    # account whose access token, or session, they send.
    database = {} if "DATABASE_URL" in env else migrated_database(project)
    credentials = api_key_headers(project, {**database, **env})
    account = user_account(project, {**database, **env})
    # Output to a file, not a pipe: nobody reads a pipe while the server runs, and a full one
    # (64 KiB of access log) would block the server.
    with tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace") as log:
        process = subprocess.Popen(
            [python(project), *argv],
            cwd=project,
            env=project_env(project, **{**SERVER_ENV, "PORT": str(port), **database, **env}),
            stdout=log if keep_stdout else subprocess.DEVNULL,
            stderr=subprocess.STDOUT if keep_stdout else log,
            start_new_session=True,
            preexec_fn=ending_with_this_process(),
        )
        server = Server(process, base, credentials, account)
        CREDENTIALS[base] = credentials
        try:
            deadline = time.monotonic() + startup
            while True:
                if process.poll() is not None:
                    log.seek(0)
                    raise ServerError(f"the server exited early:\n{log.read()}")
                try:
                    get(f"{base}/health", timeout=1)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise ServerError(f"the server did not answer on {base}") from None
                    time.sleep(0.2)
            if account is not None:
                signed_in = (
                    session_headers
                    if postgres.answers(project).get("auth") == "session"
                    else bearer_headers
                )
                signer = token_server or base
                server.credentials = CREDENTIALS[base] = signed_in(signer, *account)
            yield server
        finally:
            CREDENTIALS.pop(base, None)
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.seek(0)
            server.output = log.read()


@contextmanager
def serving(project: Path, package: str, startup: float = 60) -> Iterator[str]:
    """The project's production command on 127.0.0.1 and a free port; stopped on exit."""
    # Without a SECRET_KEY, a Flask project would make a random one and log a warning.
    with running(project, ["-m", package], startup, SECRET_KEY="stackwise-test") as server:
        yield server.base


# The project's `migrate` module, then its `manage` command, in one Python process: each as
# `python -m` runs it (runpy), without a second interpreter importing the app (about a second).
MIGRATE_AND_MANAGE = """
import runpy
import sys

for argv in ([sys.argv[1] + ".migrate"], [sys.argv[1] + ".manage", *sys.argv[2:]]):
    sys.argv = argv
    try:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)
    except SystemExit as exit:
        if exit.code not in (0, None):
            raise
"""


def migrate_and_manage(project: Path, env: dict[str, str], *command: str, stdin: str = "") -> str:
    """The database of `env` brought to the latest migration, then the project's manage
    `command` run on it: its standard output."""
    package = postgres.answers(project)["package_name"]
    made = subprocess.run(
        [python(project), "-c", MIGRATE_AND_MANAGE, package, *command],
        cwd=project,
        env=project_env(project, DATABASE_URL=env["DATABASE_URL"]),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    if made.returncode != 0:
        raise ServerError(f"{' '.join(command)} failed:\n{made.stdout}\n{made.stderr}")
    return made.stdout


def api_key_headers(project: Path, env: dict[str, str]) -> dict[str, str]:
    """For a project whose writes need an API key, a new key in the database of `env` (brought to
    the latest migration first), made by the project's manage command: as an X-API-Key header.
    Nothing for the others."""
    if postgres.answers(project).get("auth") != "apikey":
        return {}
    name = f"tests-{uuid.uuid4().hex[:12]}"
    return {"X-API-Key": migrate_and_manage(project, env, "create-api-key", name).strip()}


def user_account(project: Path, env: dict[str, str]) -> tuple[str, str] | None:
    """For a project whose writes need an account (auth=jwt or session), a new account in the
    database of `env` (brought to the latest migration first), made by the project's manage
    command with the password on its standard input: its email and password. None for the
    others."""
    if postgres.answers(project).get("auth") not in ("jwt", "session"):
        return None
    email, password = f"tests-{uuid.uuid4().hex[:12]}@example.com", secrets.token_urlsafe(16)
    migrate_and_manage(project, env, "create-user", email, stdin=password + "\n")
    return email, password


def bearer_headers(base: str, email: str, password: str) -> dict[str, str]:
    """An access token of the account, from the server's own token endpoint: as a header."""
    form = urlencode({"grant_type": "password", "username": email, "password": password})
    status, _, body = request(
        "POST",
        f"{base}/api/auth/token",
        form.encode(),
        {"Content-Type": "application/x-www-form-urlencoded"},
    )
    if status != 200:
        raise ServerError(f"signing in answered {status}: {body[:300]!r}")
    return {"Authorization": f"Bearer {json.loads(body)['access_token']}"}


def send_plain(
    base: str,
    method: str,
    path: str,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, http.client.HTTPMessage, str]:
    """One request as a browser sends it, without the server's credentials and without following
    a redirect: status, headers (with every Set-Cookie) and body."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.request(method, path, body, headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def set_cookies(headers: http.client.HTTPMessage) -> dict[str, str]:
    """The Set-Cookie headers of an answer, by cookie name (each header whole)."""
    return {header.split("=", 1)[0]: header for header in headers.get_all("Set-Cookie") or []}


def cookie_value(headers: http.client.HTTPMessage, name: str) -> str:
    cookie: SimpleCookie = SimpleCookie()
    cookie.load(set_cookies(headers).get(name, ""))
    return cookie[name].value if name in cookie else ""


def form_token(page: str) -> str:
    found = FORM_TOKEN.search(page)
    if not found:
        raise ServerError(f"no CSRF token in the page: {page[:300]!r}")
    return found.group(1)


def sign_in_page(base: str, email: str, password: str) -> tuple[int, http.client.HTTPMessage, str]:
    """The server's /login form, filled in and sent as a browser sends it (auth=session): the
    answer to the POST, not followed."""
    _, headers, page = send_plain(base, "GET", "/login")
    login_csrf = cookie_value(headers, "login_csrf")
    form = urlencode({"csrf_token": form_token(page), "email": email, "password": password})
    sent = {"Content-Type": FORM, "Cookie": f"login_csrf={login_csrf}"}
    return send_plain(base, "POST", "/login", form.encode(), sent)


def session_headers(base: str, email: str, password: str) -> dict[str, str]:
    """A session of the account, signed in on the server's own /login page: its cookie, and the
    CSRF token of its pages' forms as the X-CSRF-Token header."""
    status, headers, body = sign_in_page(base, email, password)
    if status != 303:
        raise ServerError(f"signing in answered {status}: {body[:300]!r}")
    cookie = f"session={cookie_value(headers, 'session')}"
    _, _, home = send_plain(base, "GET", "/", headers={"Cookie": cookie})
    return {"Cookie": cookie, "X-CSRF-Token": form_token(home)}


def migrated_database(project: Path) -> dict[str, str]:
    """DATABASE_URL of a new database, so that a server starts with no items: with PostgreSQL,
    migrated by the project's `migrate` module (as compose.yaml and the Kubernetes Job run it);
    with SQLite, a new file that the production command migrates as it starts. Nothing without
    a database."""
    if postgres.answers(project).get("database") == "sqlite":
        return {"DATABASE_URL": f"sqlite:///data/server-{uuid.uuid4().hex[:12]}.db"}
    database = postgres.database_env(project)
    if not database:
        return {}
    package = postgres.answers(project)["package_name"]
    subprocess.run(
        [python(project), "-m", f"{package}.migrate"],
        cwd=project,
        env=project_env(project, **database),
        capture_output=True,
        check=True,
        timeout=120,
    )
    return {"DATABASE_URL": database["DATABASE_URL"]}
