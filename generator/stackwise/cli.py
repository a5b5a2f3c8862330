"""The `stackwise` command.

A thin shell over the modules that do the work. Heavy imports (copier, questionary, yaml, Jinja)
happen inside the commands, so `stackwise --help` stays as fast as Typer itself, and each command
loads only what it uses.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from stackwise import __version__
from stackwise.errors import StackwiseError

app = typer.Typer(
    help="Answer a few questions, get a ready FastAPI, Flask or hybrid project.",
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    add_completion=False,
    no_args_is_help=True,
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
    "validation": "validation",
    "docs": "docs",
    "errors": "error_format",
    "pages": "pages",
    "deploy": "deploy",
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
        help="A local git clone of stackwise to take the template from, instead of the "
        "installed version's (recorded in .copier-answers.yml for later updates).",
    ),
]
VcsRef = Annotated[
    str | None,
    typer.Option(help="With --from: the tag or commit to use (default: the latest tag)."),
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


@app.command()
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
    from_: FromClone = None,
    vcs_ref: VcsRef = None,
) -> None:
    """Create a new project."""
    with _user_errors():
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
            validation=validation,
            docs=docs,
            errors=errors,
            pages=pages,
            deploy=deploy,
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
                source=from_option(from_, vcs_ref),
            )
        )


@contextmanager
def _user_errors() -> Iterator[None]:
    """One line on stderr and an exit status for every error the user can cause; Ctrl-C too."""
    try:
        yield
    except StackwiseError as error:
        typer.echo(f"error: {error}", err=True)
        raise typer.Exit(error.exit_code) from None
    except KeyboardInterrupt:
        typer.echo("Cancelled.", err=True)
        raise typer.Exit(130) from None


@app.command()
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
    with _user_errors():
        from stackwise.template_source import from_option
        from stackwise.update import update_project

        update_project(path, data=data or [], source=from_option(from_, vcs_ref))


@app.command()
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
    with _user_errors():
        from stackwise.advice import recommend_for

        recommend_for(given, as_json=json)


@app.command()
def compare() -> None:
    """The comparison of FastAPI and Flask, criterion by criterion."""
    from stackwise.advice import comparison_table

    comparison_table()


def main() -> None:
    """Run the command line (the `stackwise` entry point)."""
    app(prog_name="stackwise")


if __name__ == "__main__":
    main()
