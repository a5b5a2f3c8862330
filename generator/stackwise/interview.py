"""The interview in a terminal.

The needs first, then the recommendation with its reasons, the stack with the recommendation
preselected, the project's details, and a summary to confirm. Saying no there offers to change
any one answer (the answers that depend on it are checked again) or to cancel.
"""

from collections.abc import Mapping
from functools import partial
from pathlib import Path
from typing import Any

import typer

from stackwise import prompts, questions, resolve, rules
from stackwise.advice import describe
from stackwise.errors import StackwiseError
from stackwise.new_project import folder_name
from stackwise.questions import Question
from stackwise.render import check_destination

CANCEL = ""  # the value of the summary menu's "cancel" (no answer key is empty)


class Interview:
    """The `ask` callback of resolve.resolve.

    It shows the recommendation before the framework question, and checks a typed project name
    against the folder it would be written to.
    """

    def __init__(self, given: Mapping[str, Any], dest: Path | None, force: bool) -> None:
        """Start an interview in which the answers in `given` are not asked.

        Without `dest`, the project goes into a folder named after it, in this folder.
        """
        self.given = given
        self.dest = dest
        self.force = force
        self.asked = 0
        self.previous: dict[str, Any] = {}  # the answers before a change
        self.changing = ""  # the key of the answer being changed

    def ask(self, question: Question, default: Any, context: dict[str, Any]) -> Any:
        """Ask one question; before the framework, show the recommendation."""
        if question.key in self.previous and question.key != self.changing:
            # Asked again: the answer given before no longer fits the changed one.
            typer.echo(question.problem(self.previous[question.key], context))
        if question.key == "framework":
            typer.echo(describe(rules.recommend(rules.Needs.from_answers(context))))
        self.asked += 1
        also = None
        if question.key == "project_name":
            also = partial(self._name_problem, context)
        return prompts.ask(question, default, context, also)

    def _name_problem(self, context: dict[str, Any], project_name: str) -> str:
        """A project name is asked again at once when what it implies is refused.

        That is the package name derived from it (unless given), and the folder named after it
        (unless a destination was given).
        """
        implied = {**context, "project_name": project_name}
        if "package_name" not in self.given:
            package = questions.by_key()["package_name"]
            problem = package.problem(package.render_default(implied), implied)
            if problem:
                return problem
        if self.dest is None:
            try:
                check_destination(
                    Path(folder_name(implied)), self.force, fix="choose another project name"
                )
            except StackwiseError as error:
                return str(error)
        return ""

    def confirm(self, answers: dict[str, Any], dest: str) -> str | None:
        """Nothing is written until the user has seen every answer and said yes.

        Returns None to go on, or the key of an answer to change; raises when cancelled.
        """
        if not self.asked:
            return None
        typer.echo("\n" + summary(answers))
        if prompts.confirm(f"Create the project in {dest}?", default=True):
            return None
        menu = [
            (f"{key}: {_shown(value)}", key)
            for key, value in answers.items()
            if key not in resolve.NEVER_ASKED
        ]
        menu.append(("cancel: write nothing", CANCEL))
        key = prompts.choose("Change an answer, or cancel?", menu, default=CANCEL)
        if key == CANCEL:
            raise StackwiseError("cancelled: nothing was written.")
        return key

    def change(self, key: str, answers: dict[str, Any], defaults: Mapping[str, Any]) -> Any:
        """Ask `key` again, then keep every other answer that still fits, asking the others.

        The resolution is resolve.resolve's, over the answers so far: an answer refused with the
        new one is asked again with its default recomputed. A package name derived from the
        project name is derived again.
        """
        self.previous, self.changing = answers, key
        kept = {
            name: value
            for name, value in answers.items()
            if name != key and (name not in resolve.NEVER_ASKED or name in self.given)
        }
        try:
            return resolve.resolve({}, {**defaults, key: answers[key]}, self.ask, kept=kept)
        finally:
            self.previous, self.changing = {}, ""


def summary(answers: dict[str, Any]) -> str:
    """Every answer on its own line, as shown before the confirmation."""
    width = max(len(key) for key in answers)
    rows = [f"  {key:<{width}}  {_shown(value)}" for key, value in answers.items()]
    return "\n".join(["Your answers:", *rows])


def _shown(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value) if value != "" else "(empty)"
