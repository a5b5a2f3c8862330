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
ENDPOINTS = {"GET /health", "GET /api/items", "POST /api/items 422"}
VERSIONS = {"python", "stackwise", "copier", "fastapi", "flask", "uvicorn", "gunicorn", "wrk"}


def positive(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


@pytest.mark.slow
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
    assert "| fastapi | `GET /health` |" in result.stdout
    results = json.loads(output.read_text(encoding="utf-8"))

    generator = results["generator"]
    for key in GENERATOR_FIGURES:
        assert positive(generator[key]), key
    assert isinstance(generator["help_met"], bool)
    assert isinstance(generator["new_met"], bool)
    assert isinstance(generator["prompt_met"], bool)

    rows = results["apps"]
    assert {(row["framework"], row["endpoint"]) for row in rows} == {
        (framework, endpoint) for framework in FRAMEWORKS for endpoint in ENDPOINTS
    }
    assert len(rows) == len(FRAMEWORKS) * len(ENDPOINTS)
    for row in rows:
        for key in APP_FIGURES:
            assert positive(row[key]), (row["framework"], row["endpoint"], key)
        assert row["ratio"] == pytest.approx(row["starter_rps"] / row["bare_rps"])
        assert isinstance(row["met"], bool)

    compared = results["fastapi_vs_flask"]
    assert {row["endpoint"] for row in compared} == ENDPOINTS
    for row in compared:
        for key in ("fastapi_rps", "flask_rps", "ratio", "fastapi_p99_ms", "flask_p99_ms"):
            assert positive(row[key]), (row["endpoint"], key)

    assert isinstance(results["targets_met"], bool)
    assert positive(results["machine"]["cpu_count"])
    assert set(results["versions"]) >= VERSIONS
    assert all(isinstance(v, str) and v for v in results["versions"].values())
    assert results["settings"]["quick"] is True
