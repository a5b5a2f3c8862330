"""The generator's speed and the generated apps' overhead, each against its floor, side by side.

    python benchmarks/run.py            # the full run (about 25 minutes)
    python benchmarks/run.py --quick    # a short run (about 3 minutes), less precise

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
3. Heavy traffic: each starter at its production defaults (workers, threads, pool sizes), and
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
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

# The helpers the tests use (tests/support), from this checkout.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support import postgres
from tests.support.cli import spawn_command
from tests.support.http_client import request
from tests.support.projects import project_env
from tests.support.servers import ServerError, running
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

SEED_ITEMS = 100
# wrk: one thread (one core's worth of load on a 2-core machine) and 32 open connections.
WRK_THREADS = 1
WRK_CONNECTIONS = 32
# Heavy traffic: 256 open connections, each starter at its production defaults.
HEAVY_CONNECTIONS = 256

# The default project of each framework whose starter serves the items API, with each database.
PROJECTS = {
    "fastapi": ["--purpose", "api", "--auth", "none"],
    "flask": ["--framework", "flask", "--purpose", "microservice", "--auth", "none"],
}
# Under heavy traffic also the FastAPI starter with async endpoints (`--async`: an async engine
# and driver), which has no bare counterpart here: the shape the interview names for many
# concurrent I/O calls.
HEAVY_ONLY = {"fastapi-async": ["--purpose", "api", "--async", "--auth", "none"]}
STARTERS = {**PROJECTS, **HEAVY_ONLY}
DATABASES = ("sqlite", "postgresql")
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


def generate(work: Path) -> dict[Key, tuple[Path, str]]:
    """Each starter (STARTERS) with each database, installed as its Dockerfile installs it (no
    dev tools, bytecode compiled), all at once; returns each one's folder and package name."""
    projects = {
        (starter, database): (
            work / f"bench-{starter}-{database}",
            f"bench_{starter.replace('-', '_')}_{database}",
        )
        for starter in STARTERS
        for database in DATABASES
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


def send(url: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    """A GET, or with a body a JSON POST: the status and the JSON answer."""
    method, data = ("GET", None) if body is None else ("POST", json.dumps(body).encode())
    headers = {"Content-Type": "application/json"}
    status, _, answer = request(method, url, data, headers, timeout=10)
    return status, json.loads(answer or b"null")


@dataclass
class Server:
    framework: str
    database: str
    variant: str  # "starter" or "bare"
    process: subprocess.Popen[bytes]
    base: str
    samples: dict[str, list[dict[str, float]]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.framework} {self.variant} ({self.database})"


def start_server(
    stack: ExitStack,
    framework: str,
    database: str,
    variant: str,
    project: Path,
    package: str,
    **env: str,
) -> Server:
    """The starter's production command, or the bare app under the same server, on 127.0.0.1
    and a free port, with one worker, on a new database of its own (a SQLite file, or a migrated
    PostgreSQL database), once it answers; stopped when `stack` closes. Its stdout, the access
    log as in production, is dropped, for both alike."""
    argv = ["-m", package] if variant == "starter" else [str(BARE_APPS[framework])]
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
    return Server(framework, database, variant, server.process, server.base)


def seed_and_check(server: Server) -> None:
    """100 items through POST, and every endpoint answering as the benchmark expects."""
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
    result = subprocess.run(
        [str(project / ".venv" / "bin" / "python"), "-c", DATABASE_OPTIONS_CHECK, package, BARE],
        cwd=project,
        env=project_env(project, DATABASE_URL=url, SECRET_KEY="benchmark"),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise SystemExit(f"error: cannot read the {package} database options:\n{result.stderr}")
    options = json.loads(result.stdout)
    if options["starter"] != options["bare"]:
        raise SystemExit(
            "error: benchmarks/bare/bare_database.py no longer uses the starter's driver and "
            f"pool options ({database}):\n  starter: {options['starter']}\n"
            f"  bare:    {options['bare']}"
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


def wrk_run(base: str, endpoint: Endpoint, seconds: int, connections: int) -> dict[str, Any]:
    """One wrk run: requests per second, p50 and p99, the requests, and the errors (responses
    other than the endpoint's status, and socket errors: connect, read, write, timeout)."""
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
    output = subprocess.run(
        [*command, base + endpoint.path], check=True, capture_output=True, text=True
    ).stdout
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
    run = wrk_run(server.base, endpoint, seconds, WRK_CONNECTIONS)
    cpu = cpu_seconds(server) - cpu_before
    if run["errors"]:
        raise SystemExit(
            f"error: {server.label} {endpoint.name}: {run['errors']} responses not "
            f"{endpoint.status} or socket errors:\n{run['output']}"
        )
    return {
        "rps": run["rps"],
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
        for (framework, database), (project, package) in projects.items():
            if framework not in PROJECTS:
                continue  # under heavy traffic only
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
        progress("apps: servers up; 100 items into each, every endpoint checked")
        for server in servers:
            seed_and_check(server)
        if profile.warmup:
            progress(f"apps: warming up ({profile.warmup} s per server and endpoint)")
            for server in servers:
                for endpoint in ENDPOINTS[server.database]:
                    load(server, endpoint, profile.warmup)
        runs = sum(len(ENDPOINTS[server.database]) for server in servers)
        # Round after round, every endpoint on every server in turn: starter, bare, starter...
        for round_number in range(1, profile.rounds + 1):
            progress(
                f"apps: round {round_number} of {profile.rounds} "
                f"({runs} wrk runs of {profile.seconds} s)"
            )
            for database in DATABASES:
                for endpoint in ENDPOINTS[database]:
                    for server in servers:
                        if server.database == database:
                            server.samples.setdefault(endpoint.name, []).append(
                                load(server, endpoint, profile.seconds)
                            )
        return servers


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
        for starter in STARTERS:
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
            for starter in STARTERS
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


def app_rows(servers: list[Server]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    by = {(server.framework, server.database, server.variant): server for server in servers}
    apps, frameworks = [], []
    for framework in PROJECTS:
        for database in DATABASES:
            starter, bare = by[framework, database, "starter"], by[framework, database, "bare"]
            for endpoint in ENDPOINTS[database]:
                starter_rps = median_of(starter, endpoint, "rps")
                bare_rps = median_of(bare, endpoint, "rps")
                apps.append(
                    {
                        "framework": framework,
                        "database": database,
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
                        "target": APP_TARGET,
                        "met": starter_rps / bare_rps >= APP_TARGET,
                        # Each round's starter run against the bare run right after it.
                        "paired_ratio": statistics.median(
                            a["rps"] / b["rps"]
                            for a, b in zip(
                                starter.samples[endpoint.name],
                                bare.samples[endpoint.name],
                                strict=True,
                            )
                        ),
                        "starter_rps_runs": [s["rps"] for s in starter.samples[endpoint.name]],
                        "bare_rps_runs": [s["rps"] for s in bare.samples[endpoint.name]],
                    }
                )
    for database in DATABASES:
        fastapi, flask = by["fastapi", database, "starter"], by["flask", database, "starter"]
        for endpoint in ENDPOINTS[database]:
            fastapi_rps = median_of(fastapi, endpoint, "rps")
            flask_rps = median_of(flask, endpoint, "rps")
            frameworks.append(
                {
                    "database": database,
                    "endpoint": endpoint.name,
                    "fastapi_rps": fastapi_rps,
                    "flask_rps": flask_rps,
                    "ratio": fastapi_rps / flask_rps,
                    "fastapi_p99_ms": median_of(fastapi, endpoint, "p99_ms"),
                    "flask_p99_ms": median_of(flask, endpoint, "p99_ms"),
                    "fastapi_cpu_us": median_of(fastapi, endpoint, "cpu_us"),
                    "flask_cpu_us": median_of(flask, endpoint, "cpu_us"),
                    "bare_ratio": median_of(by["fastapi", database, "bare"], endpoint, "rps")
                    / median_of(by["flask", database, "bare"], endpoint, "rps"),
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


def verdict(met: bool) -> str:
    return "met" if met else "**missed**"


def table(results: dict[str, Any]) -> str:
    gen, settings = results["generator"], results["settings"]
    lines = [
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
        "",
        f"Generated apps, one worker each: wrk {WRK_THREADS} thread, {WRK_CONNECTIONS} connections,"
        f" median of {settings['rounds']} runs of {settings['seconds']} s",
        "",
        "| framework | database | endpoint | starter req/s | bare req/s | ratio | starter p99 ms "
        "| bare p99 ms | CPU us/req starter / bare | ratio by CPU | target |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for row in results["apps"]:
        lines.append(
            f"| {row['framework']} | {row['database']} | `{row['endpoint']}` "
            f"| {row['starter_rps']:.0f} "
            f"| {row['bare_rps']:.0f} | {row['ratio']:.2f}x | {row['starter_p99_ms']:.1f} "
            f"| {row['bare_p99_ms']:.1f} | {row['starter_cpu_us']:.0f} / {row['bare_cpu_us']:.0f} "
            f"| {row['cpu_ratio']:.2f}x | >= {APP_TARGET}x {verdict(row['met'])} |"
        )
    lines += [
        "",
        "FastAPI starter against Flask starter (bare FastAPI against bare Flask for reference)",
        "",
        "| database | endpoint | FastAPI req/s | Flask req/s | ratio | FastAPI p99 ms "
        "| Flask p99 ms | bare ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in results["fastapi_vs_flask"]:
        lines.append(
            f"| {row['database']} | `{row['endpoint']}` | {row['fastapi_rps']:.0f} "
            f"| {row['flask_rps']:.0f} | {row['ratio']:.2f}x | {row['fastapi_p99_ms']:.1f} "
            f"| {row['flask_p99_ms']:.1f} | {row['bare_ratio']:.2f}x |"
        )
    lines += [
        "",
        f"Heavy traffic, each starter at its production defaults (one worker): wrk "
        f"{WRK_THREADS} thread, {HEAVY_CONNECTIONS} connections, median of "
        f"{settings['heavy_rounds']} runs of {settings['heavy_seconds']} s",
        "",
        "| scenario | framework | endpoints | req/s | p50 ms | p99 ms | errors / requests |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for row in results["heavy_traffic"]:
        lines.append(
            f"| `{row['scenario']}` | {row['framework']} | {row['endpoints']} | {row['rps']:.0f} "
            f"| {row['p50_ms']:.1f} | {row['p99_ms']:.1f} | {row['errors']} / {row['requests']} |"
        )
    machine = results["machine"]
    lines += [
        "",
        f"{machine['cpu_count']} CPUs, load average {machine['load_before']:.1f} before and "
        f"{machine['load_after']:.1f} after; "
        + ", ".join(f"{name} {version}" for name, version in results["versions"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a short run, less precise")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    profile = QUICK if args.quick else FULL
    wrk(), uv(), postgres.binaries()  # fail early when one is missing
    load_before = os.getloadavg()[0]
    versions = tool_versions()
    generator = measure_generator(profile)
    with tempfile.TemporaryDirectory(prefix="stackwise-bench-") as tmp, ExitStack() as stack:
        progress("apps: generating the six projects, uv sync; a PostgreSQL server")
        projects = generate(Path(tmp))
        versions["postgresql"] = start_postgres(stack)
        for (starter, database), (project, _) in projects.items():
            packages = {
                "fastapi": ["fastapi", "starlette", "uvicorn", "pydantic", "sqlalchemy"],
                "fastapi-async": ["aiosqlite"] if database == "sqlite" else [],
                "flask": ["flask", "werkzeug", "apiflask", "gunicorn", "flask-sqlalchemy-lite"],
            }[starter] + (["psycopg"] if database == "postgresql" else [])
            versions.update(versions_in(project, packages))
        servers = measure_apps(profile, projects)
        heavy = measure_heavy(profile, projects)
    apps, frameworks = app_rows(servers)
    results = {
        "generator": generator,
        "apps": apps,
        "fastapi_vs_flask": frameworks,
        "heavy_traffic": heavy,
        "targets_met": generator["help_met"]
        and generator["new_met"]
        and generator["prompt_met"]
        and all(row["met"] for row in apps),
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
