"""The generator's speed and the generated apps' overhead, each against its floor, side by side.

    python benchmarks/run.py            # the full run (about 30 minutes)
    python benchmarks/run.py --quick    # a short run (about 4 minutes), less precise
    python benchmarks/run.py --only auth heavy   # some sections only (the full profile)
    python benchmarks/run.py --only apps --rounds 31   # more rounds: narrower intervals

Run it with the Python of an environment holding stackwise and its dev group (scripts/test makes
.venv-test): the `stackwise` and `copier` commands beside it are measured, and it shares the tests'
helpers (tests/support). It needs `wrk` (Debian: `apt-get install wrk`) and uv.
It prints the figures as markdown tables and writes them to benchmarks/results.json.

Every figure is a median of several runs, and every comparison a ratio of two medians measured
in the same run, the two sides alternating (ABAB...), so that a busy machine slows both alike.

1. The generator, whole process: `stackwise --help` against `python -c "import typer"` (the
   floor of any Typer CLI), `stackwise new DEST --defaults --no-git` against plain `copier copy
   --defaults` of the same template (a plain folder, as stackwise renders it), and the time to
   the interview's first question in a pseudo-terminal against a bare questionary script that
   shows the same select (benchmarks/bare/bare_prompt.py); the same select behind a one-option
   Typer command (bare_typer_prompt.py) shows what Typer itself adds.
2. The generated apps: the default FastAPI and Flask projects, with database=sqlite (the
   default) and with database=postgresql (on a throw-away server, tests/support/postgres.py),
   each served by its own production command (`python -m <package>`, one worker), against a
   bare app of the same framework (benchmarks/bare/) run by the same server with the same
   options, the same database driver and pool options, in the project's own virtual
   environment. wrk, in its own process, measures requests per second and the 99th percentile
   latency on `GET /health`, `GET /api/items?limit=100` (a page of 100), a valid
   `POST /api/items` (201, a new row) and an invalid one (the 422 path); /proc gives the
   server's CPU time per request, a figure that a busy machine disturbs less than throughput.
3. Authenticated writes (issue 17): the same default projects with `--auth jwt` and with
   `--auth apikey`, on SQLite, each against its bare app checking the same credential with the
   same libraries (benchmarks/bare/bare_auth.py: PyJWT HS256 and the user looked up by id; the
   SHA-256 of the X-API-Key header looked up in the api_keys table), on the starter's database.
   The credentials are the project's own: an account made by its manage command and an access
   token from its POST /api/auth/token, or a key made by its manage command; wrk sends them.
   The row is the valid `POST /api/items` (201).
4. Heavy traffic: each starter at its production defaults (workers, threads, pool sizes), and
   the FastAPI starter with async endpoints (`--async`), one after the other, under 256
   connections on the endpoint that waits on the database (a page of 100 items), on SQLite and
   on PostgreSQL, then on an endpoint that waits on a downstream HTTP service of fixed latency
   (benchmarks/downstream/: a local stub, and the route a user would add):
   requests per second, p50, p99 and errors.
"""

import argparse
import ast
import importlib.metadata
import json
import math
import os
import platform
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pexpect

# The helpers the tests use (tests/support), from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import postgres
from tests.support.cli import spawn_command
from tests.support.http_client import request
from tests.support.projects import project_env
from tests.support.servers import ServerError, ending_with_this_process, running
from tests.support.template import ROOT, copy_template

HERE = ROOT / "benchmarks"
BARE = HERE / "bare"
DOWNSTREAM = HERE / "downstream"
INVALID_ITEM_LUA = HERE / "invalid_item.lua"
VALID_ITEM_LUA = HERE / "valid_item.lua"
RESULTS = HERE / "results.json"
BIN = Path(sys.executable).parent

HELP_TARGET = 1.10  # stackwise --help at most 1.1x `python -c "import typer"`
NEW_TARGET = 1.05  # stackwise new at most 1.05x plain copier copy
PROMPT_TARGET = 1.20  # the first question at most 1.2x a bare questionary select
APP_TARGET = 0.95  # every starter endpoint at least 0.95x its bare counterpart (requests/s)
AUTH_TARGET = 0.90  # an authenticated write at least 0.9x a bare app making the same check

SEED_ITEMS = 100
# wrk: one thread (one core's worth of load on a 2-core machine) and 32 open connections.
WRK_THREADS = 1
WRK_CONNECTIONS = 32
# Heavy traffic: 256 open connections, each starter at its production defaults.
HEAVY_CONNECTIONS = 256

# The default project of each framework whose starter serves the items API, with each database.
DEFAULTS = {
    "fastapi": ["--purpose", "api"],
    "flask": ["--framework", "flask", "--purpose", "microservice"],
}
PROJECTS = {framework: [*flags, "--auth", "none"] for framework, flags in DEFAULTS.items()}
# Under heavy traffic also the FastAPI starter with async endpoints (`--async`: an async engine
# and driver), which has no bare counterpart here: the shape the interview names for many
# concurrent I/O calls.
HEAVY_ONLY = {"fastapi-async": ["--purpose", "api", "--async", "--auth", "none"]}
HEAVY_STARTERS = {**PROJECTS, **HEAVY_ONLY}
# The authenticated writes (issue 17): the same projects with each auth style whose writes need a
# credential in a header, on SQLite, each against a bare app that makes the same check; and in
# the same rounds, as the reference, the write without auth (PROJECTS, starter and bare alike).
AUTH_STYLES = ("jwt", "apikey")
AUTH_PROJECTS = {
    f"{framework}-{auth}": [*flags, "--auth", auth]
    for framework, flags in DEFAULTS.items()
    for auth in AUTH_STYLES
}
AUTH_DATABASE = "sqlite"
STARTERS = {**HEAVY_STARTERS, **AUTH_PROJECTS}
DATABASES = ("sqlite", "postgresql")
# What can be run on its own (--only); all of them by default.
SECTIONS = ("generator", "apps", "auth", "heavy")
BARE_APPS = {"fastapi": BARE / "bare_fastapi.py", "flask": BARE / "bare_flask.py"}
BARE_PROMPT = BARE / "bare_prompt.py"
BARE_TYPER_PROMPT = BARE / "bare_typer_prompt.py"
FIRST_QUESTION = "What are you building?"  # copier.yml's first question, as both show it


@dataclass(frozen=True)
class Endpoint:
    name: str
    path: str
    script: Path | None = None  # a wrk Lua script, for requests other than GET
    status: int = 200


HEALTH = Endpoint("GET /health", "/health")
# A page of the 100 items (the starter's default page holds 20; the bare app has no pages).
PAGE = Endpoint("GET /api/items", "/api/items?limit=100")
CREATE = Endpoint("POST /api/items 201", "/api/items", VALID_ITEM_LUA, 201)
INVALID = Endpoint("POST /api/items 422", "/api/items", INVALID_ITEM_LUA, 422)
# Heavy traffic's downstream scenario: a route added to each starter (benchmarks/downstream/) that
# answers with what a local stub answered after a fixed latency, a typical call to another service.
DOWNSTREAM_CALL = Endpoint("GET /downstream", "/downstream")
DOWNSTREAM_LATENCY_MS = 50
DOWNSTREAM_CLIENTS = ("urllib3", "aiohttp")  # what the routes call it with
# The endpoints measured on each database: the two that reach the database on both; those that
# do not (liveness, a validation error) once, on the default.
ENDPOINTS = {"sqlite": (HEALTH, PAGE, CREATE, INVALID), "postgresql": (PAGE, CREATE)}
# With auth: the write, with the server's credential (an access token, or an API key).
AUTH_ENDPOINTS = (CREATE,)
# The header each auth style's credential goes in.
CREDENTIAL_HEADERS = {"jwt": "Authorization", "apikey": "X-API-Key"}


@dataclass(frozen=True)
class Profile:
    runs: int  # generator: timed runs of each command
    warm_run: bool  # generator: one more run first, not counted (warms the file caches)
    rounds: int  # apps: wrk runs of each server and endpoint
    seconds: int  # apps: the length of each wrk run
    warmup: int  # apps: seconds of load on each server and endpoint before the rounds
    heavy_rounds: int  # heavy traffic: wrk runs of each starter and database
    heavy_seconds: int  # heavy traffic: the length of each run (after `warmup` seconds)


FULL = Profile(
    runs=10, warm_run=True, rounds=11, seconds=3, warmup=2, heavy_rounds=3, heavy_seconds=10
)
QUICK = Profile(
    runs=3, warm_run=False, rounds=2, seconds=1, warmup=0, heavy_rounds=1, heavy_seconds=2
)


# ---------------------------------------------------------------------------------------------
# 1. The generator
# ---------------------------------------------------------------------------------------------


STARTED = time.monotonic()


def progress(message: str) -> None:
    print(f"[{time.monotonic() - STARTED:4.0f} s] {message}", file=sys.stderr, flush=True)


def children_cpu_ms() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (usage.ru_utime + usage.ru_stime) * 1000


def elapsed_ms(command: list[str], cwd: Path) -> dict[str, float]:
    """The command's wall time and CPU time (user + system, its children included)."""
    cpu = children_cpu_ms()
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return {"ms": (time.perf_counter() - start) * 1000, "cpu_ms": children_cpu_ms() - cpu}


def alternated(
    profile: Profile,
    sides: dict[str, Callable[[], dict[str, float]]],
    before: Callable[[], None] | None = None,
) -> dict[str, dict[str, float]]:
    """Each side run `profile.runs` times, taking turns (ABAB...); the median of each figure."""
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in sides}
    for run in range(-1 if profile.warm_run else 0, profile.runs):
        for name, measure in sides.items():
            if before:
                before()
            figures = measure()
            if run >= 0:
                samples[name].append(figures)
    return {
        name: {key: statistics.median(run[key] for run in runs) for key in runs[0]}
        for name, runs in samples.items()
    }


def first_prompt_ms(command: list[str], cwd: Path) -> dict[str, float]:
    """The command in a pseudo-terminal, from the start until the first question shows; then
    Ctrl-C (nothing is written). CPU time: the whole process, Ctrl-C and exit included."""
    cpu = children_cpu_ms()
    start = time.perf_counter()
    child = spawn_command(command, cwd, timeout=60)
    try:
        child.expect(FIRST_QUESTION)
        ms = (time.perf_counter() - start) * 1000
        child.sendcontrol("c")
        child.expect(pexpect.EOF, timeout=10)
    finally:
        child.close(force=True)
    return {"ms": ms, "cpu_ms": children_cpu_ms() - cpu}


def measure_generator(profile: Profile) -> dict[str, Any]:
    stackwise, copier = str(BIN / "stackwise"), str(BIN / "copier")
    with tempfile.TemporaryDirectory(prefix="stackwise-bench-") as tmp:
        work = Path(tmp)
        template = copy_template(work / "template-copy")

        def clean() -> None:
            shutil.rmtree(work / "out", ignore_errors=True)

        progress(f"generator: {profile.runs} runs of each command")
        help_samples = alternated(
            profile,
            {
                "python": lambda: elapsed_ms([sys.executable, "-c", "pass"], work),
                "import_typer": lambda: elapsed_ms([sys.executable, "-c", "import typer"], work),
                "help": lambda: elapsed_ms([stackwise, "--help"], work),
            },
        )
        copy = [copier, "copy", "--quiet", "--defaults", "--data", "project_name=out"]
        new_samples = alternated(
            profile,
            {
                "copier_copy": lambda: elapsed_ms([*copy, str(template), "out"], work),
                "new": lambda: elapsed_ms(
                    [stackwise, "new", "out", "--defaults", "--no-git", "--no-lock"], work
                ),
            },
            before=clean,
        )
        prompted = [stackwise, "new", "prompted", "--no-git"]
        prompt_samples = alternated(
            profile,
            {
                "bare_prompt": lambda: first_prompt_ms([sys.executable, str(BARE_PROMPT)], work),
                "typer_prompt": lambda: first_prompt_ms(
                    [sys.executable, str(BARE_TYPER_PROMPT)], work
                ),
                "first_prompt": lambda: first_prompt_ms(prompted, work),
            },
        )
    fig = {**help_samples, **new_samples, **prompt_samples}
    help_ratio = fig["help"]["ms"] / fig["import_typer"]["ms"]
    new_ratio = fig["new"]["ms"] / fig["copier_copy"]["ms"]
    prompt_ratio = fig["first_prompt"]["ms"] / fig["bare_prompt"]["ms"]
    return {
        "runs": profile.runs,
        "python_ms": fig["python"]["ms"],
        "import_typer_ms": fig["import_typer"]["ms"],
        "help_ms": fig["help"]["ms"],
        "help_ratio": help_ratio,
        "help_target": HELP_TARGET,
        "help_met": help_ratio <= HELP_TARGET,
        "copier_copy_ms": fig["copier_copy"]["ms"],
        "new_ms": fig["new"]["ms"],
        "new_ratio": new_ratio,
        "new_target": NEW_TARGET,
        "new_met": new_ratio <= NEW_TARGET,
        "bare_prompt_ms": fig["bare_prompt"]["ms"],
        "typer_prompt_ms": fig["typer_prompt"]["ms"],
        "first_prompt_ms": fig["first_prompt"]["ms"],
        "prompt_ratio": prompt_ratio,
        "prompt_target": PROMPT_TARGET,
        "prompt_met": prompt_ratio <= PROMPT_TARGET,
        # CPU time (user + system) of the same runs: steadier than wall time on a busy machine.
        "import_typer_cpu_ms": fig["import_typer"]["cpu_ms"],
        "help_cpu_ms": fig["help"]["cpu_ms"],
        "help_cpu_ratio": fig["help"]["cpu_ms"] / fig["import_typer"]["cpu_ms"],
        "copier_copy_cpu_ms": fig["copier_copy"]["cpu_ms"],
        "new_cpu_ms": fig["new"]["cpu_ms"],
        "new_cpu_ratio": fig["new"]["cpu_ms"] / fig["copier_copy"]["cpu_ms"],
        "bare_prompt_cpu_ms": fig["bare_prompt"]["cpu_ms"],
        "typer_prompt_cpu_ms": fig["typer_prompt"]["cpu_ms"],
        "first_prompt_cpu_ms": fig["first_prompt"]["cpu_ms"],
        "prompt_cpu_ratio": fig["first_prompt"]["cpu_ms"] / fig["bare_prompt"]["cpu_ms"],
    }


# ---------------------------------------------------------------------------------------------
# 2. The generated apps
# ---------------------------------------------------------------------------------------------


def uv() -> str:
    found = BIN / "uv" if (BIN / "uv").exists() else shutil.which("uv")
    if not found:
        raise SystemExit("error: uv is needed to install the generated projects: pip install uv")
    return str(found)


def wrk() -> str:
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("error: wrk is needed to load the servers: apt-get install wrk")
    return found


Key = tuple[str, str]  # (starter, database): a key of STARTERS, and a database


def framework_of(starter: str) -> str:
    return starter.split("-")[0]  # "fastapi-async" is a FastAPI project


def endpoints_of(starter: str) -> str:
    """The starter's endpoint style, as its flags ask for it."""
    return "async" if "--async" in STARTERS[starter] else "sync"


def auth_of(starter: str) -> str:
    """The starter's auth style, as its flags ask for it."""
    flags = STARTERS[starter]
    return flags[flags.index("--auth") + 1]


def projects_for(sections: list[str]) -> list[Key]:
    """The projects the sections measure: each starter with each database for the apps and
    heavy traffic, each auth style's starters on SQLite for the authenticated writes."""
    keys = []
    if "apps" in sections:
        keys += [(starter, database) for starter in PROJECTS for database in DATABASES]
    if "heavy" in sections:
        keys += [(starter, database) for starter in HEAVY_STARTERS for database in DATABASES]
    if "auth" in sections:
        keys += [(starter, AUTH_DATABASE) for starter in [*PROJECTS, *AUTH_PROJECTS]]
    return list(dict.fromkeys(keys))


def generate(work: Path, keys: list[Key]) -> dict[Key, tuple[Path, str]]:
    """Each project of `keys` (a starter of STARTERS and a database), installed as its
    Dockerfile installs it (no dev tools, bytecode compiled), all at once; returns each one's
    folder and package name."""
    projects = {
        (starter, database): (
            work / f"bench-{starter}-{database}",
            f"bench_{starter.replace('-', '_')}_{database}",
        )
        for starter, database in keys
    }
    run_all(
        {
            f"{starter} {database}": [
                str(BIN / "stackwise"),
                "new",
                str(project),
                "--defaults",
                "--no-git",
                "--no-lock",
                *STARTERS[starter],
                "--database",
                database,
            ]
            for (starter, database), (project, _) in projects.items()
        },
        "stackwise new",
    )
    for (starter, database), (project, _) in projects.items():
        answers = (project / ".copier-answers.yml").read_text(encoding="utf-8")
        expected = [f"framework: {framework_of(starter)}", f"database: {database}"]
        expected += [f"auth: {auth_of(starter)}"]
        expected += ["needs_async: true"] if endpoints_of(starter) == "async" else []
        if not all(f"{line}\n" in answers for line in expected):
            flags = " ".join([*STARTERS[starter], "--database", database])
            raise SystemExit(f"error: stackwise new {flags} did not render {starter} {database}")
    run_all(
        {
            f"{framework} {database}": [uv(), "sync", "--quiet", "--no-dev", "--compile-bytecode"]
            for framework, database in projects
        },
        "uv sync",
        cwd={f"{key[0]} {key[1]}": project for key, (project, _) in projects.items()},
    )
    return projects


def run_all(commands: dict[str, list[str]], what: str, cwd: dict[str, Path] | None = None) -> None:
    """The commands at once; exits with the output of the first that fails."""
    running = {
        name: subprocess.Popen(
            command,
            cwd=(cwd or {}).get(name),
            env=project_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for name, command in commands.items()
    }
    for name, process in running.items():
        output, _ = process.communicate()
        if process.returncode:
            raise SystemExit(f"error: {what} failed for {name}:\n{output}")


def versions_in(project: Path, packages: list[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys; "
        "print(json.dumps({p: m.version(p) for p in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", code, *packages],
        check=True,
        capture_output=True,
        text=True,
    )
    return dict(json.loads(result.stdout))


def send(
    url: str, body: dict[str, Any] | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    """A GET, or with a body a JSON POST (with the server's credentials, unless `headers` names
    them): the status and the JSON answer."""
    method, data = ("GET", None) if body is None else ("POST", json.dumps(body).encode())
    headers = {"Content-Type": "application/json", **(headers or {})}
    status, _, answer = request(method, url, data, headers, timeout=10)
    return status, json.loads(answer or b"null")


@dataclass
class Server:
    framework: str
    database: str
    variant: str  # "starter" or "bare"
    process: subprocess.Popen[bytes]
    base: str
    auth: str = "none"  # the auth style of its writes
    section: str = "apps"  # "auth": measured with the authenticated writes, on their endpoints
    # The headers that authenticate its writes (tests/support/servers.py made them): wrk sends them.
    credentials: dict[str, str] = field(default_factory=dict)
    samples: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        auth = f", auth {self.auth}" if self.auth != "none" else ""
        return f"{self.framework} {self.variant} ({self.database}{auth})"

    @property
    def endpoints(self) -> tuple[Endpoint, ...]:
        return AUTH_ENDPOINTS if self.section == "auth" else ENDPOINTS[self.database]


def start_server(
    stack: ExitStack,
    framework: str,
    database: str,
    variant: str,
    project: Path,
    package: str,
    *,
    auth: str = "none",
    token_server: str | None = None,
    section: str = "apps",
    **env: str,
) -> Server:
    """The starter's production command, or the bare app under the same server, on 127.0.0.1
    and a free port, with one worker, on a new database of its own (a SQLite file, or a migrated
    PostgreSQL database) unless `env` names one, once it answers; stopped when `stack` closes.
    Its stdout, the access log as in production, is dropped, for both alike. With auth, it holds
    a credential made by the project's manage command (an API key, or an account whose access
    token comes from its own token endpoint, or from `token_server`'s for a bare app), and a
    bare app checks the credential of its writes (BARE_AUTH)."""
    argv = ["-m", package] if variant == "starter" else [str(BARE_APPS[framework])]
    if variant == "bare":
        env = {"BARE_AUTH": auth, **env}
    try:
        # A Flask starter without a SECRET_KEY would make a random one and log a warning. Writes
        # unlimited: the seeding makes 100 from one client, and the 201 rows write thousands.
        # The bare Flask app runs the starter's gunicorn hooks too (they strip the Server
        # header): the same server, the same work per response.
        server = stack.enter_context(
            running(
                project,
                argv,
                keep_stdout=False,
                token_server=token_server,
                **{
                    "SECRET_KEY": "benchmark",
                    "WRITE_RATE_LIMIT": "",
                    "STARTER_GUNICORN_CONFIG": f"python:{package}.gunicorn_config",
                    **env,
                },
            )
        )
    except ServerError as error:
        raise SystemExit(f"error: the {framework} {variant} server ({database}): {error}") from None
    return Server(
        framework,
        database,
        variant,
        server.process,
        server.base,
        auth,
        section,
        credentials=dict(server.credentials),
    )


def seed_and_check(server: Server) -> None:
    """100 items through POST, and every endpoint answering as the benchmark expects; with
    auth, a write without the credential, or with one that is not valid, refused (401)."""
    for number in range(SEED_ITEMS):
        status, item = send(
            server.base + "/api/items", {"name": f"item {number}", "price": number + 0.5}
        )
        if status != 201 or not {"id", "name", "price"} <= set(item or {}):
            raise SystemExit(f"error: {server.label}: POST /api/items gave {status} {item}")
    status, answer = send(server.base + "/api/items?limit=100")
    items = answer["items"] if isinstance(answer, dict) else answer  # a page, or the bare list
    if status != 200 or not isinstance(items, list) or len(items) != SEED_ITEMS:
        raise SystemExit(f"error: {server.label}: GET /api/items gave {status}, not 100 items")
    status, _ = send(server.base + "/api/items", {"name": "", "price": -1})
    if status != 422:
        raise SystemExit(f"error: {server.label}: an invalid POST /api/items gave {status}")
    if server.auth != "none":
        header = CREDENTIAL_HEADERS[server.auth]
        # No credential (an empty value sends none), and the valid token or key reversed.
        scheme, space, credential = server.credentials[header].rpartition(" ")
        for value in ("", scheme + space + credential[::-1]):
            status, _ = send(server.base + "/api/items", {"name": "x", "price": 1}, {header: value})
            if status != 401:
                which = "a wrong" if value else "no"
                raise SystemExit(
                    f"error: {server.label}: POST /api/items with {which} {header} gave {status}"
                )


def check_same_gunicorn_options(starter: Server, bare: Server) -> None:
    """The bare Flask app is served with the starter's gunicorn options: the starter's command
    line, read from the gunicorn process it exec'd into, must match the bare one's."""

    def options(server: Server) -> list[str]:
        cmdline = Path(f"/proc/{server.process.pid}/cmdline").read_bytes().decode()
        argv = cmdline.split("\0")[:-1]
        port = server.base.rsplit(":", 1)[1]
        return [arg.replace(port, "PORT") for arg in argv[1:-1]]  # no python, no app

    if Path("/proc/self/cmdline").exists() and options(starter) != options(bare):
        raise SystemExit(
            "error: benchmarks/bare/bare_flask.py no longer runs gunicorn as the starter does:\n"
            f"  starter: {options(starter)}\n  bare:    {options(bare)}"
        )


def check_same_uvicorn_options(project: Path, package: str) -> None:
    """The bare FastAPI app is served with the starter's uvicorn options: every keyword the
    starter's `__main__.py` passes to `uvicorn.run` (its log config, proxy and shutdown
    settings...) must be passed by the bare one's too (`factory` aside: the bare app is no
    factory)."""

    def keywords(source: Path) -> set[str]:
        return {
            keyword.arg
            for node in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and ast.unparse(node.func) == "uvicorn.run"
            for keyword in node.keywords
            if keyword.arg and keyword.arg != "factory"
        }

    starter = keywords(project / "src" / package / "__main__.py")
    bare = keywords(BARE_APPS["fastapi"])
    if not starter or starter != bare:
        raise SystemExit(
            "error: benchmarks/bare/bare_fastapi.py no longer runs uvicorn as the starter does:\n"
            f"  starter: {sorted(starter)}\n  bare:    {sorted(bare)}"
        )


DATABASE_OPTIONS_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[2])
import bare_database
from importlib import import_module
database = import_module(sys.argv[1] + ".database")
Settings = import_module(sys.argv[1] + ".settings").Settings
settings = Settings.from_env() if hasattr(Settings, "from_env") else Settings()
# The starter's FastAPI endpoints use its async engine when it has one, else its sync engine.
url = database.database_url(settings.database_url, asynchronous=hasattr(database, "async_engine"))
options = database.engine_options(settings)
# The starter's SQLite connection class (its writes take turns: sqlite_writes.py) is part of what
# is measured; every other option must be the bare app's.
options["connect_args"].pop("factory", None)
print(json.dumps({
    "starter": {"driver": url.drivername, **options},
    "bare": {"driver": bare_database.database_url().drivername, **bare_database.engine_options()},
}))
"""


def check_same_database_options(project: Path, package: str, database: str) -> None:
    """The bare apps use the starter's database driver and pool options: the starter's
    `database.engine_options()` and driver, read in the project's environment, must equal
    benchmarks/bare/bare_database.py's."""
    url = "sqlite:///data/check.db" if database == "sqlite" else "postgresql://u@127.0.0.1/d"
    same_in_project(
        project,
        [DATABASE_OPTIONS_CHECK, package, str(BARE)],
        project_env(project, DATABASE_URL=url, SECRET_KEY="benchmark"),
        f"the {package} database options",
        f"benchmarks/bare/bare_database.py no longer uses the starter's driver and pool options "
        f"({database})",
    )


def same_in_project(
    project: Path, script: list[str], env: dict[str, str], what: str, drift: str
) -> None:
    """Runs `python -c SCRIPT ARGS...` in the project's environment, which prints what the
    starter and the bare app do as {"starter": ..., "bare": ...}; stops the run if they differ."""
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", *script],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"error: cannot read {what}:\n{result.stderr}")
    found = json.loads(result.stdout)
    if found["starter"] != found["bare"]:
        raise SystemExit(
            f"error: {drift}:\n  starter: {found['starter']}\n  bare:    {found['bare']}"
        )


AUTH_CHECK = """
import json, sys
sys.path.insert(0, sys.argv[3])
import bare_auth
from importlib import import_module
package, auth = sys.argv[1], sys.argv[2]
models = import_module(package + ".models")
if auth == "jwt":
    import jwt
    tokens = import_module(package + ".tokens")
    token = tokens.Tokens("k" * 32).access_token(1)
    claims = jwt.decode(token, options={"verify_signature": False})
    starter = {"algorithm": tokens.ALGORITHM, "type": claims["type"], "claims": sorted(claims),
               "table": models.UserRecord.__tablename__}
    bare = {"algorithm": bare_auth.ALGORITHM, "type": bare_auth.ACCESS,
            "claims": sorted(bare_auth.REQUIRED_CLAIMS),
            "table": bare_auth.UserRecord.__tablename__}
else:
    api_keys = import_module(package + ".api_keys")
    key = api_keys.new_key()
    starter = {"header": api_keys.HEADER, "hash": api_keys.key_hash(key),
               "table": models.ApiKeyRecord.__tablename__}
    bare = {"header": bare_auth.API_KEY_HEADER, "hash": bare_auth.key_hash(key),
            "table": bare_auth.ApiKeyRecord.__tablename__}
print(json.dumps({"starter": starter, "bare": bare}))
"""


def check_same_auth(project: Path, package: str, auth: str) -> None:
    """The bare apps check a credential as the starter does: the starter's algorithm, claims and
    users table (jwt), or header, hash and keys table (apikey), read in the project's
    environment, must be benchmarks/bare/bare_auth.py's."""
    same_in_project(
        project,
        [AUTH_CHECK, package, auth, str(BARE)],
        project_env(project, BARE_AUTH=auth),
        f"the {package} {auth} check",
        f"benchmarks/bare/bare_auth.py no longer checks {auth} as the starter does",
    )


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_seconds(server: Server) -> float:
    """User and system CPU time of every process of the server's session (gunicorn's workers
    too). Steadier than requests per second on a busy machine: the CPU time other processes
    take from the server lowers its throughput more than it raises each request's CPU time."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # a process that just ended
        # After the command's name: state, ppid, pgrp, session, ... utime (14th), stime (15th).
        if int(fields[3]) == server.process.pid:
            total += int(fields[11]) + int(fields[12])
    return total / CLOCK_TICKS


def percentile_ms(output: str, percent: int) -> float:
    found = re.search(rf"^\s*{percent}%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.MULTILINE)
    if not found:
        raise SystemExit(f"error: cannot read wrk's {percent}th percentile:\n{output}")
    return float(found.group(1)) * UNITS_MS[found.group(2)]


def wrk_run(
    base: str,
    endpoint: Endpoint,
    seconds: int,
    connections: int,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """One wrk run (every request with `headers`): requests per second, p50 and p99, the
    requests, and the errors (responses other than the endpoint's status, and socket errors:
    connect, read, write, timeout)."""
    command = [
        wrk(),
        f"-t{WRK_THREADS}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "--latency",
    ]
    if endpoint.script:
        command += ["-s", str(endpoint.script)]
    for name, value in (headers or {}).items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run([*command, base + endpoint.path], capture_output=True, text=True)
    output = done.stdout
    if done.returncode:
        raise SystemExit(f"error: wrk failed on {base}{endpoint.path}:\n{output}{done.stderr}")
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    if not (rps and total):
        raise SystemExit(f"error: cannot read wrk's output:\n{output}")
    requests = int(total.group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    unexpected = int(non_2xx.group(1)) if non_2xx else 0
    if endpoint.status >= 300:
        unexpected = requests - unexpected
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "rps": float(rps.group(1)),
        "p50_ms": percentile_ms(output, 50),
        "p99_ms": percentile_ms(output, 99),
        "requests": requests,
        "errors": unexpected + (sum(map(int, socket.groups())) if socket else 0),
        "output": output,
    }


def load(server: Server, endpoint: Endpoint, seconds: int) -> dict[str, float]:
    """A wrk run on the server, which must answer every request with the endpoint's status."""
    cpu_before = cpu_seconds(server)
    try:
        run = wrk_run(server.base, endpoint, seconds, WRK_CONNECTIONS, server.credentials)
    except SystemExit:
        if server.process.poll() is not None:
            progress(f"{server.label} exited with {server.process.returncode}")
        raise
    cpu = cpu_seconds(server) - cpu_before
    if run["errors"]:
        raise SystemExit(
            f"error: {server.label} {endpoint.name}: {run['errors']} responses not "
            f"{endpoint.status} or socket errors:\n{run['output']}"
        )
    return {
        "rps": run["rps"],
        "p50_ms": run["p50_ms"],
        "p99_ms": run["p99_ms"],
        "cpu_us": cpu / run["requests"] * 1e6,
    }


def start_postgres(stack: ExitStack) -> str:
    """A throw-away PostgreSQL server for the run (tests/support/postgres.py: as the postgres user
    when root), removed when `stack` closes; or the one scripts/test started. Each server under
    test gets a migrated database of its own on it (tests/support/servers.py)."""
    if not os.environ.get(postgres.URL_VARIABLE):
        server = postgres.Server.create()
        stack.callback(server.remove)
        server.start()
        os.environ[postgres.URL_VARIABLE] = server.url
    result = subprocess.run(
        [str(postgres.binaries() / "postgres"), "--version"], capture_output=True, text=True
    )
    found = re.search(r"\d+(\.\d+)+", result.stdout)  # postgres (PostgreSQL) 15.18 (Debian ...)
    return found.group(0) if found else "unknown"


def measure_apps(profile: Profile, projects: dict[Key, tuple[Path, str]]) -> list[Server]:
    with ExitStack() as stack:
        servers: list[Server] = []
        progress("apps: starting 8 servers (each starter and bare app, on each database)")
        for framework in PROJECTS:
            for database in DATABASES:
                project, package = projects[framework, database]
                check_same_database_options(project, package, database)
                servers += [
                    start_server(stack, framework, database, variant, project, package)
                    for variant in ("starter", "bare")
                ]
        for database in DATABASES:
            check_same_gunicorn_options(
                *(s for s in servers if s.framework == "flask" and s.database == database)
            )
            check_same_uvicorn_options(*projects["fastapi", database])
        measure_rounds(profile, servers, "apps")
        return servers


def measure_auth(profile: Profile, projects: dict[Key, tuple[Path, str]]) -> list[Server]:
    """The authenticated writes: each starter with each auth style against its bare app, which
    runs on the starter's database (the project's users or keys tables, filled by its manage
    command) with the starter's SECRET_KEY, so that a token the starter signs is good there.
    In the same rounds, the write without auth, starter against bare app: what the
    authenticated rows' ratios would be without the check."""
    with ExitStack() as stack:
        servers: list[Server] = []
        starters = [*PROJECTS, *AUTH_PROJECTS]
        progress(f"auth: starting {2 * len(starters)} servers (each starter and bare app)")
        # A key of HS256's length (RFC 7518: at least the hash's 256 bits), and access tokens
        # that outlive the section.
        secret = {"SECRET_KEY": secrets.token_hex(32), "ACCESS_TOKEN_MINUTES": "120"}
        for starter in starters:
            framework, auth = framework_of(starter), auth_of(starter)
            project, package = projects[starter, AUTH_DATABASE]
            check_same_database_options(project, package, AUTH_DATABASE)
            shared: dict[str, str] = {}
            if auth != "none":
                check_same_auth(project, package, auth)
                shared = {"DATABASE_URL": f"sqlite:///data/auth-{secrets.token_hex(6)}.db"}
            first = start_server(
                stack,
                framework,
                AUTH_DATABASE,
                "starter",
                project,
                package,
                auth=auth,
                section="auth",
                **secret,
                **shared,
            )
            bare = start_server(
                stack,
                framework,
                AUTH_DATABASE,
                "bare",
                project,
                package,
                auth=auth,
                token_server=first.base,
                section="auth",
                **secret,
                **shared,
            )
            if framework == "flask":
                check_same_gunicorn_options(first, bare)
            else:
                check_same_uvicorn_options(project, package)
            servers += [first, bare]
        measure_rounds(profile, servers, "auth")
        return servers


def measure_rounds(profile: Profile, servers: list[Server], section: str) -> None:
    """Each server seeded and checked, warmed up, then measured round after round: every
    endpoint on every server that has it in turn (starter, bare, starter...), a group (database
    and auth style) after the other."""
    progress(f"{section}: servers up; 100 items into each, every endpoint checked")
    for server in servers:
        seed_and_check(server)
    if profile.warmup:
        progress(f"{section}: warming up ({profile.warmup} s per server and endpoint)")
        for server in servers:
            for endpoint in server.endpoints:
                load(server, endpoint, profile.warmup)
    groups: dict[tuple[str, str], list[Server]] = {}
    for server in servers:
        groups.setdefault((server.database, server.auth), []).append(server)
    runs = sum(len(server.endpoints) for server in servers)
    for round_number in range(1, profile.rounds + 1):
        progress(
            f"{section}: round {round_number} of {profile.rounds} "
            f"({runs} wrk runs of {profile.seconds} s)"
        )
        for group in groups.values():
            for endpoint in group[0].endpoints:
                for server in group:
                    server.samples.setdefault(endpoint.name, []).append(
                        load(server, endpoint, profile.seconds)
                    )


# Each starter as it runs in production (compose.yaml): ENVIRONMENT=production, one worker, its
# default threads and pool sizes. Writes unlimited only for the seeding: the load is reads.
PRODUCTION = {"ENVIRONMENT": "production"}


def measure_heavy(profile: Profile, projects: dict[Key, tuple[Path, str]]) -> list[dict[str, Any]]:
    """Each starter under HEAVY_CONNECTIONS connections: on a page of 100 items from each
    database, then on a call to a downstream service (on SQLite, the default)."""
    rows = []
    for database in DATABASES:
        rows += heavy_scenario(profile, projects, database, PAGE, f"{database}: GET {PAGE.path}")
    with ExitStack() as stack:
        url = start_downstream(stack)
        for starter in HEAVY_STARTERS:
            add_downstream_route(starter, *projects[starter, "sqlite"])
        scenario = f"downstream {DOWNSTREAM_LATENCY_MS} ms: GET {DOWNSTREAM_CALL.path}"
        rows += heavy_scenario(
            profile, projects, "sqlite", DOWNSTREAM_CALL, scenario, DOWNSTREAM_URL=url
        )
    return rows


def heavy_scenario(
    profile: Profile,
    projects: dict[Key, tuple[Path, str]],
    database: str,
    endpoint: Endpoint,
    scenario: str,
    **env: str,
) -> list[dict[str, Any]]:
    """The starters of a database up, loaded one after the other on `endpoint` (FastAPI,
    FastAPI with async endpoints, Flask, FastAPI...), so that each has the machine to itself
    while it is measured."""
    with ExitStack() as stack:
        servers = {
            starter: start_server(
                stack,
                framework_of(starter),
                database,
                "starter",
                *projects[starter, database],
                **PRODUCTION,
                **env,
            )
            for starter in HEAVY_STARTERS
        }
        for server in servers.values():
            seed_and_check(server)
            status, _ = send(server.base + endpoint.path)
            if status != endpoint.status:
                raise SystemExit(f"error: {server.label}: {endpoint.name} gave {status}")
            if profile.warmup:
                wrk_run(server.base, endpoint, profile.warmup, HEAVY_CONNECTIONS)
        samples: dict[str, list[dict[str, Any]]] = {starter: [] for starter in servers}
        for round_number in range(1, profile.heavy_rounds + 1):
            progress(
                f"heavy traffic, {scenario}: round {round_number} of {profile.heavy_rounds} "
                f"({len(servers)} wrk runs of {profile.heavy_seconds} s, "
                f"{HEAVY_CONNECTIONS} connections)"
            )
            for starter, server in servers.items():
                samples[starter].append(
                    wrk_run(server.base, endpoint, profile.heavy_seconds, HEAVY_CONNECTIONS)
                )
    return [
        {
            "framework": framework_of(starter),
            "endpoints": endpoints_of(starter),
            "scenario": scenario,
            "connections": HEAVY_CONNECTIONS,
            "rps": statistics.median(run["rps"] for run in runs),
            "p50_ms": statistics.median(run["p50_ms"] for run in runs),
            "p99_ms": statistics.median(run["p99_ms"] for run in runs),
            "errors": sum(run["errors"] for run in runs),
            "requests": sum(run["requests"] for run in runs),
            "rps_runs": [run["rps"] for run in runs],
        }
        for starter, runs in samples.items()
    ]


def start_downstream(stack: ExitStack) -> str:
    """The downstream stub (benchmarks/downstream/stub.py) on 127.0.0.1 and a free port, stopped
    when `stack` closes; returns its URL."""
    stub = subprocess.Popen(
        [sys.executable, str(DOWNSTREAM / "stub.py"), str(DOWNSTREAM_LATENCY_MS)],
        stdout=subprocess.PIPE,
        text=True,
        preexec_fn=ending_with_this_process(),
    )
    stack.callback(stub.wait, timeout=10)
    stack.callback(stub.terminate)
    port = stub.stdout.readline().strip() if stub.stdout else ""
    if not port.isdigit():
        raise SystemExit("error: the downstream stub did not start (benchmarks/downstream/stub.py)")
    return f"http://127.0.0.1:{port}/rate"


def add_downstream_route(starter: str, project: Path, package: str) -> None:
    """The route of benchmarks/downstream/ in the starter, beside its health routes, and the
    HTTP clients it uses installed in its environment: what a user adds to call a service."""
    framework, folder = (
        ("flask", "views") if framework_of(starter) == "flask" else ("fastapi", "routes")
    )
    routes = project / "src" / package / folder
    shutil.copyfile(DOWNSTREAM / f"{framework}_route.py", routes / "downstream_route.py")
    call = (
        "add_route(bp)"
        if framework == "flask"
        else (f"add_route(router, asynchronous={endpoints_of(starter) == 'async'})")
    )
    with (routes / "health.py").open("a", encoding="utf-8") as health:
        health.write(f"\nfrom .downstream_route import add_route  # noqa: E402\n\n{call}\n")
    subprocess.run(
        [
            uv(),
            "pip",
            "install",
            "--quiet",
            "--python",
            str(project / ".venv" / "bin" / "python"),
            *DOWNSTREAM_CLIENTS,
        ],
        check=True,
        env=project_env(),
    )


def median_of(server: Server, endpoint: Endpoint, key: str) -> float:
    return statistics.median(sample[key] for sample in server.samples[endpoint.name])


def paired_ratios(runs: list[dict[str, float]], against: list[dict[str, float]]) -> list[float]:
    """Each round's requests per second over those of the run it took turns with."""
    return [a["rps"] / b["rps"] for a, b in zip(runs, against, strict=True)]


def quartiles(values: list[float]) -> list[float]:
    """The first and third quartiles of `values` (both the one value when there is one)."""
    if len(values) < 2:
        return [values[0], values[0]]
    first, _, third = statistics.quantiles(values, n=4, method="inclusive")
    return [first, third]


def median_interval(values: list[float], confidence: float = 0.95) -> tuple[list[float], float]:
    """A distribution-free confidence interval for the median of `values`, from their order
    statistics: the k-th smallest to the k-th largest, with k the largest whose coverage (the
    chance that the true median lies between them, from the binomial distribution) is still at
    least `confidence`; with too few values for that, the smallest to the largest. Returns the
    interval and its coverage."""
    ordered, n = sorted(values), len(values)

    def coverage(k: int) -> float:
        return 1 - 2 * sum(math.comb(n, i) for i in range(k)) / 2**n

    k = 1
    while k < (n + 1) // 2 and coverage(k + 1) >= confidence:
        k += 1
    return [ordered[k - 1], ordered[n - k]], coverage(k)


def app_rows(servers: list[Server]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each starter against its bare app, endpoint by endpoint; and the FastAPI starter against
    the Flask starter (the bare apps' ratio beside it), for each section, database and auth
    style."""
    by = {
        (server.section, server.framework, server.database, server.auth, server.variant): server
        for server in servers
    }
    apps, frameworks = [], []
    for section, framework, database, auth, variant in by:
        if variant != "starter":
            continue
        starter, bare = (
            by[section, framework, database, auth, "starter"],
            by[section, framework, database, auth, "bare"],
        )
        target = AUTH_TARGET if section == "auth" else APP_TARGET
        for endpoint in starter.endpoints:
            starter_rps = median_of(starter, endpoint, "rps")
            bare_rps = median_of(bare, endpoint, "rps")
            paired = paired_ratios(starter.samples[endpoint.name], bare.samples[endpoint.name])
            interval, coverage = median_interval(paired)
            apps.append(
                {
                    "section": section,
                    "framework": framework,
                    "database": database,
                    "auth": auth,
                    "endpoint": endpoint.name,
                    "starter_rps": starter_rps,
                    "bare_rps": bare_rps,
                    "ratio": starter_rps / bare_rps,
                    "starter_p99_ms": median_of(starter, endpoint, "p99_ms"),
                    "bare_p99_ms": median_of(bare, endpoint, "p99_ms"),
                    # Server CPU time per request; bare over starter: the throughput ratio
                    # that the CPU cost alone predicts, steadier on a busy machine.
                    "starter_cpu_us": median_of(starter, endpoint, "cpu_us"),
                    "bare_cpu_us": median_of(bare, endpoint, "cpu_us"),
                    "cpu_ratio": median_of(bare, endpoint, "cpu_us")
                    / median_of(starter, endpoint, "cpu_us"),
                    "target": target,
                    "met": starter_rps / bare_rps >= target,
                    # Each round's starter run against the bare run right after it: their
                    # median, and the middle half of them (how far one run's ratio strays).
                    "paired_ratio": statistics.median(paired),
                    "paired_quartiles": quartiles(paired),
                    # Where the median paired ratio lies, at `paired_coverage` confidence: with
                    # the target inside, this run cannot tell whether the row meets it.
                    "paired_interval": interval,
                    "paired_coverage": coverage,
                    "decided": not interval[0] < target <= interval[1],
                    "starter_rps_runs": [s["rps"] for s in starter.samples[endpoint.name]],
                    "bare_rps_runs": [s["rps"] for s in bare.samples[endpoint.name]],
                }
            )
    for section, framework, database, auth, variant in by:
        if framework != "fastapi" or variant != "starter":
            continue
        fastapi, flask = (
            by[section, "fastapi", database, auth, "starter"],
            by[section, "flask", database, auth, "starter"],
        )
        fastapi_bare, flask_bare = (
            by[section, "fastapi", database, auth, "bare"],
            by[section, "flask", database, auth, "bare"],
        )
        for endpoint in fastapi.endpoints:
            fastapi_rps = median_of(fastapi, endpoint, "rps")
            flask_rps = median_of(flask, endpoint, "rps")
            frameworks.append(
                {
                    "section": section,
                    "database": database,
                    "auth": auth,
                    "endpoint": endpoint.name,
                    "fastapi_rps": fastapi_rps,
                    "flask_rps": flask_rps,
                    "ratio": fastapi_rps / flask_rps,
                    "fastapi_p99_ms": median_of(fastapi, endpoint, "p99_ms"),
                    "flask_p99_ms": median_of(flask, endpoint, "p99_ms"),
                    "fastapi_cpu_us": median_of(fastapi, endpoint, "cpu_us"),
                    "flask_cpu_us": median_of(flask, endpoint, "cpu_us"),
                    "bare_ratio": median_of(fastapi_bare, endpoint, "rps")
                    / median_of(flask_bare, endpoint, "rps"),
                }
            )
    return apps, frameworks


# ---------------------------------------------------------------------------------------------
# The report
# ---------------------------------------------------------------------------------------------


def tool_versions() -> dict[str, str]:
    wrk_banner = subprocess.run([wrk(), "--version"], capture_output=True, text=True).stdout
    wrk_version = re.search(r"wrk (\S+)", wrk_banner)
    uv_version = subprocess.run([uv(), "--version"], capture_output=True, text=True).stdout
    return {
        "python": platform.python_version(),
        "stackwise": importlib.metadata.version("stackwise"),
        "copier": importlib.metadata.version("copier"),
        "typer": importlib.metadata.version("typer"),
        "uv": uv_version.split()[1] if uv_version else "unknown",
        "wrk": wrk_version.group(1) if wrk_version else "unknown",
    }


def verdict(met: bool, decided: bool = True) -> str:
    shown = "met" if met else "**missed**"
    return shown if decided else f"{shown}, within noise"


def generator_table(gen: dict[str, Any]) -> list[str]:
    return [
        f"Generator, whole process: median of {gen['runs']} runs (ms)",
        "",
        "| command | ms | against | ratio | CPU ms | ratio by CPU | target |",
        "| --- | ---: | --- | ---: | ---: | ---: | --- |",
        f"| `python -c pass` | {gen['python_ms']:.0f} | | | | | |",
        f'| `python -c "import typer"` | {gen["import_typer_ms"]:.0f} | | '
        f"| {gen['import_typer_cpu_ms']:.0f} | | |",
        f"| `stackwise --help` | {gen['help_ms']:.0f} | `import typer` "
        f"| {gen['help_ratio']:.2f}x | {gen['help_cpu_ms']:.0f} | {gen['help_cpu_ratio']:.2f}x "
        f"| <= {HELP_TARGET}x {verdict(gen['help_met'])} |",
        f"| `copier copy --defaults` | {gen['copier_copy_ms']:.0f} | | "
        f"| {gen['copier_copy_cpu_ms']:.0f} | | |",
        f"| `stackwise new --defaults --no-git` | {gen['new_ms']:.0f} | `copier copy` "
        f"| {gen['new_ratio']:.2f}x | {gen['new_cpu_ms']:.0f} | {gen['new_cpu_ratio']:.2f}x "
        f"| <= {NEW_TARGET}x {verdict(gen['new_met'])} |",
        f"| bare questionary select (pty) | {gen['bare_prompt_ms']:.0f} | | "
        f"| {gen['bare_prompt_cpu_ms']:.0f} | | |",
        f"| the same select in a Typer command (pty) | {gen['typer_prompt_ms']:.0f} "
        f"| bare select | {gen['typer_prompt_ms'] / gen['bare_prompt_ms']:.2f}x "
        f"| {gen['typer_prompt_cpu_ms']:.0f} "
        f"| {gen['typer_prompt_cpu_ms'] / gen['bare_prompt_cpu_ms']:.2f}x | |",
        f"| `stackwise new`, first question (pty) | {gen['first_prompt_ms']:.0f} "
        f"| bare select | {gen['prompt_ratio']:.2f}x | {gen['first_prompt_cpu_ms']:.0f} "
        f"| {gen['prompt_cpu_ratio']:.2f}x | <= {PROMPT_TARGET}x {verdict(gen['prompt_met'])} |",
    ]


def apps_table(rows: list[dict[str, Any]], title: str, auth: bool) -> list[str]:
    """The starter-against-bare table: the database's column, or with auth the auth style's."""
    second = "auth" if auth else "database"
    lines = [
        title,
        "",
        f"| framework | {second} | endpoint | starter req/s | bare req/s | ratio "
        "| paired ratios, middle half | paired median, its interval | starter p99 ms "
        "| bare p99 ms | CPU us/req starter / bare | ratio by CPU | target |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in rows:
        first, third = row["paired_quartiles"]
        low, high = row["paired_interval"]
        lines.append(
            f"| {row['framework']} | {row[second]} | `{row['endpoint']}` "
            f"| {row['starter_rps']:.0f} "
            f"| {row['bare_rps']:.0f} | {row['ratio']:.2f}x | {first:.2f} to {third:.2f} "
            f"| {row['paired_ratio']:.2f} ({low:.2f} to {high:.2f}) "
            f"| {row['starter_p99_ms']:.1f} "
            f"| {row['bare_p99_ms']:.1f} | {row['starter_cpu_us']:.0f} / {row['bare_cpu_us']:.0f} "
            f"| {row['cpu_ratio']:.2f}x | >= {row['target']}x "
            f"{verdict(row['met'], row['decided'])} |"
        )
    return lines


def frameworks_table(rows: list[dict[str, Any]], auth: bool) -> list[str]:
    second = "auth" if auth else "database"
    lines = [
        "FastAPI starter against Flask starter (bare FastAPI against bare Flask for reference)",
        "",
        f"| {second} | endpoint | FastAPI req/s | Flask req/s | ratio | FastAPI p99 ms "
        "| Flask p99 ms | bare ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row[second]} | `{row['endpoint']}` | {row['fastapi_rps']:.0f} "
            f"| {row['flask_rps']:.0f} | {row['ratio']:.2f}x | {row['fastapi_p99_ms']:.1f} "
            f"| {row['flask_p99_ms']:.1f} | {row['bare_ratio']:.2f}x |"
        )
    return lines


def heavy_table(rows: list[dict[str, Any]], settings: dict[str, Any]) -> list[str]:
    lines = [
        f"Heavy traffic, each starter at its production defaults (one worker): wrk "
        f"{WRK_THREADS} thread, {HEAVY_CONNECTIONS} connections, median of "
        f"{settings['heavy_rounds']} runs of {settings['heavy_seconds']} s",
        "",
        "| scenario | framework | endpoints | req/s | p50 ms | p99 ms | errors / requests |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| `{row['scenario']}` | {row['framework']} | {row['endpoints']} | {row['rps']:.0f} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} / {row['requests']} |"
        )
    return lines


def table(results: dict[str, Any]) -> str:
    """The run's figures as markdown tables, those of the sections it ran."""
    settings = results["settings"]
    runs = f"median of {settings['rounds']} runs of {settings['seconds']} s"
    tables = []
    if "generator" in results:
        tables.append(generator_table(results["generator"]))
    apps = [row for row in results.get("apps", []) if row["section"] == "apps"]
    if apps:
        title = (
            f"Generated apps, one worker each: wrk {WRK_THREADS} thread, {WRK_CONNECTIONS} "
            f"connections, {runs}"
        )
        tables.append(apps_table(apps, title, auth=False))
        frameworks = results["fastapi_vs_flask"]
        tables.append(frameworks_table([r for r in frameworks if r["section"] == "apps"], False))
    signed = [row for row in results.get("apps", []) if row["section"] == "auth"]
    if signed:
        title = (
            f"Authenticated writes on {AUTH_DATABASE}, one worker each (the bare app makes the "
            f"same check with the same libraries): wrk {WRK_THREADS} thread, {WRK_CONNECTIONS} "
            f"connections, {runs}"
        )
        tables.append(apps_table(signed, title, auth=True))
        frameworks = results["fastapi_vs_flask"]
        tables.append(frameworks_table([r for r in frameworks if r["section"] == "auth"], True))
    if "heavy_traffic" in results:
        tables.append(heavy_table(results["heavy_traffic"], settings))
    machine = results["machine"]
    tables.append(
        [
            f"{machine['cpu_count']} CPUs, load average {machine['load_before']:.1f} before and "
            f"{machine['load_after']:.1f} after; "
            + ", ".join(f"{name} {version}" for name, version in results["versions"].items())
        ]
    )
    return "\n\n".join("\n".join(lines) for lines in tables)


def packages_of(starter: str, database: str) -> list[str]:
    """The libraries of a project whose versions the results name."""
    packages = {
        "fastapi": ["fastapi", "starlette", "uvicorn", "pydantic", "sqlalchemy"],
        "flask": ["flask", "werkzeug", "apiflask", "gunicorn", "flask-sqlalchemy-lite"],
    }[framework_of(starter)]
    if endpoints_of(starter) == "async" and database == "sqlite":
        packages = [*packages, "aiosqlite"]
    if database == "postgresql":
        packages = [*packages, "psycopg"]
    if auth_of(starter) == "jwt":
        packages = [*packages, "pyjwt"]
    return packages


def positive_int(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a whole number of at least 1: {text!r}")
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, less precise")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=SECTIONS,
        metavar="SECTION",
        help=f"run only these sections ({', '.join(SECTIONS)}); all of them by default",
    )
    parser.add_argument(
        "--rounds",
        type=positive_int,
        help="wrk runs of each server and endpoint in the apps and auth sections "
        f"({FULL.rounds} in the full run, {QUICK.rounds} with --quick)",
    )
    args = parser.parse_args()
    profile = QUICK if args.quick else FULL
    if args.rounds:
        profile = replace(profile, rounds=args.rounds)
    sections = [section for section in SECTIONS if section in (args.only or SECTIONS)]
    # The apps and heavy traffic run on PostgreSQL too: a throw-away server.
    needs_postgres = "apps" in sections or "heavy" in sections
    wrk(), uv()  # fail early when one is missing
    if needs_postgres:
        postgres.binaries()
    load_before = os.getloadavg()[0]
    versions = tool_versions()
    results: dict[str, Any] = {"sections": sections}
    if "generator" in sections:
        results["generator"] = measure_generator(profile)
    keys = projects_for(sections)
    servers: list[Server] = []
    with tempfile.TemporaryDirectory(prefix="stackwise-bench-") as tmp, ExitStack() as stack:
        if keys:
            progress(f"apps: generating {len(keys)} projects, uv sync")
            projects = generate(Path(tmp), keys)
            if needs_postgres:
                versions["postgresql"] = start_postgres(stack)
            for (starter, database), (project, _) in projects.items():
                versions.update(versions_in(project, packages_of(starter, database)))
        if "apps" in sections:
            servers += measure_apps(profile, projects)
        if "auth" in sections:
            servers += measure_auth(profile, projects)
        if "heavy" in sections:
            results["heavy_traffic"] = measure_heavy(profile, projects)
    if servers:
        results["apps"], results["fastapi_vs_flask"] = app_rows(servers)
    generator = results.get("generator")
    results["targets_met"] = all(row["met"] for row in results.get("apps", [])) and (
        generator is None
        or (generator["help_met"] and generator["new_met"] and generator["prompt_met"])
    )
    results |= {
        "settings": {
            "quick": args.quick,
            "runs": profile.runs,
            "rounds": profile.rounds,
            "seconds": profile.seconds,
            "warmup_seconds": profile.warmup,
            "wrk_threads": WRK_THREADS,
            "wrk_connections": WRK_CONNECTIONS,
            "seed_items": SEED_ITEMS,
            "heavy_rounds": profile.heavy_rounds,
            "heavy_seconds": profile.heavy_seconds,
            "heavy_connections": HEAVY_CONNECTIONS,
            "databases": list(DATABASES),
            "auth_styles": list(AUTH_STYLES),
            "web_concurrency": 1,
        },
        "machine": {
            "cpu_count": os.cpu_count(),
            "platform": platform.platform(),
            "load_before": load_before,
            "load_after": os.getloadavg()[0],
        },
        "versions": versions,
        "duration_s": time.monotonic() - STARTED,
    }
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(table(results), flush=True)
    progress(f"written to {args.output}")


if __name__ == "__main__":
    main()
