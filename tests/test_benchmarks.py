"""benchmarks/run.py --quick runs end to end and writes well-formed results (no timing is
asserted: the figures depend on the machine); --only runs some sections and writes theirs."""

import json
import random
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.template import ROOT, load_script

GENERATOR_FIGURES = (
    "python_ms",
    "import_typer_ms",
    "help_ms",
    "help_ratio",
    "copier_copy_ms",
    "new_ms",
    "new_ratio",
    "bare_prompt_ms",
    "typer_prompt_ms",
    "first_prompt_ms",
    "prompt_ratio",
    "help_cpu_ratio",
    "new_cpu_ratio",
    "prompt_cpu_ratio",
)
APP_FIGURES = (
    "starter_rps",
    "bare_rps",
    "ratio",
    "starter_p99_ms",
    "bare_p99_ms",
    "starter_cpu_us",
    "bare_cpu_us",
    "cpu_ratio",
)
FRAMEWORKS = {"fastapi", "flask"}
# The endpoints measured on each database: the database's own rows (a page of 100, a new row) on
# both, liveness and the validation error once, on the default.
ENDPOINTS = {
    "sqlite": {"GET /health", "GET /api/items", "POST /api/items 201", "POST /api/items 422"},
    "postgresql": {"GET /api/items", "POST /api/items 201"},
}
# The authenticated write (issue 17) of each auth style whose writes carry a credential, on
# SQLite, and the write without auth in the same rounds.
AUTH_STYLES = {"jwt", "apikey", "none"}
AUTH_ROWS = {
    ("auth", framework, "sqlite", auth, "POST /api/items 201")
    for framework in FRAMEWORKS
    for auth in AUTH_STYLES
}
ROWS = {
    ("apps", framework, database, "none", endpoint)
    for framework in FRAMEWORKS
    for database, endpoints in ENDPOINTS.items()
    for endpoint in endpoints
} | AUTH_ROWS
HEAVY_FIGURES = ("rps", "p50_ms", "p99_ms")
# Heavy traffic: a page from each database, and a call to a downstream service of fixed latency.
HEAVY_SCENARIOS = {*ENDPOINTS, "downstream 50 ms"}
VERSIONS = {
    "python",
    "stackwise",
    "copier",
    "fastapi",
    "flask",
    "uvicorn",
    "gunicorn",
    "wrk",
    "sqlalchemy",
    "psycopg",
    "postgresql",
    "pyjwt",
}


def positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def run_quick(tmp_path: Path, *arguments: str) -> tuple[str, dict[str, Any]]:
    """benchmarks/run.py --quick with `arguments`: what it printed, and the results it wrote.
    Over time, it is interrupted (Ctrl-C) rather than killed, so that it stops its servers."""
    output = tmp_path / "results.json"
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--output"]
    process = subprocess.Popen(
        [*command, str(output), *arguments],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Under pytest-timeout's 600 s, with time left to stop: a busy machine runs it slower.
        stdout, stderr = process.communicate(timeout=520)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
        pytest.fail(f"benchmarks/run.py --quick took more than 520 s:\n{stderr[-3000:]}")
    assert process.returncode == 0, stdout + stderr
    return stdout, json.loads(output.read_text(encoding="utf-8"))


def check_app_rows(
    rows: list[dict[str, Any]], expected: set[tuple[str, str, str, str, str]]
) -> None:
    """Starter-against-bare rows: one for each of `expected` (section, framework, database, auth
    style, endpoint), each with its figures and its target, 0.9x in the authenticated writes'
    section (issue 17), else 0.95x."""
    keys = ("section", "framework", "database", "auth", "endpoint")
    assert {tuple(r[key] for key in keys) for r in rows} == expected
    assert len(rows) == len(expected)
    for row in rows:
        for key in APP_FIGURES:
            assert positive(row[key]), (row["framework"], row["database"], row["endpoint"], key)
        assert row["ratio"] == pytest.approx(row["starter_rps"] / row["bare_rps"])
        first, third = row["paired_quartiles"]
        assert 0 < first <= row["paired_ratio"] <= third
        assert row["target"] == (0.9 if row["section"] == "auth" else 0.95)
        assert row["met"] is (row["ratio"] >= row["target"])
        low, high = row["paired_interval"]
        assert low <= row["paired_ratio"] <= high
        assert 0 < row["paired_coverage"] < 1
        assert row["decided"] is not (low < row["target"] <= high)


@pytest.mark.parametrize(
    ("n", "rank", "coverage"),
    # The binomial coverage of the k-th smallest to the k-th largest of n values.
    [(2, 1, 0.5), (6, 1, 1 - 2 / 64), (11, 2, 1 - 24 / 2048), (15, 4, 1 - 2 * 576 / 32768)],
)
def test_the_interval_of_a_median_is_the_narrowest_that_keeps_95_percent(
    n: int, rank: int, coverage: float
) -> None:
    values = [float(value) for value in range(1, n + 1)]
    random.Random(n).shuffle(values)
    interval, covered = load_script("benchmarks/run.py").median_interval(values)
    assert interval == [rank, n + 1 - rank]
    assert covered == pytest.approx(coverage)


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_quick_benchmark_writes_well_formed_results(tmp_path: Path) -> None:
    stdout, results = run_quick(tmp_path, "--rounds", "3")
    assert "| fastapi | sqlite | `GET /health` |" in stdout
    assert "| fastapi | postgresql | `POST /api/items 201` |" in stdout
    assert "| flask | jwt | `POST /api/items 201` |" in stdout
    assert "| fastapi | apikey | `POST /api/items 201` |" in stdout

    generator = results["generator"]
    for key in GENERATOR_FIGURES:
        assert positive(generator[key]), key
    assert isinstance(generator["help_met"], bool)
    assert isinstance(generator["new_met"], bool)
    assert isinstance(generator["prompt_met"], bool)

    assert results["sections"] == ["generator", "apps", "auth", "heavy"]
    check_app_rows(results["apps"], ROWS)
    assert results["settings"]["rounds"] == 3
    assert all(len(row["starter_rps_runs"]) == 3 for row in results["apps"])

    compared = results["fastapi_vs_flask"]
    assert {
        (row["section"], row["database"], row["auth"], row["endpoint"]) for row in compared
    } == {(section, database, auth, endpoint) for section, _, database, auth, endpoint in ROWS}
    for row in compared:
        for key in ("fastapi_rps", "flask_rps", "ratio", "fastapi_p99_ms", "flask_p99_ms"):
            assert positive(row[key]), (row["database"], row["endpoint"], key)

    # Each starter under heavy traffic in each scenario, with the fields issue 18 names.
    heavy = results["heavy_traffic"]
    starters = {(framework, "sync") for framework in FRAMEWORKS} | {("fastapi", "async")}
    assert {
        (row["framework"], row["endpoints"], row["scenario"].split(":")[0]) for row in heavy
    } == {(*starter, scenario) for starter in starters for scenario in HEAVY_SCENARIOS}
    for row in heavy:
        assert row["connections"] >= 256
        for key in HEAVY_FIGURES:
            assert positive(row[key]), (row["framework"], row["scenario"], key)
        assert row["p50_ms"] <= row["p99_ms"]
        assert isinstance(row["errors"], int) and 0 <= row["errors"] <= row["requests"]

    assert isinstance(results["targets_met"], bool)
    assert positive(results["machine"]["cpu_count"])
    assert set(results["versions"]) >= VERSIONS
    assert all(isinstance(v, str) and v for v in results["versions"].values())
    assert results["settings"]["quick"] is True


@pytest.mark.slow
@pytest.mark.benchmark
def test_only_the_sections_asked_for_are_run(tmp_path: Path) -> None:
    stdout, results = run_quick(tmp_path, "--only", "generator")
    assert results["sections"] == ["generator"]
    assert positive(results["generator"]["help_ms"])
    assert not {"apps", "fastapi_vs_flask", "heavy_traffic"} & set(results)
    assert "Generator, whole process" in stdout
    assert "Generated apps" not in stdout and "Heavy traffic" not in stdout
    assert "postgresql" not in results["versions"]  # no PostgreSQL server without the apps


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--only", "everything"], "invalid choice: 'everything'"),
        (["--rounds", "0"], "not a whole number of at least 1: '0'"),
    ],
)
def test_a_bad_argument_is_refused_in_one_line(arguments: list[str], message: str) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *arguments],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
