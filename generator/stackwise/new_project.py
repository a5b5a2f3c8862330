"""`stackwise new`: gather the answers, then render the project and say what to do next."""

import re
import shlex
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
    lock: bool = True  # uv lock before the first commit
    source: Source | None = None  # --from: a local clone; None: the installed template


def create(new: NewProject) -> None:
    """Resolve the answers (asking in a terminal unless --defaults), confirm them, render."""
    given: dict[str, Any] = {}
    if new.data_file is not None:
        given.update(resolve.read_data_file(new.data_file))
    given.update(resolve.parse_data(new.data))
    given.update(new.answers)
    # Before any question is asked: the destination given, or named after a name given.
    if new.dest is not None:
        check_destination(new.dest, new.force)
    elif _valid_name(given.get("project_name")):
        check_destination(Path(folder_name(given)), new.force)
    interview = None
    if not new.defaults:
        from stackwise.interview import Interview  # questionary: only to ask

        interview = Interview(given, new.dest, new.force)
    defaults = environment_defaults(new.dest)
    resolved = resolve.resolve(given, defaults, interview.ask if interview else None)
    dest = new.dest or Path(folder_name(resolved))
    check_destination(dest, new.force)
    while interview is not None:
        change = interview.confirm(resolved, str(dest))
        if change is None:
            break
        resolved = interview.change(change, resolved, defaults)
        dest = new.dest or Path(folder_name(resolved))
    note = render(
        resolved,
        dest,
        decision=decision_record.decision(resolved),
        force=new.force,
        git=new.git,
        lock=new.lock,
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


def _valid_name(name: Any) -> bool:
    return isinstance(name, str) and not questions.by_key()["project_name"].problem(name, {})


def folder_name(answers: Mapping[str, Any]) -> str:
    """The folder a project goes into when no destination is given: its slug."""
    return str(questions.by_key()["project_slug"].render_default(dict(answers)))


def next_steps(resolved: dict[str, Any], dest: Path, git_note: str) -> str:
    """What was created and the commands to try it, printed at the end of `new`.

    The commands and links are those of the project's README ("Run it"): one source for what
    the tool prints and what the project documents.
    """
    commands, links = run_it((dest / "README.md").read_text(encoding="utf-8"))
    lines = [
        f"Created {resolved['project_name']} ({rules.NAMES[resolved['framework']]}) in {dest}",
        git_note,
        "",
        "Next steps:",
        f"  cd {shlex.quote(str(dest))}",
        *(f"  {command}" for command in commands),
    ]
    if links:
        lines += ["", "Then open:", *(f"  {link}" for link in links)]
    return "\n".join(lines)


def run_it(readme: str) -> tuple[list[str], list[str]]:
    """The commands (with their comments) and the links of a README's "Run it" section."""
    section = readme.partition("\n## Run it\n")[2].partition("\n## ")[0]
    block = section.partition("```console\n")[2].partition("```")[0]
    links = re.findall(r"^- <(http[^>]+)>(.*)$", section, re.MULTILINE)
    return block.splitlines(), [url + text for url, text in links]
