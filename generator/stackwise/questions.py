"""The template's questions, read from copier.yml.

The one source of every answer's type, choices, help text, default and validator. Defaults and
validators are rendered the way copier renders them, so the CLI refuses exactly what `copier copy`
refuses, before anything is written.
"""

from contextlib import suppress
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from stackwise.errors import AnswerError
from stackwise.template_source import copier_yml

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Template
    from jinja2.bccache import Bucket
    from jinja2.sandbox import SandboxedEnvironment

# libyaml's parser when PyYAML has it: copier.yml parses in 1 ms instead of 20.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}


@dataclass(frozen=True)
class Choice:
    """One choice of a question: the value stored, and the title shown."""

    value: str
    title: str  # "api: a web API that other programs call"

    @property
    def hint(self) -> str:
        """The title's explanation, after the value."""
        return self.title.partition(": ")[2]


@dataclass(frozen=True)
class Question:
    """One question of copier.yml, with what copier needs to ask and check it."""

    key: str
    type: str
    help: str
    choices: tuple[Choice, ...]
    default: Any
    validator: str
    computed: bool  # `when: false`: derived from other answers, never asked nor stored
    when: str = ""  # copier's `when` as Jinja: asked (and stored) only where it renders true

    @property
    def values(self) -> tuple[str, ...]:
        """The values the choices store, in copier.yml's order."""
        return tuple(choice.value for choice in self.choices)

    def coerce(self, raw: Any) -> Any:
        """An answer from a flag, --data or a data file, as the type copier.yml declares."""
        if self.type == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise AnswerError(f"{self.key} takes yes or no, not {raw!r}.", self.key)
        if isinstance(raw, (dict, list)) or raw is None:
            raise AnswerError(f"{self.key} takes a single value, not {raw!r}.", self.key)
        return str(raw) if not isinstance(raw, bool) else str(raw).lower()

    def render_default(self, context: dict[str, Any]) -> Any:
        """The default for the answers so far, rendered as copier renders it."""
        default = self.default
        if isinstance(default, str):
            if _is_template(default):
                default = _template(default).render(**context)
            if self.type == "yaml":
                return _fresh(_parse_yaml(default))
        return self.coerce(default) if default is not None else ""

    def applies(self, context: dict[str, Any]) -> bool:
        """Whether copier asks this question, and stores its answer, after the answers so far.

        Where it does not, the answer keeps its default, as copier gives it to the template.
        """
        if self.computed:
            return False
        if not self.when:
            return True
        return _template(self.when).render(**context).strip().lower() in _TRUE

    def problem(self, answer: Any, context: dict[str, Any]) -> str:
        """The validator's message for this answer, or "" when it is accepted."""
        if self.choices and answer not in self.values:
            return f"{self.key}={answer} is not a choice: choose one of {', '.join(self.values)}."
        if not self.validator:
            return ""
        rendered = _template(self.validator).render(**{**context, self.key: answer})
        return rendered.strip()


@cache
def _parse_yaml(text: str) -> Any:
    # A long list (reserved_package_names) takes milliseconds to build, on every resolve.
    return yaml.load(text, Loader=_LOADER)


def _fresh(value: Any) -> Any:
    """A copy of parsed YAML that shares nothing mutable with the cached parse.

    Its strings, numbers and dates are immutable: only its lists and dicts are copied
    (copy.deepcopy took about a quarter of resolving a supported combination).
    """
    if isinstance(value, dict):
        return {key: _fresh(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_fresh(item) for item in value]
    return value


def _is_template(text: str) -> bool:
    r"""Whether Jinja could change the text.

    It holds a tag, a carriage return (Jinja writes line ends as \\n) or a final newline (which
    Jinja drops). A plain default, as the first questions have, needs no Jinja at all.
    """
    return "{" in text or "\r" in text or text.endswith("\n")


@cache
def _jinja() -> "SandboxedEnvironment":
    from jinja2 import FunctionLoader
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        # The extension copier loads by default: regex_search, regex_replace, to_json, ...
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        # A template is named by its own source, so that Jinja's bytecode cache can serve it.
        loader=FunctionLoader(lambda source: (source, None, lambda: True)),
        bytecode_cache=_bytecode_cache(),
    )


def _bytecode_cache() -> "BytecodeCache | None":
    """Jinja's cache of compiled templates, in its own per-user folder of the temp directory.

    Compiling copier.yml's defaults and validators takes about 30 ms, more than reading them back
    compiled; a template whose source changed gets a new key. The cache never fails a command:
    without a usable folder, or when a write fails, templates are compiled as they come.
    """
    from jinja2 import FileSystemBytecodeCache

    class Cache(FileSystemBytecodeCache):
        def dump_bytecode(self, bucket: "Bucket") -> None:
            with suppress(OSError):
                super().dump_bytecode(bucket)

    try:
        return Cache(pattern="__stackwise_%s.cache")
    except (OSError, RuntimeError):  # Jinja refuses a folder another user owns
        return None


@cache
def _template(source: str) -> "Template":
    return _jinja().get_template(source)


def _choices(raw: Any) -> tuple[Choice, ...]:
    if not raw:
        return ()
    if isinstance(raw, dict):
        return tuple(Choice(str(value), str(title)) for title, value in raw.items())
    return tuple(Choice(str(value), str(value)) for value in raw)


@cache
def load() -> tuple[Question, ...]:
    """The questions in copier.yml's order, which is also the interview's order."""
    config = yaml.load(copier_yml().read_text(encoding="utf-8"), Loader=_LOADER)
    return tuple(
        Question(
            key=key,
            type=spec.get("type", "str"),
            help=spec.get("help", key),
            choices=_choices(spec.get("choices")),
            default=spec.get("default"),
            validator=spec.get("validator", ""),
            computed=spec.get("when") is False,
            when=spec["when"] if isinstance(spec.get("when"), str) else "",
        )
        for key, spec in config.items()
        if not key.startswith("_")
    )


def by_key() -> dict[str, Question]:
    """The questions by answer key."""
    return {question.key: question for question in load()}


def public_keys() -> tuple[str, ...]:
    """The answer keys a project's .copier-answers.yml holds."""
    return tuple(question.key for question in load() if not question.computed)
