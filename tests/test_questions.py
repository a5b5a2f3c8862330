"""copier.yml is the one source of the questions: the CLI flags, the prompts and the README agree
with it."""

import re

import pytest
import typer.main

from stackwise import questions
from stackwise.cli import FLAG_KEYS, app
from tests.support.template import ROOT


def new_command_options() -> dict[str, object]:
    command = typer.main.get_command(app).commands["new"]  # type: ignore[attr-defined]
    return {param.name: param for param in command.params}


def test_every_public_question_has_a_flag_or_is_derived() -> None:
    derived = {"package_name"}  # from the project name; settable with --data
    assert set(FLAG_KEYS.values()) | derived == set(questions.public_keys())


@pytest.mark.parametrize("param", list(FLAG_KEYS))
def test_flag_help_is_the_question_help_with_its_choices(param: str) -> None:
    question = questions.by_key()[FLAG_KEYS[param]]
    expected = question.help
    if question.choices:
        expected += f" [{'|'.join(question.values)}]"
    assert new_command_options()[param].help == expected


def test_bool_questions_have_on_off_flags() -> None:
    options = new_command_options()
    for param, key in FLAG_KEYS.items():
        if questions.by_key()[key].type == "bool":
            assert options[param].secondary_opts, f"--{param} needs a --no- form"


@pytest.mark.parametrize(
    ("name", "package"),
    [("My API", "my_api"), ("shop.front-2", "shop_front_2"), ("A__b", "a_b")],
)
def test_package_name_is_derived_from_the_project_name(name: str, package: str) -> None:
    assert questions.by_key()["package_name"].render_default({"project_name": name}) == package


@pytest.mark.parametrize("email", ["", "ada@example.com", "a.b+c@sub.example.org"])
def test_good_emails(email: str) -> None:
    assert questions.by_key()["author_email"].problem(email, {}) == ""


@pytest.mark.parametrize("email", ["ada", "ada@", "@example.com", "a b@example.com", "a@b"])
def test_bad_emails(email: str) -> None:
    assert "is not an email address" in questions.by_key()["author_email"].problem(email, {})


# U+2028 and U+2029 break lines too: in str.splitlines, Markdown renderers and JSON in JavaScript.
@pytest.mark.parametrize(
    "text",
    ["line\nbreak", "tab\there", "esc\x1b", "del\x7f", "c1\x85", "ls\u2028", "ps\u2029"],
)
@pytest.mark.parametrize("key", ["project_name", "description", "author_name", "author_email"])
def test_control_characters_are_refused(key: str, text: str) -> None:
    assert "control character" in questions.by_key()[key].problem(text, {})


def test_readme_lists_every_question_with_its_choices() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for question in questions.load():
        if question.computed:
            continue
        row = re.search(rf"^\| `{question.key}` \|.*$", readme, re.MULTILINE)
        assert row, f"README.md has no row for {question.key}"
        for value in question.values:
            assert f"`{value}`" in row.group(0), f"{question.key}: {value} missing in README"


def readme_rows() -> dict[str, list[str]]:
    """The README's table of answers and flags: key -> its cells."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        if line.startswith("| `") and len(cells) == 5:
            rows[cells[0].strip("`")] = cells
    return rows


def test_readme_table_has_a_row_per_public_question_and_no_other() -> None:
    assert list(readme_rows()) == list(questions.public_keys())


def test_readme_table_names_each_answers_flag_and_exactly_its_choices() -> None:
    options = new_command_options()
    flags = {key: param for param, key in FLAG_KEYS.items()}
    for key, (_, flag, choices, _, _) in readme_rows().items():
        question = questions.by_key()[key]
        if key in flags:
            option = options[flags[key]]
            expected = "/".join([option.opts[0], *option.secondary_opts[:1]])
        else:
            expected = f"--data {key}=..."
        assert flag == f"`{expected}`", key
        listed = re.findall(r"`([^`]*)`", choices)
        if question.type == "bool":
            assert listed == ["true", "false"], key
        elif question.values:
            assert listed == [str(value) for value in question.values], key
        else:
            assert choices == "text", key


# A lone surrogate: what Python makes of bytes that are not UTF-8 in a command-line argument;
# no text file can hold it.
@pytest.mark.parametrize("key", ["project_name", "description", "author_name", "author_email"])
def test_bytes_that_are_not_utf8_are_refused(key: str) -> None:
    assert "not UTF-8 text" in questions.by_key()[key].problem("A\udcff", {})
