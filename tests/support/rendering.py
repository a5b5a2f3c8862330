"""Render single template files in-process, with the Jinja settings copier uses (its sandbox, its
default filter extension, trailing newlines kept) and the context it builds from the answers:
milliseconds instead of a whole `copier copy`. tests/test_text_answers.py proves the output is
byte for byte copier's own."""

import re
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader, Template
from jinja2.sandbox import SandboxedEnvironment

from stackwise import questions
from tests.support.template import ROOT, TEMPLATE

# Text the template's files include (`{% include "template/_shared/..." %}`): not project files.
SHARED = TEMPLATE / "_shared"
ANSWERS_FILE = ".copier-answers.yml"
INCLUDE = re.compile(r'\{%-? *include +"([^"]+)"')


@cache
def environment() -> SandboxedEnvironment:
    return SandboxedEnvironment(
        # As copier's: include paths start at the folder of copier.yml.
        loader=FileSystemLoader(ROOT),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        keep_trailing_newline=True,
    )


@cache
def _compiled(source: str) -> Template:
    return environment().from_string(source)


def context(answers: dict[str, Any], src_path: str = "template") -> dict[str, Any]:
    """copier's render context for resolved public answers: the computed answers added, and
    the answers file's content (`_copier_answers`)."""
    full: dict[str, Any] = {}
    for question in questions.load():
        # A question that does not apply (computed, or skipped by its `when`) takes its default.
        full[question.key] = (
            answers[question.key] if question.key in answers else question.render_default(full)
        )
    remembered = {key: answers[key] for key in questions.public_keys() if key in answers}
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
        rendered = _compiled(part).render(**values).removesuffix(".jinja")
        if not rendered:
            return None
        parts.append(rendered)
    return Path(*parts)


def render_file(template_file: Path, values: dict[str, Any]) -> str:
    source = template_file.read_text(encoding="utf-8")
    if template_file.suffix != ".jinja":
        return source
    return _compiled(source).render(**values)


def _with_included(source: str) -> str:
    """The text of a template file followed by the text of every file it includes."""
    included = [
        _with_included((ROOT / name).read_text("utf-8")) for name in INCLUDE.findall(source)
    ]
    return "".join([source, *included])


@cache
def _template_files() -> tuple[tuple[Path, str, str], ...]:
    """Each template file of the project: its path, its text, and its text with what it
    includes (to find the files that mention an answer)."""
    files = []
    for path in sorted(TEMPLATE.rglob("*.jinja")):
        if not path.is_relative_to(SHARED):
            source = path.read_text(encoding="utf-8")
            files.append((path, source, _with_included(source)))
    return tuple(files)


def render_files(answers: dict[str, Any], mentioning: tuple[str, ...]) -> dict[Path, str]:
    """The project's files whose template text mentions one of `mentioning`, rendered: their
    path in the project -> their text."""
    values = context(answers)
    rendered = {}
    for template_file, source, whole in _template_files():
        if any(name in whole for name in mentioning):
            path = target(template_file, values)
            if path is not None:
                rendered[path] = _compiled(source).render(**values)
    return rendered
