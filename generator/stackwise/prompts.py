"""One question asked in the terminal with questionary, from its copier.yml definition.

Choices that the validator refuses with the answers so far are shown as lines that cannot be
picked, with the reason wrapped to the terminal's width under them; a question with one
allowed answer is not asked. Every prompt drops the keys typed ahead of it (a `y` and Enter
meant for a yes/no must not answer the next question too), and Ctrl-D cancels as Ctrl-C does.
questionary is imported when a question is asked: `stackwise recommend --json` and a run
without a terminal never load it.
"""

import os
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import typer

from stackwise.errors import StackwiseError
from stackwise.questions import Question

if TYPE_CHECKING:
    from prompt_toolkit.application import Application
    from questionary import Question as Prompt

# questionary's pointer column: a refused choice's lines are indented past it.
_POINTER = 3
_REASON_INDENT = "    "


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

    if question.type == "bool":
        return _confirm(question, default, context)
    if question.choices:
        return _select(question, default, context)
    return asked(
        questionary.text(
            question.help,
            default=str(default or ""),
            validate=lambda text: question.problem(text, context) or (also and also(text)) or True,
        )
    )


def confirm(message: str, default: bool) -> bool:
    """A yes/no question: `y` or `n` shows the answer, Enter gives it."""
    import questionary

    return bool(asked(questionary.confirm(message, default=default, auto_enter=False)))


def choose(message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
    """One of `choices`, given as (title, value)."""
    import questionary

    listed = [questionary.Choice(title, value) for title, value in choices]
    return str(asked(questionary.select(message, choices=listed, default=default)))


def asked(prompt: "Prompt") -> Any:
    """The prompt's answer, once the keys typed ahead of it are dropped.

    Ctrl-C and Ctrl-D raise KeyboardInterrupt (questionary's `unsafe_ask`).
    """
    _cancel_on_ctrl_d(prompt.application)
    _drop_type_ahead(prompt.application)
    return prompt.unsafe_ask()


def _cancel_on_ctrl_d(application: "Application[Any]") -> None:
    """Ctrl-D (end of input) cancels, at any prompt, as Ctrl-C does.

    questionary binds Ctrl-C only; prompt_toolkit's own Ctrl-D ends a text prompt only while
    it is empty, and with an EOFError. The binding added last wins.
    """
    from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

    bindings = KeyBindings()

    @bindings.add("c-d", eager=True)
    def _cancel(event: Any) -> None:
        event.app.exit(exception=KeyboardInterrupt, style="class:aborting")

    own = application.key_bindings
    application.key_bindings = merge_key_bindings([own, bindings]) if own else bindings


def _drop_type_ahead(application: "Application[Any]") -> None:
    """Drop what was typed before the prompt showed: in the terminal, and in prompt_toolkit.

    prompt_toolkit reads every key waiting in the terminal and hands the keys an application
    left unread to the next one (its "typeahead"): a `y` and Enter typed at a yes/no would
    otherwise answer the next question too. Only a real terminal is flushed: tests feed
    their keys ahead through a pipe.
    """
    try:
        import termios
    except ImportError:  # Windows: no terminal queue to flush
        return
    from prompt_toolkit.input.typeahead import clear_typeahead

    source = application.input
    try:
        terminal = os.isatty(source.fileno())
    except (OSError, ValueError, NotImplementedError):
        return
    if terminal:
        termios.tcflush(source.fileno(), termios.TCIFLUSH)
        clear_typeahead(source)


def _confirm(question: Question, default: Any, context: dict[str, Any]) -> bool:
    allowed = [value for value in (True, False) if not question.problem(value, context)]
    if len(allowed) == 1:  # the other answer is refused: say so instead of asking
        refused = question.problem(not allowed[0], context)
        typer.echo(f"{question.help} {'yes' if allowed[0] else 'no'} ({refused})")
        return allowed[0]
    return confirm(question.help, bool(default))


def _select(question: Question, default: Any, context: dict[str, Any]) -> Any:
    import questionary

    allowed = [choice for choice in question.choices if not question.problem(choice.value, context)]
    if not allowed:
        raise StackwiseError(
            question.problem(default, context) or f"{question.key}: no choice fits."
        )
    if len(allowed) == 1:
        typer.echo(f"{question.help}: {allowed[0].title} (the only choice that fits your answers)")
        return allowed[0].value
    width = shutil.get_terminal_size().columns - _POINTER - 1
    items: list[questionary.Choice | questionary.Separator] = []
    for choice in question.choices:
        refused = question.problem(choice.value, context)
        if not refused:
            items.append(questionary.Choice(choice.title, choice.value))
            continue
        # Lines that cannot be picked, the reason on lines of its own: questionary's disabled
        # choice puts it after the title, on one line that a terminal cuts off.
        lines = textwrap.wrap(f"- {choice.title}", width, subsequent_indent="  ")
        lines += textwrap.wrap(
            refused, width, initial_indent=_REASON_INDENT, subsequent_indent=_REASON_INDENT
        )
        items += [questionary.Separator(line) for line in lines]
    values = [choice.value for choice in allowed]
    return asked(
        questionary.select(
            question.help, choices=items, default=default if default in values else values[0]
        )
    )
