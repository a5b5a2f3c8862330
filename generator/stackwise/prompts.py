"""One question asked in the terminal with questionary, from its copier.yml definition.

Choices that the validator refuses with the answers so far are shown disabled, with the reason.
questionary is imported when a question is asked: `stackwise recommend --json` and a run
without a terminal never load it.
"""

import sys
from collections.abc import Callable
from typing import Any

from stackwise.errors import StackwiseError
from stackwise.questions import Question


def stdin_is_terminal() -> bool:
    """Whether questions can be asked; a function of its own so tests can patch it."""
    return sys.stdin.isatty()


def ask(
    question: Question,
    default: Any,
    context: dict[str, Any],
    also: Callable[[str], str] | None = None,
) -> Any:
    """`also` checks a typed answer further (what it implies for a derived answer)."""
    if not stdin_is_terminal():
        raise StackwiseError(
            f"{question.key} is not answered and there is no terminal to ask in: "
            "pass it as a flag, or --defaults (-y) to take the default of every missing answer.",
            exit_code=2,
        )
    import questionary

    # unsafe_ask: Ctrl-C raises KeyboardInterrupt instead of answering None.
    if question.type == "bool":
        return _confirm(question, default, context)
    if question.choices:
        return _select(question, default, context)
    return questionary.text(
        question.help,
        default=str(default or ""),
        validate=lambda text: question.problem(text, context) or (also and also(text)) or True,
    ).unsafe_ask()


def _confirm(question: Question, default: Any, context: dict[str, Any]) -> bool:
    import questionary

    allowed = [value for value in (True, False) if not question.problem(value, context)]
    if len(allowed) == 1:  # the other answer is refused: say so instead of asking
        refused = question.problem(not allowed[0], context)
        questionary.print(f"{question.help} {'yes' if allowed[0] else 'no'} ({refused})")
        return allowed[0]
    return bool(questionary.confirm(question.help, default=bool(default)).unsafe_ask())


def _select(question: Question, default: Any, context: dict[str, Any]) -> Any:
    import questionary

    choices = []
    for choice in question.choices:
        refused = question.problem(choice.value, context)
        choices.append(questionary.Choice(choice.title, choice.value, disabled=refused or None))
    enabled = [choice.value for choice in choices if not choice.disabled]
    if not enabled:
        raise StackwiseError(
            question.problem(default, context) or f"{question.key}: no choice fits."
        )
    return questionary.select(
        question.help,
        choices=choices,
        default=default if default in enabled else enabled[0],
    ).unsafe_ask()
