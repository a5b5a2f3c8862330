"""The combinations the quality gate checks, derived from copier.yml; and every combination the
validators refuse, refused by copier and by the CLI before anything is written."""

import itertools
import warnings
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from stackwise import questions
from stackwise.cli import app, in_flags
from tests.support import combinations
from tests.support.combinations import DIMENSIONS, Combination

# Every conflict between two answers, with the fix the message names, in the order copier.yml
# asks (a combination is refused for the first conflict it holds). Hand-written on purpose:
# tests below prove the validators refuse exactly these.
CONFLICTS: list[tuple[dict[str, Any], str]] = [
    *[
        (
            {"framework": framework, "legacy_mount": "prefix"},
            f"legacy_mount=prefix does not fit framework={framework}: only the hybrid mounts a "
            "Flask app, so leave legacy_mount out or choose framework=hybrid.",
        )
        for framework in ("fastapi", "flask")
    ],
    *[
        (
            {"framework": framework, "validation": validation},
            f"validation={validation} does not fit framework={framework}: "
            f"{'FastAPI' if framework == 'fastapi' else 'the FastAPI app of hybrid'} always "
            "validates with Pydantic, so choose validation=pydantic.",
        )
        for framework in ("fastapi", "hybrid")
        for validation in ("marshmallow", "none")
    ],
    *[
        (
            {"framework": "flask", "validation": "none", "docs": docs},
            f"docs={docs} needs a validation library with Flask (API docs are generated from its "
            "schemas): choose validation=pydantic or marshmallow, or docs=none.",
        )
        for docs in ("swagger", "redoc", "both")
    ],
    (
        {"pages": False, "auth": "session"},
        "auth=session does not fit pages=no: session signs people in on its /login page: "
        "choose pages=yes, or auth=jwt.",
    ),
    (
        {"deploy": "kubernetes", "database": "sqlite"},
        "database=sqlite does not fit deploy=kubernetes: each replica would have its own SQLite "
        "file, so choose database=postgresql (or deploy=docker).",
    ),
    (
        {"auth": "apikey", "database": "none"},
        "database=none does not fit auth=apikey: apikey keeps its API keys in the database, so "
        "choose database=sqlite or postgresql (or auth=none).",
    ),
    (
        {"auth": "jwt", "database": "none"},
        "database=none does not fit auth=jwt: jwt keeps its user accounts in the database, so "
        "choose database=sqlite or postgresql (or auth=none).",
    ),
    (
        {"auth": "session", "database": "none"},
        "database=none does not fit auth=session: session keeps its user accounts in the "
        "database, so choose database=sqlite or postgresql (or auth=none).",
    ),
]


def holds(combination: Combination, conflict: dict[str, Any]) -> bool:
    return all(combination[key] == value for key, value in conflict.items())


def first_conflict(combination: Combination) -> str | None:
    return next((message for c, message in CONFLICTS if holds(combination, c)), None)


# --- The sets -----------------------------------------------------------------------------------


def test_the_dimensions_take_every_value_copier_yml_offers() -> None:
    for key in DIMENSIONS:
        question = questions.by_key()[key]
        expected = (False, True) if question.type == "bool" else question.values
        assert combinations.values(key) == expected
        assert {c[key] for c in combinations.supported()} <= set(expected)


def test_supported_and_refused_split_the_whole_product() -> None:
    supported = combinations.supported()
    refused = [combination for combination, _ in combinations.refused()]
    product = list(combinations.product())
    assert len(supported) + len(refused) == len(product)
    assert sorted(map(repr, supported + refused)) == sorted(map(repr, product))
    assert supported, "no supported combination at all"


def test_the_all_pairs_subset_covers_every_allowed_pair() -> None:
    subset = combinations.gate()
    everything = combinations.supported()
    assert all(combination in everything for combination in subset)
    assert combinations.held(subset) == combinations.held(everything)
    # Every value of every dimension that some supported combination takes, too.
    for key in DIMENSIONS:
        assert {c[key] for c in subset} == {c[key] for c in everything}
    assert len(subset) < len(everything)


def test_the_all_pairs_subset_is_deterministic() -> None:
    assert combinations.all_pairs(combinations.supported()) == combinations.gate()


def test_a_framework_filter_keeps_only_its_combinations() -> None:
    for framework in combinations.values("framework"):
        chosen = combinations.gate(framework=framework)
        assert chosen == [c for c in combinations.gate() if c["framework"] == framework]
        assert len(combinations.gate(True, framework=framework)) == len(
            combinations.supported(framework=framework)
        )


def test_all_pairs_covering_covers_pairs_it_is_given() -> None:
    given = [
        dict(zip(DIMENSIONS, values, strict=True))
        for values in itertools.islice(combinations.product(), 0, None, 7)
    ]
    chosen = combinations.all_pairs(given)
    assert combinations.held(chosen) == combinations.held(given)


def test_a_covering_of_triples_holds_every_triple_it_is_given() -> None:
    given = combinations.supported(framework="fastapi")
    keys = DIMENSIONS[:6]
    chosen = combinations.covering(given, 3, keys)
    assert combinations.held(chosen, 3, keys) == combinations.held(given, 3, keys)
    assert len(chosen) < len(given)
    # A pair covering misses some triple: the strength is what decides.
    pair_covering = combinations.covering(given, 2, keys)
    assert combinations.held(pair_covering, 3, keys) != combinations.held(given, 3, keys)


# --- The refused combinations -------------------------------------------------------------------


def test_the_validators_refuse_exactly_the_listed_conflicts() -> None:
    for combination, message in combinations.refused():
        assert first_conflict(combination) == message, combination
    for combination in combinations.supported():
        assert first_conflict(combination) is None, combination


def example(conflict: dict[str, Any]) -> Combination:
    """The first refused combination that holds the conflict."""
    found = [c for c, _ in combinations.refused() if holds(c, conflict)]
    assert found, f"no combination holding {conflict} is refused any more: drop it from CONFLICTS"
    return found[0]


def conflict_id(conflict: dict[str, Any]) -> str:
    return "-".join(f"{key}={value}" for key, value in conflict.items())


@pytest.mark.parametrize(
    "conflict", [c for c, _ in CONFLICTS], ids=[conflict_id(c) for c, _ in CONFLICTS]
)
def test_copier_refuses_the_conflict(
    conflict: dict[str, Any], template_dir: Path, tmp_path: Path
) -> None:
    from copier import run_copy

    combination = example(conflict)
    dest = tmp_path / "project"
    with pytest.raises(ValueError, match="Validation error") as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(
            str(template_dir),
            str(dest),
            data={**combinations.BASE, **combination},
            defaults=True,
            quiet=True,
        )
    assert first_conflict(combination) in str(raised.value)
    assert not dest.exists()


@pytest.mark.parametrize(
    "conflict", [c for c, _ in CONFLICTS], ids=[conflict_id(c) for c, _ in CONFLICTS]
)
def test_the_cli_refuses_the_conflict_before_writing(
    conflict: dict[str, Any], tmp_path: Path
) -> None:
    combination = example(conflict)
    dest = tmp_path / "project"
    data = [f"--data={key}={str(value).lower()}" for key, value in combination.items()]
    result = CliRunner().invoke(
        app, ["new", str(dest), "--defaults", "--no-git", "--no-lock", *data]
    )
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"error: {in_flags(first_conflict(combination), 'new')}\n"
    assert not dest.exists()
    assert list(tmp_path.iterdir()) == []
