"""Every supported combination of the answers that shape a project, derived from copier.yml:
the product of each dimension's choices, kept when the answers pass copier.yml's validators the
way the CLI checks them (stackwise.resolve.resolve). Nothing here lists values by hand: a new
choice, a new dimension key or a validator that starts accepting `hybrid` changes the sets.

The all-pairs subset is deterministic (every pair of values of two dimensions that some supported
combination holds, held by at least one member), built by greedy covering; `covering()` does the
same for every triple (or any number) of dimensions."""

import itertools
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from stackwise import questions
from stackwise.errors import StackwiseError
from stackwise.resolve import resolve

# The answers that shape a generated project: the one list of dimension keys.
DIMENSIONS = (
    "framework",
    "legacy_mount",
    "validation",
    "docs",
    "error_format",
    "needs_async",
    "pages",
    "team_size",
    "deploy",
    "auth",
    "database",
)
# Not a dimension, but required: every combination is rendered under this name.
BASE = {"project_name": "demo-app"}

Combination = dict[str, Any]
# The values some dimensions take together: ((key, value), (key, value), ...).
Interaction = tuple[tuple[str, Any], ...]


def values(key: str) -> tuple[Any, ...]:
    question = questions.by_key()[key]
    if question.type == "bool":
        return (False, True)
    assert question.values, f"{key} is a dimension but has no choices in copier.yml"
    return question.values


def product() -> Iterator[Combination]:
    for chosen in itertools.product(*(values(key) for key in DIMENSIONS)):
        yield dict(zip(DIMENSIONS, chosen, strict=True))


@cache
def _classified() -> tuple[
    tuple[tuple[Combination, dict[str, Any]], ...], tuple[tuple[Combination, str], ...]
]:
    """Every combination, supported (with its answers as the CLI resolves them: each
    resolution costs about a millisecond, 93,312 of them) or refused (with the message)."""
    supported, refused = [], []
    for combination in product():
        try:
            supported.append((combination, resolve({**BASE, **combination}, {}, None)))
        except StackwiseError as error:
            refused.append((combination, str(error)))
    return tuple(supported), tuple(refused)


def supported(**fixed: Any) -> list[Combination]:
    """Every supported combination, optionally those with some answers fixed."""
    return [
        dict(combination)
        for combination, _ in _classified()[0]
        if all(combination[key] == value for key, value in fixed.items())
    ]


def supported_answers() -> list[dict[str, Any]]:
    """Every supported combination's whole answers, as the CLI resolves them."""
    return [dict(answers) for _, answers in _classified()[0]]


def refused() -> list[tuple[Combination, str]]:
    """Every combination the validators refuse, with the message the CLI prints."""
    return [(dict(combination), message) for combination, message in _classified()[1]]


def interactions(
    combination: Combination, strength: int = 2, dimensions: tuple[str, ...] = DIMENSIONS
) -> set[Interaction]:
    """The values the combination gives every `strength` dimensions together (pairs for 2)."""
    return {
        tuple((key, combination[key]) for key in keys)
        for keys in itertools.combinations(dimensions, strength)
    }


def held(
    combinations: Iterable[Combination], strength: int = 2, dimensions: tuple[str, ...] = DIMENSIONS
) -> set[Interaction]:
    """Every interaction of `strength` dimensions that some of the combinations hold."""
    return set().union(*(interactions(c, strength, dimensions) for c in combinations))


def covering(
    combinations: list[Combination], strength: int = 2, dimensions: tuple[str, ...] = DIMENSIONS
) -> list[Combination]:
    """A small subset holding every interaction of `strength` dimensions that the given
    combinations hold: greedily, the combination that covers most interactions not yet covered
    (the first such, in the given order)."""
    each = [interactions(combination, strength, dimensions) for combination in combinations]
    uncovered = set().union(*each)
    chosen: list[Combination] = []
    while uncovered:
        best = max(range(len(combinations)), key=lambda index: len(each[index] & uncovered))
        chosen.append(combinations[best])
        uncovered -= each[best]
    return chosen


def all_pairs(combinations: list[Combination]) -> list[Combination]:
    """A small subset holding every pair the given combinations hold."""
    return covering(combinations)


@cache
def _all_pairs() -> tuple[Combination, ...]:
    return tuple(all_pairs(supported()))


def gate(everything: bool = False, **fixed: Any) -> list[Combination]:
    """The combinations the quality gate checks: all-pairs, or every one."""
    chosen = supported() if everything else [dict(c) for c in _all_pairs()]
    return [c for c in chosen if all(c[key] == value for key, value in fixed.items())]


# Test arguments that take the quality gate's combinations (tests/conftest.py parametrizes them):
# all-pairs, or every supported one with --all-combinations; some only those of one framework.
GATE_ARGUMENTS: dict[str, dict[str, Any]] = {
    "combination": {},
    "fastapi_combination": {"framework": "fastapi"},
    "flask_combination": {"framework": "flask"},
    "hybrid_combination": {"framework": "hybrid"},
}


def combination_id(combination: Combination) -> str:
    """A test id: each value, named with its key when another dimension has the same value."""
    counts: dict[Any, int] = {}
    for key in DIMENSIONS:
        for value in values(key):
            counts[value] = counts.get(value, 0) + 1
    parts = []
    for key in DIMENSIONS:
        value = combination[key]
        if isinstance(value, bool):
            name = key.removeprefix("needs_")
            parts.append(name if value else f"no{name}")
        else:
            parts.append(f"{key}_{value}" if counts[value] > 1 else str(value))
    return "-".join(parts)
