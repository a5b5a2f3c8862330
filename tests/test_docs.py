"""The documentation: every relative link of the README, docs/ and benchmarks/README.md points at
a file that exists (and a heading that exists, for a link with an anchor), the architecture
document names every module of the generator, and no other, and every example that creates a
project writes it outside the folder it runs in (a checkout of stackwise, for the README's)."""

import re
import shlex
from pathlib import Path

import pytest
import typer.main

from stackwise.cli import app
from tests.support.template import ROOT

DOCUMENTS = sorted(
    [ROOT / "README.md", ROOT / "benchmarks" / "README.md", *(ROOT / "docs").glob("*.md")]
)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
FENCED = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"`[^`\n]*`")


def prose(document: Path) -> str:
    """The document without its code: a link in a code block or span is not a link."""
    return INLINE_CODE.sub("", FENCED.sub("", document.read_text(encoding="utf-8")))


def anchors(document: Path) -> set[str]:
    """The anchors GitHub gives the document's headings: lower case, punctuation dropped, spaces
    as hyphens, and -1, -2... after a repeated one."""
    found: set[str] = set()
    for heading in re.findall(
        r"^#+ (.+)$", FENCED.sub("", document.read_text(encoding="utf-8")), re.MULTILINE
    ):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        candidate, number = slug, 0
        while candidate in found:
            number += 1
            candidate = f"{slug}-{number}"
        found.add(candidate)
    return found


def relative_links(document: Path) -> list[str]:
    return [
        target
        for target in LINK.findall(prose(document))
        if not re.match(r"[a-z][a-z0-9+.-]*:", target)  # https:, mailto:...
    ]


def test_the_documents_are_found() -> None:
    names = {str(document.relative_to(ROOT)) for document in DOCUMENTS}
    assert {"README.md", "benchmarks/README.md", "docs/testing.md"} <= names


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_relative_link_resolves(document: Path) -> None:
    for target in relative_links(document):
        path, _, anchor = target.partition("#")
        linked = (document.parent / path).resolve() if path else document
        assert linked.exists(), f"{target}: no such file"
        assert linked.is_relative_to(ROOT), f"{target}: outside the repository"
        if anchor:
            assert linked.suffix == ".md", f"{target}: an anchor in a file that is not markdown"
            assert anchor in anchors(linked), f"{target}: no such heading"


def test_the_anchors_are_githubs() -> None:
    document = ROOT / "docs" / "deployment.md"
    assert "what-was-verified-and-how" in anchors(document)
    assert "how-the-app-behaves-there" in anchors(document)


def test_the_architecture_names_every_module_of_the_generator() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.partition("## The generator")[2]
    named = set(re.findall(r"`([a-z_]+\.py)`", section))
    modules = {
        path.name
        for path in (ROOT / "generator" / "stackwise").glob("*.py")
        if not path.name.startswith("__")
    }
    assert named == modules


# A command example: a line of a fenced block (only its `$ ` lines, when it has any), or a code
# span with an argument that is not an option (a bare `stackwise new --defaults` in prose names
# the command). Usage syntax with placeholders (DEST, PATH, REF) is not an example.
CREATES = re.compile(r"(?:stackwise new|copier copy)(?=\s|$)")
PLACEHOLDER = re.compile(r"\b[A-Z]{3,}\b")
OUTSIDE = ("~/", "../", "/")


def command_examples(document: Path) -> list[str]:
    text = document.read_text(encoding="utf-8")
    found = []
    for block in FENCED.findall(text):
        lines = block.splitlines()[1:-1]
        prompted = [line[2:] for line in lines if line.startswith("$ ")]
        found += prompted or lines
    for span in INLINE_CODE.findall(FENCED.sub("", text)):
        match = CREATES.search(span)
        if match and any(not word.startswith("-") for word in span[match.end() :].split()):
            found.append(span.strip("`"))
    return [line.partition(" #")[0] for line in found if CREATES.search(line)]


def value_options() -> set[str]:
    """The options of `stackwise new` (and copier's --data) that take a value."""
    command = typer.main.get_command(app).commands["new"]  # type: ignore[attr-defined]
    names = {"--data"}
    for param in command.params:
        if not getattr(param, "is_flag", False) and param.param_type_name == "option":
            names.update(param.opts)
    return names


def destination(arguments: list[str], sources: int) -> str | None:
    """The first positional argument after `sources` others (copier copy's template)."""
    takes_value = value_options()
    positional, skip = [], False
    for argument in arguments:
        if skip:
            skip = False
        elif argument.startswith("-"):
            skip = argument in takes_value
        else:
            positional.append(argument)
    return positional[sources] if len(positional) > sources else None


@pytest.mark.parametrize(
    "document", [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))], ids=lambda d: d.name
)
def test_every_example_writes_the_project_outside_the_folder_it_runs_in(document: Path) -> None:
    for example in command_examples(document):
        if PLACEHOLDER.search(example):
            continue
        for command in example.split("&&"):
            words = shlex.split(command)
            if words[:1] == ["cd"]:
                assert words[1].startswith(OUTSIDE), example
                break  # the command after it runs in another folder
            match = CREATES.search(command)
            if match is None:
                continue
            after = shlex.split(command[match.end() :])
            dest = destination(after, sources=1 if "copier" in match.group(0) else 0)
            assert dest is not None and dest.startswith(OUTSIDE), f"{document.name}: {example}"


def test_the_readme_has_examples_that_create_projects() -> None:
    examples = command_examples(ROOT / "README.md")
    assert any("--spec ." in example for example in examples)
    assert any(example.startswith(".venv") or "/stackwise new" in example for example in examples)
