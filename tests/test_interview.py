"""The interview, driven through prompt_toolkit's pipe input (no terminal needed)."""

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from prompt_toolkit.application import create_app_session
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from stackwise import prompts
from stackwise.cli import app
from tests.support.cli import invoke

ENTER, DOWN, UP, CTRL_C, CTRL_D, CTRL_U = "\r", "\x1b[B", "\x1b[A", "\x03", "\x04", "\x15"
# The prompts of `stackwise new DEST` with nothing given and every default taken, in order:
# 5 needs, 7 of the 8 stack choices (FastAPI validates with Pydantic only: not asked), 5
# project details (package_name is derived, never asked).
QUESTIONS = 17
STACK = [
    "--purpose", "api", "--no-async", "--traffic", "low", "--team", "small",
    "--no-existing-flask", "--framework", "fastapi", "--validation", "pydantic",
    "--docs", "both", "--errors", "problem", "--no-pages", "--deploy", "docker",
    "--auth", "none", "--database", "sqlite",
]  # fmt: skip
DETAILS = ["--description", "d", "--author", "a", "--email", "a@example.com", "--python", "3.11"]
ALL_BUT_THE_NAME = [*STACK, *DETAILS]
QUIET = ["--no-git", "--no-lock"]


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_every_default_then_confirm(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER * (QUESTIONS + 1))
    result = invoke(app, ["new", str(tmp_path / "shop"), *QUIET])
    assert result.exit_code == 0, result.output
    assert "Recommended: FastAPI" in result.output
    assert "Your answers:" in result.output
    assert result.output.index("Recommended") < result.output.index("Your answers")
    answers = answers_of(tmp_path / "shop")
    assert answers["project_name"] == "shop"
    assert answers["framework"] == "fastapi"


def test_a_question_with_one_fitting_choice_is_not_asked(keys: Any, tmp_path: Path) -> None:
    # Had validation been asked, the confirmation would still be waiting for its Enter.
    keys.send_text(ENTER * (QUESTIONS + 1))
    result = invoke(app, ["new", str(tmp_path / "shop"), *QUIET])
    assert result.exit_code == 0, result.output
    note = "Request validation: pydantic: Pydantic models (the only choice that fits your answers)"
    assert note in result.output
    summary = result.output[result.output.index("Your answers:") :]
    assert "  validation      pydantic" in summary
    assert answers_of(tmp_path / "shop")["validation"] == "pydantic"


def test_the_recommendation_is_preselected(keys: Any, tmp_path: Path) -> None:
    # webapp (one down), then the defaults: the framework prompt starts on the recommendation.
    # Flask asks for validation; without it, it serves no API docs: that question is not asked.
    keys.send_text(DOWN + ENTER + ENTER * QUESTIONS)
    result = invoke(app, ["new", str(tmp_path / "webshop"), *QUIET])
    assert result.exit_code == 0, result.output
    assert "Recommended: Flask" in result.output
    assert "API docs pages: none: no docs pages" in result.output
    answers = answers_of(tmp_path / "webshop")
    assert (answers["purpose"], answers["framework"], answers["pages"]) == ("webapp", "flask", True)


def test_the_user_can_override_the_recommendation(keys: Any, tmp_path: Path) -> None:
    given = ["--purpose", "webapp", "--no-async", "--traffic", "low", "--team", "solo"]
    # existing_flask, then framework: one up from flask (the recommendation) is fastapi.
    keys.send_text(ENTER + UP + ENTER + ENTER * 12)
    result = invoke(app, ["new", str(tmp_path / "webshop"), *QUIET, *given])
    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "webshop")
    assert answers["framework"] == "fastapi"
    assert answers["team_size"] == "solo"  # given as a flag, not asked again


def test_an_existing_flask_app_preselects_hybrid(keys: Any, tmp_path: Path) -> None:
    given = ["--purpose", "api", "--no-async", "--traffic", "low", "--team", "solo"]
    # existing_flask: y and Enter; the framework: hybrid, preselected; where the Flask app
    # answers: one down, under /legacy; validation is not asked (hybrid's FastAPI app takes
    # pydantic only); then the defaults.
    keys.send_text("y" + ENTER + ENTER + DOWN + ENTER + ENTER * 12)
    result = invoke(app, ["new", str(tmp_path / "move"), *QUIET, *given])
    assert result.exit_code == 0, result.output
    assert "Recommended: FastAPI with Flask mounted" in result.output
    assert re.search(r"legacy_mount +prefix", result.output)  # in the summary
    answers = answers_of(tmp_path / "move")
    assert (answers["framework"], answers["validation"]) == ("hybrid", "pydantic")
    assert answers["legacy_mount"] == "prefix"
    assert (tmp_path / "move" / "src" / "move" / "legacy" / "views.py").is_file()


def test_flags_are_not_asked_again(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER + ENTER)  # project_name (default: the folder name), then confirm
    result = invoke(app, ["new", str(tmp_path / "only"), *QUIET, *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert "Recommended" not in result.output  # the framework was given
    assert answers_of(tmp_path / "only")["project_name"] == "only"


def test_a_wrong_name_is_asked_again_at_once(keys: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    # Refused where they are typed: "my project!" (the name), "class" and "click" (the package
    # name each implies). Ctrl-U clears the line.
    for name in ("my project!", "class", "click"):
        keys.send_text(name + ENTER + CTRL_U)
    keys.send_text("Good Name" + ENTER + ENTER)  # then confirm
    result = invoke(app, ["new", *QUIET, *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "good-name")["package_name"] == "good_name"


def test_a_name_whose_folder_is_taken_is_asked_again_at_once(
    keys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    keys.send_text("Taken" + ENTER + CTRL_U + "Fresh" + ENTER + ENTER)
    result = invoke(app, ["new", *QUIET, *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "fresh")["project_name"] == "Fresh"
    assert [path.name for path in (tmp_path / "taken").iterdir()] == ["keep.txt"]


def test_a_taken_folder_is_refused_before_any_question_when_the_name_is_given(
    keys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "keep.txt").write_text("mine")
    result = invoke(app, ["new", "--name", "taken", *QUIET])
    assert result.exit_code == 1
    assert result.output.startswith("error: taken exists and is not empty")
    assert "What are you building" not in result.output


@pytest.mark.parametrize(("before", "key"), [(ENTER + ENTER, CTRL_C), (ENTER + ENTER, CTRL_D)])
def test_ctrl_c_and_ctrl_d_cancel_and_write_nothing(
    keys: Any, tmp_path: Path, before: str, key: str
) -> None:
    keys.send_text(before + key)
    result = invoke(app, ["new", str(tmp_path / "gone")])
    assert result.exit_code == 130
    assert result.output.strip().endswith("Cancelled.")
    assert list(tmp_path.iterdir()) == []


def test_ctrl_d_cancels_a_text_prompt_that_holds_text(keys: Any, tmp_path: Path) -> None:
    keys.send_text("half a na" + CTRL_D)
    result = invoke(app, ["new", str(tmp_path / "gone"), *ALL_BUT_THE_NAME])
    assert result.exit_code == 130
    assert "Cancelled." in result.output
    assert list(tmp_path.iterdir()) == []


def test_no_at_the_summary_then_cancel_writes_nothing(keys: Any, tmp_path: Path) -> None:
    # The name, then no; the menu starts on "cancel".
    keys.send_text(ENTER + "n" + ENTER + ENTER)
    result = invoke(app, ["new", str(tmp_path / "no"), *ALL_BUT_THE_NAME])
    assert result.exit_code == 1
    assert "error: cancelled: nothing was written." in result.output
    assert list(tmp_path.iterdir()) == []


def test_no_at_the_summary_changes_one_answer_and_rechecks_the_others(
    keys: Any, tmp_path: Path
) -> None:
    flask = [*STACK, *DETAILS, "--framework", "flask", "--validation", "marshmallow"]
    # The name; no; in the menu (on "cancel", the last), down to the first answer and on to
    # framework, the sixth; fastapi is one up from flask; the summary again, and yes.
    keys.send_text(ENTER + "n" + ENTER + DOWN * 6 + ENTER + UP + ENTER + ENTER)
    result = invoke(app, ["new", str(tmp_path / "shop"), *QUIET, *flask])
    assert result.exit_code == 0, result.output
    assert result.output.count("Your answers:") == 2
    # marshmallow does not fit FastAPI: checked again, and with one choice left, not asked.
    assert "validation=marshmallow does not fit framework=fastapi" in result.output
    assert "Request validation: pydantic" in result.output
    answers = answers_of(tmp_path / "shop")
    assert (answers["framework"], answers["validation"]) == ("fastapi", "pydantic")
    assert (answers["docs"], answers["description"]) == ("both", "d")  # kept: they still fit


def test_changing_the_name_derives_the_package_and_the_folder_again(
    keys: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.chdir(tmp_path)
    # The name; no; up from "cancel" past python_version, author_email, author_name and
    # description to project_name; a new name; the summary again, and yes.
    keys.send_text("First" + ENTER + "n" + ENTER + UP * 5 + ENTER)
    keys.send_text(CTRL_U + "Second" + ENTER + ENTER)
    result = invoke(app, ["new", *QUIET, *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert result.output.count("Your answers:") == 2
    assert sorted(path.name for path in tmp_path.iterdir()) == ["second"]
    answers = answers_of(tmp_path / "second")
    assert (answers["project_name"], answers["package_name"]) == ("Second", "second")


def test_recommend_asks_only_what_is_missing(keys: Any) -> None:
    keys.send_text(ENTER * 3)  # traffic, team, existing_flask
    result = invoke(app, ["recommend", "--purpose", "prototype", "--async"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Recommended: FastAPI")
    assert "It needs async" in result.output
