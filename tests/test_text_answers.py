"""Hostile text answers: names, descriptions, author names and emails drawn from all of Unicode
(quotes, backslashes, braces, `{{ }}`, `{% %}`, control characters, very long strings). Each gets
a clear one-line validation error from the CLI's checks (copier.yml's validators), or renders a
project whose TOML, YAML and Python parse and keep the text exactly.

Most examples render the template files that carry text in-process (tests/support/rendering.py,
the same output as copier's, proven below); a sample renders whole projects with `stackwise new`
and runs their own tests."""

import ast
import tomllib
import warnings
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from stackwise.cli import app
from stackwise.errors import StackwiseError
from stackwise.resolve import resolve
from tests.support import combinations
from tests.support.projects import check_project
from tests.support.rendering import ANSWERS_FILE, render_files

TEXT_KEYS = ("project_name", "description", "author_name", "author_email")
# The template files that carry them (and the package name derived from the project name).
MENTIONING = (*TEXT_KEYS, "project_slug", "package_name", "_copier_answers")
EXAMPLES = 600
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

TRICKY = [
    '"',
    "'",
    "\\",
    "\\u0041",
    "{",
    "}",
    "{{ 7*7 }}",
    "{% if true %}x{% endif %}",
    "{#",
    "${HOME}",
    '"""',
    "'''",
    "\n",
    "\r\n",
    "\t",
    "\x00",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "#",
    ": ",
    "- ",
    "&a *a",
    "!!python/object",
    "🫖",
    "日本語",
    "\u202e",
    "@",
    "<>",
]
# Control characters, surrogates (which no text file can hold) and the line and paragraph
# separators U+2028 and U+2029 (line breaks to str.splitlines, Markdown and JavaScript): each is
# refused in a one-line answer.
CONTROL = ("Cc", "Cs", "Zl", "Zp")
pieces = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(), max_size=20))
printable_pieces = st.one_of(
    st.sampled_from([piece for piece in TRICKY if piece.isprintable() or piece == "\ufeff"]),
    st.text(st.characters(exclude_categories=CONTROL), max_size=20),
)
# Anything at all, around the length limits too.
hostile = st.one_of(
    st.lists(pieces, max_size=8).map("".join),
    st.text(st.characters(), min_size=180, max_size=400),
)
# Quotes, braces, Jinja, YAML and TOML syntax, any script: no control characters.
printable = st.one_of(
    st.lists(printable_pieces, max_size=8).map("".join),
    st.text(st.characters(exclude_categories=CONTROL), min_size=150, max_size=210),
)


def mostly(usual: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """`usual` four times in five, anything at all the fifth (one_of would weigh them evenly)."""
    return st.integers(0, 4).flatmap(lambda draw: hostile if draw == 0 else usual)


# Mostly text the validators accept, so most examples render.
texts = mostly(printable)
names = mostly(st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,63}", fullmatch=True))
emails = mostly(
    st.one_of(
        st.just(""),
        st.from_regex(r"[a-z0-9.+_-]{1,20}@[a-z0-9-]{1,20}\.[a-z]{2,6}", fullmatch=True),
        st.builds("{}@{}.{}".format, *[st.lists(printable_pieces, max_size=3).map("".join)] * 3),
    )
)
frameworks = st.sampled_from(sorted({c["framework"] for c in combinations.supported()}))


def answers_for(
    name: str, description: str, author: str, email: str, framework: str
) -> dict[str, Any]:
    return {
        "project_name": name,
        "description": description,
        "author_name": author,
        "author_email": email,
        "framework": framework,
    }


def check_refusal(given: dict[str, Any], error: StackwiseError) -> None:
    """A clear error: one line that names the answer at fault."""
    message = str(error)
    assert message and "\n" not in message.strip("\n")
    assert any(message.startswith(key) for key in (*TEXT_KEYS, "package_name")), message


def check_files(answers: dict[str, Any], files: dict[Path, str]) -> None:
    """Every file parses, and the text answers come back exactly."""
    for path, text in files.items():
        if path.suffix == ".py":
            ast.parse(text, str(path))
        elif path.suffix == ".toml":
            tomllib.loads(text)
        elif path.suffix in (".yml", ".yaml"):
            yaml.load(text, Loader=YAML_LOADER)
    pyproject = tomllib.loads(files[Path("pyproject.toml")])["project"]
    assert pyproject["description"] == answers["description"]
    author = {"name": answers["author_name"], "email": answers["author_email"]}
    author = {key: value for key, value in author.items() if value}
    assert pyproject.get("authors", [{}]) == [author] if author else "authors" not in pyproject
    stored = yaml.load(files[Path(ANSWERS_FILE)], Loader=YAML_LOADER)
    assert {key: stored[key] for key in TEXT_KEYS} == {key: answers[key] for key in TEXT_KEYS}
    readme = files[Path("README.md")].splitlines()
    assert readme[0] == f"# {answers['project_name']}"
    assert answers["description"] in readme
    package = Path("src") / answers["package_name"]
    settings_module = ast.parse(files[package / "settings.py"])
    app_names = [
        node.value.value
        for node in ast.walk(settings_module)
        if isinstance(node, ast.AnnAssign)
        and isinstance(node.target, ast.Name)
        and node.target.id == "app_name"
        and isinstance(node.value, ast.Constant)
    ]
    assert app_names == [answers["project_name"]]


def check_text_answers(given: dict[str, Any]) -> bool:
    """True when the answers were accepted and their project checked."""
    try:
        answers = resolve(given, {}, None)
    except StackwiseError as error:
        check_refusal(given, error)
        return False
    check_files(answers, render_files(answers, MENTIONING))
    return True


def test_hostile_text_answers() -> None:
    seen: list[dict[str, Any]] = []
    rendered: list[dict[str, Any]] = []

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(names, texts, texts, emails, frameworks)
    def check(name: str, description: str, author: str, email: str, framework: str) -> None:
        given_answers = answers_for(name, description, author, email, framework)
        seen.append(given_answers)
        if check_text_answers(given_answers):
            rendered.append(given_answers)

    check()
    # Hypothesis runs every example it is asked for: no early stop cuts the count.
    assert len(seen) >= EXAMPLES
    # Both outcomes, each often: hostile text is rendered, not only refused.
    assert len(rendered) >= EXAMPLES // 5, (len(seen), len(rendered))
    assert len(seen) - len(rendered) >= EXAMPLES // 5, (len(seen), len(rendered))
    print(f"hostile text answers: {len(seen)} examples, {len(rendered)} rendered")


@pytest.mark.parametrize(
    "text",
    ['Say "hi" \\ to {{ you }} & {% me %} — 日本語 🚀 \u00a0 \u200b \ufeff', "a" * 300],
)
def test_rendering_in_process_is_copiers_own(text: str, template_dir: Path, tmp_path: Path) -> None:
    from copier import run_copy

    given_answers = answers_for("Hostile Text", text, text[:200], "ada@example.com", "fastapi")
    answers = resolve(given_answers, {}, None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        run_copy(str(template_dir), str(tmp_path), data=answers, defaults=True, quiet=True)
    files = render_files(answers, MENTIONING)
    assert files
    for path, text_rendered in files.items():
        expected = (tmp_path / path).read_text(encoding="utf-8")
        if path == Path(ANSWERS_FILE):  # copier records where the template came from
            expected = expected.replace(str(template_dir), "template")
        assert text_rendered == expected, path


# A printable text (no control characters) that the validators accept, mostly.
accepted = st.text(st.characters(exclude_categories=CONTROL), min_size=1, max_size=60)


@pytest.mark.slow
@settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,30}", fullmatch=True),
    accepted,
    accepted,
    frameworks,
)
def test_a_sample_of_whole_projects_runs_its_tests(
    tmp_path_factory: pytest.TempPathFactory,
    name: str,
    description: str,
    author: str,
    framework: str,
) -> None:
    given_answers = answers_for(name, description, author, "ada@example.com", framework)
    try:
        answers = resolve(given_answers, {}, None)
    except StackwiseError as error:
        check_refusal(given_answers, error)
        return
    dest = tmp_path_factory.mktemp("hostile") / "project"
    data = [f"--data={key}={value}" for key, value in given_answers.items()]
    result = CliRunner().invoke(
        app, ["new", str(dest), "--defaults", "--no-git", "--no-lock", *data]
    )
    assert result.exit_code == 0, result.output
    files = {
        path.relative_to(dest): path.read_text(encoding="utf-8")
        for path in dest.rglob("*")
        if path.is_file() and path.suffix in (".py", ".toml", ".yml", ".yaml", ".md")
    }
    check_files(answers, files)
    check_project(dest)
