"""End to end in a real pseudo-terminal, against the installed `stackwise` command."""

from pathlib import Path

import pexpect
import pytest
import yaml

from tests.support.cli import spawn

DOWN = "\x1b[B"


def test_the_whole_interview_in_a_terminal(tmp_path: Path) -> None:
    child = spawn(tmp_path, "new", "notes", "--no-git")
    child.expect("What are you building?")
    child.send(DOWN + "\r")  # webapp
    for question in ("Does it need async", "Expected traffic", "Team size", "existing Flask"):
        child.expect(question)
        child.send("\r")
    child.expect("Recommended: Flask")
    child.expect("Web framework")
    child.send("\r")
    for question in (
        "Request validation",
        "API docs pages",
        "Error responses",
        "Jinja2 pages",
        "Deployment files",
        "Database",
    ):
        child.expect(question)
        child.send("\r")
    child.expect("Project name")
    child.send("\r")  # the folder's name
    for question in ("description", "Author name", "Author email", "Python version"):
        child.expect(question)
        child.send("\r")
    child.expect("Your answers:")
    child.expect("Create the project in notes")
    child.send("\r")
    child.expect("Next steps:")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    answers = yaml.safe_load((tmp_path / "notes" / ".copier-answers.yml").read_text())
    assert (answers["purpose"], answers["framework"]) == ("webapp", "flask")


STACK_GIVEN = [
    "--purpose", "api", "--no-async", "--traffic", "low", "--team", "solo",
    "--no-existing-flask", "--framework", "fastapi", "--validation", "pydantic",
    "--docs", "none", "--errors", "problem", "--no-pages", "--deploy", "docker",
    "--database", "sqlite",
]  # fmt: skip


@pytest.mark.parametrize(
    ("prompt", "given"),
    [("What are you building?", []), ("Project name", STACK_GIVEN)],
    ids=["first-prompt", "name-prompt"],
)
def test_ctrl_c_at_a_prompt(tmp_path: Path, prompt: str, given: list[str]) -> None:
    child = spawn(tmp_path, "new", "gone", *given)
    child.expect(prompt)
    child.sendcontrol("c")
    child.expect("Cancelled.")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert list(tmp_path.iterdir()) == []
