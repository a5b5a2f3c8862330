"""Render single template files in-process, with the Jinja settings copier uses (its sandbox, its
default filter extension, trailing newlines kept) and the context it builds from the answers:
milliseconds instead of a whole `copier copy`. tests/test_text_answers.py proves the output is
byte for byte copier's own."""

from functools import cache
from pathlib import Path
from typing import Any

from jinja2.sandbox import SandboxedEnvironment

from stackwise import questions
from tests.conftest import ROOT

TEMPLATE = ROOT / "template"
ANSWERS_FILE = ".copier-answers.yml"


@cache
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )


def context(answers: dict[str, Any], src_path: str = "template") -> dict[str, Any]:
    """copier's render context for resolved public answers: the computed answers added, and
    the answers file's content (`_copier_answers`)."""
    full: dict[str, Any] = {}
    for question in questions.load():
        full[question.key] = (
            question.render_default(full) if question.computed else answers[question.key]
        )
    remembered = {key: answers[key] for key in questions.public_keys()}
    return {
        **full,
        "_copier_answers": {"_src_path": src_path, **remembered},
        "_copier_conf": {"answers_file": ANSWERS_FILE},
    }


def target(template_file: Path, values: dict[str, Any]) -> Path | None:
    """The path a template file renders to, relative to the project; None when a part of its
    path renders empty (the file is not part of this project)."""
    parts = []
    for part in template_file.relative_to(TEMPLATE).parts:
        rendered = environment().from_string(part).render(**values)
        if not rendered:
            return None
        parts.append(rendered)
    path = Path(*parts)
    return path.with_suffix("") if path.suffix == ".jinja" else path


def render_file(template_file: Path, values: dict[str, Any]) -> str:
    source = template_file.read_text(encoding="utf-8")
    if template_file.suffix != ".jinja":
        return source
    return environment().from_string(source).render(**values)


def render_files(answers: dict[str, Any], mentioning: tuple[str, ...]) -> dict[Path, str]:
    """The project's files whose template mentions one of `mentioning`, rendered: path -> text."""
    values = context(answers)
    rendered = {}
    for template_file in sorted(TEMPLATE.rglob("*.jinja")):
        source = template_file.read_text(encoding="utf-8")
        if not any(name in source or name in str(template_file) for name in mentioning):
            continue
        path = target(template_file, values)
        if path is not None:
            rendered[path] = render_file(template_file, values)
    return rendered
