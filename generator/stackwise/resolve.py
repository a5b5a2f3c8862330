"""Resolve every answer, in copier.yml's order.

Given (flags, --data, a data file), else asked, else the default. Each answer is checked by its
copier.yml validator as soon as it is known.
"""

from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from stackwise import questions
from stackwise.errors import AnswerError, StackwiseError
from stackwise.questions import Question

# Asks one question; gets the default and the answers so far; returns a valid answer.
Ask = Callable[[Question, Any, dict[str, Any]], Any]

# Derived from the project name unless given with --data: not worth a prompt.
NEVER_ASKED = frozenset({"package_name"})


def parse_data(pairs: Iterable[str]) -> dict[str, str]:
    """The answers given as --data KEY=VALUE, by key; values stay strings."""
    data = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise StackwiseError(f"--data takes KEY=VALUE, not {pair!r}.", exit_code=2)
        data[key.strip()] = value
    return data


def read_data_file(path: Path) -> dict[str, Any]:
    """The answers of a --data-file, by key, without copier's own `_` entries."""
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise StackwiseError(f"cannot read --data-file {path}: {error.strerror}.") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise StackwiseError(f"--data-file {path} is not valid YAML{where}.") from None
    if content is None:
        return {}
    if not isinstance(content, dict):
        raise StackwiseError(f"--data-file {path} must hold KEY: VALUE lines.")
    # Copier's own entries (_src_path, _commit) let a project's .copier-answers.yml be reused.
    return {str(key): value for key, value in content.items() if not str(key).startswith("_")}


def check_keys(given: Mapping[str, Any]) -> None:
    """Refuse an answer key that copier.yml does not ask (a usage error)."""
    known = questions.public_keys()
    unknown = sorted(set(given) - set(known))
    if unknown:
        raise StackwiseError(
            f"unknown answer key {unknown[0]!r}: the keys are {', '.join(known)}.", exit_code=2
        )


def resolve(
    given: Mapping[str, Any],
    defaults: Mapping[str, Any],
    ask: Ask | None,
    *,
    kept: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Every answer a project stores: those of the questions that apply to the others.

    `defaults` overrides copier.yml's defaults (the running Python, the git identity); `ask` is
    None when every missing answer takes its default. `kept`: answers from before, each kept
    while the answers before it still accept it, else asked again (the interview, after an
    answer was changed).
    """
    check_keys(given)
    kept = kept or {}
    context: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    for question in questions.load():
        if question.computed:
            context[question.key] = question.render_default(context)
            continue
        applies = question.applies(context)
        if question.key in given:
            answer = checked(question, question.coerce(given[question.key]), context)
        elif question.key in kept and not question.problem(kept[question.key], context):
            answer = kept[question.key]
        else:
            default = defaults.get(question.key)
            if default is None or question.problem(default, context):
                default = question.render_default(context)
            if ask is None or question.key in NEVER_ASKED or not applies:
                answer = checked(question, default, context)
            else:
                answer = checked(question, ask(question, default, context), context)
        context[question.key] = answer
        if applies:  # as copier: an answer to a question it skips is not stored
            answers[question.key] = answer
    return answers


def checked(question: Question, answer: Any, context: dict[str, Any]) -> Any:
    """The answer, or an AnswerError with its validator's message."""
    problem = question.problem(answer, context)
    if problem:
        raise AnswerError(problem, question.key)
    return answer
