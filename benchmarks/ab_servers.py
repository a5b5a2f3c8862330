"""Versions of a starter side by side, each under its production server: what one of its costs
weighs once the server, the HTTP parser and the client are in the way (ab_fastapi.py weighs
the app's own code, in process).

    .venv-test/bin/python benchmarks/ab_servers.py --endpoint health \\
        bare=/tmp/ab/shipped:bare shipped=/tmp/ab/shipped variant=/tmp/ab/variant \\
        asyncio=/tmp/ab/shipped,EVENT_LOOP=asyncio

Each PROJECT is a generated project on SQLite (or on PostgreSQL, without auth: on the server
that STACKWISE_TEST_POSTGRES_URL names, else a throw-away one), installed as benchmarks/run.py
installs its own (`uv sync --no-dev --compile-bytecode`); a variant is a copy with one change
(remove its `.venv` and sync it again: the environment names its folder). `NAME=PROJECT:bare`
is the bare app of the project's framework in that project's environment, as run.py measures
it. `,VAR=VALUE` after either sets a variable of the server's environment (a setting of the
starter, such as EVENT_LOOP, which the bare FastAPI app reads too, or WEB_THREADS, which it
does not: it keeps AnyIO's 40 threads). Every server runs its production command with one
worker on a new database of its own, as in run.py (the same functions: writes unlimited, 100
items seeded, every endpoint checked). A project
with auth (jwt or apikey) is measured as run.py's authenticated writes are: its writes carry a
credential its manage command made, and its bare app (named after a starter of the same
project) checks it with the same libraries, on that starter's database. The servers
then take turns, round after round (ABC, CBA...), on one endpoint with wrk (1 thread, 32
connections). It prints each one's median requests per second, CPU time per request, p50 and
p99, and its paired ratio: the median over the rounds of its requests per second divided by the
first server's in the same round, with the interval where that median lies at 95 % confidence
or more (run.median_interval; its coverage in brackets).
"""

import argparse
import secrets
import statistics
import sys
from contextlib import ExitStack
from pathlib import Path

import run

ENDPOINTS = {
    "health": run.HEALTH,
    "page": run.PAGE,
    "201": run.CREATE,
    "422": run.INVALID,
}


# A project with auth: its starter's database, its SECRET_KEY and its token endpoint, which
# the bare app of the same project shares, as in run.py's authenticated writes.
AUTH_SETTINGS = {"SECRET_KEY": secrets.token_hex(32), "ACCESS_TOKEN_MINUTES": "120"}
shared_databases: dict[Path, str] = {}
token_servers: dict[Path, str] = {}


def started(stack: ExitStack, spec: str) -> tuple[str, run.Server]:
    """The server NAME=PROJECT[:bare][,VAR=VALUE...] names, seeded and checked. A bare app of
    a project with auth comes after a starter of the same project (it checks the credentials
    that starter makes)."""
    name, _, target = spec.partition("=")
    target, *assignments = target.split(",")
    folder, _, variant = target.partition(":")
    env = dict(assignment.partition("=")[::2] for assignment in assignments)
    project = Path(folder).resolve()
    answers = run.postgres.answers(project)
    database = answers.get("database")
    auth = answers.get("auth", "none")
    if (
        not name
        or variant not in ("", "bare")
        or not all(env)
        or database not in ("sqlite", "postgresql")
        or (database == "postgresql" and auth != "none")
    ):
        raise SystemExit(
            f"error: {spec}: give NAME=PROJECT[:bare][,VAR=VALUE...], on SQLite, or on "
            "PostgreSQL without auth"
        )
    if database == "postgresql":
        run.start_postgres(stack)
    framework = "flask" if answers.get("framework") == "flask" else "fastapi"
    (package,) = [path.name for path in (project / "src").iterdir() if path.is_dir()]
    token_server = None
    if auth != "none":
        url = shared_databases.setdefault(
            project, f"sqlite:///data/ab-auth-{secrets.token_hex(6)}.db"
        )
        env = {**AUTH_SETTINGS, "DATABASE_URL": url, **env}
        token_server = token_servers.get(project)
        if variant == "bare" and token_server is None:
            raise SystemExit(f"error: {spec}: name a starter of this project before its bare app")
    server = run.start_server(
        stack,
        framework,
        database,
        variant or "starter",
        project,
        package,
        auth=auth,
        token_server=token_server,
        section="auth" if auth != "none" else "apps",
        **env,
    )
    if auth != "none" and variant == "":
        token_servers.setdefault(project, server.base)
    run.seed_and_check(server)
    return name, server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("servers", nargs="+", metavar="NAME=PROJECT[:bare][,VAR=VALUE...]")
    parser.add_argument("--endpoint", choices=ENDPOINTS, default="health")
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--seconds", type=int, default=3)
    args = parser.parse_args()
    endpoint = ENDPOINTS[args.endpoint]
    with ExitStack() as stack:
        servers = dict(started(stack, spec) for spec in args.servers)
        for server in servers.values():
            run.load(server, endpoint, 2)  # warm-up
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in servers}
        for number in range(args.rounds):
            run.progress(f"round {number + 1} of {args.rounds}")
            order = list(servers) if number % 2 == 0 else list(reversed(servers))
            for name in order:
                samples[name].append(run.load(servers[name], endpoint, args.seconds))
    first = next(iter(samples.values()))
    print(f"{endpoint.name}: median of {args.rounds} runs of {args.seconds} s, in turns")
    print("| server | req/s | CPU us/req | p50 ms | p99 ms | paired ratio | its interval |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, runs in samples.items():
        paired = run.paired_ratios(runs, first)
        (low, high), coverage = run.median_interval(paired)
        print(
            f"| {name} | {statistics.median(r['rps'] for r in runs):.0f} "
            f"| {statistics.median(r['cpu_us'] for r in runs):.0f} "
            f"| {statistics.median(r['p50_ms'] for r in runs):.1f} "
            f"| {statistics.median(r['p99_ms'] for r in runs):.1f} "
            f"| {statistics.median(paired):.3f} | {low:.3f} to {high:.3f} ({coverage:.0%}) |"
        )


if __name__ == "__main__":
    sys.exit(main())
