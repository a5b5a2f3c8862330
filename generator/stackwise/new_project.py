"""`stackwise new`: gather the answers, then render the project and say what to do next."""

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from stackwise import __version__, decision_record, questions, resolve, rules, vcs
from stackwise.render import check_destination, render
from stackwise.template_source import Source


@dataclass(frozen=True, kw_only=True)
class NewProject:
    """Everything `stackwise new` was given, for the steps that create the project."""

    dest: Path | None  # None: a folder named after the project, in this folder
    answers: Mapping[str, Any]  # the answers given as flags, by answer key
    data: tuple[str, ...] = ()  # --data KEY=VALUE, as typed
    data_file: Path | None = None
    defaults: bool = False  # take the default of every answer not given, ask nothing
    force: bool = False
    git: bool = True
    source: Source | None = None  # --from: a local clone; None: the installed template


def create(new: NewProject) -> None:
    """Resolve the answers (asking in a terminal unless --defaults), confirm them, render."""
    given: dict[str, Any] = {}
    if new.data_file is not None:
        given.update(resolve.read_data_file(new.data_file))
    given.update(resolve.parse_data(new.data))
    given.update(new.answers)
    if new.dest is not None:
        check_destination(new.dest, new.force)  # before any question is asked
    interview = None
    if not new.defaults:
        from stackwise.interview import Interview  # questionary: only to ask

        interview = Interview(given)
    ask = interview.ask if interview else None
    resolved = resolve.resolve(given, environment_defaults(new.dest), ask)
    dest = new.dest
    if dest is None:
        dest = Path(_slug(resolved))
        check_destination(dest, new.force)
    if interview:
        interview.confirm(resolved, str(dest))
    note = render(
        resolved,
        dest,
        decision=decision_record.decision(resolved),
        force=new.force,
        git=new.git,
        message=f"Initial commit from stackwise {__version__}",
        source=new.source,
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
    identity = vcs.identity()
    found["author_name"] = identity.get("user.name", "")
    found["author_email"] = identity.get("user.email", "")
    return {key: value for key, value in found.items() if value}


def _slug(resolved: dict[str, Any]) -> str:
    return str(questions.by_key()["project_slug"].render_default(resolved))


def next_steps(resolved: dict[str, Any], dest: Path, git_note: str) -> str:
    """What was created and the commands to try it, printed at the end of `new`."""
    package = resolved["package_name"]
    lines = [
        f"Created {resolved['project_name']} ({rules.NAMES[resolved['framework']]}) in {dest}",
        git_note,
        "",
        "Next steps:",
        f"  cd {dest}",
        "  uv sync                        # install",
    ]
    if resolved["database"] == "postgresql":
        lines += [
            f"  export DATABASE_URL=postgresql://USER:PASSWORD@localhost:5432/{package}",
            "  uv run alembic upgrade head    # create the tables",
        ]
    serve = "serve http://127.0.0.1:8000"
    if resolved["database"] == "sqlite":
        serve += " (migrates data/app.db)"
    lines += [
        f"  uv run python -m {package:<13} # {serve}",
        "  uv run pytest                  # test",
    ]
    if resolved["docs"] in ("swagger", "both") and resolved["framework"] != "flask":
        lines.append("  open http://127.0.0.1:8000/docs")
    if resolved["framework"] == rules.HYBRID:
        lines.append("  open http://127.0.0.1:8000/legacy/hello  # the mounted Flask app")
    return "\n".join(lines)
