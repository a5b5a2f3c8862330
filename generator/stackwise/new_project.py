"""`stackwise new`: gather the answers, then render the project and say what to do next."""

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer

from stackwise import __version__, answers, decision_record, questions, rules
from stackwise.interview import Interview
from stackwise.render import check_destination, render
from stackwise.template_origin import Origin


def create(
    *,
    dest: Path | None,
    flags: dict[str, Any],
    data: list[str],
    data_file: Path | None,
    defaults: bool,
    force: bool,
    git: bool,
    origin: Origin | None = None,
) -> None:
    given: dict[str, Any] = {}
    if data_file is not None:
        given.update(answers.read_data_file(data_file))
    given.update(answers.parse_data(data))
    given.update(flags)
    if dest is not None:
        check_destination(dest, force)  # before any question is asked
    interview = None if defaults else Interview(given)
    ask = interview.ask if interview else None
    resolved = answers.resolve(given, environment_defaults(dest), ask)
    if dest is None:
        dest = Path(_slug(resolved))
        check_destination(dest, force)
    if interview:
        interview.confirm(resolved, str(dest))
    note = render(
        resolved,
        dest,
        decision=decision_record.decision(resolved),
        force=force,
        git=git,
        message=f"Initial commit from stackwise {__version__}",
        origin=origin,
    )
    typer.echo(next_steps(resolved, dest, note))


def environment_defaults(dest: Path | None) -> dict[str, Any]:
    """Defaults that copier.yml cannot know: the folder's name, this Python, the git identity."""
    found: dict[str, Any] = {}
    if dest is not None and dest.absolute().name:
        found["project_name"] = dest.absolute().name
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if running in questions.by_key()["python_version"].values:
        found["python_version"] = running
    found["author_name"] = _git_config("user.name")
    found["author_email"] = _git_config("user.email")
    return {key: value for key, value in found.items() if value}


def _git_config(key: str) -> str:
    if shutil.which("git") is None:
        return ""
    result = subprocess.run(
        ["git", "config", "--get", key], capture_output=True, text=True, check=False
    )
    return result.stdout.strip()


def _slug(resolved: dict[str, Any]) -> str:
    return questions.by_key()["project_slug"].render_default(resolved)


def next_steps(resolved: dict[str, Any], dest: Path, git_note: str) -> str:
    package = resolved["package_name"]
    lines = [
        f"Created {resolved['project_name']} ({rules.NAMES[resolved['framework']]}) in {dest}",
        git_note,
        "",
        "Next steps:",
        f"  cd {dest}",
        "  uv sync                        # install",
        f"  uv run python -m {package:<13} # serve http://127.0.0.1:8000",
        "  uv run pytest                  # test",
    ]
    if resolved["docs"] in ("swagger", "both") and resolved["framework"] != "flask":
        lines.append("  open http://127.0.0.1:8000/docs")
    if resolved["framework"] == rules.HYBRID:
        lines.append("  open http://127.0.0.1:8000/legacy/hello  # the mounted Flask app")
    return "\n".join(lines)
