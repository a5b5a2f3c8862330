"""The deployment files of generated projects, checked by the field's own tools (hadolint,
kubernetes-validate, check-jsonschema, zizmor, yamllint), and the production command's clean
stop on SIGTERM. Docker and a cluster cannot run here: these are static checks, plus the
server's own behaviour on this machine."""

import itertools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, NamedTuple

import copier
import pytest
import yaml

from stackwise import questions
from tests.support.apps import serve_script
from tests.support.http_client import get
from tests.support.projects import project_env, run
from tests.support.servers import free_port, migrated_database

TOOLS = Path(sys.executable).parent
# The Kubernetes minor versions supported upstream in November 2026, newest last; each one's
# schemas ship inside kubernetes-validate.
KUBERNETES_VERSIONS = ("1.35.0", "1.36.0", "1.37.0")
MANIFESTS = ("configmap.yaml", "deployment.yaml", "service.yaml", "hpa.yaml", "pdb.yaml")
# With PostgreSQL, the Job that runs the migrations of a release.
MIGRATE_JOB = "migrate-job.yaml"
# The longest project name copier.yml accepts: Kubernetes names must stay within 63 characters.
# (The package name it implies is longer than a package name may be: given apart.)
LONG_NAME = "A" + "-b" * 31 + "c"


def frameworks() -> list[str]:
    """The framework choices copier.yml accepts today (hybrid joins once its validator allows)."""
    question = questions.by_key()["framework"]
    return [value for value in question.values if not question.problem(value, {})]


# The answers these files depend on: the framework (the secret key, the server), the deployment
# and the database (PostgreSQL with Kubernetes, SQLite with Docker alone, none and both once more
# without files); the team size adds the CI workflow (and pre-commit) unless solo, so it varies too.
# A long name checks the Kubernetes names.
DATABASES = {"none": "postgresql", "docker": "sqlite", "kubernetes": "postgresql"}
VARIANTS = [
    {
        "framework": framework,
        "deploy": deploy,
        "team_size": "solo" if deploy == "docker" else "large",
        "database": DATABASES[deploy],
    }
    for framework, deploy in itertools.product(frameworks(), ("none", "docker", "kubernetes"))
] + [
    {
        "framework": "fastapi",
        "deploy": "kubernetes",
        "team_size": "small",
        "name": LONG_NAME,
        "package_name": "long_name",
    },
    {
        "framework": "flask",
        "deploy": "kubernetes",
        "team_size": "small",
        "auth": "none",  # the default for an API (jwt) keeps users in a database
        "database": "none",
    },
    {"framework": "fastapi", "deploy": "docker", "team_size": "small", "database": "postgresql"},
]


def manifests(project: Path) -> list[str]:
    kubernetes = project / "deploy" / "kubernetes"
    return [*MANIFESTS, *([MIGRATE_JOB] if (kubernetes / MIGRATE_JOB).exists() else [])]


def variant_id(answers: dict[str, str]) -> str:
    """framework-deploy-team, then the database when it is not the usual one for the deployment
    (an auth answer follows from the database, a package name from the project's: left out)."""
    usual = DATABASES[answers["deploy"]]
    return "-".join(
        "long-name" if value == LONG_NAME else value
        for key, value in answers.items()
        if not (key == "database" and value == usual) and key not in ("auth", "package_name")
    )


@pytest.fixture(scope="module")
def projects(template_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every variant, rendered once."""
    rendered = {}
    for answers in VARIANTS:
        dest = tmp_path_factory.mktemp("deploy") / "project"
        data = {key: value for key, value in answers.items() if key != "name"}
        copier.run_copy(
            str(template_dir),
            dest,
            data={"project_name": answers.get("name", "demo-app"), **data},
            defaults=True,
            quiet=True,
        )
        rendered[variant_id(answers)] = dest
    return rendered


def tool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """A checker from this environment; its findings are the assertion message."""
    result = subprocess.run(
        [str(TOOLS / args[0]), *args[1:]],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"{' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


parametrized = pytest.mark.parametrize("variant", [variant_id(a) for a in VARIANTS])


@parametrized
def test_the_files_follow_the_deploy_answer(projects: dict[str, Path], variant: str) -> None:
    project = projects[variant]
    deploy = variant.split("-")[1]
    docker_files = {"Dockerfile", ".dockerignore", "compose.yaml"}
    present = {name for name in docker_files if (project / name).is_file()}
    assert present == (docker_files if deploy != "none" else set())
    kubernetes = project / "deploy" / "kubernetes"
    if deploy == "kubernetes":
        answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
        expected = [*MANIFESTS, *([MIGRATE_JOB] if answers["database"] == "postgresql" else [])]
        assert sorted(path.name for path in kubernetes.iterdir()) == sorted(
            [*expected, "kustomization.yaml"]
        )
        kustomization = yaml.safe_load((kubernetes / "kustomization.yaml").read_text())
        assert kustomization["resources"] == expected
    else:
        assert not (project / "deploy").exists()


@parametrized
def test_hadolint_finds_nothing_in_the_dockerfile(projects: dict[str, Path], variant: str) -> None:
    project = projects[variant]
    if not (project / "Dockerfile").exists():
        pytest.skip("no Dockerfile for deploy=none")
    # Every rule, down to style and info: no finding at all.
    tool("hadolint", "--no-color", "--failure-threshold", "style", "Dockerfile", cwd=project)


@parametrized
def test_the_kubernetes_manifests_validate(projects: dict[str, Path], variant: str) -> None:
    kubernetes = projects[variant] / "deploy" / "kubernetes"
    if not kubernetes.exists():
        pytest.skip("no manifests without deploy=kubernetes")
    files = manifests(projects[variant])
    for version in KUBERNETES_VERSIONS:
        result = tool("kubernetes-validate", "--strict", "-k", version, *files, cwd=kubernetes)
        assert result.stdout.count(" passed for resource ") == len(files), result.stdout
    for path in kubernetes.iterdir():
        for document in yaml.safe_load_all(path.read_text()):
            name = document.get("metadata", {}).get("name", "")
            assert len(name) <= 63 and name == name.lower(), (path.name, name)


def test_the_deployment_is_hardened_and_scales_by_replicas(projects: dict[str, Path]) -> None:
    kubernetes = projects["flask-kubernetes-large"] / "deploy" / "kubernetes"
    deployment = yaml.safe_load((kubernetes / "deployment.yaml").read_text())
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsUser"] == 10001  # the Dockerfile's USER
    assert "USER 10001:10001" in (kubernetes.parents[1] / "Dockerfile").read_text()
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert {"name": "tmp", "mountPath": "/tmp"} in container["volumeMounts"]
    # Readiness: whether the app can serve (the database reachable, where there is one);
    # liveness: whether the process answers, whatever the database.
    assert container["readinessProbe"]["httpGet"]["path"] == "/ready"
    assert container["livenessProbe"]["httpGet"]["path"] == "/health"
    assert set(container["resources"]) == {"requests", "limits"}
    sources = container["envFrom"]
    assert sources[0]["configMapRef"]["name"] == deployment["metadata"]["name"]
    assert sources[1]["secretRef"] == {"name": "demo-app-secrets", "optional": False}
    config = yaml.safe_load((kubernetes / "configmap.yaml").read_text())
    assert config["data"]["WEB_CONCURRENCY"] == "1"  # one worker per pod
    assert "SECRET_KEY" not in config["data"]
    # The server's drain fits in the pod's grace period, after preStop's sleep.
    grace = pod["terminationGracePeriodSeconds"]
    pre_stop = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    assert pre_stop + int(config["data"]["GRACEFUL_TIMEOUT"]) < grace
    hpa = yaml.safe_load((kubernetes / "hpa.yaml").read_text())
    assert hpa["spec"]["scaleTargetRef"]["name"] == deployment["metadata"]["name"]
    # DATABASE_URL comes from the Secret, never from the ConfigMap: the Secret is required with a
    # database, and for Flask (its SECRET_KEY) without one.
    assert "DATABASE_URL" not in config["data"]
    for variant in ("fastapi-kubernetes-large", "flask-kubernetes-small-none"):
        deployment = kubernetes_file(projects[variant], "deployment.yaml")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        assert container["envFrom"][1]["secretRef"]["optional"] is False, variant


def kubernetes_file(project: Path, name: str) -> Any:
    return yaml.safe_load((project / "deploy" / "kubernetes" / name).read_text())


def test_the_migration_job_runs_the_migrations_with_the_pods_settings(
    projects: dict[str, Path],
) -> None:
    project = projects["fastapi-kubernetes-large"]
    job = kubernetes_file(project, MIGRATE_JOB)
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["command"] == ["python", "-m", "demo_app.migrate"]
    deployment = kubernetes_file(project, "deployment.yaml")
    app = deployment["spec"]["template"]["spec"]["containers"][0]
    assert container["envFrom"] == app["envFrom"]
    assert container["image"] == app["image"]
    assert pod["securityContext"] == deployment["spec"]["template"]["spec"]["securityContext"]
    # Its pods are not the app's: the Service and the PodDisruptionBudget never select them.
    selector = deployment["spec"]["selector"]["matchLabels"]
    labels = job["spec"]["template"]["metadata"]["labels"]
    assert not selector.items() <= labels.items()
    without = projects["flask-kubernetes-small-none"] / "deploy" / "kubernetes"
    assert not (without / MIGRATE_JOB).exists()


@pytest.mark.parametrize("framework", frameworks())
def test_the_configmap_and_compose_set_only_settings_the_app_reads(
    projects: dict[str, Path], framework: str
) -> None:
    project = projects[f"{framework}-kubernetes-large"]
    documented = {
        line.split("=", 1)[0]
        for line in (project / ".env.example").read_text().splitlines()
        if "=" in line and not line.startswith("#")
    }
    config = yaml.safe_load((project / "deploy" / "kubernetes" / "configmap.yaml").read_text())
    assert set(config["data"]) <= documented
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    assert set(compose["services"]["app"]["environment"]) <= documented


@parametrized
def test_compose_file_matches_the_compose_spec(projects: dict[str, Path], variant: str) -> None:
    project = projects[variant]
    if not (project / "compose.yaml").exists():
        pytest.skip("no compose.yaml for deploy=none")
    tool("check-jsonschema", "--builtin-schema", "vendor.compose-spec", "compose.yaml", cwd=project)
    compose = yaml.safe_load((project / "compose.yaml").read_text())
    services = compose["services"]
    database = yaml.safe_load((project / ".copier-answers.yml").read_text())["database"]
    if database != "postgresql":
        assert list(services) == ["app"]  # the app and nothing it does not need
        if database == "sqlite":  # its file in a volume, in the folder the image gives the app
            assert services["app"]["volumes"] == ["app-data:/app/data"]
            assert "chown 10001:10001 /app/data" in (project / "Dockerfile").read_text()
        return
    # PostgreSQL with its data in a volume and a healthcheck; the migrations once it is healthy;
    # the app once they succeeded.
    assert list(services) == ["db", "migrate", "app"]
    assert services["db"]["volumes"] == ["db-data:/var/lib/postgresql/data"]
    assert "pg_isready" in services["db"]["healthcheck"]["test"][1]
    assert services["migrate"]["depends_on"] == {"db": {"condition": "service_healthy"}}
    assert services["migrate"]["command"][-1].endswith(".migrate")
    assert services["app"]["depends_on"] == {
        "migrate": {"condition": "service_completed_successfully"}
    }
    url = services["app"]["environment"]["DATABASE_URL"]
    assert url == services["migrate"]["environment"]["DATABASE_URL"]
    assert "${POSTGRES_PASSWORD:?" in url  # from the shell or .env, never written here
    assert set(compose["volumes"]) == {"db-data"}


@parametrized
def test_the_ci_workflow_is_valid_and_zizmor_finds_nothing(
    projects: dict[str, Path], variant: str
) -> None:
    project = projects[variant]
    workflows = sorted(str(p.relative_to(project)) for p in project.glob(".github/workflows/*"))
    if "solo" in variant:
        assert workflows == []
        pytest.skip("no workflow for a solo developer")
    assert workflows == [".github/workflows/ci.yml"]
    tool("check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows, cwd=project)
    # Offline: no finding at all with the default persona, and none above low with the auditor
    # persona (every audit, false positives included; its one low finding asks for a
    # `concurrency:` group, which needs a GitHub expression in the file).
    result = tool("zizmor", "--offline", *workflows, cwd=project)
    assert "No findings to report" in result.stdout
    audit = tool(
        "zizmor",
        "--offline",
        "--persona",
        "auditor",
        "--min-severity",
        "medium",
        *workflows,
        cwd=project,
    )
    assert "No findings to report" in audit.stdout


@parametrized
def test_yamllint_passes_every_yaml_file(projects: dict[str, Path], variant: str) -> None:
    project = projects[variant]
    files = sorted(
        str(path.relative_to(project))
        for path in project.rglob("*")
        if path.suffix in (".yml", ".yaml") or path.name == ".yamllint"
    )
    assert ".yamllint.yaml" in files and ".copier-answers.yml" in files
    # --strict: warnings fail too; the project's own .yamllint.yaml is the configuration.
    tool("yamllint", "--strict", "--format", "parsable", *files, cwd=project)


# --- SIGTERM during a request ----------------------------------------------------------------

# A route that signals it has started, then answers once the test lets it (bounded wait).
SLOW_APP = """
import os
import time
from pathlib import Path

from demo_app.app import create_app as make_app


def create_app():
    app = make_app()

    @app.get("/slow")
    def slow():
        Path(os.environ["SLOW_STARTED"]).touch()
        release = Path(os.environ["SLOW_RELEASE"])
        deadline = time.monotonic() + 60
        while not release.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        return {"slow": "done"}

    return app
"""
# What the server logs once it has taken SIGTERM, a request still in flight.
STOPPING = {"fastapi": "Waiting for connections to close", "flask": "Handling signal: term"}


class Output:
    """A pipe read line by line in a thread, so the test can wait for a line."""

    def __init__(self, pipe: IO[str] | None) -> None:
        self.lines: list[str] = []
        self.thread = threading.Thread(target=self._read, args=(pipe,), daemon=True)
        self.thread.start()

    def _read(self, pipe: IO[str] | None) -> None:
        assert pipe is not None
        for line in pipe:
            self.lines.append(line)

    @property
    def text(self) -> str:
        return "".join(self.lines)


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


class SlowServer(NamedTuple):
    framework: str
    process: subprocess.Popen[str]
    base: str
    stdout: Output
    stderr: Output
    folder: Path


@pytest.fixture
def slow_server(
    request: pytest.FixtureRequest, template_dir: Path, tmp_path: Path
) -> Iterator["SlowServer"]:
    framework = request.param
    project = tmp_path / "project"
    copier.run_copy(
        str(template_dir),
        project,
        data={"project_name": "demo-app", "framework": framework, "deploy": "kubernetes"},
        defaults=True,
        quiet=True,
    )
    run(project, "uv", "sync", "--quiet")
    (project / "slow_app.py").write_text(SLOW_APP)
    (project / "serve_slow.py").write_text(serve_script(framework, "slow_app"))
    port = free_port()
    process = subprocess.Popen(
        [str(project / ".venv" / "bin" / "python"), "serve_slow.py"],
        cwd=project,
        env=project_env(
            HOST="127.0.0.1",
            PORT=str(port),
            WEB_CONCURRENCY="1",
            SECRET_KEY="stackwise-test",
            PYTHONPATH=str(project),
            SLOW_STARTED=str(tmp_path / "started"),
            SLOW_RELEASE=str(tmp_path / "release"),
            # Kubernetes preselects PostgreSQL: a database of its own, migrated.
            **migrated_database(project),
        ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    stdout, stderr = Output(process.stdout), Output(process.stderr)
    base = f"http://127.0.0.1:{port}"
    try:

        def answers() -> bool:
            assert process.poll() is None, f"the server exited:\n{stdout.text}\n{stderr.text}"
            try:
                return get(f"{base}/health", timeout=1)[0] == 200
            except OSError:
                return False

        wait_for(answers, "the server to answer /health")
        yield SlowServer(framework, process, base, stdout, stderr, tmp_path)
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.parametrize("slow_server", ["fastapi", "flask"], indirect=True)
def test_sigterm_lets_the_request_in_flight_finish_and_exits_0(slow_server: SlowServer) -> None:
    framework, process, base, stdout, stderr, tmp_path = slow_server
    answer: list[tuple[int, bytes]] = []

    def slow_request() -> None:
        status, _, body = get(f"{base}/slow", timeout=90)
        answer.append((status, body))

    client = threading.Thread(target=slow_request)
    client.start()
    wait_for((tmp_path / "started").exists, "the slow request to start")
    process.send_signal(signal.SIGTERM)
    # The server has taken the signal while the request is still running: only now may it end.
    wait_for(lambda: STOPPING[framework] in stdout.text, "the server to start stopping")
    assert not answer
    (tmp_path / "release").touch()
    client.join(timeout=90)
    assert answer and answer[0][0] == 200, (answer, stdout.text, stderr.text)
    assert json.loads(answer[0][1]) == {"slow": "done"}
    assert process.wait(timeout=60) == 0, stdout.text + stderr.text
    stdout.thread.join(timeout=10)
    stderr.thread.join(timeout=10)
    # Logs go to stdout only: the startup, the access log of the slow request, the shutdown.
    assert "GET /slow" in stdout.text, stdout.text
    assert stderr.text == "", stderr.text
