"""Every call into copier (`run_copy`, `run_update`), and what its failures tell the user.

Copier is imported here, inside the calls: it takes a third of a second to import, and nothing
before the rendering needs it (the questions come from copier.yml, read by questions.py).
"""

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from stackwise import vcs
from stackwise.errors import StackwiseError
from stackwise.template_source import Source


def copy(src_path: str, vcs_ref: str | None, data: dict[str, Any], project: Path) -> None:
    """Render the template into `project`, every answer given in `data` (so copier asks nothing).

    The CLI has validated every answer first: a failure here is a template bug, or a disk that
    refused a write.
    """
    from copier import run_copy

    with _quiet(), _failures("the template failed to render"):
        run_copy(
            src_path,
            str(project),
            data=data,
            vcs_ref=vcs_ref,
            defaults=True,
            overwrite=True,
            quiet=True,
            unsafe=False,
        )


def update(project: Path, source: Source, changes: dict[str, Any]) -> None:
    """Update `project` in place to `source`'s template, with `changes` to its answers.

    Copier merges in 3 ways and marks conflicts inline. Getting the template runs git (plumbum
    raises an OSError subclass when it fails): that failure names the source and what to check.
    """
    from copier import run_update

    with _quiet(), _failures("copier cannot update the project"):
        try:
            run_update(
                str(project),
                data=changes,
                vcs_ref=source.vcs_ref,
                defaults=True,
                overwrite=True,
                quiet=True,
                conflict="inline",
                unsafe=False,
            )
        except OSError as error:
            stderr = getattr(error, "stderr", "") or str(error)
            raise StackwiseError(
                f"cannot get the template from {source.src_path} at "
                f"{source.vcs_ref} ({vcs.reason(stderr)}): check the "
                "network, or pass --from PATH, a local git clone of stackwise."
            ) from None


@contextmanager
def _quiet() -> Iterator[None]:
    """Silence copier's warnings: they are about what stackwise has decided.

    For example no tasks to trust, or a dirty template clone: the user sees none of it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@contextmanager
def _failures(what: str) -> Iterator[None]:
    """Copier's errors (its own, a refused answer, a Jinja error, the disk) as one line."""
    from copier.errors import CopierError
    from jinja2 import TemplateError

    try:
        yield
    except (CopierError, ValueError, TemplateError, OSError) as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise StackwiseError(f"{what}: {first_line}") from None
