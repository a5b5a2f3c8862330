"""The interview, driven through prompt_toolkit's pipe input (no terminal needed)."""

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

ENTER, DOWN, CTRL_C = "\r", "\x1b[B", "\x03"
# The questions asked by `stackwise new DEST` with nothing given, in order (package_name is
# derived, never asked): 5 needs, 7 stack choices, 5 project details, then the confirmation.
QUESTIONS = 17
ALL_BUT_THE_NAME = [
    "--purpose", "api", "--no-async", "--traffic", "low", "--team", "small",
    "--no-existing-flask", "--framework", "fastapi", "--validation", "pydantic",
    "--docs", "both", "--errors", "problem", "--no-pages", "--deploy", "docker",
    "--database", "sqlite", "--description", "d",
    "--author", "a", "--email", "a@example.com", "--python", "3.11",
]  # fmt: skip


@pytest.fixture
def keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        yield pipe


def answers_of(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / ".copier-answers.yml").read_text())


def test_every_default_then_confirm(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER * (QUESTIONS + 1))
    result = invoke(app, ["new", str(tmp_path / "shop"), "--no-git"])
    assert result.exit_code == 0, result.output
    assert "Recommended: FastAPI" in result.output
    assert "Your answers:" in result.output
    assert result.output.index("Recommended") < result.output.index("Your answers")
    answers = answers_of(tmp_path / "shop")
    assert answers["project_name"] == "shop"
    assert answers["framework"] == "fastapi"


def test_the_recommendation_is_preselected(keys: Any, tmp_path: Path) -> None:
    # webapp (one down), then the defaults: the framework prompt starts on the recommendation.
    keys.send_text(DOWN + ENTER + ENTER * QUESTIONS)
    result = invoke(app, ["new", str(tmp_path / "webshop"), "--no-git"])
    assert result.exit_code == 0, result.output
    assert "Recommended: Flask" in result.output
    answers = answers_of(tmp_path / "webshop")
    assert (answers["purpose"], answers["framework"], answers["pages"]) == ("webapp", "flask", True)


def test_the_user_can_override_the_recommendation(keys: Any, tmp_path: Path) -> None:
    given = ["--purpose", "webapp", "--no-async", "--traffic", "low", "--team", "solo"]
    # existing_flask, then framework: one up from flask (the recommendation) is fastapi.
    keys.send_text(ENTER + "\x1b[A" + ENTER + ENTER * 12)
    result = invoke(app, ["new", str(tmp_path / "webshop"), "--no-git", *given])
    assert result.exit_code == 0, result.output
    answers = answers_of(tmp_path / "webshop")
    assert answers["framework"] == "fastapi"
    assert answers["team_size"] == "solo"  # given as a flag, not asked again


def test_an_existing_flask_app_preselects_hybrid(keys: Any, tmp_path: Path) -> None:
    given = ["--purpose", "api", "--no-async", "--traffic", "low", "--team", "solo"]
    # existing_flask: y; the framework: hybrid, preselected; validation: hybrid's FastAPI app
    # takes pydantic only, so moving down stays on it; then the defaults.
    keys.send_text("y" + ENTER + DOWN + DOWN + ENTER + ENTER * 11)
    result = invoke(app, ["new", str(tmp_path / "move"), "--no-git", *given])
    assert result.exit_code == 0, result.output
    assert "Recommended: FastAPI with Flask mounted" in result.output
    answers = answers_of(tmp_path / "move")
    assert (answers["framework"], answers["validation"]) == ("hybrid", "pydantic")
    assert (tmp_path / "move" / "src" / "move" / "legacy" / "views.py").is_file()


def test_refused_choices_cannot_be_picked(keys: Any, tmp_path: Path) -> None:
    # FastAPI: marshmallow and none are disabled, so moving down stays on pydantic.
    keys.send_text(DOWN + DOWN + ENTER + ENTER * 12)
    result = invoke(
        app,
        [
            "new",
            str(tmp_path / "p"),
            "--no-git",
            "--purpose",
            "api",
            "--no-async",
            "--traffic",
            "low",
            "--team",
            "small",
            "--no-existing-flask",
            "--framework",
            "fastapi",
        ],
    )
    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "p")["validation"] == "pydantic"


def test_flags_are_not_asked_again(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER + ENTER)  # project_name (default: the folder name), then confirm
    result = invoke(app, ["new", str(tmp_path / "only"), "--no-git", *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert "Recommended" not in result.output  # the framework was given
    assert answers_of(tmp_path / "only")["project_name"] == "only"


def test_a_wrong_name_is_asked_again_at_once(keys: Any, tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)
    # "my project!" and "class" are refused where they are typed; Ctrl-U clears the line.
    keys.send_text("my project!" + ENTER + "\x15" + "class" + ENTER + "\x15" + "Good Name" + ENTER)
    keys.send_text(ENTER)  # confirm
    result = invoke(app, ["new", "--no-git", *ALL_BUT_THE_NAME])
    assert result.exit_code == 0, result.output
    assert answers_of(tmp_path / "good-name")["package_name"] == "good_name"


def test_ctrl_c_cancels_and_writes_nothing(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER + ENTER + CTRL_C)
    result = invoke(app, ["new", str(tmp_path / "gone")])
    assert result.exit_code == 130
    assert result.output.strip().endswith("Cancelled.")
    assert list(tmp_path.iterdir()) == []


def test_saying_no_at_the_summary_writes_nothing(keys: Any, tmp_path: Path) -> None:
    keys.send_text(ENTER + "n")  # the name, then no
    result = invoke(app, ["new", str(tmp_path / "no"), *ALL_BUT_THE_NAME])
    assert result.exit_code == 1
    assert "error: cancelled: nothing was written." in result.output
    assert list(tmp_path.iterdir()) == []


def test_recommend_asks_only_what_is_missing(keys: Any) -> None:
    keys.send_text(ENTER * 3)  # traffic, team, existing_flask
    result = invoke(app, ["recommend", "--purpose", "prototype", "--async"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Recommended: FastAPI")
    assert "It needs async" in result.output
