"""Whole-process times of the stackwise command, against baselines measured in the same run.

    python benchmarks/cli.py [--runs 5]

Prints the median of each (milliseconds) and the ratios:
- `stackwise --help` against `python -c "import typer"` (the floor of any Typer CLI);
- `stackwise new DEST --defaults --no-git` against plain `copier copy --defaults` of the same
  template (a plain folder, as stackwise renders it).
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def timed(command: list[str], cwd: Path, runs: int, before=None) -> float:
    samples = []
    for run in range(runs + 1):  # the first run warms the caches and is dropped
        if before:
            before()
        start = time.perf_counter()
        subprocess.run(command, cwd=cwd, check=True, capture_output=True)
        if run:
            samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        template = work / "template-copy"
        template.mkdir()
        shutil.copy2(ROOT / "copier.yml", template / "copier.yml")
        shutil.copytree(ROOT / "template", template / "template")

        def clean() -> None:
            shutil.rmtree(work / "out", ignore_errors=True)

        figures = {
            "python -c pass": timed([sys.executable, "-c", "pass"], work, runs),
            'python -c "import typer"': timed([sys.executable, "-c", "import typer"], work, runs),
            "stackwise --help": timed([str(BIN / "stackwise"), "--help"], work, runs),
            "copier copy --defaults": timed(
                [str(BIN / "copier"), "copy", "--quiet", "--defaults", "--data",
                 "project_name=out", str(template), "out"],
                work, runs, clean,
            ),
            "stackwise new --defaults --no-git": timed(
                [str(BIN / "stackwise"), "new", "out", "--defaults", "--no-git"], work, runs, clean
            ),
        }
    print(f"median of {runs} runs, {sys.platform}, Python {sys.version.split()[0]}")
    for name, ms in figures.items():
        print(f"  {name:<36} {ms:7.1f} ms")
    help_ratio = figures["stackwise --help"] / figures['python -c "import typer"']
    new_ratio = figures["stackwise new --defaults --no-git"] / figures["copier copy --defaults"]
    print(f"  --help / import typer               {help_ratio:7.2f}")
    print(f"  new / copier copy                   {new_ratio:7.2f}")


if __name__ == "__main__":
    main()
