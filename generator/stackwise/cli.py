"""The `stackwise` command.

A thin shell over the modules that do the work. Heavy imports (copier, questionary, yaml, Jinja)
happen inside the commands, so `stackwise --help` stays as fast as Typer itself, and each command
loads only what it uses.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from stackwise import __version__
from stackwise.errors import AnswerError, StackwiseError


def _examples(*lines: str) -> str:
    """A help epilog of example commands, kept as written (Click rewraps the rest)."""
    return "\b\nExamples:\n" + "\n".join(f"  {line}" for line in lines)


app = typer.Typer(
    help="Answer a few questions, get a ready FastAPI, Flask or hybrid project.",
    epilog=_examples("stackwise new ~/projects/my-api", "stackwise recommend --purpose webapp"),
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# The flag of each answer key. The help of each flag is its question's help in copier.yml,
# followed by its choices (tests/test_questions.py proves they agree).
FLAG_KEYS = {
    "name": "project_name",
    "description": "description",
    "author": "author_name",
    "email": "author_email",
    "python": "python_version",
    "purpose": "purpose",
    "needs_async": "needs_async",
    "traffic": "traffic",
    "team": "team_size",
    "existing_flask": "existing_flask",
    "framework": "framework",
    "legacy_mount": "legacy_mount",
    "validation": "validation",
    "docs": "docs",
    "errors": "error_format",
    "pages": "pages",
    "deploy": "deploy",
    "auth": "auth",
    "database": "database",
}


def _answers(**flags: Any) -> dict[str, Any]:
    """The answers given as flags, by answer key; a flag not given is None, and left out."""
    return {FLAG_KEYS[flag]: value for flag, value in flags.items() if value is not None}


# The answers that drive the recommendation, shared by `new` and `recommend`.
Purpose = Annotated[
    str | None, typer.Option(help="What are you building? [api|webapp|prototype|microservice]")
]
NeedsAsync = Annotated[
    bool | None,
    typer.Option(
        "--async/--no-async",
        help="Does it need async (many concurrent I/O calls, websockets, streaming)?",
    ),
]
Traffic = Annotated[str | None, typer.Option(help="Expected traffic [low|moderate|high]")]
Team = Annotated[str | None, typer.Option(help="Team size [solo|small|large]")]
ExistingFlask = Annotated[
    bool | None,
    typer.Option(
        "--existing-flask/--no-existing-flask",
        help="Is there an existing Flask app that must keep running?",
    ),
]

# Where the template comes from, shared by `new` and `update`.
FromClone = Annotated[
    Path | None,
    typer.Option(
        "--from",
        help="A local git clone of stackwise to take the template from, this time, instead "
        "of the installed version's (.copier-answers.yml keeps the public repository).",
    ),
]
VcsRef = Annotated[
    str | None,
    typer.Option(help="With --from: the tag or commit to use (default: the clone's HEAD)."),
]


def _version(show: bool) -> None:
    if show:
        typer.echo(f"stackwise {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Answer a few questions, get a ready FastAPI, Flask or hybrid project."""


@app.command(
    epilog=_examples(
        "stackwise new ~/projects/my-api             # asks the questions",
        "stackwise new ../shop -y --purpose webapp   # a web app's defaults, no questions",
    )
)
def new(
    dest: Annotated[
        Path | None,
        typer.Argument(help="Folder to create (default: the project name, in this folder)."),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            help="Project name (letters, digits, spaces, '.', '_' and '-'; starts with a letter)"
        ),
    ] = None,
    description: Annotated[str | None, typer.Option(help="One-line description")] = None,
    author: Annotated[str | None, typer.Option(help="Author name")] = None,
    email: Annotated[str | None, typer.Option(help="Author email (may be empty)")] = None,
    python: Annotated[
        str | None,
        typer.Option(help="Python version for the project [3.11|3.12|3.13]"),
    ] = None,
    purpose: Purpose = None,
    needs_async: NeedsAsync = None,
    traffic: Traffic = None,
    team: Team = None,
    existing_flask: ExistingFlask = None,
    framework: Annotated[
        str | None,
        typer.Option(help="Web framework [fastapi|flask|hybrid]"),
    ] = None,
    legacy_mount: Annotated[
        str | None,
        typer.Option(help="Where the Flask app answers [root|prefix]"),
    ] = None,
    validation: Annotated[
        str | None,
        typer.Option(help="Request validation [pydantic|marshmallow|none]"),
    ] = None,
    docs: Annotated[
        str | None,
        typer.Option(help="API docs pages [swagger|redoc|both|none]"),
    ] = None,
    errors: Annotated[
        str | None,
        typer.Option(help="Error responses [problem|html|negotiated]"),
    ] = None,
    pages: Annotated[
        bool | None,
        typer.Option("--pages/--no-pages", help="Server-rendered Jinja2 pages?"),
    ] = None,
    deploy: Annotated[
        str | None,
        typer.Option(help="Deployment files [none|docker|kubernetes]"),
    ] = None,
    auth: Annotated[
        str | None,
        typer.Option(help="Authentication [none|apikey|jwt|session]"),
    ] = None,
    database: Annotated[
        str | None,
        typer.Option(help="Database [sqlite|postgresql|none]"),
    ] = None,
    data: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE",
            help="An answer as KEY=VALUE (repeatable), keys as in .copier-answers.yml.",
        ),
    ] = None,
    data_file: Annotated[
        Path | None,
        typer.Option(help="A YAML file of answers (KEY: VALUE), such as a .copier-answers.yml."),
    ] = None,
    defaults: Annotated[
        bool,
        typer.Option("--defaults", "-y", help="Take the default of every answer not given."),
    ] = False,
    force: Annotated[
        bool, typer.Option(help="Write into a non-empty destination, overwriting its files.")
    ] = False,
    git: Annotated[bool, typer.Option(help="git init and commit the new project.")] = True,
    lock: Annotated[
        bool,
        typer.Option(help="Write uv.lock with uv (it reads the package index) before committing."),
    ] = True,
    from_: FromClone = None,
    vcs_ref: VcsRef = None,
) -> None:
    """Create a new project."""
    with _user_errors("new"):
        from stackwise.new_project import NewProject, create
        from stackwise.template_source import from_option

        given = _answers(
            name=name,
            description=description,
            author=author,
            email=email,
            python=python,
            purpose=purpose,
            needs_async=needs_async,
            traffic=traffic,
            team=team,
            existing_flask=existing_flask,
            framework=framework,
            legacy_mount=legacy_mount,
            validation=validation,
            docs=docs,
            errors=errors,
            pages=pages,
            deploy=deploy,
            auth=auth,
            database=database,
        )
        create(
            NewProject(
                dest=dest,
                answers=given,
                data=tuple(data or ()),
                data_file=data_file,
                defaults=defaults,
                force=force,
                git=git,
                lock=lock,
                source=from_option(from_, vcs_ref),
            )
        )


@contextmanager
def _user_errors(command: str) -> Iterator[None]:
    """One line on stderr and an exit status for every error the user can cause; Ctrl-C too.

    Ctrl-D (end of input) at a prompt cancels as Ctrl-C does.
    """
    try:
        yield
    except AnswerError as error:
        typer.echo(f"error: {in_flags(str(error), command)}", err=True)
        raise typer.Exit(error.exit_code) from None
    except StackwiseError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except (KeyboardInterrupt, EOFError):
        typer.echo("Cancelled.", err=True)
        raise typer.Exit(130) from None


def in_flags(message: str, command: str) -> str:
    """A message of copier.yml's, its answer keys named as `command`'s flags.

    `validation=none` becomes `--validation none` (`--async` or `--no-async` for a yes/no, and
    `--data key=value` for a key without a flag); the key a message starts with, and a key
    with an underscore anywhere (never an English word), become the flag alone (a yes/no: its
    key, with both forms of its flag).
    """
    from stackwise import questions

    flags = _flags_of(command)
    keys = sorted(questions.public_keys(), key=len, reverse=True)

    def flag_and_value(match: re.Match[str]) -> str:
        key, value = match.groups()
        if key not in flags:
            return f"--data {key}={value}"
        name, negative = flags[key]
        if negative is None:
            return f"{name} {value}"
        try:
            return name if questions.by_key()[key].coerce(value) else negative
        except StackwiseError:
            return f"{name}/{negative}"

    alternatives = "|".join(map(re.escape, keys))
    message = re.sub(rf"(?<![\w-])({alternatives})=([^\s,;:]*[^\s,;:.])", flag_and_value, message)

    def flag(key: str) -> str:
        name, negative = flags[key]
        return name if negative is None else f"{key} ({name}/{negative})"

    alone = [key for key in keys if key in flags and "_" in key]
    if alone:
        message = re.sub(rf"(?<![\w-])({'|'.join(alone)})(?![\w=])", lambda m: flag(m[1]), message)
    first = message.split(" ", 1)[0]
    if first in flags and first not in alone:
        message = flag(first) + message[len(first) :]
    return message


def _flags_of(command: str) -> dict[str, tuple[str, str | None]]:
    """Each answer key's option in `command`: its name, and its --no- form for a yes/no."""
    import typer.main

    group = typer.main.get_command(app)
    params = getattr(group, "commands", {})[command].params
    return {
        FLAG_KEYS[param.name]: (param.opts[0], next(iter(param.secondary_opts), None))
        for param in params
        if param.name in FLAG_KEYS
    }


@app.command(
    epilog=_examples(
        "stackwise update                # this folder, to this stackwise's template",
        "stackwise update ~/projects/my-api --data docs=none",
    )
)
def update(
    path: Annotated[
        Path, typer.Argument(help="The project to update (default: this folder).")
    ] = Path("."),
    data: Annotated[
        list[str] | None,
        typer.Option(
            metavar="KEY=VALUE", help="Change an answer (repeatable), keys as in new --data."
        ),
    ] = None,
    from_: FromClone = None,
    vcs_ref: VcsRef = None,
) -> None:
    """Update a project to this version's template.

    Brings the template of this stackwise version into a project made earlier, keeping your
    edits (copier's 3-way merge). Conflicts are marked inline and listed, exit status 1.
    """
    with _user_errors("update"):
        from stackwise.template_source import from_option
        from stackwise.update import update_project

        update_project(path, data=data or [], source=from_option(from_, vcs_ref))


@app.command(
    epilog=_examples(
        "stackwise recommend             # asks what is not given",
        "stackwise recommend --purpose api --traffic high --json",
    )
)
def recommend(
    purpose: Purpose = None,
    needs_async: NeedsAsync = None,
    traffic: Traffic = None,
    team: Team = None,
    existing_flask: ExistingFlask = None,
    json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Recommend FastAPI, Flask or both for your needs, and say why."""
    given = _answers(
        purpose=purpose,
        needs_async=needs_async,
        traffic=traffic,
        team=team,
        existing_flask=existing_flask,
    )
    with _user_errors("recommend"):
        from stackwise.advice import recommend_for

        recommend_for(given, as_json=json)


@app.command(epilog=_examples("stackwise compare"))
def compare() -> None:
    """The comparison of FastAPI and Flask, criterion by criterion."""
    from stackwise.advice import comparison_table

    comparison_table()


def main() -> None:
    """Run the command line (the `stackwise` entry point)."""
    app(prog_name="stackwise")


if __name__ == "__main__":
    main()
