"""Hatchling build hook: record the commit of stackwise's repository the package is built from.

A project made by an installed stackwise records that commit as its template version
(`_commit` in .copier-answers.yml), so `stackwise update` and `copier update` find the same
template again in the public repository or any clone of it, with or without release tags.

In a git checkout the commit is HEAD, with whether copier.yml or template/ differ from it. The
sdist carries the record as template-commit.json, so a wheel built from the sdist (no .git
there) records the same commit. Without git or a record the build goes on without one, and
stackwise falls back to the release tag v<version>.
"""

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

SDIST_RECORD = "template-commit.json"
WHEEL_RECORD = "stackwise/_template/commit.json"  # beside the template the wheel carries
TEMPLATE_PATHS = ("copier.yml", "template")


class TemplateCommitHook(BuildHookInterface):
    """Write the record into the sdist and the wheel."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        """Add the record to the files of this build.

        Not to an editable install's: there stackwise reads the checkout's git instead.
        """
        if version == "editable":
            return
        record = _from_git(Path(self.root)) or _from_sdist(Path(self.root))
        if record is None:
            return
        self._folder = tempfile.mkdtemp(prefix="stackwise-build-")
        path = Path(self._folder) / "commit.json"
        path.write_text(json.dumps(record) + "\n", encoding="utf-8")
        target = SDIST_RECORD if self.target_name == "sdist" else WHEEL_RECORD
        build_data["force_include"][str(path)] = target

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        """Remove the record's temporary folder."""
        folder = getattr(self, "_folder", None)
        if folder:
            shutil.rmtree(folder, ignore_errors=True)


def _git(root: Path, *args: str) -> str | None:
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, check=False, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def _from_git(root: Path) -> dict[str, Any] | None:
    """HEAD of the checkout, and whether the template differs from it (it is then recorded)."""
    if not (root / ".git").exists():
        return None
    commit = _git(root, "rev-parse", "--verify", "HEAD")
    status = _git(root, "status", "--porcelain", "--", *TEMPLATE_PATHS)
    if not commit or status is None:
        return None
    return {"commit": commit, "clean": status == ""}


def _from_sdist(root: Path) -> dict[str, Any] | None:
    try:
        record = json.loads((root / SDIST_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) and record.get("commit") else None
