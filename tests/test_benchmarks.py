"""benchmarks/run.py --quick runs end to end and writes well-formed results (no timing is
asserted: the figures depend on the machine)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.template import ROOT

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
ROWS = {
    (framework, database, endpoint)
    for framework in FRAMEWORKS
    for database, endpoints in ENDPOINTS.items()
    for endpoint in endpoints
}
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
}


def positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@pytest.mark.slow
@pytest.mark.benchmark
def test_the_quick_benchmark_writes_well_formed_results(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--quick", "--output", str(output)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=540,  # under pytest-timeout's 600 s: a busy machine runs it slower
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "| fastapi | sqlite | `GET /health` |" in result.stdout
    assert "| fastapi | postgresql | `POST /api/items 201` |" in result.stdout
    results = json.loads(output.read_text(encoding="utf-8"))

    generator = results["generator"]
    for key in GENERATOR_FIGURES:
        assert positive(generator[key]), key
    assert isinstance(generator["help_met"], bool)
    assert isinstance(generator["new_met"], bool)
    assert isinstance(generator["prompt_met"], bool)

    rows = results["apps"]
    assert {(row["framework"], row["database"], row["endpoint"]) for row in rows} == ROWS
    assert len(rows) == len(ROWS)
    for row in rows:
        for key in APP_FIGURES:
            assert positive(row[key]), (row["framework"], row["database"], row["endpoint"], key)
        assert row["ratio"] == pytest.approx(row["starter_rps"] / row["bare_rps"])
        assert isinstance(row["met"], bool)

    compared = results["fastapi_vs_flask"]
    assert {(row["database"], row["endpoint"]) for row in compared} == {
        (database, endpoint) for database, endpoints in ENDPOINTS.items() for endpoint in endpoints
    }
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
