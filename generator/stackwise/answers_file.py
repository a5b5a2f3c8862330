"""A project's .copier-answers.yml.

Its answers, and the template source (`_src_path`, `_commit`) that `copier update` and `stackwise
update` render the project's old and new versions from.
"""

from itertools import takewhile
from pathlib import Path
from typing import Any

import yaml

from stackwise.errors import StackwiseError

# copier.yml's _answers_file (tests/test_update.py proves they agree).
NAME = ".copier-answers.yml"


def read(project: Path, shown: str | None = None) -> dict[str, Any]:
    """The project's answers file as a mapping; `shown` names the project in errors."""
    path = project / NAME
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StackwiseError(
            f"{shown or project} has no {NAME}: it was not made by stackwise new (or "
            "copier), so there is nothing to update from."
        ) from None
    except (OSError, yaml.YAMLError) as error:
        raise StackwiseError(f"cannot read {path}: {type(error).__name__}.") from None
    if not isinstance(content, dict):
        raise StackwiseError(f"{path} must hold KEY: VALUE lines.")
    return {str(key): value for key, value in content.items()}


def point_at(project: Path, src_path: str | None, commit: str) -> None:
    """Record the template source, in the format copier writes.

    That format is its header comment, then `to_nice_yaml`: copier's next rewrite changes only
    these two lines. `src_path=None` drops a source that could not be used later.
    """
    path = project / NAME
    text = path.read_text(encoding="utf-8")
    header = "".join(takewhile(lambda line: line.startswith("#"), text.splitlines(keepends=True)))
    answers = read(project)
    answers["_commit"] = commit
    if src_path is None:
        answers.pop("_src_path", None)
    else:
        answers["_src_path"] = src_path
    body = yaml.safe_dump(answers, indent=4, allow_unicode=True, default_flow_style=False)
    path.write_text(header + body, encoding="utf-8")
