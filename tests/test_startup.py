"""What each command loads: a library a command does not use is never imported, so the commands
start as fast as the libraries they do use allow. Each case runs in a fresh interpreter."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

# Runs the CLI with the given arguments, then prints the top-level packages it imported.
# `ASK` replaces the first question of an interview: the modules loaded then are printed, and
# the command stops there.
PROBE = """
import json, sys
from stackwise import cli

def loaded():
    return sorted({name.partition(".")[0] for name in sys.modules})

if "ASK" in sys.argv:
    sys.argv.remove("ASK")
    from stackwise import prompts

    prompts.stdin_is_terminal = lambda: True

    def first_question(*args, **kwargs):
        print(json.dumps(loaded()))
        raise SystemExit(0)

    prompts.ask = first_question
try:
    cli.main()
except SystemExit:
    pass
print(json.dumps(loaded()))
"""


def loaded_by(tmp_path: Path, *args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        cwd=tmp_path,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return set(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize(
    "args",
    [["recommend", "--json"], ["recommend", "--purpose", "webapp", "--json"], ["compare"]],
)
def test_advice_loads_neither_prompts_nor_copier(tmp_path: Path, args: list[str]) -> None:
    modules = loaded_by(tmp_path, *args)
    assert "stackwise" in modules
    assert not modules & {"questionary", "prompt_toolkit", "copier", "plumbum"}


@pytest.mark.parametrize("args", [["--help"], ["new", "--help"], ["--version"]])
def test_help_loads_none_of_the_commands_libraries(tmp_path: Path, args: list[str]) -> None:
    modules = loaded_by(tmp_path, *args)
    assert not modules & {"questionary", "copier", "yaml", "jinja2"}


def test_the_first_question_waits_for_neither_copier_nor_jinja(tmp_path: Path) -> None:
    """Copier is needed to render, Jinja for the questions whose default or validator is a
    template: the first question (the purpose) needs neither."""
    modules = loaded_by(tmp_path, "new", "demo", "--no-git", "ASK")
    assert "yaml" in modules  # copier.yml was read
    assert not modules & {"copier", "jinja2", "jinja2_ansible_filters", "plumbum"}
    assert list(tmp_path.iterdir()) == []
