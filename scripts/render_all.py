"""Render every supported combination of answers into one folder tree, and compare two such trees:
the proof that a change to the template's layout changes no generated file, or exactly the files
it means to.

    .venv-test/bin/python scripts/render_all.py render OUT [--ref REF] [--jobs N]
    .venv-test/bin/python scripts/render_all.py compare BEFORE AFTER

`render` writes OUT/<combination id>/ for each supported combination of
tests/support/combinations.py, rendered the way `stackwise new --defaults` renders them (the answers
resolved by the CLI's own checks, the decision record included, its date fixed) with copier's Python
API from a plain copy of copier.yml and template/: of the working tree, or of a commit with --ref.
Rendering alone: no git, no tools. The answers file's `_src_path`, a temporary folder, is written as
`template`.

`compare` prints, for each file that differs, in how many combinations it was added, removed or
changed (and which file names moved), and exits 1 when the trees differ.
"""

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from stackwise.decision_record import decision  # noqa: E402
from stackwise.resolve import resolve  # noqa: E402
from tests.support.combinations import BASE, combination_id, supported  # noqa: E402

ANSWERS_FILE = ".copier-answers.yml"
DATE = "2026-01-01"
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc")


def plain_template(ref: str | None, into: Path) -> Path:
    """copier.yml and template/ of the working tree, or of commit `ref`, as a plain folder."""
    if ref is None:
        shutil.copy2(ROOT / "copier.yml", into / "copier.yml")
        shutil.copytree(ROOT / "template", into / "template", ignore=IGNORED)
    else:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", ref, "copier.yml", "template"],
            check=True,
            capture_output=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


def data_for(combination: dict[str, Any]) -> dict[str, Any]:
    answers = resolve({**BASE, **combination}, {}, None)
    return {**answers, "decision": {**decision(answers), "date": DATE}}


def render_one(template: str, data: dict[str, Any], dest: str) -> None:
    from copier import run_copy

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(template, dest, data=data, defaults=True, overwrite=True, quiet=True)
    answers = Path(dest, ANSWERS_FILE)
    answers.write_text(answers.read_text(encoding="utf-8").replace(template, "template"))


def render(out: Path, ref: str | None, jobs: int) -> None:
    if out.exists() and any(out.iterdir()):
        sys.exit(f"error: {out} exists and is not empty: give a new folder.")
    combinations = supported()
    with tempfile.TemporaryDirectory(prefix="render-all-") as tmp:
        template = str(plain_template(ref, Path(tmp)))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            futures = [
                pool.submit(render_one, template, data_for(c), str(out / combination_id(c)))
                for c in combinations
            ]
            for future in futures:
                future.result()
    print(f"rendered {len(combinations)} combinations into {out}")


def files(project: Path) -> set[str]:
    return {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()}


def compare(before: Path, after: Path) -> int:
    names = sorted(p.name for p in before.iterdir() if p.is_dir())
    if names != sorted(p.name for p in after.iterdir() if p.is_dir()):
        print("the two trees hold different combinations")
        return 1
    added: Counter[str] = Counter()
    removed: Counter[str] = Counter()
    changed: Counter[str] = Counter()
    moved: Counter[tuple[str, str]] = Counter()
    for name in names:
        old, new = files(before / name), files(after / name)
        gone, came = old - new, new - old
        for path in sorted(gone):
            # A file that is gone, with a new one of the same text: a rename.
            twin = next(
                (p for p in sorted(came) if filecmp.cmp(before / name / path, after / name / p)),
                None,
            )
            if twin is not None:
                moved[(path, twin)] += 1
                came.discard(twin)
            else:
                removed[path] += 1
        added.update(came)
        for path in old & new:
            if not filecmp.cmp(before / name / path, after / name / path, shallow=False):
                changed[path] += 1
    report = [
        *(f"renamed  {a} -> {b}: {n}" for (a, b), n in sorted(moved.items())),
        *(f"removed  {path}: {n}" for path, n in sorted(removed.items())),
        *(f"added    {path}: {n}" for path, n in sorted(added.items())),
        *(f"changed  {path}: {n}" for path, n in sorted(changed.items())),
    ]
    print(f"{len(names)} combinations compared")
    print("\n".join(report) if report else "identical: every file of every combination")
    return 1 if report else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    render_parser = commands.add_parser("render", help="render every supported combination")
    render_parser.add_argument("out", type=Path)
    render_parser.add_argument("--ref", help="a commit to render instead of the working tree")
    render_parser.add_argument("--jobs", type=int, default=None, help="processes (all cores)")
    compare_parser = commands.add_parser("compare", help="compare two rendered trees")
    compare_parser.add_argument("before", type=Path)
    compare_parser.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "render":
        render(args.out, args.ref, args.jobs)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
