"""The guidance: which framework fits which needs, and why.

One declarative table, read by everything: the interview, `stackwise recommend`, `stackwise
compare`, the decision record written into each project, and (through a test that checks every
combination of answers) the defaults in copier.yml.

How it decides: every rule whose condition holds adds its weight to the framework it favours;
the heavier side wins. Hard needs (async, high traffic) outweigh what the project is, which
outweighs soft signals (moderate traffic, a small service, low traffic); the weights are written
once, in RULES below (copier.yml's framework default mirrors them, a test checks). An existing
Flask app turns a FastAPI recommendation into `hybrid`. Team size never flips the
framework; it sets the tooling.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FASTAPI = "fastapi"
FLASK = "flask"
HYBRID = "hybrid"
NAMES = {FASTAPI: "FastAPI", FLASK: "Flask", HYBRID: "FastAPI with Flask mounted"}


@dataclass(frozen=True)
class Needs:
    """The interview's first answers, which drive the recommendation."""

    purpose: str = "api"
    needs_async: bool = False
    traffic: str = "low"
    team_size: str = "small"
    existing_flask: bool = False

    @classmethod
    def from_answers(cls, answers: dict[str, Any]) -> "Needs":
        """The needs among a project's answers; the others take their defaults."""
        return cls(**{key: answers[key] for key in cls.__dataclass_fields__ if key in answers})


@dataclass(frozen=True)
class Criterion:
    """One row of the comparison: what each framework offers on it."""

    name: str
    fastapi: str
    flask: str

    def side(self, framework: str) -> str:
        """What this criterion offers with `framework`."""
        return self.fastapi if framework == FASTAPI else self.flask


# The figures the performance criterion quotes, from the latest full run of benchmarks/run.py,
# whose tables benchmarks/README.md holds ("The latest full run"; tests/test_rules.py checks
# these against them): requests per second under 256 connections, each starter at its production
# defaults on one worker (by framework and endpoints), for a page of 100 items from PostgreSQL
# (CPU-bound ORM work) and for a call to a downstream service that answers after 50 ms (waiting
# on I/O); and the FastAPI starter's rate over the Flask starter's on the 422 path.
MEASURED_RUN = "stackwise's benchmarks/run.py, full run of 2026-12-03, 06:39 UTC"
HEAVY_TRAFFIC_RPS = {
    ("fastapi", "async"): 326.0,
    ("fastapi", "sync"): 281.0,
    ("flask", "sync"): 336.0,
}
DOWNSTREAM_RPS = {
    ("fastapi", "async"): 1350.0,
    ("fastapi", "sync"): 152.0,
    ("flask", "sync"): 184.0,
}
INVALID_INPUT_RATIO = 1.56


def over_flask(figures: dict[tuple[str, str], float], endpoints: str) -> str:
    """The FastAPI starter's rate over the Flask starter's, as the criterion says it."""
    return f"{figures['fastapi', endpoints] / figures['flask', 'sync']:.2f}x"


def flask_rank(figures: dict[tuple[str, str], float]) -> str:
    """Where the Flask starter's rate stands against the FastAPI starter's two, as measured."""
    flask = figures["flask", "sync"]
    above = sum(flask > figures["fastapi", endpoints] for endpoints in ("async", "sync"))
    return ("the least", "between the FastAPI starter's two", "the most")[above]


CRITERIA = {
    criterion.name: criterion
    for criterion in (
        Criterion(
            "async",
            "ASGI: async endpoints and concurrency come out of the box",
            "WSGI: async views only through flask[async], and each still holds a worker",
        ),
        Criterion(
            "performance",
            "async endpoints wait on I/O without holding a thread (sync ones hold one of a "
            "worker's 10, as Flask's views do); measured on one worker "
            "under 256 connections, calls to a service that answers in 50 ms at "
            f"{over_flask(DOWNSTREAM_RPS, 'async')} the Flask starter's "
            f"rate with async endpoints, {over_flask(DOWNSTREAM_RPS, 'sync')} "
            "with sync ones; a page of 100 items from PostgreSQL (CPU-bound ORM work) at "
            f"{over_flask(HEAVY_TRAFFIC_RPS, 'async')} with async "
            f"endpoints, {over_flask(HEAVY_TRAFFIC_RPS, 'sync')} with sync "
            f"ones; on 32 connections, {INVALID_INPUT_RATIO:.2f}x at refusing invalid input "
            f"({MEASURED_RUN})",
            "threads on gunicorn, scaled by adding worker processes; measured on one worker "
            f"under 256 connections: {flask_rank(HEAVY_TRAFFIC_RPS)} on CPU-bound work "
            "(a page of 100 items from PostgreSQL: "
            f"{HEAVY_TRAFFIC_RPS['flask', 'sync']:.0f} req/s, against "
            f"{HEAVY_TRAFFIC_RPS['fastapi', 'async']:.0f} and "
            f"{HEAVY_TRAFFIC_RPS['fastapi', 'sync']:.0f} for the FastAPI starter with async and "
            f"sync endpoints), {flask_rank(DOWNSTREAM_RPS)} when requests wait on I/O "
            "(calls to a service that answers in 50 ms: "
            f"{DOWNSTREAM_RPS['flask', 'sync']:.0f} req/s, its 10 threads "
            f"waiting, against {DOWNSTREAM_RPS['fastapi', 'async']:.0f} and "
            f"{DOWNSTREAM_RPS['fastapi', 'sync']:.0f}) ({MEASURED_RUN})",
        ),
        Criterion(
            "validation",
            "Pydantic validates every request; invalid input gets a JSON error",
            "nothing built in: an invalid input can crash a view unless an extension "
            "(APIFlask, marshmallow) is added",
        ),
        Criterion(
            "docs",
            "OpenAPI docs generated automatically at /docs and /redoc",
            "no automatic docs; an extension (APIFlask, flask-smorest) generates them",
        ),
        Criterion(
            "error format",
            "errors returned as JSON",
            "errors as HTML pages by default",
        ),
        Criterion(
            "pages",
            "Jinja2 templates through Starlette, set up by hand",
            "Jinja2 built in (on Werkzeug): made for server-rendered web apps",
        ),
        Criterion(
            "flexibility",
            "opinionated around typed APIs and dependency injection",
            "a micro framework: quick to start, fits small apps that may grow in directions "
            "nobody can foresee yet",
        ),
        Criterion(
            "community",
            "younger, with a smaller community",
            "a big community and extension ecosystem",
        ),
        Criterion(
            "migration",
            "mounts a Flask (WSGI) app, at its own URLs or under /legacy, and takes its routes "
            "over one at a time: a migration path",
            "the existing app and its extensions keep growing as they are",
        ),
    )
}


@dataclass(frozen=True)
class Rule:
    """A need that favours one framework, with its weight."""

    criterion: str
    favours: str
    weight: int
    because: str  # the answer that triggers the rule, as the reason's opening words
    applies: Callable[[Needs], bool] = field(compare=False)


RULES = (
    Rule("async", FASTAPI, 4, "It needs async", lambda n: n.needs_async),
    Rule("performance", FASTAPI, 4, "High traffic is expected", lambda n: n.traffic == "high"),
    Rule(
        "performance", FASTAPI, 2, "Moderate traffic is expected", lambda n: n.traffic == "moderate"
    ),
    Rule("validation", FASTAPI, 1, "It is a web API", lambda n: n.purpose == "api"),
    Rule("docs", FASTAPI, 1, "It is a web API", lambda n: n.purpose == "api"),
    Rule("error format", FASTAPI, 1, "It is a web API", lambda n: n.purpose == "api"),
    Rule("pages", FLASK, 3, "It is a server-rendered web app", lambda n: n.purpose == "webapp"),
    Rule("flexibility", FLASK, 3, "It is a prototype", lambda n: n.purpose == "prototype"),
    Rule(
        "flexibility",
        FLASK,
        1,
        "It is a microservice of a few endpoints",
        lambda n: n.purpose == "microservice",
    ),
    Rule(
        "community",
        FLASK,
        1,
        "Low traffic and no async",
        lambda n: n.traffic == "low" and not n.needs_async,
    ),
)

TOOLING = {
    "solo": "ruff and pytest only: light tooling for one developer",
    "small": "ruff, pytest, mypy type checking, pre-commit hooks and a CI workflow",
    "large": "strict mypy, a 90 % coverage gate, CODEOWNERS and a pull-request template, "
    "on top of pre-commit and CI",
}


DEPLOYMENT = {
    "docker": "Docker — a production image and compose.yaml to run it on one machine",
    "kubernetes": "Kubernetes — the Docker image run as a Deployment of one-process pods, scaled "
    "by replicas (HorizontalPodAutoscaler), with rolling updates and a PodDisruptionBudget",
}


def deploy_default(needs: Needs) -> tuple[str, str]:
    """The deployment preselected, and why.

    Kubernetes once the service is likely to outgrow one machine (high traffic) or is run by a
    large team, else Docker.
    """
    causes = []
    if needs.team_size == "large":
        causes.append("a large team")
    if needs.traffic == "high":
        causes.append("high traffic is expected")
    if causes:  # every cause that holds is named
        why = ", and ".join(causes)
        return "kubernetes", f"{why[0].upper()}{why[1:]}: {DEPLOYMENT['kubernetes']}"
    return "docker", f"Neither a large team nor high traffic: {DEPLOYMENT['docker']}"


DATABASES = {
    "sqlite": "SQLite — a real file database that needs no server: `python -m <package>` works "
    "right after `uv sync`, for one machine",
    "postgresql": "PostgreSQL — a database server that every worker, container and replica "
    "shares, for production",
    "none": "none — items in each process's memory, lost on restart: for throw-away prototypes",
}


def database_default(needs: Needs, deploy: str) -> tuple[str, str]:
    """The database preselected for the deployment chosen, and why.

    PostgreSQL where several machines share the data (Kubernetes: each replica would have its
    own SQLite file) or the load outgrows one file (high traffic, a large team), else SQLite.
    """
    if deploy == "kubernetes":
        return "postgresql", f"Kubernetes replicas share one database: {DATABASES['postgresql']}"
    if needs.team_size == "large":
        return "postgresql", f"A large team: {DATABASES['postgresql']}"
    if needs.traffic == "high":
        return "postgresql", f"High traffic is expected: {DATABASES['postgresql']}"
    return "sqlite", f"One machine, no server to run: {DATABASES['sqlite']}"


AUTH = {
    "none": "none — every endpoint open: for a prototype, or a service behind a gateway that "
    "checks its callers",
    "apikey": "API keys — an X-API-Key header on writes, keys made and revoked by the project's "
    "manage command and stored only as hashes: for programs calling a small service",
    "jwt": "tokens — an OAuth2 password login for short-lived bearer tokens, refresh tokens "
    "stored in the database, rotated on use and revocable: for an API that people's apps call",
    "session": "a login session — /login and /logout pages, an httpOnly cookie and CSRF "
    "protection on every form: for a web app with pages",
}
# The style each purpose calls for, and the reason's opening words.
AUTH_FOR_PURPOSE = {
    "microservice": ("apikey", "A microservice is called by other programs"),
    "api": ("jwt", "A web API is called by apps that people sign in to"),
    "webapp": ("session", "A web app's users sign in through its pages"),
    "prototype": ("none", "A prototype tries an idea"),
}
# The styles that keep user accounts in the database.
AUTH_WITH_USERS = ("jwt", "session")
# The styles that keep their users or keys in the database: database=none refuses them
# (copier.yml's database validator says why).
AUTH_IN_DATABASE = ("apikey", *AUTH_WITH_USERS)
# The styles that sign people in on the project's own pages: pages=no refuses them (copier.yml's
# auth validator says why), and they are preselected only where the pages are asked for.
AUTH_WITH_PAGES = ("session",)
# The styles the template implements, in copier.yml's order (a test checks): a style is offered,
# and preselected, once its template side is done; until then its purpose gets `none`.
AUTH_OFFERED = ("none", "apikey", "jwt", "session")


def auth_default(needs: Needs, pages: bool | None = None) -> tuple[str, str]:
    """The authentication preselected for the purpose, and why.

    Programs calling a microservice carry an API key; an API's clients are apps that people sign
    in to (tokens); a web app's users sign in on its pages (a session); a prototype stays open.
    A session needs the pages: with `pages` answered no (None: the purpose's default,
    pages_default), a web app stays open.
    """
    style, because = AUTH_FOR_PURPOSE[needs.purpose]
    if style not in AUTH_OFFERED:
        return "none", f"{because}, which calls for {style}, not offered yet: {AUTH['none']}"
    if style in AUTH_WITH_PAGES and not (pages_default(needs) if pages is None else pages):
        return "none", f"{because}, which calls for {style}, but without pages: {AUTH['none']}"
    return style, f"{because}: {AUTH[style]}"


def pages_default(needs: Needs) -> bool:
    """Server-rendered pages for what people use in a browser: a web app, a prototype."""
    return needs.purpose not in ("api", "microservice")


@dataclass(frozen=True)
class Reason:
    """One line of a recommendation, with the criterion it comes from."""

    criterion: str
    text: str


@dataclass(frozen=True)
class Recommendation:
    """The framework recommended, why, what it trades off, and the choices it preselects."""

    framework: str
    reasons: tuple[Reason, ...]  # why the winner, strongest first
    trade_offs: tuple[Reason, ...]  # what the other framework would have given
    defaults: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        """The recommendation as `recommend --json` prints it."""

        def listed(reasons: tuple[Reason, ...]) -> list[dict[str, str]]:
            return [{"criterion": r.criterion, "text": r.text} for r in reasons]

        return {
            "framework": self.framework,
            "reasons": listed(self.reasons),
            "trade_offs": listed(self.trade_offs),
            "defaults": self.defaults,
        }


def scores(needs: Needs) -> dict[str, int]:
    """The weight of the rules that apply, for each framework."""
    totals = {FASTAPI: 0, FLASK: 0}
    for rule in RULES:
        if rule.applies(needs):
            totals[rule.favours] += rule.weight
    return totals


def base_framework(needs: Needs) -> str:
    """FastAPI or Flask, before an existing Flask app is considered. No combination ties."""
    totals = scores(needs)
    return FASTAPI if totals[FASTAPI] > totals[FLASK] else FLASK


def recommend(needs: Needs) -> Recommendation:
    """The recommendation for these needs."""
    base = base_framework(needs)
    other = FLASK if base == FASTAPI else FASTAPI
    applied = sorted((r for r in RULES if r.applies(needs)), key=lambda r: -r.weight)
    reasons = [_reason(rule, base) for rule in applied if rule.favours == base]
    trade_offs = [
        Reason(
            rule.criterion,
            f"{NAMES[other]} would have given: {CRITERIA[rule.criterion].side(other)}",
        )
        for rule in applied
        if rule.favours == other
    ]
    framework = base
    if needs.existing_flask:
        # Not weighed: it decides between FastAPI and hybrid once the needs have spoken.
        framework = HYBRID if base == FASTAPI else FLASK
        reasons.append(
            Reason(
                "migration",
                f"An existing Flask app must keep running: {NAMES[framework]} — "
                f"{CRITERIA['migration'].side(base)}",
            )
        )
    reasons.append(Reason("tooling", f"Team size {needs.team_size}: {TOOLING[needs.team_size]}"))
    deploy, deploy_reason = deploy_default(needs)
    reasons.append(Reason("deployment", deploy_reason))
    reasons.append(Reason("authentication", auth_default(needs)[1]))
    reasons.append(Reason("database", database_default(needs, deploy)[1]))
    return Recommendation(
        framework, tuple(reasons), tuple(trade_offs), choice_defaults(framework, needs)
    )


def _reason(rule: Rule, framework: str) -> Reason:
    return Reason(
        rule.criterion,
        f"{rule.because}: {NAMES[framework]} — {CRITERIA[rule.criterion].side(framework)}",
    )


def choice_defaults(framework: str, needs: Needs) -> dict[str, Any]:
    """The later choices, preselected from the framework and the purpose.

    An API gets problem+json errors and docs; a web app gets pages and HTML or negotiated
    errors. The deployment follows the team and the traffic (deploy_default), the authentication
    the purpose (auth_default), the database the deployment (database_default).
    """
    api_like = needs.purpose in ("api", "microservice")
    validation = "pydantic" if framework != FLASK or api_like else "none"
    if validation == "none":
        docs = "none"
    elif api_like:
        docs = "both"
    else:
        docs = "swagger" if needs.purpose == "prototype" else "none"
    if api_like:
        error_format = "problem"
    elif needs.purpose == "webapp" and framework == FLASK:
        error_format = "html"
    else:
        error_format = "negotiated"
    deploy = deploy_default(needs)[0]
    return {
        "validation": validation,
        "docs": docs,
        "error_format": error_format,
        "pages": pages_default(needs),
        "deploy": deploy,
        "auth": auth_default(needs)[0],
        "database": database_default(needs, deploy)[0],
    }
