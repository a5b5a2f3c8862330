"""End to end in a real pseudo-terminal, against the installed `stackwise` command: what only a
terminal shows (keys typed ahead, Ctrl-C and Ctrl-D, what fits in 80 columns)."""

import io
import sys
import time
from pathlib import Path

import pexpect
import pyte
import pytest
import yaml

from tests.support.cli import spawn, spawn_command

DOWN = "\x1b[B"
QUIET = ("--no-git", "--no-lock")


def answers_of(project: Path) -> dict[str, object]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def finish(child: pexpect.spawn) -> None:
    child.expect(pexpect.EOF)
    child.close()


def test_the_whole_interview_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path, "new", "notes", *QUIET)
    child.expect("What are you building?")
    child.send(DOWN + "\r")  # webapp
    for question in ("Does it need async", "Expected traffic", "Team size", "existing Flask"):
        child.expect(question)
        child.send("\r")
    child.expect("Recommended: Flask")
    child.expect("Web framework")
    child.send("\r")
    child.expect("Request validation")
    child.send("\r")  # none: so API docs pages are not asked
    child.expect("API docs pages: none: no docs pages and no /openapi.json \\(the only choice")
    for question in (
        "Error responses",
        "Jinja2 pages",
        "Deployment files",
        "Authentication",
        "Database",
        "Project name",
    ):
        child.expect(question)
        child.send("\r")  # the project name: the folder's name
    for question in ("description", "Author name", "Author email", "Python version"):
        child.expect(question)
        child.send("\r")
    child.expect("Your answers:")
    child.expect("Create the project in notes")
    child.send("\r")
    child.expect("Next steps:")
    finish(child)
    assert child.exitstatus == 0
    answers = answers_of(tmp_path / "notes")
    assert (answers["purpose"], answers["framework"], answers["docs"]) == (
        "webapp",
        "flask",
        "none",
    )


@pytest.mark.parametrize("one_write", [True, False], ids=["one-write", "y-then-enter"])
def test_y_and_enter_answer_one_yes_no_question(tmp_path: Path, one_write: bool) -> None:
    """Keys typed ahead of a prompt are dropped, and `y` alone answers nothing yet: a user who
    types y and Enter, at once or one after the other, answers one question."""
    child = spawn(tmp_path, "new", "quick", *QUIET)
    child.expect("What are you building?")
    child.send("\r")
    child.expect("Does it need async")
    if one_write:
        child.send("y\r\r")  # and an Enter too many
    else:
        child.send("y")
        child.expect("Yes")  # shown, not given: the next question does not come
        assert child.expect(["Expected traffic", pexpect.TIMEOUT], timeout=4) == 1
        child.send("\r")
    child.expect("Expected traffic")
    time.sleep(0.3)  # had a key answered it, the next question would be showing by now
    child.send(DOWN + "\r")  # moderate: the question waited for it
    child.expect("Team size")
    child.sendline("")
    for question in (
        "existing Flask",
        "Web framework",
        "API docs pages",
        "Error responses",
        "Jinja2 pages",
        "Deployment files",
        "Authentication",
        "Database",
        "Project name",
        "description",
        "Author name",
        "Author email",
        "Python version",
        "Create the project",
    ):
        child.expect(question)
        child.send("\r")
    finish(child)
    assert child.exitstatus == 0, child.before
    answers = answers_of(tmp_path / "quick")
    assert (answers["needs_async"], answers["traffic"]) == (True, "moderate")


STACK_GIVEN = [
    "--purpose", "api", "--no-async", "--traffic", "low", "--team", "solo",
    "--no-existing-flask", "--framework", "fastapi", "--validation", "pydantic",
    "--docs", "none", "--errors", "problem", "--no-pages", "--deploy", "docker",
    "--auth", "none", "--database", "sqlite",
]  # fmt: skip


@pytest.mark.parametrize(("key", "typed"), [("c", ""), ("d", ""), ("d", "half a na")])
@pytest.mark.parametrize(
    ("prompt", "given"),
    [("What are you building?", []), ("Project name", STACK_GIVEN)],
    ids=["first-prompt", "name-prompt"],
)
def test_ctrl_c_and_ctrl_d_at_a_prompt(
    tmp_path: Path, prompt: str, given: list[str], key: str, typed: str
) -> None:
    child = spawn(tmp_path, "new", "gone", *given)
    child.expect(prompt)
    child.send(typed)
    child.sendcontrol(key)
    child.expect("Cancelled.")
    finish(child)
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []


def test_a_taken_folder_is_reported_when_the_name_is_typed(tmp_path: Path) -> None:
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    details = ["--description", "d", "--author", "a", "--email", "", "--python", "3.11"]
    child = spawn(tmp_path, "new", *QUIET, *STACK_GIVEN, *details)
    child.expect("Project name")
    child.send("taken\r")
    child.expect("taken exists and is not empty: choose another project name")
    child.sendcontrol("u")
    child.send("fresh\r")
    child.expect("Create the project in fresh")
    child.send("\r")
    finish(child)
    assert child.exitstatus == 0
    assert sorted(path.name for path in tmp_path.iterdir()) == ["fresh", "taken"]


# A choice question of copier.yml whose validator refuses two of its four choices, with a reason
# longer than a line of 80 columns.
REASON = (
    "docs={{ docs }} is refused here, for a reason long enough to need more than one line of an "
    "eighty-column terminal, and every word of it must be readable."
)
REFUSING = f"""
import dataclasses
from stackwise import prompts, questions

docs = questions.by_key()["docs"]
validator = "{{%- if docs in ['redoc', 'both'] -%}}{REASON}{{%- endif -%}}"
print("ANSWER", prompts.ask(dataclasses.replace(docs, validator=validator), "swagger", {{}}))
"""


def test_the_reasons_of_refused_choices_are_readable_at_80_columns(tmp_path: Path) -> None:
    child = spawn_command([sys.executable, "-c", REFUSING], tmp_path, columns=80)
    child.logfile_read = io.StringIO()
    child.expect("API docs pages")
    child.expect("none: no docs pages")
    time.sleep(0.3)
    screen = pyte.Screen(80, 50)
    pyte.Stream(screen).feed(child.logfile_read.getvalue())
    lines = [line.rstrip() for line in screen.display]
    for value in ("redoc", "both"):
        (start,) = [i for i, line in enumerate(lines) if line.lstrip().startswith(f"- {value}:")]
        reason = []
        for line in lines[start + 1 :]:
            if not line.startswith(" " * 7):
                break
            reason.append(line.strip())
        assert len(reason) > 1, lines
        assert " ".join(reason) == REASON.replace("{{ docs }}", value)
    # The refused choices cannot be picked: one down from swagger is none.
    child.send(DOWN + "\r")
    child.expect("ANSWER none")
    finish(child)
    assert child.exitstatus == 0
