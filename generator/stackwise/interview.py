"""The interview in a terminal.

The needs first, then the recommendation with its reasons, the stack with the recommendation
preselected, the project's details, and a summary to confirm.
"""

from collections.abc import Collection
from functools import partial
from typing import Any

import questionary
import typer

from stackwise import prompts, questions, rules
from stackwise.advice import describe
from stackwise.errors import StackwiseError
from stackwise.questions import Question


class Interview:
    """The `ask` callback of resolve.resolve.

    It shows the recommendation before the framework question.
    """

    def __init__(self, given: Collection[str]) -> None:
        """Start an interview in which the answers in `given` are not asked."""
        self.given = given
        self.asked = 0

    def ask(self, question: Question, default: Any, context: dict[str, Any]) -> Any:
        """Ask one question; before the framework, show the recommendation."""
        if question.key == "framework":
            typer.echo(describe(rules.recommend(rules.Needs.from_answers(context))))
        self.asked += 1
        also = None
        if question.key == "project_name" and "package_name" not in self.given:
            also = partial(_package_name_problem, context)
        return prompts.ask(question, default, context, also)

    def confirm(self, answers: dict[str, Any], dest: str) -> None:
        """Nothing is written until the user has seen every answer and said yes."""
        if not self.asked:
            return
        typer.echo("\n" + summary(answers))
        if not questionary.confirm(f"Create the project in {dest}?", default=True).unsafe_ask():
            raise StackwiseError("cancelled: nothing was written.")


def _package_name_problem(context: dict[str, Any], project_name: str) -> str:
    """A project name is re-asked at once when the package name it implies is refused."""
    package = questions.by_key()["package_name"]
    implied = {**context, "project_name": project_name}
    return package.problem(package.render_default(implied), implied)


def summary(answers: dict[str, Any]) -> str:
    """Every answer on its own line, as shown before the confirmation."""
    width = max(len(key) for key in answers)
    rows = [f"  {key:<{width}}  {_shown(value)}" for key, value in answers.items()]
    return "\n".join(["Your answers:", *rows])


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "(empty)"
